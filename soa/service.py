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

from failures import ConfigurationFailure
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
        self._cache = None          # the WsdlCache the client was built with
        self._from_cache = False    # whether it was built from cached documents
        self._reused = False        # a client kept from an earlier message (keep_clients)

    def call(self, operation, *args, write=False):
        """Call `operation` with positional arguments; the result as plain
        dicts and lists. Raises BusFailure for anything temporary. A write
        is only started with a whole timeout ahead of it (see Deadline)."""
        import requests
        from lxml import etree
        from zeep import exceptions as zexc
        # Anything zeep or lxml raise on what the bus sent (an entity or a
        # DTD, garbage, another operation's answer) is the bus's fault, not
        # the message's: temporary, one log line (soa/transport.py).
        temporary = (zexc.Error, requests.RequestException, etree.LxmlError,
                     OSError, ValueError, LookupError, TypeError, AttributeError)
        timeout = self.deadline.timeout(self.timeout, write=write)
        with self.deadline.waiting_on_bus():
            return self._call(operation, args, timeout, temporary)

    def _call(self, operation, args, timeout, temporary):
        from zeep.helpers import serialize_object
        try:
            result = self._answer(operation, args, timeout, temporary)
        except _CannotServe as e:
            kept = _BUILT.pop(self._built_key(), None) is not None and self._reused
            if not (self._from_cache or kept):
                raise BusFailure(str(e), sent=False) from None
            # A WSDL that served once (it was cached, or a kept client was
            # built from it) no longer does: the service moved or changed.
            # Nothing was carried out (no such operation, or no service at
            # that address): drop it, download it again, and try once more
            # with what the bus serves now.
            log.warning("%s; the WSDL %s is dropped and downloaded again", e,
                        ", ".join(self._cache.hits) if self._from_cache else self.wsdl)
            if self._from_cache:
                self._cache.drop()
            self._service = None
            self._reused = False
            try:
                result = self._answer(operation, args, timeout, temporary)
            except _CannotServe as e:
                raise BusFailure(str(e), sent=False) from None
        self._commit()
        try:
            return serialize_object(result, dict)
        except temporary as e:
            raise BusFailure("%s: unreadable answer: %s: %s" % (
                operation, type(e).__name__, _short(e))) from None

    def _answer(self, operation, args, timeout, temporary):
        """The raw result of one call; _CannotServe when the WSDL the client
        was built from cannot serve it: the operation is missing, or there
        is no service at its address (HTTP 404, 405)."""
        from lxml import etree
        from zeep import exceptions as zexc
        try:
            service = self._client(timeout)
        except temporary as e:
            if getattr(e, "status_code", None) in (404, 410) or isinstance(e, FileNotFoundError):
                # No retry will find it: a wrong address in the settings.
                raise ConfigurationFailure("the WSDL %s is not there (%s): check the address"
                                           % (self.wsdl, _short(e)), value=self.wsdl) from None
            if isinstance(e, (zexc.XMLSyntaxError, zexc.DTDForbidden, etree.XMLSyntaxError,
                              _NoService)):
                # The address answered (200) with a whole document that makes
                # no WSDL: a web page, the service's own page without ?wsdl.
                # A cut answer is a transport error, never this.
                raise ConfigurationFailure(
                    "the address %s answers with something that is not a WSDL of a service "
                    "(%s: %s): check the address (a WSDL's usually ends in ?wsdl)"
                    % (self.wsdl, type(e).__name__, _short(e)), value=self.wsdl) from None
            raise BusFailure("loading the WSDL for %s: %s: %s" % (
                operation, type(e).__name__, _short(e)), sent=False) from None
        try:
            method = getattr(service, operation)
        except AttributeError:
            raise _CannotServe("the WSDL %s has no operation %s" % (self.wsdl, operation)) \
                from None
        args, spliced = _placeholders(args)
        try:
            self._transport.operation_timeout = timeout
            self._transport.spliced = spliced
            return method(*args)
        except zexc.Fault as e:
            self._commit()  # a SOAP answer: the WSDL does serve
            if is_credentials_text(e.message):
                raise CredentialsRefused("the bus (username_soa/password_soa)",
                                         "%s: %s" % (operation, _short(e))) from None
            raise BusFailure("%s: %s: %s" % (operation, type(e).__name__, _short(e)),
                             sent=True) from None
        except temporary as e:
            status = getattr(e, "status_code", None)
            if status in (401, 403):
                raise CredentialsRefused("the bus (username_soa/password_soa)",
                                         "%s: %s" % (operation, _short(e))) from None
            if status in NO_SERVICE_STATUSES:
                raise _CannotServe("%s: no service at the WSDL's address (HTTP %d): %s"
                                   % (operation, status, _short(e))) from None
            raise BusFailure("%s: %s: %s" % (operation, type(e).__name__, _short(e)),
                             sent=not _never_connected(e),
                             unavailable=status == 503) from None
        finally:
            self._transport.spliced = None

    def _commit(self):
        """The downloaded WSDL is cached once a call has been answered."""
        if self._cache is not None:
            self._cache.commit()

    def _client(self, timeout):
        if self._service is None and _BUILT:
            built = _BUILT.get(self._built_key())
            if built is not None:
                self._service, self._transport, self._client_ref = built
                self._reused = True
        if self._service is None:
            cache = None
            if self.cache_path:
                os.makedirs(os.path.dirname(self.cache_path) or ".", exist_ok=True)
                cache = WsdlCache(self.cache_path, WSDL_CACHE_SECONDS)
            try:
                self._build(cache, timeout)
            except Exception:
                if not (cache and cache.hits):
                    raise
                # A cached WSDL that does not make a working client is
                # dropped and downloaded again, not kept for a day.
                log.warning("cached WSDL %s does not load: dropped, downloading it again",
                            ", ".join(cache.hits))
                cache.drop()
                self._build(cache, timeout)
            # Only what answered a call is cached (_commit): a WSDL that
            # builds a client but names no service where it says, or lacks
            # the operation, must not be served from disk for a day.
            self._cache = cache
            self._from_cache = bool(cache and cache.hits)
            if KEEP_CLIENTS:
                _BUILT[self._built_key()] = (self._service, self._transport,
                                             self._client_ref)
        return self._service

    def _built_key(self):
        import threading
        return (self.wsdl, self.endpoint, self.credentials, self.cache_path,
                threading.get_ident())

    def _build(self, cache, timeout):
        from zeep import Client, Settings
        from zeep.wsse.username import UsernameToken
        from soa.transport import pinned_address
        Transport = _splicing_transport()
        self._transport = Transport(cache=cache, timeout=timeout,
                                    operation_timeout=timeout,
                                    session=_shared_session())
        user, password = self.credentials
        client = Client(self.wsdl, transport=self._transport,
                        wsse=UsernameToken(user, password),
                        settings=Settings(forbid_dtd=True, forbid_entities=True))
        try:
            port = next(iter(next(iter(client.wsdl.services.values())).ports.values()))
        except StopIteration:
            raise _NoService("the WSDL %s defines no service port" % self.wsdl) from None
        address = self.endpoint or pinned_address(
            self.wsdl, port.binding_options.get("address"))
        if not address:
            raise _NoService("the WSDL %s gives no service address" % self.wsdl)
        self._service = client.create_service(port.binding.name, address)
        self._client_ref = client  # the service proxy needs it alive


