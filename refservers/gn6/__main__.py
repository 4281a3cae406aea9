"""Command line: ``python -m refservers.gn6 [--host H] [--port P] [--fixture F]
[--db FILE] [--port-file FILE] [--wsdl-style STYLE]``.

Prints ``reference server listening on http://HOST:PORT`` once it accepts
connections (and writes the port to --port-file, atomically, for callers
that prefer polling a file to reading a pipe). SIGTERM and SIGINT stop it
cleanly. The fixture is loaded only into a database that has never been
initialised, so a restart on the same --db keeps the world as it was.
"""

import argparse
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

import yaml

from .faults import FaultSwitch
from .httpd import ReferenceHTTPServer
from .store import Store
from .styles import STYLES

DEFAULT_FIXTURE = Path(__file__).resolve().parent / "fixture_demo.yaml"


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="python -m refservers.gn6",
                                 description="GN6 / Personesv6 reference SOAP server (loopback test double)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--fixture", default=str(DEFAULT_FIXTURE),
                    help="YAML/JSON fixture loaded into an empty database (default: fixture_demo.yaml)")
    ap.add_argument("--db", default=None, help="SQLite file (default: a new file in a temporary directory)")
    ap.add_argument("--port-file", default=None, help="write the port number here once listening")
    ap.add_argument("--wsdl-style", default="bundled", choices=STYLES,
                    help="how results are wrapped, in the WSDLs served and the answers "
                         "(refservers/gn6/styles.py; default: bundled, as in soa/wsdl/)")
    return ap.parse_args(argv)


def write_port_file(path, port):
    """Write-then-rename, so a poller never reads a half-written number."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp%d" % os.getpid())
    tmp.write_text("%d\n" % port)
    os.replace(tmp, path)


def main(argv=None):
    args = parse_args(argv)
    db = args.db or os.path.join(tempfile.mkdtemp(prefix="gn6-reference-"), "gn6.sqlite3")
    with open(args.fixture, encoding="utf-8") as f:
        fixture = yaml.safe_load(f) or {}
    store = Store(db)
    store.initialise(fixture)
    switch = FaultSwitch()
    server = ReferenceHTTPServer((args.host, args.port), store, switch, args.wsdl_style)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="serve", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    print("reference server listening on http://%s:%d" % (host, port), flush=True)
    print("database: %s" % db, file=sys.stderr, flush=True)
    if args.port_file:
        write_port_file(args.port_file, port)

    while not stop.wait(0.1):
        pass
    # serve_forever must be stopped from another thread than its own.
    server.shutdown()
    switch.release_all()
    server.server_close()
    store.close()
    print("reference server stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
