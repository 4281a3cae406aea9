"""The incoming mail, parsed once: decoded headers, addresses, ids, body parts.

Everything here is built to survive whatever arrives on stdin: binary
garbage, missing headers, broken MIME, unknown or lying charsets, 8-bit
headers. Nothing in this module raises on bad input; the worst case is an
empty value, and `Message.is_readable()` tells the pipeline when the input is
not worth ticketing.

Parsing uses the `email` package's compat32 policy (the default of
`message_from_bytes`): it is the fastest, and it keeps header values as they
came (8-bit bytes survive as surrogate escapes), so the decoding below can
pick the right charset instead of losing characters. The modern policy also
pulls in the much heavier header registry on every start.

Besides the public API, this module holds the decoding helpers that
body.py, attachments.py and forward.py share (`decode_bytes`,
`decode_header`, `part_header`, `part_params`, `part_payload`...).
"""

import binascii
import codecs
import re
from email.message import Message as _EmailMessage
from email.parser import BytesParser as _BytesParser
from email.feedparser import BytesFeedParser as _BytesFeedParser
from email.utils import getaddresses as _getaddresses

__all__ = ["Message", "decode_bytes", "decode_header"]

_PARSE_SLICE = 65536  # bytes fed to the parser at a time

# --------------------------------------------------------------- charsets

# Declared charsets that mail software gets wrong in known ways, mapped to
# what the bytes really are (or None: "no usable declaration").
_CHARSET_ALIASES = {
    "x-unknown": None,
    "unknown": None,
    "unknown-8bit": None,
    "x-user-defined": None,
    "default": None,
    "8bit": None,
    "binary": None,
    # Outlook and friends label cp1252 text as latin-1 or ASCII; browsers
    # (WHATWG) decode these labels as cp1252 for the same reason.
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    # Supersets of what is declared.
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
    "x-mac-roman": "mac_roman",
    "utf8": "utf-8",
}

# Text codecs that are not charsets: they interpret escapes, raise on
# ordinary text, or would let lone surrogates through.
_NOT_CHARSETS = {
    "unicode_escape", "raw_unicode_escape", "idna", "punycode", "undefined",
    "unicode-escape", "raw-unicode-escape",
}

# A declaration of one of these is often a lie told about UTF-8 text.
_WESTERN = {"cp1252", "latin_1", "iso8859_15", "ascii"}

_codec_cache = {}


def _codec(charset):
    """Python codec name for a declared charset, or None if unusable."""
    if not charset:
        return None
    if not isinstance(charset, str):
        return None
    key = charset.strip().strip("\"'").strip().lower()
    if "*" in key:  # RFC 2231 language suffix: utf-8*en
        key = key.split("*", 1)[0]
    try:
        return _codec_cache[key]
    except KeyError:
        pass
    name = _CHARSET_ALIASES.get(key, key)
    result = None
    if name:
        try:
            info = codecs.lookup(name)
        except (LookupError, ValueError, TypeError):
            info = None
        if info is not None and getattr(info, "_is_text_encoding", True) \
                and info.name not in _NOT_CHARSETS:
            result = info.name
    if len(_codec_cache) < 256:
        _codec_cache[key] = result
    return result


