"""The incoming mail, parsed once: decoded headers, addresses, ids, body parts.

Everything here is built to survive whatever arrives on stdin: binary
garbage, missing headers, broken MIME, unknown or lying charsets, 8-bit
headers. Nothing in this module raises on bad input; the worst case is an
empty value, and `Message.is_readable()` tells the pipeline when the input is
not worth ticketing.

Parsing uses the `email` package's compat32 policy (the default of
`message_from_bytes`): it is the fastest, and it keeps header values as they
came (8-bit bytes survive as surrogate escapes), so the decoding in
headers.py and charsets.py can pick the right charset instead of losing
characters. The modern policy also pulls in the much heavier header
registry on every start.

`Message.leaves()` is the MIME tree as body.py, attachments.py and
forward.py walk it; the helpers they share to read a part live in
headers.py, payload.py and rawmime.py.
"""

import re
from email.message import Message as _EmailMessage
from email.parser import BytesParser as _BytesParser
from email.feedparser import BytesFeedParser as _BytesFeedParser

from mail.raw import bigbodies
from mail.addresses import parse_addresses
from mail.raw.folding import mend_folding
from mail.headers import (
    decode_header, part_content_type, part_disposition, part_filename,
    part_header, part_headers)
from mail.htmltext import html_to_text
from mail.limits import MAX_DEPTH, MAX_LEAVES, Bounds, bounded_part_factory
from mail.raw.payload import part_text, raw_payload
from mail.raw.rawmime import raw_entity, split_entity

__all__ = ["Defect", "Leaf", "Message", "note_defect"]

_PARSE_SLICE = 65536  # bytes fed to the parser at a time

_MSGID_RE = re.compile(r"<[^<>\s]+>")
_RAW_CONTROL_RE = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_BINARY_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_INVISIBLE_RE = re.compile("[\\s\u00a0\u200b-\u200d\u2060\ufeff]+")
_VISIBLE_RE = re.compile("[^\\s\u00a0\u200b-\u200d\u2060\ufeff]")
_MAX_DEPTH = MAX_DEPTH  # MIME nesting we follow; deeper parts are ignored
_OPAQUE_SIGNED = ("application/pkcs7-mime", "application/x-pkcs7-mime")


class Defect:
    """Something in the message the gateway could not read, kept (as the
    email package keeps `msg.defects`) instead of swallowed: `where` is the
    step that failed ("attachment 'x.pdf'", "original sender"), `what`
    the error."""

    __slots__ = ("where", "what")

    def __init__(self, where, what):
        self.where = where
        self.what = what

    def __str__(self):
        return "%s: %s" % (self.where, self.what)

    def __repr__(self):
        return "Defect(%r, %r)" % (self.where, self.what)


def note_defect(message, where, error):
    """`message.note_defect(where, error)` for the content modules, which
    are also handed plain email parts (no defects list) in places."""
    note = getattr(message, "note_defect", None)
    if note is not None:
        note(where, error)


class Leaf:
    """One leaf of the MIME tree as the content modules see it."""

    __slots__ = ("part", "path", "content_type", "disposition", "filename",
                 "is_body")

    def __init__(self, part, path, content_type, disposition, filename,
                 is_body):
        self.part = part
        self.path = path                # indices from the root (raw_part)
        self.content_type = content_type
        self.disposition = disposition  # 'attachment', 'inline' or ''
        self.filename = filename        # decoded, '' if none
        self.is_body = is_body          # a text/plain or text/html body part


