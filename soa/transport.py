"""HTTP for the SOAP services, as a hostile or broken bus cannot abuse it.

Whatever answers on the bus's address is not trusted to be the bus:

- A SOAP call never follows a redirect: a 307 would make requests POST the
  WS-Security credentials and the GN6 password to wherever it points, a 302
  turn the POST into a GET on another host. A redirect is a temporary
  failure, logged loudly. WSDL and XSD downloads (no credentials in them)
  follow redirects on the same origin only.
- An answer is read in pieces and given up past MAX_ANSWER_BYTES (a WSDL or
  XSD past MAX_WSDL_BYTES), or once the call's timeout has gone by while it
  is still arriving: a server that sends for ever (chunked, or trickling a
  byte at a time under every read timeout) costs neither memory nor the
  run's deadline.
- Where the services are is the settings' business, not the WSDL's: a WSDL
  whose soap:address names another origin than the one it was downloaded
  from is overridden (see `pinned_address`) unless endpoint_gn6 /
  endpoint_identitat say where to go.

Every refusal here raises zeep's TransportError, which soa/service.py turns
into a BusFailure: a temporary failure, the message stays in the mailbox.
"""
import logging
import time
from urllib.parse import urljoin, urlsplit, urlunsplit

log = logging.getLogger("mailtoticket.soa")

# The largest expected answer is a ConsultaTiquetsDades listing a
# requester's tickets (tens of KB); GN6's WSDL with its XSDs is ~100 KB.
MAX_ANSWER_BYTES = 16 * 1024 * 1024
MAX_WSDL_BYTES = 4 * 1024 * 1024
MAX_WSDL_REDIRECTS = 5
READ_CHUNK = 64 * 1024

_TRANSPORT = None


def origin(url):
    """(scheme, host, port) of a URL, default ports made explicit."""
    parts = urlsplit(url or "")
    scheme = (parts.scheme or "").lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


def is_remote(url):
    return urlsplit(url or "").scheme.lower() in ("http", "https")


def pinned_address(wsdl_url, address):
    """The address to call for a WSDL's soap:address `address`: itself when
    it is on the WSDL's own origin (or the WSDL is a local file), else the
    same path on the WSDL's origin, loudly."""
    if not is_remote(wsdl_url) or not address or origin(address) == origin(wsdl_url):
        return address
    wsdl, wanted = urlsplit(wsdl_url), urlsplit(address)
    pinned = urlunsplit((wsdl.scheme, wsdl.netloc, wanted.path or wsdl.path,
                         wanted.query, ""))
    log.error("the WSDL %s names the service address %s, on another host: calling "
              "%s instead (set endpoint_gn6 / endpoint_identitat to the real address "
              "if the service does live there)", wsdl_url, address, pinned)
    return pinned


def read_capped(response, cap, what, timeout=None):
    """The whole body of a streamed `response`, refused past `cap` bytes or
    once `timeout` seconds have gone by while reading it."""
    from zeep.exceptions import TransportError
    declared = response.headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > cap:
        response.close()
        raise TransportError("%s of %s bytes refused (more than %d)"
                             % (what, declared.strip(), cap))
    give_up = time.monotonic() + timeout if timeout else None
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(READ_CHUNK):
            size += len(chunk)
            if size > cap:
                raise TransportError("%s refused: more than %d bytes" % (what, cap))
            if give_up is not None and time.monotonic() > give_up:
                raise TransportError("%s still arriving after %ss: given up"
                                     % (what, timeout))
            chunks.append(chunk)
    except TransportError:
        response.close()
        raise
    response._content = b"".join(chunks)
    response._content_consumed = True
    return response._content


def guarded_transport():
    """zeep's Transport with the rules of this module (a class, built on
    first use: zeep is only imported when a message needs the bus)."""
    global _TRANSPORT
    if _TRANSPORT is None:
        from zeep.exceptions import TransportError
        from zeep.transports import Transport

        class GuardedTransport(Transport):
            def post(self, address, message, headers):
                response = self.session.post(
                    address, data=message, headers=headers,
                    timeout=self.operation_timeout, allow_redirects=False,
                    stream=True)
                if response.is_redirect or 300 <= response.status_code < 400:
                    target = response.headers.get("Location", "")
                    response.close()
                    log.error("the bus answered %s with a redirect (HTTP %d) to %s: "
                              "not followed, SOAP calls carry the credentials",
                              address, response.status_code, target[:300])
                    raise TransportError("redirect (HTTP %d) refused"
                                         % response.status_code,
                                         status_code=response.status_code)
                if response.status_code in (404, 405):
                    # No service at this address (a SOAP fault comes as 500
                    # or 200): whatever the page says, it is not an answer.
                    response.close()
                    raise TransportError("no service at %s (HTTP %d)"
                                         % (address, response.status_code),
                                         status_code=response.status_code)
                read_capped(response, MAX_ANSWER_BYTES, "answer from %s" % address,
                            self.operation_timeout)
                return response

            def _load_remote_data(self, url):
                start = url
                for _ in range(MAX_WSDL_REDIRECTS + 1):
                    response = self.session.get(url, timeout=self.load_timeout,
                                                allow_redirects=False, stream=True)
                    if not (response.is_redirect or 300 <= response.status_code < 400):
                        break
                    target = urljoin(url, response.headers.get("Location", ""))
                    response.close()
                    if origin(target) != origin(start):
                        log.error("%s redirects to %s, on another host: not followed",
                                  url, target[:300])
                        raise TransportError("WSDL redirect to another host refused")
                    url = target
                else:
                    raise TransportError("too many redirects loading %s" % start)
                if response.status_code >= 400:
                    response.close()
                    raise TransportError("HTTP %d loading %s" % (response.status_code, url),
                                         status_code=response.status_code)
                return read_capped(response, MAX_WSDL_BYTES, "WSDL %s" % url,
                                   self.load_timeout)

        _TRANSPORT = GuardedTransport
    return _TRANSPORT
