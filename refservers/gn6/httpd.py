"""HTTP front of the reference server: routing, the SOAP request cycle, and
the JSON control/inspection endpoints.

Standard library ThreadingHTTPServer: light enough to start one per test
module, and threaded so that a request held by the `hang` mode does not
stop the control endpoint that releases it.
"""

import json
import sys
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import gn6, identitat, soap
from .faults import FAULT_TEXT, OUTAGE_TEXT
from .wsdl import Wsdl

# URL path -> the service's operations module.
SERVICES = {"/GestioTiquets": gn6, "/Personesv6": identitat}


class ReferenceHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, store, switch, wsdl_style="bundled"):
        self.store = store
        self.switch = switch
        self.wsdls = {path: Wsdl(module.WSDL_FILE, wsdl_style)
                      for path, module in SERVICES.items()}
        super().__init__(address, Handler)


def _loggable(params):
    """Call arguments for /_calls: the attachment replaced by its length."""
    args = dict(params)
    if "fitxerBase64" in args:
        args["fitxerBase64"] = len(args["fitxerBase64"])
    return args


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, as zeep's requests session expects
    server_version = "GN6ReferenceServer/1.0"
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle plus
    # the client's delayed ACK cost ~40 ms per keep-alive call.
    disable_nagle_algorithm = True

    # ---- plumbing --------------------------------------------------------

    def _send(self, status, body, content_type):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except OSError:
            # The client went away (typically: it timed out during `hang`).
            self.close_connection = True

    def _json(self, status, obj):
        self._send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"),
                   "application/json; charset=utf-8")

    def _text(self, status, text):
        self._send(status, text if isinstance(text, bytes) else text.encode("utf-8"),
                   "text/plain; charset=utf-8")

    def _fault(self, code, message):
        self._send(500, soap.build_fault(code, message), "text/xml; charset=utf-8")

    def _read_body(self):
        """The whole request body (Content-Length or chunked), or None."""
        length = self.headers.get("Content-Length")
        if length is not None:
            try:
                n = int(length)
            except ValueError:
                return None
            data = self.rfile.read(n)
            return data if len(data) == n else None
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        return b""

    def _base_url(self):
        host, port = self.server.server_address[:2]
        if host in ("0.0.0.0", "::", ""):
            return "http://%s" % (self.headers.get("Host") or "127.0.0.1:%d" % port)
        if ":" in host:
            host = "[%s]" % host
        return "http://%s:%d" % (host, port)

    def _fail(self, kind):
        """Answer the way a failed bus does."""
        if kind == "hang":
            self.server.switch.hold()
            self.close_connection = True
            self._text(503, OUTAGE_TEXT)
        elif kind == "outage":
            self._text(503, OUTAGE_TEXT)
        else:
            self._fault("Server", FAULT_TEXT)

    # ---- GET ---------------------------------------------------------------

    def do_GET(self):
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        store = self.server.store
        if path in SERVICES and url.query.lower() == "wsdl":
            failure = self.server.switch.current()
            if failure in ("outage", "hang"):
                return self._fail(failure)
            body = self.server.wsdls[path].for_location(self._base_url() + path)
            return self._send(200, body, "text/xml; charset=utf-8")
        if path == "/_control":
            return self._json(200, dict(self.server.switch.snapshot(), calls=store.call_counts()))
        if path == "/_state":
            return self._json(200, store.state())
        if path.startswith("/_state/annex/"):
            data = store.annex_bytes(path.rsplit("/", 1)[1])
            if data is None:
                return self._text(404, "no such attachment\n")
            return self._send(200, data, "application/octet-stream")
        if path == "/_calls":
            return self._json(200, store.calls())
        return self._text(404, "not found\n")

    # ---- POST --------------------------------------------------------------

    def do_POST(self):
        path = urlsplit(self.path).path.rstrip("/")
        if path in SERVICES:
            return self._soap(SERVICES[path])
        if path in ("/_control", "/_fixture"):
            body = self._read_body()
            try:
                payload = json.loads(body or b"{}")
                if path == "/_control":
                    if not isinstance(payload, dict):
                        raise ValueError("a JSON object is expected")
                    self.server.switch.set(payload.get("mode", "normal"), payload.get("after"),
                                           payload.get("hang_seconds"), payload.get("before"))
                    return self._json(200, self.server.switch.snapshot())
                self.server.store.load_fixture(payload)
                return self._json(200, {"ok": True})
            except Exception as exc:  # any malformed payload is the caller's error
                return self._json(400, {"error": "%s: %s" % (type(exc).__name__, exc)})
        self._text(404, "not found\n")

    def _soap(self, service):
        body = self._read_body()
        if body is None:
            self.close_connection = True
            return self._text(400, "incomplete request body\n")
        switch, store = self.server.switch, self.server.store
        try:
            request, malformed = soap.parse_request(body), None
        except soap.SoapFault as fault:
            request, malformed = None, fault
        del body
        if request is not None:
            # Counted before anything can refuse it: /_control's counts
            # include the calls that failed.
            store.log_call(request.operation, _loggable(request.params))
        failure = switch.current(request.operation if request is not None else None)
        if failure and failure != "slow":
            return self._fail(failure)
        if malformed:
            return self._fault(malformed.code, malformed.message)
        if not soap.check_security(request.security, store.bus_user_password):
            return self._fault("Client", "authentication failed")
        operation = service.OPERATIONS.get(request.operation)
        if operation is None:
            return self._fault("Client", "unknown operation %r for %s" % (request.operation, self.path))
        try:
            fields = operation(store, request.params)
        except Exception as exc:  # a bug here must look like a server error, not hang the client
            traceback.print_exc(file=sys.stderr)
            return self._fault("Server", "internal error: %s" % exc)
        name = request.operation
        del request
        failure = switch.operation_done(name) or switch.current()
        if failure == "slow":
            switch.hold()
        elif failure:
            return self._fail(failure)
        style = self.server.wsdls[urlsplit(self.path).path.rstrip("/")].style
        fields = style.answer(name, fields)
        self._send(200, soap.build_response(service.NAMESPACE, name, fields), "text/xml; charset=utf-8")
