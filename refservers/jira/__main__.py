"""Command line: ``python -m refservers.jira [--host H] [--port P]
[--fixture F] [--db FILE] [--port-file FILE]``.

Prints ``reference Jira listening on http://HOST:PORT`` once it accepts
connections (and writes the port to --port-file, atomically). SIGTERM and
SIGINT stop it cleanly. The fixture is loaded only into a database that has
never been initialised, so a restart on the same --db keeps the world.
"""

import sys
from pathlib import Path

from refservers.common import cli
from refservers.common.cli import write_port_file  # noqa: F401

from .faults import FaultSwitch
from .httpd import ReferenceJiraServer
from .store import Store

DEFAULT_FIXTURE = Path(__file__).resolve().parent / "fixture_demo.yaml"


def parse_args(argv):
    ap = cli.parser("python -m refservers.jira",
                    "Jira REST v2 reference server (loopback test double)", DEFAULT_FIXTURE)
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    db = cli.database(args.db, "jira-reference-", "jira.sqlite3")
    fixture = cli.read_fixture(args.fixture)
    store = Store(db)
    store.initialise(fixture)
    switch = FaultSwitch()
    server = ReferenceJiraServer((args.host, args.port), store, switch)
    return cli.serve(server, store, switch, db, "reference Jira", args.port_file)


if __name__ == "__main__":
    sys.exit(main())