def _cp1252_fallback(exc):
    """Error handler: decode one undecodable byte as cp1252 (latin-1 for
    the five bytes cp1252 leaves undefined), then carry on decoding."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    byte = exc.object[exc.start:exc.start + 1]
    try:
        char = byte.decode("cp1252")
    except UnicodeDecodeError:
        char = byte.decode("latin-1")
    return char, exc.start + 1


codecs.register_error("mailtoticket-cp1252", _cp1252_fallback)

_SURROGATES_RE = re.compile("[\ud800-\udfff]")


def clean_text(text):
    """Drop lone surrogates, which no XML or UTF-8 consumer accepts."""
    if _SURROGATES_RE.search(text):
        return _SURROGATES_RE.sub("\ufffd", text)
    return text


def decode_bytes(data, charset=None):
    """Bytes to text without losing any of it and without raising.

    The declared charset is tried first (strictly), then UTF-8 where each
    byte that is not valid UTF-8 is read as cp1252/latin-1 instead (so a
    body declared UTF-8 but written in latin-1 keeps its accents, and a
    mostly-UTF-8 text with one stray latin-1 byte keeps both). A
    latin-1/cp1252/ASCII declaration is checked against UTF-8 first: text
    that is valid UTF-8 with non-ASCII bytes in it is UTF-8 whatever the
    label says (the other way round almost never happens by chance).
    """
    if not data:
        return ""
    if not isinstance(data, (bytes, bytearray)):
        try:
            data = bytes(data)
        except Exception:
            return ""
    codec = _codec(charset)
    if codec is None or codec in _WESTERN:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if codec is not None:
        try:
            return clean_text(data.decode(codec))
        except Exception:
            pass
    return data.decode("utf-8", "mailtoticket-cp1252")


def _unescape_surrogates(value):
    """A compat32 header or payload string (8-bit bytes kept as surrogate
    escapes) as proper text, 8-bit bytes decoded as UTF-8 or cp1252."""
    if not _SURROGATES_RE.search(value):
        return value
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return clean_text(value)
    return decode_bytes(data)


# ------------------------------------------------------- header decoding

# The encoded text stops at the first "?" (RFC 2047 forbids it there); a
# lazy ".*?" would make a hostile header quadratic.
_ENCODED_WORD_RE = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]+")
_FOLD_RE = re.compile(r"\r\n|\r|\n")


def _decode_b(text):
    data = text.encode("ascii", "ignore")
    data = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    data = data[:len(data) - len(data) % 4] if len(data) % 4 == 1 else data
    data += b"=" * (-len(data) % 4)
    try:
        return binascii.a2b_base64(data)
    except (binascii.Error, ValueError):
        return None


def _decode_q(text):
    try:
        return binascii.a2b_qp(text.encode("utf-8", "surrogateescape"),
                               header=True)
    except (binascii.Error, ValueError):
        return None


def decode_words(value):
    """Decode RFC 2047 encoded-words in `value` (a str without surrogates).

    Whitespace between two encoded-words is dropped (RFC 2047 6.2), and
    adjacent words in the same charset are decoded together, since some
    mailers split a multi-byte character across two words.
    """
    if "=?" not in value:
        return value
    out = []
    pos = 0
    pending = None  # [charset, bytearray] of adjacent encoded words

    def flush():
        if pending is not None:
            out.append(decode_bytes(bytes(pending[1]), pending[0]))

    for match in _ENCODED_WORD_RE.finditer(value):
        between = value[pos:match.start()]
        pos = match.end()
        charset, kind, text = match.groups()
        data = _decode_b(text) if kind in "bB" else _decode_q(text)
        if data is None:  # undecodable: keep the word as written
            flush()
            pending = None
            out.append(between + match.group(0))
            continue
        charset = charset.split("*", 1)[0].lower()
        if pending is not None:
            if not between.strip() and pending[0] == charset:
                pending[1] += data
                continue
            flush()
            if not between.strip():
                between = ""
        out.append(between)
        pending = [charset, bytearray(data)]
    flush()
    out.append(value[pos:])
    return "".join(out)


def decode_header(value):
    """A raw header value (as compat32 stores it) to display text:
    8-bit bytes decoded, unfolded, RFC 2047 decoded, control characters
    dropped, stripped."""
    if value is None:
        return ""
    if not isinstance(value, str):
        try:
            value = str(value)
        except Exception:
            return ""
    value = _unescape_surrogates(value)
    value = _FOLD_RE.sub("", value)
    value = decode_words(value)
    value = _CONTROL_RE.sub("", value.replace("\t", " "))
    return clean_text(value).strip()


def part_header(part, name):
    """The first raw value of header `name` in an email part, or None.

    Raw: as compat32 stored it, 8-bit bytes as surrogates. Reading
    `_headers` through raw_items() avoids compat32 turning 8-bit values
    into Header objects whose str() replaces the bytes with U+FFFD.
    """
    lname = name.lower()
    try:
        for key, value in part.raw_items():
            if key.lower() == lname:
                return value if isinstance(value, str) else str(value)
    except Exception:
        pass
    return None


def part_headers(part, name):
    """All raw values of header `name` in an email part."""
    lname = name.lower()
    out = []
    try:
        for key, value in part.raw_items():
            if key.lower() == lname:
                out.append(value if isinstance(value, str) else str(value))
    except Exception:
        pass
    return out


# ------------------------------------------------- structured parameters

_QUOTED_RE = re.compile(r'"((?:[^"\\]|\\.)*)"?', re.S)


def _split_params(value):
    """'type/sub; a=1; b="x;y"' -> ('type/sub', [(a, '1'), (b, 'x;y')]).

    A hand-written scanner rather than one regex: it stays linear on
    hostile input (a megabyte of parameter without "=", say).
    """
    value = _FOLD_RE.sub("", value)
    head, _, rest = value.partition(";")
    params = []
    pos, size = 0, len(rest)
    equals = -1
    while pos < size:
        if equals < pos:
            equals = rest.find("=", pos)
            if equals < 0:
                break
        semi = rest.find(";", pos, equals)
        if semi >= 0:  # a parameter without a value: skip it
            pos = semi + 1
            continue
        key = rest[pos:equals].strip().lower()
        start = equals + 1
        while start < size and rest[start] in " \t":
            start += 1
        if start < size and rest[start] == '"':
            match = _QUOTED_RE.match(rest, start)
            # As email.utils.unquote: only \\ and \" are escapes (a bare
            # backslash stays: old Outlook writes "C:\dir\file.doc").
            val = match.group(1).replace("\\\\", "\\").replace('\\"', '"')
            end = rest.find(";", match.end())
        else:
            end = rest.find(";", start)
            val = rest[start:end if end >= 0 else size].strip()
        pos = size if end < 0 else end + 1
        if key and not any(c.isspace() for c in key):
            params.append((key, val))
    return head.strip(), params


def _rfc2231(params):
    """Join RFC 2231 continuations and decode charset'lang'%XX values.

    Returns {name: str}. Values without RFC 2231 syntax come back as they
    are (RFC 2047 decoding of quoted names is done by the caller).
    """
    simple = {}
    pieces = {}  # name -> {index: (encoded, value)}
    for key, val in params:
        # (at most 6 digits: int() refuses huge ones, and no name has that
        # many continuations)
        match = re.fullmatch(r"([^*]+)\*(?:(\d{1,6})\*?)?", key)
        if match is None:
            simple.setdefault(key, val)
            continue
        name = match.group(1)
        index = int(match.group(2)) if match.group(2) else 0
        encoded = key.endswith("*")
        pieces.setdefault(name, {})[index] = (encoded, val)
    for name, chunks in pieces.items():
        charset = None
        data = bytearray()
        for i, index in enumerate(sorted(chunks)):
            encoded, val = chunks[index]
            if encoded:
                if i == 0 and val.count("'") >= 2:
                    charset, _, val = val.split("'", 2)
                raw = val.encode("utf-8", "surrogateescape")
                data += re.sub(rb"%([0-9A-Fa-f]{2})",
                               lambda m: bytes([int(m.group(1), 16)]), raw)
            else:
                data += val.encode("utf-8", "surrogateescape")
        # An RFC 2231 value wins over a plain one of the same name.
        simple[name] = decode_bytes(bytes(data), charset)
    return simple


def part_params(part, header):
    """(value, {param: decoded str}) of a structured header of a part."""
    raw = part_header(part, header)
    if raw is None:
        return "", {}
    try:
        head, params = _split_params(_unescape_surrogates(raw))
        return head, _rfc2231(params)
    except Exception:
        return "", {}


def part_content_type(part):
    """Lower-cased 'type/subtype' of a part; compat32's defaults apply
    (text/plain, or message/rfc822 inside multipart/digest)."""
    try:
        ctype = part.get_content_type()
    except Exception:
        return "text/plain"
    return ctype if isinstance(ctype, str) else "text/plain"


def part_disposition(part):
    """'attachment', 'inline' or '' for a part."""
    head, _ = part_params(part, "Content-Disposition")
    return head.lower().strip()


def part_filename(part):
    """The decoded file name of a part (Content-Disposition filename, else
    Content-Type name), or ''."""
    _, params = part_params(part, "Content-Disposition")
    name = params.get("filename")
    if not name:
        _, params = part_params(part, "Content-Type")
        name = params.get("name")
    if not name:
        return ""
    return decode_header(name)


def part_charset(part):
    _, params = part_params(part, "Content-Type")
    return params.get("charset")


def part_transfer_encoding(part):
    value = part_header(part, "Content-Transfer-Encoding") or ""
    return value.strip().strip("\"'").strip().lower()


def decode_base64_text(text):
    """Base64 payload text to bytes, tolerant of bad padding and stray
    characters; one allocation (the result) in the common case."""
    try:
        return binascii.a2b_base64(text)
    except (binascii.Error, ValueError):
        pass
    data = text.encode("ascii", "ignore") if isinstance(text, str) else text
    data = re.sub(rb"[^A-Za-z0-9+/=]", b"", data)
    head = data.split(b"=", 1)[0]
    if len(head) % 4 == 1:
        head = head[:-1]
    try:
        return binascii.a2b_base64(head + b"=" * (-len(head) % 4))
    except (binascii.Error, ValueError):
        return b""


def raw_payload(part):
    """A part's payload as stored by the parser: for a leaf, the body text
    with 8-bit bytes as surrogate escapes. (get_payload() would already
    decode those with the declared charset, replacing what fails.)"""
    try:
        payload = part._payload
    except AttributeError:
        try:
            payload = part.get_payload()
        except Exception:
            payload = None
    return payload


def part_payload(part):
    """The decoded bytes of a leaf part, byte-exact for base64,
    quoted-printable, 7bit/8bit/binary (and uuencode via the email
    package); never raises. A broken multipart (no boundary found) gives
    its body text."""
    payload = raw_payload(part)
    if isinstance(payload, list):
        return b""
    if payload is None:
        return b""
    if not isinstance(payload, str):
        try:
            return bytes(payload)
        except Exception:
            return b""
    cte = part_transfer_encoding(part)
    if cte == "base64":
        return decode_base64_text(payload)
    data = payload.encode("utf-8", "surrogateescape")
    if cte == "quoted-printable":
        try:
            return binascii.a2b_qp(data)
        except (binascii.Error, ValueError):
            return data
    if cte in ("x-uuencode", "uuencode", "uue", "x-uue"):
        try:
            decoded = part.get_payload(decode=True)
            return decoded if isinstance(decoded, bytes) else data
        except Exception:
            return data
    return data


def part_text(part):
    """A text leaf part's content as str, whatever its charset claims."""
    return decode_bytes(part_payload(part), part_charset(part))


