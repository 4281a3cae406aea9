"""The test-side harness both reference servers share: run one as a subprocess.

A reference server is started as ``python -m <package>`` (so the client
under test talks to it over real HTTP, as to the real service), on a free
port it reports through a port file, with its log next to its database.
The harness then drives its JSON control endpoints (/_control, /_state,
/_calls, /_fixture), which both servers expose alike. Standard library
only, so any caller can import it without pulling in zeep or lxml.

Subclasses (refservers/gn6/control.py, refservers/jira/control.py) name
the package, their error class and their own inspection helpers.
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

# Loopback only: never go through a proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ServerProcessError(RuntimeError):
    """The server did not start, or a control request failed."""


class ServerProcess:
    """Start ``python -m MODULE`` as a subprocess on a free port and drive it.

    fixture: None (the server's bundled fixture), a path to a YAML/JSON
    file, or a dict (written as JSON next to the database). host: the
    address it listens on (its harness and `url` use loopback). db: the SQLite
    file; None makes one in a private temporary directory, removed when the
    context manager exits. stop() then start() again restarts the server on
    the same database (state survives; the fixture is not loaded again).
    """

    MODULE = None               # "refservers.gn6"
    NAME = "reference server"   # for error messages
    DB_PREFIX = "reference-"    # temporary directory prefix
    DB_NAME = "reference.sqlite3"
    Error = ServerProcessError

    def __init__(self, fixture=None, db=None, python=sys.executable, host="127.0.0.1"):
        self.python = python
        self.host = host     # "0.0.0.0": reachable from another network namespace too
        if db is None:
            self._owned_dir = tempfile.mkdtemp(prefix=self.DB_PREFIX)
            self.db = Path(self._owned_dir) / self.DB_NAME
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

    # ---- life cycle ---------------------------------------------------------

    def command(self):
        """The server's command line; subclasses add their own options."""
        cmd = [self.python, "-m", self.MODULE, "--host", self.host, "--port", "0",
               "--db", str(self.db), "--port-file", str(self.port_file)]
        if self.fixture is not None:
            cmd += ["--fixture", str(self.fixture)]
        return cmd

    def start(self):
        """Start the server and wait (bounded) until it answers."""
        if self.process is not None:
            raise self.Error("already started")
        try:
            self.port_file.unlink()
        except FileNotFoundError:
            pass
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.command(), cwd=str(REPO_ROOT), env=env,
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
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
                except (OSError, self.Error):
                    pass
            time.sleep(0.05)
        self._kill()
        raise self.Error("%s did not start; log %s:\n%s" % (self.NAME, self.log_path, self._log_tail()))

    def stop(self):
        """SIGTERM, then SIGKILL if it does not go within 5 s."""
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
        """Stop, and remove the temporary directory if this object made it."""
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
            raise self.Error("not started")
        return "http://127.0.0.1:%d" % self.port

    # ---- control and inspection --------------------------------------------

    def _request(self, method, path, payload=None, raw=False, timeout=30):
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
        try:
            with _OPENER.open(req, timeout=timeout) as resp:
                body = resp.read()
        except urllib.error.HTTPError as exc:
            raise self.Error("%s %s: HTTP %d %s" % (method, path, exc.code,
                                                    exc.read().decode("utf-8", "replace")))
        return body if raw else json.loads(body)

    def set_mode(self, mode, after=None, hang_seconds=None, before=None):
        """mode: one of the server's fault modes (its faults.py); after /
        before: an operation name (the mode starts once it is done / as it
        arrives), "OP#N" for its N-th call; hang_seconds: how long hang
        holds, or slow delays, an answer."""
        payload = {"mode": mode, "after": after, "before": before}
        if hang_seconds is not None:
            payload["hang_seconds"] = hang_seconds
        return self._request("POST", "/_control", payload)

    @contextlib.contextmanager
    def failing(self, mode, after=None, hang_seconds=None, before=None):
        """`with server.failing("outage"):` the server fails inside the block
        and is healthy again after it, whatever the block raised."""
        self.set_mode(mode, after=after, hang_seconds=hang_seconds, before=before)
        try:
            yield self
        finally:
            self.set_mode("normal")

    def control(self):
        return self._request("GET", "/_control", timeout=2)

    def state(self):
        return self._request("GET", "/_state")

    def calls(self):
        return self._request("GET", "/_calls")

    def load(self, fixture):
        """Add or change the fixture's records at run time."""
        return self._request("POST", "/_fixture", fixture)
