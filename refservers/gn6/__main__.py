"""Command line: ``python -m refservers.gn6 [--host H] [--port P] [--fixture F]
[--db FILE] [--port-file FILE] [--wsdl-style STYLE]``.

Prints ``reference server listening on http://HOST:PORT`` once it accepts
connections (and writes the port to --port-file, atomically, for callers
that prefer polling a file to reading a pipe). SIGTERM and SIGINT stop it
cleanly. The fixture is loaded only into a database that has never been
initialised, so a restart on the same --db keeps the world as it was.
"""

import sys
from pathlib import Path

from refservers.common import cli
from refservers.common.cli import write_port_file  # noqa: F401

from .faults import FaultSwitch
from .httpd import ReferenceHTTPServer
from .store import Store
from .styles import STYLES

DEFAULT_FIXTURE = Path(__file__).resolve().parent / "fixture_demo.yaml"


def parse_args(argv):
    ap = cli.parser("python -m refservers.gn6",
                    "GN6 / Personesv6 reference SOAP server (loopback test double)", DEFAULT_FIXTURE)
    ap.add_argument("--wsdl-style", default="bundled", choices=STYLES,
                    help="how results are wrapped, in the WSDLs served and the answers "
                         "(refservers/gn6/styles.py; default: bundled, as in soa/wsdl/)")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    db = cli.database(args.db, "gn6-reference-", "gn6.sqlite3")
    fixture = cli.read_fixture(args.fixture)
    store = Store(db)
    store.initialise(fixture)
    switch = FaultSwitch()
    server = ReferenceHTTPServer((args.host, args.port), store, switch, args.wsdl_style)
    return cli.serve(server, store, switch, db, "reference server", args.port_file)


if __name__ == "__main__":
    sys.exit(main())
