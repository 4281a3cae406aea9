"""What the headers of a MIME part say, decoded.

Header values are kept raw by the parser (compat32: 8-bit bytes as
surrogate escapes); these helpers read them straight from the part and
decode them: RFC 2047 encoded words, folding, control characters, and the
parameters of structured headers (Content-Type, Content-Disposition) with
RFC 2231 continuations and charsets. Shared by the message, its addresses,
body, attachments and forward detection. Nothing here raises on bad input.
"""

import binascii
import re

from mail.charsets import clean_text, decode_bytes, unescape_surrogates
from mail.failsafe import noted

__all__ = ["CONTROL_RE", "FOLD_RE", "decode_header", "decode_words",
           "part_charset", "part_content_type", "part_disposition",
           "part_filename", "part_header", "part_headers", "part_params",
           "part_transfer_encoding"]

# The encoded text stops at the first "?" (RFC 2047 forbids it there); a
# lazy ".*?" would make a hostile header quadratic.
_ENCODED_WORD_RE = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]+")
FOLD_RE = re.compile(r"\r\n|\r|\n")


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
        except Exception as e:  # a header object that cannot be shown
            noted("a header value", e)
            return ""
    value = unescape_surrogates(value)
    value = FOLD_RE.sub("", value)
    value = decode_words(value)
    value = CONTROL_RE.sub("", value.replace("\t", " "))
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
    except Exception as e:  # a broken header block
        noted("header %s" % name, e)
    return None


def part_headers(part, name):
    """All raw values of header `name` in an email part."""
    lname = name.lower()
    out = []
    try:
        for key, value in part.raw_items():
            if key.lower() == lname:
                out.append(value if isinstance(value, str) else str(value))
    except Exception as e:  # a broken header block
        noted("header %s" % name, e)
    return out


# ------------------------------------------------- structured parameters

_QUOTED_RE = re.compile(r'"((?:[^"\\]|\\.)*)"?', re.S)


def _split_params(value):
    """'type/sub; a=1; b="x;y"' -> ('type/sub', [(a, '1'), (b, 'x;y')]).

    A hand-written scanner rather than one regex: it stays linear on
    hostile input (a megabyte of parameter without "=", say).
    """
    value = FOLD_RE.sub("", value)
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
        head, params = _split_params(unescape_surrogates(raw))
        return head, _rfc2231(params)
    except Exception as e:  # parameters nobody foresaw
        noted("parameters of %s" % header, e)
        return "", {}


def part_content_type(part):
    """Lower-cased 'type/subtype' of a part; compat32's defaults apply
    (text/plain, or message/rfc822 inside multipart/digest)."""
    try:
        ctype = part.get_content_type()
    except Exception as e:  # a Content-Type the email package cannot read
        noted("Content-Type (taken as text/plain)", e)
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
