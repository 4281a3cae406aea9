"""Bytes of unknown or lying charset to text, never raising.

Mail declares charsets that are wrong (latin-1 for cp1252, ASCII for
UTF-8), unknown, or not charsets at all, and 8-bit bytes reach headers
undeclared. Everything that turns mail bytes into text goes through
`decode_bytes` here, so the whole gateway reads them the same way:
declared charset if it fits (or the superset senders really use, see
charset_guess.py), else UTF-8 with stray bytes read as cp1252; undeclared
8-bit text that is not UTF-8 at all is guessed by a detector.
Importing this module registers the "mailtoticket-cp1252" codec error
handler that does the latter.
"""

import codecs
import re

__all__ = ["clean_text", "decode_bytes", "unescape_surrogates"]

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
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "iso-8859-9": "cp1254",
    "iso8859-9": "cp1254",
    "latin5": "cp1254",
    "big5": "big5hkscs",
    "windows-31j": "cp932",
    "cp50220": "iso2022_jp",
    "cp50221": "iso2022_jp",
    "cp50222": "iso2022_jp",
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
# A well-formed UTF-8 multi-byte sequence: text with one is UTF-8 with
# stray bytes, not text in another charset.
_UTF8_MULTIBYTE_RE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}")  # planes 1-3: the assigned ones


def clean_text(text):
    """Drop lone surrogates, which no XML or UTF-8 consumer accepts."""
    if _SURROGATES_RE.search(text):
        return _SURROGATES_RE.sub("\ufffd", text)
    return text


def _mostly_utf8(data):
    """Whether more than half the 8-bit bytes form valid UTF-8 sequences
    (UTF-8 with stray bytes, not text in another charset)."""
    sample = bytes(data[:65536])
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    valid = sum(len(m) for m in _UTF8_MULTIBYTE_RE.findall(sample))
    return valid * 2 > high


_HIGH_BYTES = bytes(range(0x80, 0x100))


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
        except (TypeError, ValueError):
            return ""
    codec = _codec(charset)
    if (codec is None or codec in _WESTERN) and b"\x1b$" in data:
        # ISO-2022-JP (7-bit, so "valid UTF-8") sent undeclared or as ASCII
        # by old Japanese mailers.
        from mail.charset_guess import decode_lenient
        if re.search(rb"\x1b\$[@B]", data):
            text = decode_lenient(data, "iso2022_jp")
            if text is not None:
                return clean_text(text)
    if codec is None or codec in _WESTERN:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if codec is not None:
        try:
            return clean_text(data.decode(codec))
        except (UnicodeError, LookupError):
            pass
        if codec != "utf-8" and codec not in _WESTERN:
            # A character the codec lacks: read it as the senders' superset
            # does, or replace that character only, never the whole text.
            from mail.charset_guess import decode_lenient
            text = decode_lenient(data, codec)
            if text is not None:
                return clean_text(text)
    elif not _mostly_utf8(data):
        # Undeclared 8-bit text that is not UTF-8: guess as a detector does.
        from mail.charset_guess import guess
        guessed = guess(data)
        if guessed:
            return clean_text(data.decode(guessed, "replace"))
    return data.decode("utf-8", "mailtoticket-cp1252")


def unescape_surrogates(value):
    """A compat32 header or payload string (8-bit bytes kept as surrogate
    escapes) as proper text, 8-bit bytes decoded as UTF-8 or cp1252."""
    if not _SURROGATES_RE.search(value) and "\x1b$" not in value:
        return value  # (ESC $: raw ISO-2022-JP, see decode_bytes)
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return clean_text(value)
    return decode_bytes(data)
