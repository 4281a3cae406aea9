"""Python harness for the reference Jira server, used by tests, demo and benchmarks.

Starts ``python -m refservers.jira`` as a real subprocess (so the client
under test talks to it over real HTTP) and drives its JSON control
endpoints. Standard library only; the process plumbing is shared with
the GN6 server's harness (refservers/common/process.py).

    with ReferenceJira() as jira:
        client = JiraClient(jira.url, email=jira.EMAIL, api_token=jira.API_TOKEN)
        ...
        jira.set_mode("drop", after="addComment")
        assert len(jira.issue("SUP-1")["comments"]) == 1
"""

from refservers.common.process import REPO_ROOT, START_TIMEOUT, ServerProcess, ServerProcessError  # noqa: F401


class ReferenceJiraError(ServerProcessError):
    """The server did not start, or a control request failed."""


class ReferenceJira(ServerProcess):
    """Start `python -m refservers.jira` on a free port and drive it.

    fixture: None (the bundled fixture_demo.yaml), a path, or a dict (written
    as JSON next to the database; it replaces the bundled fixture, so give a
    whole site, or use `load()` after start to change a few things). db: the
    SQLite file (None: a private temporary directory, removed on exit).
    """

    MODULE = "refservers.jira"
    NAME = "reference Jira"
    DB_PREFIX, DB_NAME = "jira-reference-", "jira.sqlite3"
    Error = ReferenceJiraError

    # The bundled fixture's credentials for the gateway's account.
    EMAIL, API_TOKEN = "mailtoticket@upc.edu", "api-token-secret"
    USERNAME, PASSWORD = "mailtoticket", "server-password"
    PAT = "pat-secret-token"

    def set_mode(self, mode, after=None, hang_seconds=None, before=None):
        """mode: normal | outage | hang | error | drop | slow; after / before:
        an operation name (createIssue, addComment, addAttachment...)."""
        return super().set_mode(mode, after=after, hang_seconds=hang_seconds, before=before)

    def issues(self):
        return self.state()["issues"]

    def issue(self, key):
        return next((i for i in self.issues() if i["key"] == key), None)

    def attachment_bytes(self, attachment_id):
        return self._request("GET", "/_state/attachment/%s" % attachment_id, raw=True)

    def load(self, fixture):
        """Add or change users, projects, issues... at run time."""
        return super().load(fixture)
