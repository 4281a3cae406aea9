"""One SOAP service, as mailtoticket needs it: zeep with the WSDL cached on
disk, WS-Security on every request, a timeout on every call, and every bus
failure turned into one exception type.

zeep's operations have no timeout by default, and a bus that accepts the
connection and never answers would hold fetchmail (and the cron lock) for
ever; here each call gets min(timeout_soa, what is left of the run).
The WSDLs are downloaded once a day (WsdlCache), then read from disk.
zeep is imported when the first call is made, not before: a message that is
skipped never pays for it.

Memory: an argument of STREAM_MIN_CHARS or more (an attachment's base64) is
not put into zeep's lxml tree, which would copy it into the tree and again
into the serialised request. zeep builds and serialises the request with a
short placeholder in its place; the bytes go out as zeep's serialisation
with the value spliced in at the placeholder, streamed from the one string
the caller already holds. The wire format is zeep's own: only values that
XML serialisation leaves unchanged are spliced, anything else goes through
zeep as usual.
"""
import logging
import os
import time

from soa.errors import BusFailure, CredentialsRefused, is_credentials_text

log = logging.getLogger("mailtoticket.soa")

# One day: the WSDL of a service changes with a deployment, not per message.
WSDL_CACHE_SECONDS = 24 * 3600

# Arguments at least this long are streamed into the request, not put into
# zeep's tree; they are sent in pieces of STREAM_CHUNK characters.
STREAM_MIN_CHARS = 1024 * 1024
STREAM_CHUNK = 1024 * 1024

# Text that lxml writes into XML exactly as it is: tab, newline and
# printable ASCII except & < > (escaped). \r is written as &#13;.
_VERBATIM = bytes([9, 10]) + bytes(c for c in range(32, 127) if chr(c) not in "&<>")


class SoapService:
    """A zeep client built on first use.

    wsdl: URL or file path of the WSDL; endpoint: service address that
    overrides the WSDL's (None: the WSDL's); credentials: (user, password)
    of the bus, sent as a WS-Security UsernameToken; timeout: seconds per
    call; deadline: the run's Deadline; cache_path: SQLite file of the
    WSDL download cache, WsdlCache (None: no cache).
    """

    def __init__(self, wsdl, endpoint, credentials, timeout, deadline,
                 cache_path=None):
        self.wsdl = wsdl
        self.endpoint = endpoint
        self.credentials = credentials
        self.timeout = timeout
        self.deadline = deadline
        self.cache_path = cache_path
        self._service = None
        self._transport = None

    def call(self, operation, *args, write=False):
        """Call `operation` with positional arguments; the result as plain
        dicts and lists. Raises BusFailure for anything temporary. A write
        is only started with a whole timeout ahead of it (see Deadline)."""
        import requests
        from lxml import etree
        from zeep import exceptions as zexc
        from zeep.helpers import serialize_object
        temporary = (zexc.Fault, zexc.TransportError, zexc.XMLSyntaxError,
                     zexc.XMLParseError, requests.RequestException,
                     etree.XMLSyntaxError, OSError)
        timeout = self.deadline.timeout(self.timeout, write=write)
        try:
            service = self._client(timeout)
        except temporary as e:
            raise BusFailure("loading the WSDL for %s: %s: %s" % (
                operation, type(e).__name__, _short(e)), sent=False) from None
        args, spliced = _placeholders(args)
        try:
            self._transport.operation_timeout = timeout
            self._transport.spliced = spliced
            result = getattr(service, operation)(*args)
        except temporary as e:
            if (isinstance(e, zexc.Fault) and is_credentials_text(e.message)) or \
                    getattr(e, "status_code", None) in (401, 403):
                raise CredentialsRefused("the bus (username_soa/password_soa)",
                                         "%s: %s" % (operation, _short(e))) from None
            raise BusFailure("%s: %s: %s" % (operation, type(e).__name__, _short(e)),
                             sent=not _never_connected(e),
                             unavailable=getattr(e, "status_code", None) == 503) from None
        finally:
            self._transport.spliced = None
        return serialize_object(result, dict)

    def _client(self, timeout):
        if self._service is None:
            from zeep import Client
            from zeep.wsse.username import UsernameToken
            Transport = _splicing_transport()
            cache = None
            if self.cache_path:
                os.makedirs(os.path.dirname(self.cache_path) or ".", exist_ok=True)
                cache = WsdlCache(self.cache_path, WSDL_CACHE_SECONDS)
            self._transport = Transport(cache=cache, timeout=timeout,
                                        operation_timeout=timeout,
                                        session=_shared_session())
            user, password = self.credentials
            client = Client(self.wsdl, transport=self._transport,
                            wsse=UsernameToken(user, password))
            if self.endpoint:
                binding = next(iter(next(iter(
                    client.wsdl.services.values())).ports.values())).binding
                self._service = client.create_service(binding.name, self.endpoint)
            else:
                self._service = client.service
            self._client_ref = client  # the service proxy needs it alive
        return self._service