# ----------------------------------------------------------- addresses

_ADDR_OK_RE = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+")
_ADDR_TOKEN_SPLIT_RE = re.compile(r"[\s<>()\[\],;:\"]+")
_ADDR_FULL_RE = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_MAX_ADDRESS_HEADER = 65536  # longer address headers are cut (parse cost)


def find_addresses(text):
    """Things that look like addresses in free text, lower-cased, in
    order. Token by token, so that it stays linear on any input."""
    out = []
    for token in _ADDR_TOKEN_SPLIT_RE.split(text):
        if "@" in token:
            token = token.strip(".'`").lower()
            if token.startswith("mailto:"):
                token = token[7:]
            if _ADDR_FULL_RE.fullmatch(token):
                out.append(token)
    return out


def valid_address(addr):
    """True for something that can be a mailbox: local@domain, no spaces."""
    return bool(addr) and _ADDR_OK_RE.fullmatch(addr) is not None \
        and not addr.startswith("@") and not addr.endswith("@")


def parse_addresses(value):
    """[(display name, bare address lower-cased)] of a raw address header
    value; invalid entries skipped."""
    if not value:
        return []
    value = _unescape_surrogates(value[:_MAX_ADDRESS_HEADER])
    value = _CONTROL_RE.sub(" ", _FOLD_RE.sub("", value))
    out = []
    try:
        pairs = _getaddresses([value])
    except Exception:
        pairs = []
    for name, addr in pairs:
        addr = (addr or "").strip().lower()
        if valid_address(addr):
            out.append((decode_header(name or ""), addr))
    if not out:
        # Mailers that write "Name addr@host" or worse: take what looks
        # like an address.
        out = [("", addr) for addr in find_addresses(value)]
    return out


