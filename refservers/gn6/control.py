"""Python harness for the reference server, used by tests, demo and benchmarks.

Starts ``python -m refservers.gn6`` as a real subprocess (so the client under
test talks to it over real HTTP, exactly as to the bus) and drives its JSON
control endpoints. Standard library only, so any caller can import it
without pulling in zeep or lxml. The process plumbing is shared with the
Jira server's harness (refservers/common/process.py).

    with ReferenceServer() as server:
        client = zeep.Client(server.gn6_wsdl_url, wsse=UsernameToken("mailtoticket", "soa-secret"))
        ...
        server.set_mode("outage")
        assert server.ticket("1000")["estat"] == "TIQUET_STATUS_OBERT"
"""

import sys
from pathlib import Path

from refservers.common.process import REPO_ROOT, START_TIMEOUT, ServerProcess, ServerProcessError  # noqa: F401


class ReferenceServerError(ServerProcessError):
    """The server did not start, or a control request failed."""


class ReferenceServer(ServerProcess):
    """Start `python -m refservers.gn6` as a subprocess on a free port and drive it.

    fixture: None (the bundled fixture_demo.yaml), a path to a YAML/JSON
    file, or a dict (written as JSON next to the database). wsdl_style: how
    results are wrapped (refservers/gn6/styles.py). db: the SQLite
    file; None makes one in a private temporary directory, removed when the
    context manager exits. stop() then start() again restarts the server on
    the same database (state survives; the fixture is not loaded again).
    """

    MODULE = "refservers.gn6"
    NAME = "reference server"
    DB_PREFIX, DB_NAME = "gn6-reference-", "gn6.sqlite3"
    Error = ReferenceServerError

    def __init__(self, fixture=None, db=None, python=sys.executable, wsdl_style=None,
                 host="127.0.0.1"):
        super().__init__(fixture=fixture, db=db, python=python, host=host)
        self.wsdl_style = wsdl_style   # refservers/gn6/styles.py; None: bundled

    def command(self):
        cmd = super().command()
        if self.wsdl_style:
            cmd += ["--wsdl-style", self.wsdl_style]
        return cmd

    # ---- addresses ------------------------------------------------------------

    @property
    def gn6_wsdl_url(self):
        return self.url + "/GestioTiquets?wsdl"

    @property
    def identitat_wsdl_url(self):
        return self.url + "/Personesv6?wsdl"

    def client_settings(self, folder):
        """mailtoticket settings that reach this server as the demo
        fixture's bus user and GN6 instance, with the log, journal,
        quarantine and WSDL cache in `folder` (demo, tests and bench)."""
        folder = Path(folder)
        return {
            "url_gn6": self.gn6_wsdl_url,
            "url_identitat": self.identitat_wsdl_url,
            "username_soa": "mailtoticket", "password_soa": "soa-secret",
            "username_gn6": "gn6user", "password_gn6": "gn6-secret", "domini": "suport",
            "equip_resolutor_nous": "SUPORT_N1",
            "usuari_extern": "usuari.extern",
            "mail_suport": ["suport@upc.edu"],
            "log_file": str(folder / "mailtoticket.log"),
            "journal": str(folder / "journal.sqlite"),
            "quarantine_dir": str(folder / "quarantine"),
            "wsdl_cache": str(folder / "wsdl-cache.sqlite"),
        }

    # ---- inspection -----------------------------------------------------------

    def set_mode(self, mode, after=None, hang_seconds=None, before=None):
        """mode: normal | outage | hang | fault | slow; after / before: an
        operation name (the mode starts once it is done / as it arrives);
        hang_seconds: how long hang holds, or slow delays, an answer."""
        return super().set_mode(mode, after=after, hang_seconds=hang_seconds, before=before)

    def tickets(self):
        return self.state()["tickets"]

    def ticket(self, codi):
        codi = str(codi)
        return next((t for t in self.tickets() if t["codi"] == codi), None)

    def annex_bytes(self, codi_annex):
        return self._request("GET", "/_state/annex/%s" % codi_annex, raw=True)

    def load(self, fixture):
        """Add or update people, tickets, instances, bus users at run time."""
        return super().load(fixture)
