"""The reference server's harness: see refservers/gn6/control.py."""
from refservers.gn6.control import ReferenceServer, ReferenceServerError  # noqa: F401