# ------------------------------------------------------------ messages

_MSGID_RE = re.compile(r"<[^<>\s]+>")
_RAW_CONTROL_RE = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_BINARY_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_INVISIBLE_RE = re.compile("[\\s\u00a0\u200b-\u200d\u2060\ufeff]+")
_MAX_DEPTH = 200  # MIME nesting we follow; deeper parts are ignored


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
            except Exception:
                raw = b""
        self.raw = raw
        self.email = self._parse(raw)
        self._leaves = None
        self._text_body = None

    @staticmethod
    def _parse(raw):
        try:
            # Fed in slices, as parsebytes() feeds its StringIO: parsebytes()
            # would first decode the whole message into one str and realise
            # it in a StringIO at 4 bytes a character (a 35 MB message
            # costs 175 MB more).
            parser = _BytesFeedParser()
            for start in range(0, len(raw), _PARSE_SLICE):
                parser.feed(raw[start:start + _PARSE_SLICE])
            return parser.close()
        except Exception:  # RecursionError on absurd nesting, parser bugs
            pass
        try:
            # Headers only; the body stays one opaque payload.
            return _BytesParser().parsebytes(raw, headersonly=True)
        except Exception:
            return _EmailMessage()

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
            out.extend(addr for _, addr in parse_addresses(value))
        return out

    def _first_address(self, name):
        for value in part_headers(self.email, name):
            pairs = parse_addresses(value)
            if pairs:
                return pairs[0]
        return None

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

    @property
    def in_reply_to(self):
        ids = []
        for value in self.headers("In-Reply-To"):
            ids.extend(self._ids(value))
        return ids

    @property
    def references(self):
        ids = []
        for value in self.headers("References"):
            ids.extend(self._ids(value))
        return ids

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
            ctype = part_content_type(part)
            # raw_payload(), not get_payload(): that would decode the body
            # of every leaf (a copy of each attachment) just to look at it.
            payload = raw_payload(part)
            if ctype.startswith("multipart/") and isinstance(payload, list):
                if len(path) < _MAX_DEPTH:
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
        return raw_entity(self.raw, self.email, path)

    # -- sanity

    def is_readable(self):
        """False for input not worth a ticket: no From at all, binary
        garbage (no parsable headers, or a body mostly of control bytes),
        or nothing at all to say (no body, no subject, no attachments)."""
        try:
            return self._is_readable()
        except Exception:
            return False

    def _is_readable(self):
        try:
            keys = self.email.keys()
        except Exception:
            keys = []
        if not keys:  # also empty or blank input
            return False
        head = split_entity(self.raw[:262144])[0]
        if len(_RAW_CONTROL_RE.findall(head)) > len(head) * 0.05:
            return False
        from_values = part_headers(self.email, "From")
        if not any(decode_header(v) for v in from_values):
            return False
        text = self.text_body()
        htmls = self.html_bodies()
        sample = (text or "".join(htmls))[:65536]
        if sample:
            controls = len(_BINARY_CONTROL_RE.findall(sample))
            if controls > len(sample) * 0.3:
                return False
        has_body = bool(_INVISIBLE_RE.sub("", text))
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