class WsdlCache:
    """The downloaded WSDLs (and the XSDs they import), kept in a SQLite
    file for `timeout` seconds: zeep's cache interface (get, add).

    zeep's own SqliteCache does the same, but importing zeep.cache imports
    platformdirs (for a default path never used here): 3-5 ms of a 200 ms
    run. A cache that cannot be read or written is a miss, never a failure
    of the delivery.
    """

    def __init__(self, path, timeout):
        self.path = path
        self.timeout = timeout

    def _connect(self):
        import sqlite3
        db = sqlite3.connect(self.path, timeout=2, isolation_level=None)
        db.execute("CREATE TABLE IF NOT EXISTS wsdl (url TEXT PRIMARY KEY, "
                   "created REAL NOT NULL, content BLOB NOT NULL)")
        return db

    def get(self, url):
        import sqlite3
        try:
            db = self._connect()
            try:
                row = db.execute("SELECT created, content FROM wsdl WHERE url=?",
                                 (url,)).fetchone()
            finally:
                db.close()
        except sqlite3.Error as e:
            log.warning("WSDL cache %s unreadable: %s", self.path, e)
            return None
        if row and 0 <= time.time() - row[0] <= self.timeout:
            return bytes(row[1])
        return None

    def add(self, url, content):
        import sqlite3
        if isinstance(content, str):
            content = content.encode("utf-8")
        try:
            db = self._connect()
            try:
                db.execute("INSERT OR REPLACE INTO wsdl (url, created, content) "
                           "VALUES (?, ?, ?)", (url, time.time(), content))
            finally:
                db.close()
        except sqlite3.Error as e:
            log.warning("WSDL cache %s not written: %s", self.path, e)


def _placeholders(args):
    """(args with each long verbatim string replaced by a placeholder,
    {placeholder: string})."""
    spliced = {}
    out = []
    for value in args:
        if isinstance(value, str) and len(value) >= STREAM_MIN_CHARS \
                and _verbatim(value):
            placeholder = "mailtoticket-spliced-%s" % os.urandom(16).hex()
            spliced[placeholder] = value
            value = placeholder
        out.append(value)
    return out, spliced


def _verbatim(value):
    """Whether lxml would serialise `value` unchanged (then the spliced
    request is byte for byte the one zeep would send)."""
    if not value.isascii():
        return False
    for start in range(0, len(value), STREAM_CHUNK):
        if value[start:start + STREAM_CHUNK].encode("ascii").translate(None, _VERBATIM):
            return False
    return True


class SplicedBody:
    """A request body made of bytes and (verbatim, ASCII) strings, sent in
    pieces: requests sends it with a Content-Length, from its __len__."""

    def __init__(self, segments):
        self.segments = segments

    @classmethod
    def build(cls, message, spliced):
        """zeep's serialised `message` with each placeholder replaced by its
        string; None unless each placeholder occurs exactly once."""
        positions = []
        for placeholder in spliced:
            token = placeholder.encode("ascii")
            at = message.find(token)
            if at < 0 or message.find(token, at + 1) >= 0:
                return None
            positions.append((at, len(token), spliced[placeholder]))
        segments, done = [], 0
        for at, length, value in sorted(positions, key=lambda p: p[0]):
            segments += [message[done:at], value]
            done = at + length
        segments.append(message[done:])
        return cls(segments)

    def __len__(self):
        return sum(len(segment) for segment in self.segments)

    def __iter__(self):
        for segment in self.segments:
            if isinstance(segment, bytes):
                yield segment
            else:
                for start in range(0, len(segment), STREAM_CHUNK):
                    yield segment[start:start + STREAM_CHUNK].encode("ascii")

    def __bytes__(self):
        return b"".join(self)

    def __str__(self):  # zeep logs the request at DEBUG
        return "<SOAP request of %d bytes, %d spliced>" % (
            len(self), sum(1 for s in self.segments if isinstance(s, str)))


_TRANSPORT = None
_SESSION = None


def _shared_session():
    """One HTTP session for both services: they usually sit behind the same
    bus, so the second service reuses the first one's TLS connection."""
    global _SESSION
    if _SESSION is None:
        import requests
        _SESSION = requests.Session()
    return _SESSION


def _splicing_transport():
    """zeep's Transport, posting spliced requests when a call has any."""
    global _TRANSPORT
    if _TRANSPORT is None:
        from zeep.transports import Transport
        from zeep.wsdl.utils import etree_to_string

        class SplicingTransport(Transport):
            spliced = None  # {placeholder: string} of the call in progress

            def post_xml(self, address, envelope, headers):
                if not self.spliced:
                    return super().post_xml(address, envelope, headers)
                body = SplicedBody.build(etree_to_string(envelope), self.spliced)
                if body is None:  # not found once each: zeep's own way
                    for node in envelope.iter():
                        if node.text in self.spliced:
                            node.text = self.spliced[node.text]
                    return super().post_xml(address, envelope, headers)
                return self.post(address, body, headers)

        _TRANSPORT = SplicingTransport
    return _TRANSPORT


def _never_connected(error):
    """True when the request cannot have left: the connection was refused
    or never made (not: reset, read timeout, an HTTP answer)."""
    import requests
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(error, requests.exceptions.ConnectionError):
        from urllib3.exceptions import NewConnectionError
        reason = getattr(error.args[0], "reason", None) if error.args else None
        return isinstance(reason, NewConnectionError)
    return False


def _short(error, limit=300):
    text = str(error).strip().replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "..."
