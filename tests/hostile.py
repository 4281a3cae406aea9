"""Test helpers for hostile conditions: a loopback HTTP server standing where
the bus should be, and a run of the script whose peak memory is measured.

HostileBus passes every request on to the reference server (WSDLs with
their service address rewritten to itself) and records what reached it;
`on_get` / `on_post` replace its answers: a function of (handler, path,
body) returning True once it has answered.
"""
import json
import os
import subprocess
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from support import SCRIPT, ServedInThread

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _record(self, body):
        self.server.requests.append({"method": self.command, "path": self.path,
                                     "headers": dict(self.headers), "body": body})

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send(self, status, body, content_type="text/xml; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, code, location):
        self.send_response(code)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def endless(self, piece=b"<a>" * 20000, content_type="text/xml"):
        """A chunked answer that never ends (until the client goes away)."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            while True:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        except OSError:
            self.close_connection = True

    def upstream(self, body=None):
        """(status, content type, body) of the reference server's answer."""
        request = urllib.request.Request(
            self.server.upstream + self.path, data=body, method=self.command,
            headers={k: v for k, v in self.headers.items()
                     if k.lower() in ("content-type", "soapaction")})
        try:
            with _OPENER.open(request, timeout=30) as answer:
                status, data = answer.status, answer.read()
                ctype = answer.headers.get("Content-Type", "text/xml")
        except urllib.error.HTTPError as e:
            status, data, ctype = e.code, e.read(), e.headers.get("Content-Type", "text/xml")
        return status, ctype, data.replace(self.server.upstream.encode(),
                                           self.server.url.encode())

    def do_GET(self):
        self._record(b"")
        if self.server.on_get and self.server.on_get(self, self.path, b""):
            return
        self.send(*self._swap(self.upstream()))

    def do_POST(self):
        body = self._body()
        self._record(body)
        if self.server.on_post and self.server.on_post(self, self.path, body):
            return
        self.send(*self._swap(self.upstream(body)))

    @staticmethod
    def _swap(answer):
        status, ctype, body = answer
        return status, body, ctype


class HostileBus(ServedInThread, ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream=None):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream
        self.requests = []
        self.on_get = None
        self.on_post = None
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server_address[1]

    def soap_calls(self):
        return [r for r in self.requests if r["method"] == "POST"]


_MEASURE = """
import resource, subprocess, sys
out = open(sys.argv[1], "w")
code = subprocess.call(sys.argv[2:])
out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


def run_measured(raw, settings, tmp_path, *args, timeout=120):
    """Run mailtoticket.py under a small wrapper that reports the script's
    peak RSS; (CompletedProcess, peak RSS in MiB)."""
    peak_file = tmp_path / ("peak-%d.txt" % os.getpid())
    command = [sys.executable, "-c", _MEASURE, str(peak_file), sys.executable,
               str(SCRIPT), "-c", str(settings)] + list(args)
    result = subprocess.run(command, input=raw, capture_output=True, timeout=timeout,
                            env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    return result, int(peak_file.read_text()) / 1024


def journal_states(folder):
    """Every journal entry's steps in `folder`/journal.sqlite."""
    import sqlite3
    db = sqlite3.connect(str(folder / "journal.sqlite"))
    try:
        states = {key: json.loads(state) for key, state in
                  db.execute("SELECT key, state FROM entries")}
        for key, name, value in db.execute("SELECT key, name, value FROM steps"):
            states.setdefault(key, {})[name] = json.loads(value)
        return list(states.values())
    finally:
        db.close()