# ------------------------------------------------------- HTML as text

def unescape(text):
    """html.unescape, imported on first use: html.entities costs more to
    import than a plain-text mail needs."""
    if "&" not in text:
        return text
    from html import unescape as _unescape
    return _unescape(text)


def escape(text):
    """html.escape(text, quote=True) without importing html."""
    return text.replace("&", "&amp;").replace("<", "&lt;") \
        .replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#x27;")


_TAG_NAME_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9:-]*)")
_HIDDEN_ELEMENTS = frozenset(
    "script style head title xml template svg math noembed noframes iframe"
    " object select".split())
_BREAK_ELEMENTS = frozenset(
    "br p div tr li dt dd h1 h2 h3 h4 h5 h6 table blockquote pre hr"
    " address".split())


def html_to_text(markup):
    """The visible text of HTML, line breaks where blocks end, without a
    parser: linear on any input (the regexes and html.parser of the
    standard library are quadratic on some hostile markup). Good enough
    for looking at the text (is there any? a forward marker?), not for
    display."""
    out = []
    lower = markup.lower()
    pos, size = 0, len(markup)
    while pos < size:
        start = markup.find("<", pos)
        if start < 0:
            out.append(markup[pos:])
            break
        out.append(markup[pos:start])
        if markup.startswith("<!--", start):
            end = markup.find("-->", start + 4)
            pos = size if end < 0 else end + 3
            continue
        match = _TAG_NAME_RE.match(markup, start)
        if match is None:
            if markup.startswith(("<!", "<?"), start):
                end = markup.find(">", start)
                pos = size if end < 0 else end + 1
            else:  # a lone "<" is text
                out.append("<")
                pos = start + 1
            continue
        end = markup.find(">", match.end())
        if end < 0:
            break
        name = match.group(1).lower()
        closing = markup.startswith("</", start)
        if name in _HIDDEN_ELEMENTS and not closing:
            close = lower.find("</" + name, end)
            if close < 0:
                break
            end = markup.find(">", close)
            if end < 0:
                break
        elif name in _BREAK_ELEMENTS:
            out.append("\n")
        pos = end + 1
    return clean_text(unescape("".join(out)))