# HTTP answers to a call that mean there is no such service at the address
# the WSDL gave: the request was not carried out.
NO_SERVICE_STATUSES = (404, 405)


class _NoService(ValueError):
    """The document at the WSDL address, read whole, names no service."""


class _CannotServe(Exception):
    """The client's WSDL cannot serve this call (see SoapService._answer)."""


# The long-running service (service/) keeps each thread's built clients
# for the next message (an MDA run builds each once anyway): keep_clients().
KEEP_CLIENTS = False
_BUILT = {}


def keep_clients(keep=True):
    """Reuse built zeep clients across deliveries in this process, one per
    thread (a transport holds per-call state); False forgets them (a reload
    of the settings builds them anew)."""
    global KEEP_CLIENTS
    KEEP_CLIENTS = keep
    _BUILT.clear()


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
        self.hits = []          # URLs read from the cache by this client
        self.pending = {}       # downloaded, written once the client works

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
            self.hits.append(url)
            return bytes(row[1])
        return None

    def add(self, url, content):
        """Kept aside until `commit`: a WSDL that does not load into a
        working client must not be served for a day."""
        if isinstance(content, str):
            content = content.encode("utf-8")
        self.pending[url] = content

    def commit(self):
        if self.pending:
            self._write([("INSERT OR REPLACE INTO wsdl (url, created, content) "
                          "VALUES (?, ?, ?)", (url, time.time(), content))
                         for url, content in self.pending.items()])
            self.pending = {}

    def drop(self):
        """Forget the cached documents this client read (and retry without)."""
        self._write([("DELETE FROM wsdl WHERE url=?", (url,)) for url in self.hits])
        self.hits, self.pending = [], {}
        self.timeout = -1   # nothing more is read from the cache by this client

    def _write(self, statements):
        import sqlite3
        try:
            db = self._connect()
            try:
                for sql, args in statements:
                    db.execute(sql, args)
            finally:
                db.close()
        except sqlite3.Error as e:
            log.warning("WSDL cache %s not written: %s", self.path, e)


class Streamed:
    """An argument sent as it is produced, never held whole: `chunks()`
    yields its ASCII bytes (each XML-verbatim: base64, say), `length` is
    their total. GN6's fitxerBase64 of a large attachment is one."""

    def __init__(self, length, chunks):
        self.length = length
        self.chunks = chunks

    def __len__(self):
        return self.length


def _placeholders(args):
    """(args with each long verbatim string, and each Streamed, replaced by
    a placeholder, {placeholder: value})."""
    spliced = {}
    out = []
    for value in args:
        if isinstance(value, Streamed) or isinstance(value, str) \
                and len(value) >= STREAM_MIN_CHARS and _verbatim(value):
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
            elif isinstance(segment, Streamed):
                yield from segment.chunks()
            else:
                for start in range(0, len(segment), STREAM_CHUNK):
                    yield segment[start:start + STREAM_CHUNK].encode("ascii")

    def __bytes__(self):
        return b"".join(self)

    def __str__(self):  # zeep logs the request at DEBUG
        return "<SOAP request of %d bytes, %d spliced>" % (
            len(self), sum(1 for s in self.segments if not isinstance(s, bytes)))


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
        from zeep.wsdl.utils import etree_to_string
        from soa.transport import guarded_transport
        Transport = guarded_transport()

        class SplicingTransport(Transport):
            spliced = None  # {placeholder: string} of the call in progress

            def post_xml(self, address, envelope, headers):
                if not self.spliced:
                    return super().post_xml(address, envelope, headers)
                body = SplicedBody.build(etree_to_string(envelope), self.spliced)
                if body is None:  # not found once each: zeep's own way
                    for node in envelope.iter():
                        if node.text in self.spliced:
                            value = self.spliced[node.text]
                            node.text = value if isinstance(value, str) else \
                                b"".join(value.chunks()).decode("ascii")
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
    import re
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", str(error)).strip()
    return text if len(text) <= limit else text[:limit] + "..."
