"""`python -m soa.server`: see refservers/gn6/__main__.py."""
import sys

from refservers.gn6.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
