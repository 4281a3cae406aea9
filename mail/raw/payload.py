"""The content of a MIME leaf part: its transfer encoding undone (bytes),
or, for a text part, those bytes decoded as text.

Byte-exact and never raising, whatever the part's headers claim: the
body, the attachments and forward detection all read parts through here.
"""

import binascii
import re

from mail.charsets import decode_bytes
from mail.headers import part_charset, part_transfer_encoding
from mail.failsafe import noted

__all__ = ["decode_base64_text", "part_payload", "part_text", "raw_payload"]


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
    if getattr(part, "_mtt_span", None) is not None:   # kept in the message's bytes
        from mail.raw.bigbodies import text_of
        return text_of(part)
    try:
        payload = part._payload
    except AttributeError:
        try:
            payload = part.get_payload()
        except Exception as e:  # a part the email package cannot give
            noted("a part's payload", e)
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
        except (TypeError, ValueError):
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
        except Exception as e:  # uudecode of broken lines
            noted("uuencoded payload (kept encoded)", e)
            return data
    return data


def part_text(part):
    """A text leaf part's content as str, whatever its charset claims."""
    return decode_bytes(part_payload(part), part_charset(part))
