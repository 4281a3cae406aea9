"""The served WSDL styles: see refservers/gn6/styles.py."""
from refservers.gn6.styles import STYLES, Style  # noqa: F401
