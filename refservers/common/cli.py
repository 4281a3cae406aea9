"""The command line both reference servers share.

Both take --host, --port (0: a free one), --fixture, --db and --port-file,
print a "listening on" line once they accept connections, write the port
to --port-file atomically (for callers that prefer polling a file to
reading a pipe) and stop cleanly on SIGTERM and SIGINT. Each server's
__main__.py adds its own options and builds its own store and HTTP server.
"""

import argparse
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

import yaml


def parser(prog, description, default_fixture):
    """An ArgumentParser with the options every reference server takes."""
    ap = argparse.ArgumentParser(prog=prog, description=description)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--fixture", default=str(default_fixture),
                    help="YAML/JSON fixture loaded into an empty database (default: fixture_demo.yaml)")
    ap.add_argument("--db", default=None, help="SQLite file (default: a new file in a temporary directory)")
    ap.add_argument("--port-file", default=None, help="write the port number here once listening")
    return ap


def database(path, prefix, name):
    """`path`, or a new file in a fresh temporary directory."""
    return path or os.path.join(tempfile.mkdtemp(prefix=prefix), name)


def read_fixture(path):
    """The fixture file as data (YAML, which JSON also is); {} when empty."""
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def write_port_file(path, port):
    """Write-then-rename, so a poller never reads a half-written number."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp%d" % os.getpid())
    tmp.write_text("%d\n" % port)
    os.replace(tmp, path)


def serve(server, store, switch, db, name, port_file=None):
    """Serve until SIGTERM or SIGINT, then close everything; returns 0.

    name ("reference server", "reference Jira") starts the lines callers
    wait for on stdout and stderr.
    """
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="serve", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    print("%s listening on http://%s:%d" % (name, host, port), flush=True)
    print("database: %s" % db, file=sys.stderr, flush=True)
    if port_file:
        write_port_file(port_file, port)

    while not stop.wait(0.1):
        pass
    # serve_forever must be stopped from another thread than its own.
    server.shutdown()
    switch.release_all()
    server.server_close()
    store.close()
    print("%s stopped" % name, file=sys.stderr, flush=True)
    return 0
