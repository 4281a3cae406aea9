"""HTTP front of the reference Jira server: authentication, the fault
switches, routing to `api`, and the JSON control/inspection endpoints.

Standard library ThreadingHTTPServer, like the reference GN6 server: light
enough to start one per test module, threaded so that a request held by
the `hang` mode does not stop the control endpoint that releases it.
"""

import base64
import json
import sys
import traceback
from urllib.parse import parse_qs, unquote, urlsplit

from refservers.common.httpd import BaseHandler, ReferenceHTTPServerBase

from . import api

UNAUTHENTICATED = "You are not authenticated. Authentication required to perform this operation."


class ReferenceJiraServer(ReferenceHTTPServerBase):
    def __init__(self, address, store, switch):
        super().__init__(address, Handler, store, switch)


class Handler(BaseHandler):
    server_version = "JiraReferenceServer/1.0"

    def log_message(self, fmt, *args):  # one line per request on stderr, as the default, but shorter
        sys.stderr.write("%s %s\n" % (self.command, fmt % args))

    # ---- plumbing ----------------------------------------------------------

    def _send(self, status, body, content_type, extra=None):
        try:
            self.send_response(status)
            if body is not None:
                self.send_header("Content-Type", content_type)
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            if body:
                self.wfile.write(body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def _json(self, status, obj, extra=None):
        body = None if obj is None else json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json;charset=UTF-8", extra)

    def _error(self, status, messages=(), errors=None, extra=None):
        self._json(status, {"errorMessages": list(messages), "errors": dict(errors or {})}, extra)

    def _fail(self, kind):
        """Answer the way a failing Jira (or its proxy) does."""
        if kind == "hang":
            self.server.switch.hold()
            self.close_connection = True
            return self._error(503, ["Service Unavailable (reference server: hang released)"])
        if kind == "drop":
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return None
        if kind == "ratelimit":
            return self._error(429, ["Rate limit exceeded."], extra={"Retry-After": "7"})
        if kind == "outage":
            return self._error(503, ["Service Unavailable (reference server: outage)"],
                               extra={"Retry-After": "1"})
        return self._error(500, ["Internal server error (reference server: error mode)"])

    def _authenticate(self):
        header = self.headers.get("Authorization") or ""
        scheme, _, value = header.partition(" ")
        store = self.server.store
        if scheme.lower() == "basic":
            try:
                principal, _, secret = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                return None
            return store.authenticate("basic", principal, secret)
        if scheme.lower() == "bearer":
            return store.authenticate("bearer", None, value.strip())
        return None

    # ---- dispatch ------------------------------------------------------------

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method):
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        if path.startswith("/_"):
            return self._control(method, path)
        body = self._read_body()
        if body is None:
            self.close_connection = True
            return self._error(400, ["Incomplete request body"])
        found = api.route(method, path)
        if found is None:
            return self._error(404, ["null for uri: %s" % self.path])
        op, fn, params = found
        if op is None:
            return self._error(405, ["Method %s is not allowed here" % method])
        params = {k: unquote(v) for k, v in params.items()}
        store, switch = self.server.store, self.server.switch
        store.log_call(op, method, path)
        failure = switch.current(op)
        if failure and failure != "slow":
            return self._fail(failure)
        user = self._authenticate()
        if user is None and op not in api.ANONYMOUS:
            return self._error(401, [UNAUTHENTICATED], extra={"WWW-Authenticate": 'Basic realm="protected-area"'})
        call = api.Call(store, user, self._base_url(), params, parse_qs(url.query, keep_blank_values=True), body)
        try:
            status, result = fn(call, self.headers) if op in api.NEEDS_HEADERS else fn(call)
        except api.ApiError as exc:
            # An XSRF refusal is plain text in Jira, the rest JSON.
            if exc.status == 403 and exc.body["errorMessages"] == ["XSRF check failed"]:
                return self._send(403, b"XSRF check failed", "text/plain;charset=UTF-8")
            return self._json(exc.status, exc.body)
        except Exception as exc:  # a bug here must look like a server error, not hang the client
            traceback.print_exc(file=sys.stderr)
            return self._error(500, ["Internal server error: %s" % exc])
        failure = switch.operation_done(op) or switch.current()
        if failure == "slow":
            switch.hold()
        elif failure:
            return self._fail(failure)
        if isinstance(result, api.Redirect):
            return self._send(status, b"", "text/plain", {"Location": result.location})
        if isinstance(result, bytes):
            return self._send(status, result, "application/octet-stream")
        self._json(status, result)

    # ---- control and inspection (no auth, no faults) ------------------------

    def _control(self, method, path):
        store, switch = self.server.store, self.server.switch
        if method == "GET" and path == "/_control":
            return self._json(200, dict(switch.snapshot(), calls=store.call_counts()))
        if method == "GET" and path == "/_state":
            return self._json(200, store.state())
        if method == "GET" and path == "/_calls":
            return self._json(200, store.calls())
        if method == "GET" and path.startswith("/_state/attachment/"):
            att = store.attachment(int(path.rsplit("/", 1)[1]), with_bytes=True) \
                if path.rsplit("/", 1)[1].isdigit() else None
            if att is None:
                return self._send(404, b"no such attachment\n", "text/plain")
            return self._send(200, bytes(att["bytes"]), "application/octet-stream")
        if method == "POST" and path in ("/_control", "/_fixture"):
            try:
                payload = json.loads(self._read_body() or b"{}")
                if not isinstance(payload, dict):
                    raise ValueError("a JSON object is expected")
                if path == "/_control":
                    switch.set(payload.get("mode", "normal"), payload.get("after"),
                               payload.get("hang_seconds"), payload.get("before"))
                    return self._json(200, switch.snapshot())
                store.load_fixture(payload)
                return self._json(200, {"ok": True})
            except Exception as exc:  # any malformed payload is the caller's error
                return self._json(400, {"error": "%s: %s" % (type(exc).__name__, exc)})
        return self._send(404, b"not found\n", "text/plain")