class Message:
    """A parsed incoming mail. Built from the raw bytes of stdin; never raises."""

    def __init__(self, raw):
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        elif raw is None:
            raw = b""
        elif not isinstance(raw, bytes):
            try:
                raw = bytes(raw)
            except (TypeError, ValueError):
                raw = b""
        self.raw = raw
        self.bounds = Bounds()
        self.defects = []  # Defect: what could not be read, never silent
        # What the parser reads: header folding mended (folding.py). Raw
        # parts are cut from these bytes, so that they match the tree.
        self._parsed_raw = mend_folding(raw)
        # Long base64 bodies stay in these bytes, not copied into the tree
        # (mail/raw/bigbodies.py).
        parsed, spans = bigbodies.cut(self._parsed_raw)
        self.email = self._parse(parsed, self.bounds, self)
        del parsed
        bigbodies.restore(self.email, self._parsed_raw, spans)
        if part_content_type(self.email) in _OPAQUE_SIGNED:
            try:
                self._unwrap_signed()
            except Exception as e:  # keep the message as it came
                self.note_defect("opaque-signed S/MIME content (kept signed)", e)
        self._leaves = None
        self._text_body = None

    @staticmethod
    def _parse(raw, bounds, message=None):
        factory = bounded_part_factory(bounds)
        try:
            # Fed in slices, as parsebytes() feeds its StringIO: parsebytes()
            # would first decode the whole message into one str and realise
            # it in a StringIO at 4 bytes a character (a 35 MB message
            # costs 175 MB more).
            parser = _BytesFeedParser(_factory=factory)
            for start in range(0, len(raw), _PARSE_SLICE):
                parser.feed(raw[start:start + _PARSE_SLICE])
            return parser.close()
        except Exception as e:  # RecursionError on absurd nesting, parser bugs
            if message is not None:
                message.note_defect("MIME structure (read as headers and one body)", e)
        try:
            # Headers only; the body stays one opaque payload.
            return _BytesParser(_class=factory).parsebytes(raw, headersonly=True)
        except Exception as e:  # not even the headers: an empty message
            if message is not None:
                message.note_defect("headers (read as an empty message)", e)
            return _EmailMessage()

    def _unwrap_signed(self):
        """Opaque-signed S/MIME: the message it signs, read as this one."""
        from mail.headers import part_params
        from mail.raw.payload import part_payload
        from mail.formats.smime import unwrap_opaque_signed
        _, params = part_params(self.email, "Content-Type")
        inner = unwrap_opaque_signed(self._parsed_raw,
                                     part_content_type(self.email), params,
                                     part_payload(self.email))
        if inner is not None:
            self._parsed_raw = inner
            self.email = self._parse(inner, self.bounds, self)

    def note_defect(self, where, error):
        """Record that `where` could not be read because of `error` (an
        exception or a sentence): the pipeline logs it at WARNING, as a bug
        in reading one part must show, not become a silently missing file
        or sender."""
        if isinstance(error, BaseException):
            what = "%s: %s" % (type(error).__name__, error)
        else:
            what = str(error)
        defect = Defect(where, what[:300])
        self.defects.append(defect)   # the pipeline logs it (gateway/pipeline.py)
        return defect

    # -- headers

    def header(self, name):
        """First value of header `name`, decoded and stripped; None if absent."""
        value = part_header(self.email, name)
        return None if value is None else decode_header(value)

    def headers(self, name):
        """All values of header `name`, decoded."""
        return [decode_header(v) for v in part_headers(self.email, name)]

    @property
    def subject(self):
        return self.header("Subject") or ""

    def addresses(self, name):
        """Bare lower-cased addresses of an address header (all its lines)."""
        out = []
        for value in part_headers(self.email, name):
            out.extend(addr for _, addr in parse_addresses(value, self._address_defect))
        return out

    def _first_address(self, name):
        """(display name, address) of the first entry of `name` that names
        somebody (mail/addresses.py), read once."""
        cache = self.__dict__.setdefault("_first_addresses", {})
        if name not in cache:
            cache[name] = None
            for value in part_headers(self.email, name):
                pairs = parse_addresses(value, self._address_defect, limit=1)
                if pairs:
                    cache[name] = pairs[0]
                    break
        return cache[name]

    def _address_defect(self, where, error):
        self.note_defect("%s (read as nobody)" % where, error)

    @property
    def from_address(self):
        first = self._first_address("From")
        return first[1] if first else None

    @property
    def from_name(self):
        first = self._first_address("From")
        return first[0] if first else ""

    @property
    def reply_to_address(self):
        first = self._first_address("Reply-To")
        return first[1] if first else None

    @property
    def message_id(self):
        value = self.header("Message-ID")
        return value or None

    @staticmethod
    def _ids(value):
        if not value:
            return []
        ids = _MSGID_RE.findall(value)
        if not ids:
            # Broken mailers write ids without brackets.
            ids = ["<%s>" % t.strip("<>") for t in value.split() if "@" in t]
        return ids

    def ids(self, name):
        """Every message id in every `name` header, in order."""
        return [found for value in self.headers(name) for found in self._ids(value)]

    @property
    def in_reply_to(self):
        return self.ids("In-Reply-To")

    @property
    def references(self):
        return self.ids("References")

    @property
    def content_type(self):
        return part_content_type(self.email)

    # -- MIME structure (shared with body.py, attachments.py, forward.py)

    def leaves(self):
        """The leaves of the MIME tree in document order, as `Leaf`s.

        A message/* part is a leaf (a forwarded message is an attachment,
        not more body). A multipart whose boundary is missing or never found
        is a leaf too and counts as text. Walked without recursion, so
        deeply nested input cannot exhaust the stack.
        """
        if self._leaves is not None:
            return self._leaves
        leaves = []
        stack = [(self.email, ())]
        while stack:
            part, path = stack.pop()
            if len(leaves) >= MAX_LEAVES:
                self.bounds.note("MIME parts after the first %d" % MAX_LEAVES)
                break
            ctype = part_content_type(part)
            # raw_payload(), not get_payload(): that would decode the body
            # of every leaf (a copy of each attachment) just to look at it.
            payload = raw_payload(part) if ctype.startswith("multipart/") else None
            if isinstance(payload, list):
                if len(path) >= _MAX_DEPTH:
                    self.bounds.note("parts nested deeper than %d levels" % _MAX_DEPTH)
                else:
                    for index in range(len(payload) - 1, -1, -1):
                        sub = payload[index]
                        if isinstance(sub, _EmailMessage):
                            stack.append((sub, path + (index,)))
                continue
            disposition = part_disposition(part)
            filename = part_filename(part)
            text_like = ctype in ("text/plain", "text/html") \
                or ctype.startswith("multipart/")
            is_body = text_like and disposition != "attachment" \
                and not filename
            if ctype.startswith("multipart/"):
                ctype = "text/plain"
            leaves.append(Leaf(part, path, ctype, disposition, filename,
                               is_body))
        self._leaves = leaves
        return leaves

    def text_body(self):
        """The text/plain body parts, decoded and joined ('' if none)."""
        if self._text_body is None:
            self._text_body = "\n".join(
                part_text(leaf.part) for leaf in self.leaves()
                if leaf.is_body and leaf.content_type == "text/plain")
        return self._text_body

    def html_bodies(self):
        """The text/html body parts, each decoded (usually one)."""
        return [part_text(leaf.part) for leaf in self.leaves()
                if leaf.is_body and leaf.content_type == "text/html"]

    def raw_part(self, path):
        """The bytes of the part at `path` exactly as they are in `raw`
        (headers and body), or None when they cannot be located reliably."""
        return raw_entity(self._parsed_raw, self.email, path)

    # -- sanity

    def is_readable(self):
        """False for input not worth a ticket: no From nor Reply-To, binary
        garbage (no parsable headers, or a body mostly of control bytes),
        or nothing at all to say (no body, no subject, no attachments)."""
        try:
            return self._is_readable()
        except Exception as e:
            self.note_defect("readability check (taken as unreadable)", e)
            return False

    def _is_readable(self):
        try:
            keys = self.email.keys()
        except Exception as e:  # headers the email package cannot list
            self.note_defect("header names", e)
            keys = []
        if not keys:  # also empty or blank input
            return False
        head = split_entity(self.raw[:262144])[0]
        if len(_RAW_CONTROL_RE.findall(head)) > len(head) * 0.05:
            return False
        # Reply-To counts as a sender: the contract resolves it first.
        from_values = part_headers(self.email, "From") + \
            part_headers(self.email, "Reply-To")
        if not any(decode_header(v) for v in from_values):
            return False
        text = self.text_body()
        htmls = self.html_bodies()
        sample = (text or "".join(htmls))[:65536]
        if sample:
            controls = len(_BINARY_CONTROL_RE.findall(sample))
            if controls > len(sample) * 0.3:
                return False
        # search, not sub: sub("", a 20 MB text) builds a piece per word
        # (hundreds of MB) just to learn whether anything is left.
        has_body = _VISIBLE_RE.search(text) is not None
        if not has_body:
            for html in htmls:
                if "<img" in html.lower():
                    has_body = True
                    break
                if _INVISIBLE_RE.sub("", html_to_text(html)):
                    has_body = True
                    break
        if has_body or self.subject:
            return True
        return any(not leaf.is_body for leaf in self.leaves())
