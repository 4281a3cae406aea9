"""Opaque-signed S/MIME mail (application/pkcs7-mime; smime-type=
signed-data, smime.p7m) read as the message it signs.

A clear-signed message (multipart/signed) already shows its content as its
first part. An opaque-signed one hides the whole MIME entity inside a CMS
SignedData structure, so a mail client that does not verify it shows an
opaque smime.p7m. The signature is not checked here (the desk reads
content, it does not decide trust): the entity is taken out of the
encapsulated content (RFC 5652), the outer message's own headers (From,
Subject...) are put back on top, and the result is parsed as the message.

BER as Outlook writes it (indefinite lengths, the content in constructed
OCTET STRING chunks) is read by a small bounded reader; anything else is
left as it came.
"""

__all__ = ["unwrap_opaque_signed"]

_SIGNED_DATA = bytes.fromhex("2a864886f70d010702")   # 1.2.840.113549.1.7.2
_DATA = bytes.fromhex("2a864886f70d010701")          # 1.2.840.113549.1.7.1
_MAX_DEPTH = 12
_CONTENT_HEADERS = (b"content-", b"mime-version")


class _Bad(Exception):
    pass


def _element(data, pos, depth=0):
    """(tag, content start, content end, next position) of the BER
    element at `pos`; indefinite lengths are followed to their end."""
    if depth > _MAX_DEPTH or pos + 2 > len(data):
        raise _Bad()
    tag = data[pos]
    pos += 1
    if tag & 0x1F == 0x1F:
        raise _Bad()  # high tag numbers: not in CMS
    first = data[pos]
    pos += 1
    if first == 0x80:
        if not tag & 0x20:
            raise _Bad()
        child = pos
        while True:
            if data[child:child + 2] == b"\x00\x00":
                return tag, pos, child, child + 2
            child = _element(data, child, depth + 1)[3]
    if first & 0x80:
        count = first & 0x7F
        if count == 0 or count > 4:
            raise _Bad()
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    else:
        length = first
    end = pos + length
    if end > len(data):
        raise _Bad()
    return tag, pos, end, end


def _children(data, start, end, depth):
    out = []
    pos = start
    while pos < end:
        if data[pos:pos + 2] == b"\x00\x00":
            break
        element = _element(data, pos, depth)
        out.append(element)
        pos = element[3]
    return out


def _octets(data, element, depth):
    """The bytes of an OCTET STRING, primitive or constructed."""
    tag, start, end, _ = element
    if tag == 0x04:
        return data[start:end]
    if tag == 0x24:
        return b"".join(_octets(data, child, depth + 1)
                        for child in _children(data, start, end, depth + 1))
    raise _Bad()


def signed_content(der):
    """The encapsulated content of a CMS SignedData, or None."""
    try:
        tag, start, end, _ = _element(der, 0)
        if tag != 0x30:
            return None
        oid, explicit = _children(der, start, end, 1)[:2]
        if der[oid[1]:oid[2]] != _SIGNED_DATA or explicit[0] != 0xA0:
            return None
        signed = _children(der, explicit[1], explicit[2], 2)[0]
        encap = _children(der, signed[1], signed[2], 3)[2]
        parts = _children(der, encap[1], encap[2], 4)
        if der[parts[0][1]:parts[0][2]] != _DATA or len(parts) < 2:
            return None
        inner = _children(der, parts[1][1], parts[1][2], 5)[0]
        return _octets(der, inner, 6)
    except (_Bad, IndexError, ValueError):
        return None


def unwrap_opaque_signed(raw, content_type, params, payload):
    """The message as its signer wrote it (outer headers, inner entity) if
    `raw` is opaque-signed S/MIME, else None."""
    if content_type not in ("application/pkcs7-mime",
                            "application/x-pkcs7-mime"):
        return None
    if params.get("smime-type", "signed-data").lower() != "signed-data":
        return None
    inner = signed_content(payload)
    if not inner:
        return None
    from mail.raw.rawmime import split_entity
    head, _ = split_entity(raw)
    kept = []
    skipping = False
    for line in head.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        skipping = line.lower().startswith(_CONTENT_HEADERS)
        if not skipping:
            kept.append(line)
    eol = b"\r\n" if head.endswith(b"\r\n") else b"\n"
    return b"".join(kept) + b"MIME-Version: 1.0" + eol + inner
