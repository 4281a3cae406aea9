"""The HTTP plumbing both reference servers share.

Standard library ThreadingHTTPServer: light enough to start one per test
module, and threaded so that a request held by the `hang` mode does not
stop the control endpoint that releases it. The protocol (SOAP, REST),
the answers and the control endpoints stay in each server's httpd.py.
"""

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ReferenceHTTPServerBase(ThreadingHTTPServer):
    """Holds the store and the fault switch the handlers use."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, handler, store, switch):
        self.store = store
        self.switch = switch
        super().__init__(address, handler)


class BaseHandler(BaseHTTPRequestHandler):
    """Keep-alive handler with the request-body and base-URL helpers."""

    protocol_version = "HTTP/1.1"   # keep-alive, as the clients' sessions expect
    # Headers and body go out in two writes; without TCP_NODELAY, Nagle plus
    # the client's delayed ACK cost ~40 ms per keep-alive call.
    disable_nagle_algorithm = True

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
        """This server's URL as the client reached it (for WSDL locations, self links)."""
        host, port = self.server.server_address[:2]
        if host in ("0.0.0.0", "::", ""):
            return "http://%s" % (self.headers.get("Host") or "127.0.0.1:%d" % port)
        if ":" in host:
            host = "[%s]" % host
        return "http://%s:%d" % (host, port)
