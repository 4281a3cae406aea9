"""Python harness for the reference Jira server, used by tests, demo and benchmarks.

Starts ``python -m refservers.jira`` as a real subprocess (so the client
under test talks to it over real HTTP) and drives its JSON control
endpoints. Standard library only.

    with ReferenceJira() as jira:
        client = JiraClient(jira.url, email=jira.EMAIL, api_token=jira.API_TOKEN)
        ...
        jira.set_mode("drop", after="addComment")
        assert len(jira.issue("SUP-1")["comments"]) == 1
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 10.0
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ReferenceJiraError(RuntimeError):
    """The server did not start, or a control request failed."""


class ReferenceJira:
    """Start `python -m refservers.jira` on a free port and drive it.

    fixture: None (the bundled fixture_demo.yaml), a path, or a dict (written
    as JSON next to the database; it replaces the bundled fixture, so give a
    whole site, or use `load()` after start to change a few things). db: the
    SQLite file (None: a private temporary directory, removed on exit).
    """

    # The bundled fixture's credentials for the gateway's account.
    EMAIL, API_TOKEN = "mailtoticket@upc.edu", "api-token-secret"
    USERNAME, PASSWORD = "mailtoticket", "server-password"
    PAT = "pat-secret-token"

    def __init__(self, fixture=None, db=None, python=sys.executable):
        self.python = python
        if db is None:
            self._owned_dir = tempfile.mkdtemp(prefix="jira-reference-")
            self.db = Path(self._owned_dir) / "jira.sqlite3"
        else:
            self._owned_dir = None
            self.db = Path(db).resolve()
            self.db.parent.mkdir(parents=True, exist_ok=True)
        self.directory = self.db.parent
        if isinstance(fixture, dict):
            path = self.directory / (self.db.stem + ".fixture.json")
            path.write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
            fixture = path
        self.fixture = Path(fixture).resolve() if fixture is not None else None
        self.port_file = self.directory / (self.db.stem + ".port")
        self.log_path = self.directory / (self.db.stem + ".log")
        self.process = None
        self.port = None

    # ---- life cycle -----------------------------------------------------------

    def start(self):
        if self.process is not None:
            raise ReferenceJiraError("already started")
        try:
            self.port_file.unlink()
        except FileNotFoundError:
            pass
        cmd = [self.python, "-m", "refservers.jira", "--host", "127.0.0.1", "--port", "0",
               "--db", str(self.db), "--port-file", str(self.port_file)]
        if self.fixture is not None:
            cmd += ["--fixture", str(self.fixture)]
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(cmd, cwd=str(REPO_ROOT), env=env, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=log)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self.port is None and self.port_file.exists():
                self.port = int(self.port_file.read_text().strip())
            if self.port is not None:
                try:
                    self.control()
                    return self
                except (OSError, ReferenceJiraError):
                    pass
            time.sleep(0.05)
        self._kill()
        raise ReferenceJiraError("reference Jira did not start; log %s:\n%s" % (self.log_path, self._log_tail()))

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._kill()
        self.process = None
        self.port = None

    def restart(self):
        self.stop()
        return self.start()

    def cleanup(self):
        self.stop()
        if self._owned_dir:
            shutil.rmtree(self._owned_dir, ignore_errors=True)
            self._owned_dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

    def _kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None
        self.port = None

    def _log_tail(self, n=4000):
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return "(no log)"

    @property
    def url(self):
        if self.port is None:
            raise ReferenceJiraError("not started")
        return "http://127.0.0.1:%d" % self.port

    # ---- control and inspection ---------------------------------------------

    def _request(self, method, path, payload=None, raw=False, timeout=30):
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
        try:
            with _OPENER.open(req, timeout=timeout) as resp:
                body = resp.read()
        except urllib.error.HTTPError as exc:
            raise ReferenceJiraError("%s %s: HTTP %d %s" % (method, path, exc.code,
                                                            exc.read().decode("utf-8", "replace")))
        return body if raw else json.loads(body)

    def set_mode(self, mode, after=None, hang_seconds=None, before=None):
        """mode: normal | outage | hang | error | drop | slow; after / before:
        an operation name (createIssue, addComment, addAttachment...)."""
        payload = {"mode": mode, "after": after, "before": before}
        if hang_seconds is not None:
            payload["hang_seconds"] = hang_seconds
        return self._request("POST", "/_control", payload)

    @contextlib.contextmanager
    def failing(self, mode, after=None, hang_seconds=None, before=None):
        self.set_mode(mode, after=after, hang_seconds=hang_seconds, before=before)
        try:
            yield self
        finally:
            self.set_mode("normal")

    def control(self):
        return self._request("GET", "/_control", timeout=2)

    def state(self):
        return self._request("GET", "/_state")

    def issues(self):
        return self.state()["issues"]

    def issue(self, key):
        return next((i for i in self.issues() if i["key"] == key), None)

    def attachment_bytes(self, attachment_id):
        return self._request("GET", "/_state/attachment/%s" % attachment_id, raw=True)

    def calls(self):
        return self._request("GET", "/_calls")

    def load(self, fixture):
        """Add or change users, projects, issues... at run time."""
        return self._request("POST", "/_fixture", fixture)