# ---------------------------------------------------- raw part location

_LINE_END_RE = re.compile(rb"\r\n|\r|\n")
_RAW_HEADER_RE = re.compile(rb"From |[\041-\071\073-\176]*:|[\t ]")


def split_entity(data):
    """(headers, body) of a raw MIME entity, split the way the email
    package's feedparser splits it: at the first empty line, or at the
    first line that cannot be a header."""
    pos = 0
    size = len(data)
    while pos < size:
        match = _LINE_END_RE.search(data, pos)
        end = match.start() if match else size
        after = match.end() if match else size
        if end == pos:  # empty line: the body follows it
            return data[:pos], data[after:]
        if _RAW_HEADER_RE.match(data, pos) is None:
            return data[:pos], data[pos:]
        pos = after
    return data, b""


def split_multipart(body, boundary):
    """The raw sub-part entities of a multipart body, or None."""
    try:
        sep = boundary.encode("utf-8", "surrogateescape")
    except Exception:
        return None
    line_re = re.compile(rb"(?:\r\n|\r|\n|^)--" + re.escape(sep)
                         + rb"(--)?[ \t]*(?=\r\n|\r|\n|$)")
    parts = []
    start = None
    pos = 0
    while True:
        match = line_re.search(body, pos)
        if match is None:
            if start is not None:
                parts.append(body[start:])
            break
        if start is not None:
            parts.append(body[start:match.start()])
        if match.group(1):  # close delimiter
            break
        nl = _LINE_END_RE.match(body, match.end())
        start = nl.end() if nl else match.end()
        pos = start
        if pos >= len(body):
            parts.append(b"")
            break
    return parts


def raw_entity(raw, root, path):
    """The raw bytes of the part at `path` (indices from `root`), found by
    splitting `raw` along the boundaries, or None if the split does not
    agree with the parsed tree."""
    data = raw
    node = root
    try:
        for index in path:
            boundary = node.get_boundary()
            subparts = node.get_payload()
            if not boundary or not isinstance(subparts, list):
                return None
            _, body = split_entity(data)
            chunks = split_multipart(body, boundary)
            if chunks is None or len(chunks) != len(subparts):
                return None
            data = chunks[index]
            node = subparts[index]
        return data
    except Exception:
        return None
