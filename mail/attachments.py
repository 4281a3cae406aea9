"""Attachments and inline images of a message, their names, and the rules
that keep some of them out of the ticket.

Memory: an attachment keeps a reference to its part in the parsed tree
(which holds the transfer-encoded text anyway) and decodes it only when
`payload()` is called, every time (nothing is cached, so a 25 MiB file is
not held twice). `size` is computed without decoding where the encoding
allows it (arithmetic on clean base64, length of 8bit/binary text).
`base64()` hands back the part's own base64 text, whitespace removed, when
that text is clean canonical base64 (which decodes to exactly the payload);
otherwise it encodes `payload()`.
"""

import binascii
import re

from mail.headers import part_header, part_transfer_encoding
from mail.limits import name_for_match
from mail.raw.payload import decode_base64_text, part_payload, raw_payload
from mail.raw.rawmime import split_entity
from mail.failsafe import noted
from mail.record import Record

__all__ = ["Attachment", "attachments", "select"]

_MIB = 1024 * 1024

# Extensions for the common types, so that naming an unnamed part seldom
# needs the mimetypes module (which reads the system's mime.types).
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/octet-stream": ".bin",
    "application/zip": ".zip",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/ms-tnef": ".dat",
    "application/pkcs7-signature": ".p7s",
    "application/x-pkcs7-signature": ".p7s",
    "application/pgp-signature": ".asc",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/pjpeg": ".jpg",
    "image/gif": ".gif",
    "image/bmp": ".bmp",
    "image/webp": ".webp",
    "image/tiff": ".tif",
    "image/svg+xml": ".svg",
    "message/rfc822": ".eml",
    "message/global": ".eml",
    "message/delivery-status": ".txt",
    "message/disposition-notification": ".txt",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "text/csv": ".csv",
    "text/rfc822-headers": ".txt",
    "text/x-vcard": ".vcf",
    "text/vcard": ".vcf",
}

_B64_CLEAN_RE = re.compile(r"[A-Za-z0-9+/=\r\n \t]*")
# str.translate, not re.sub: one pass and no list of a piece per line
# (re.sub on 34 MB of base64 takes 0.6 s and 60 MB more).
_B64_STRIP = {ord(c): None for c in "\r\n \t"}
_UNSAFE_NAME_RE = re.compile(r"[\x00-\x1f\x7f]+")


class Attachment(Record):
    """One file of the message to upload to the ticket. (A Record, not a
    dataclass: see mail/record.py.)"""

    # shown and compared (not the part or its bytes)
    FIELDS = ("name", "content_type", "content_id", "inline", "size", "unreadable")

    def __init__(self, name, content_type, content_id, inline, size, _part=None,
                 _data=None, unreadable=None):
        self.name = name
        self.content_type = content_type
        self.content_id = content_id
        self.inline = inline
        self.size = size
        self._part = _part      # the MIME part, read when uploaded
        self._data = _data      # or its bytes, already decoded
        # Why the part could not be read (a defect on the message), or None:
        # select() lists such a part as not uploaded, with this reason.
        self.unreadable = unreadable


    def payload(self) -> bytes:
        """The decoded bytes, exactly as the sender attached them."""
        if self._data is not None:
            return self._data
        if self._part is None:
            return b""
        return part_payload(self._part)

    def open(self):
        """The decoded bytes as a binary file object: a clean base64 part is
        decoded as it is read (mail/raw/streams.py), never held decoded whole."""
        if self._data is None and self._part is not None:
            from mail.raw.streams import Base64Reader
            if _span_size(self._part) == self.size:
                raw, start, end = self._part._mtt_span
                return Base64Reader(raw, self.size, start, end)
            text = _base64_text(self._part)
            if text is not None and _base64_size(text) == self.size:
                return Base64Reader(text, self.size)
        import io
        return io.BytesIO(self.payload())

    def base64(self) -> str:
        """The payload base64-encoded without newlines (GN6's fitxerBase64)."""
        if self._data is None and self._part is not None:
            text = _clean_base64_text(self._part)
            if text is not None:
                return text
        return binascii.b2a_base64(self.payload(), newline=False) \
            .decode("ascii")


def _span_size(part):
    """Decoded size of a base64 body kept in the message's bytes
    (mail/raw/bigbodies.py), or None."""
    from mail.raw.bigbodies import base64_size, span_of
    if span_of(part) is None or part_transfer_encoding(part) != "base64":
        return None
    return base64_size(part)


def _base64_text(part):
    """The part's payload text if it is base64 made only of the alphabet,
    padding and line breaks, else None."""
    if part_transfer_encoding(part) != "base64":
        return None
    text = raw_payload(part)
    if not isinstance(text, str) or _B64_CLEAN_RE.fullmatch(text) is None:
        return None
    first_pad = text.find("=")
    if first_pad >= 0 and text[first_pad:].strip("= \t\r\n"):
        return None  # padding in the middle: concatenated chunks
    return text


def _base64_size(text):
    """Decoded size of clean base64 text, without decoding it."""
    letters = len(text) - sum(text.count(c) for c in "\r\n \t=")
    if letters % 4 == 1:
        return None
    return letters * 3 // 4


def _clean_base64_text(part):
    """The part's own base64 text, whitespace removed, if it decodes to
    exactly payload() (canonical: right padding, no stray bits)."""
    text = _base64_text(part)
    if text is None:
        return None
    text = text.translate(_B64_STRIP)
    if len(text) % 4:
        return None
    if text:
        # Only the last quantum can be non-canonical (unused bits set).
        last = text[-4:]
        try:
            if binascii.b2a_base64(binascii.a2b_base64(last),
                                   newline=False).decode("ascii") != last:
                return None
        except (binascii.Error, ValueError):
            return None
    return text


def _size(part):
    size = _span_size(part)
    if size is not None:
        return size
    text = _base64_text(part)
    if text is not None:
        size = _base64_size(text)
        if size is not None:
            return size
    cte = part_transfer_encoding(part)
    if cte in ("", "7bit", "8bit", "binary"):
        payload = raw_payload(part)
        if isinstance(payload, str):
            # Parsed from bytes: one code point per byte (surrogate escapes
            # included), so the length is the decoded size.
            return len(payload)
    return len(part_payload(part))


def _extension(content_type):
    ext = _EXTENSIONS.get(content_type)
    if ext:
        return ext
    try:
        import mimetypes  # only for unnamed parts of unusual types
        ext = mimetypes.guess_extension(content_type, strict=False)
    except (TypeError, ValueError):
        ext = None
    return ext or ".bin"


def _generated_name(content_type, number):
    main = content_type.split("/", 1)[0]
    prefix = main if main in ("image", "message", "audio", "video") \
        else "attachment"
    return "%s-%d%s" % (prefix, number, _extension(content_type))


def _safe_name(name):
    """A file name without directories or control characters, at most 200
    characters (extension kept)."""
    name = _UNSAFE_NAME_RE.sub("", name)
    name = re.split(r"[\\/]", name)[-1].strip().strip(".").strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[:199 - len(ext)] + "." + ext
        else:
            name = name[:200]
    return name


def _content_id(part):
    value = part_header(part, "Content-ID")
    if not value:
        return None
    value = re.sub(r"\s+", "", value).strip("<>")
    return value or None


def _referenced_cids(message):
    """Content-IDs the HTML body refers to, as mail.cids.cid_key."""
    from mail.cids import referenced_cids
    cids = set()
    for html in message.html_bodies():
        cids |= referenced_cids(html)
    return cids


def message_bytes(message, leaf):
    """The bytes of a message/rfc822 part's embedded message, as they are
    in the raw mail (undoing a base64/quoted-printable wrapper, which some
    mailers put on message/rfc822 against the rules). Falls back to the
    email package's re-serialisation if the part cannot be located."""
    entity = message.raw_part(leaf.path)
    if entity is not None:
        _, body = split_entity(entity)
        cte = part_transfer_encoding(leaf.part)
        if cte == "base64":
            return decode_base64_text(body)
        if cte == "quoted-printable":
            try:
                return binascii.a2b_qp(body)
            except (binascii.Error, ValueError):
                return body
        if _same_headers(body, leaf.part):
            return body
    try:
        payload = leaf.part.get_payload()
        if isinstance(payload, list):
            from email.generator import BytesGenerator
            from io import BytesIO
            out = BytesIO()
            for sub in payload:
                BytesGenerator(out, mangle_from_=False).flatten(sub)
            return out.getvalue()
    except Exception as e:  # a message part that cannot be flattened
        noted("attached message (its payload used)", e)
    return part_payload(leaf.part)


def _same_headers(body, part):
    """Whether raw `body` starts with the headers of the message parsed
    into `part` (a check that the raw split found the right bytes)."""
    try:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if inner is None:
            return False
        names = [k.lower() for k in inner.keys()]
        head, _ = split_entity(body)
        found = re.findall(rb"^([\041-\071\073-\176]+):", head, re.M)
        return [n.decode("ascii").lower() for n in found] == names
    except Exception as e:  # a broken inner header block
        noted("headers of an attached message", e)
        return False


def attachments(message, signatures=False):
    """Every part of `message` that is not body text: attached files,
    named parts, images and other non-text parts, forwarded messages (as
    .eml, named after their subject), inline cid: images, the files inside
    a winmail.dat, uuencoded files in the text. Signature files of signed
    mail only with `signatures`. A part that cannot be read does not cost
    the others: it is recorded as a defect on the message and comes back
    as an `unreadable` Attachment, which select() lists as not uploaded."""
    return _attachments(message, signatures)


# Signature files of signed mail (S/MIME, PGP): the signed content is the
# message; the signature means nothing to a support agent.
SIGNATURE_TYPES = ("application/pkcs7-signature",
                   "application/x-pkcs7-signature",
                   "application/pgp-signature")
TNEF_TYPES = ("application/ms-tnef", "application/vnd.ms-tnef")


def _message_name(message, leaf):
    """A forwarded message named after its subject (as other helpdesks
    do), or '' if it has none."""
    from mail.forward import inner_message
    from mail.headers import decode_header
    try:
        inner = inner_message(message, leaf)
        if inner is None:
            return ""
        subject = decode_header(part_header(inner, "Subject") or "")
    except Exception as e:  # a broken attached message
        noted("subject of an attached message", e)
        return ""
    subject = re.sub(r"[\\/:*?\"<>|]+", "_", subject).strip()
    return _safe_name(subject[:150] + ".eml") if subject else ""


def _uuencoded(leaf):
    from mail.raw.payload import part_text
    if leaf.content_type != "text/plain":
        return []
    text = part_text(leaf.part)
    if "begin" not in text:   # the uuencode reader, only for text that may hold a file
        return []
    from mail.formats.uuencode import split_uuencoded
    _, files = split_uuencoded(text)
    return [Attachment(_safe_name(name) or "attachment.bin",
                       "application/octet-stream", None, False, len(data),
                       None, data) for name, data in files]


def _attachments(message, signatures=False):
    cids = None
    result = []
    for number, leaf in enumerate(message.leaves(), 1):
        try:
            cids = _leaf_attachments(message, leaf, signatures, cids, result)
        except Exception as e:  # a bug or a part nobody foresaw: see it
            name = _safe_name(getattr(leaf, "filename", "") or "") or \
                "part %d (%s)" % (number, getattr(leaf, "content_type", "?"))
            message.note_defect("attachment %r" % name, e)
            result.append(Attachment(name, "application/octet-stream", None,
                                     False, 0, None, b"",
                                     "could not be read (%s)" % type(e).__name__))
    return result


def _leaf_attachments(message, leaf, signatures, cids, result):
    """Append the attachments of one leaf to `result`; the referenced
    Content-IDs back (computed on the first non-body leaf)."""
    from mail.cids import cid_key
    if leaf.is_body:
        result.extend(_uuencoded(leaf))
        return cids
    if leaf.content_type in SIGNATURE_TYPES and not signatures:
        return cids
    if leaf.content_type == "application/pgp-encrypted":
        return cids  # PGP/MIME's "Version: 1" control part
    if leaf.content_type in TNEF_TYPES or \
            leaf.filename.lower() == "winmail.dat":
        from mail.formats.tnef import tnef_files
        files = tnef_files(part_payload(leaf.part))
        if files:
            result.extend(Attachment(_safe_name(name) or "attachment.bin",
                                     ctype, None, False, len(data), None,
                                     data) for name, ctype, data in files)
            return cids
    if cids is None:
        cids = _referenced_cids(message)
    part = leaf.part
    ctype = leaf.content_type
    content_id = _content_id(part)
    inline = bool(content_id) and (
        cid_key(content_id) in cids or leaf.disposition == "inline")
    name = _safe_name(leaf.filename)
    if not name and ctype in ("message/rfc822", "message/global"):
        name = _message_name(message, leaf)
    if not name and ctype == "text/calendar":
        name = "invitation.ics"
    if not name:
        name = _generated_name(ctype, len(result) + 1)
    if ctype.startswith("message/"):
        data = message_bytes(message, leaf)
        result.append(Attachment(name, ctype, content_id, inline,
                                 len(data), None, data))
    else:
        result.append(Attachment(name, ctype, content_id, inline,
                                 _size(part), part, None))
    return cids


# --------------------------------------------------------------- filters

def _as_list(value):
    if value is None:
        return []
    if isinstance(value, (str, bytes)):
        return [value]
    try:
        return list(value)
    except TypeError:
        return [value]


def _mib(value):
    text = "%.1f" % value
    return text[:-2] if text.endswith(".0") else text


# The attachment type policy's defaults: programs and scripts Windows runs
# on a double click are never put on a ticket for an agent to open.
DEFAULT_BLOCKED_EXTENSIONS = [
    "exe", "com", "bat", "cmd", "scr", "pif", "cpl", "msi", "msp", "hta",
    "vbs", "vbe", "js", "jse", "wsf", "wsh", "ps1", "lnk", "reg", "jar"]
DEFAULT_BLOCKED_TYPES = [
    "application/x-msdownload", "application/x-msdos-program",
    "application/x-dosexec", "application/x-executable",
    "application/vnd.microsoft.portable-executable", "application/x-ms-installer",
    "application/x-msi", "application/hta"]


def _blocked_type(attachment, extensions, blocked_types):
    """Why the type policy keeps `attachment` out, or None."""
    name = attachment.name.lower().rstrip(". ")
    dot = name.rfind(".")
    ext = name[dot:] if dot >= 0 else ""
    if ext and ext in extensions:
        return "file type not accepted (%s)" % ext
    if attachment.content_type.lower() in blocked_types:
        return "file type not accepted (%s)" % attachment.content_type
    return None


def select(attachments, settings):
    """Split `attachments` into (to_upload, skipped) by the settings'
    filters: `filtrar_attachments_per_nom` (regexes matched with re.match
    at the start of the name, case as written, as the original tool did), `filtrar_attachments_per_hash` (MD5 or SHA-256 hex
    digests of the content) and `max_attachment_mb` (MiB; strictly larger
    parts are skipped), and the type policy (`extensions_no_pujar`,
    `tipus_no_pujar`). Each skipped entry carries the reason in English.
    The regexes are valid: settings.py refuses to start otherwise."""
    get = getattr(settings, "get", None)

    def setting(key, default):
        try:
            value = get(key, default) if get else getattr(settings, key,
                                                          default)
        except (KeyError, AttributeError, TypeError):
            return default
        return default if value is None else value

    patterns = [(pattern, re.compile(pattern))
                for pattern in _as_list(setting("filtrar_attachments_per_nom", []))]
    md5s, sha256s = set(), set()
    for digest in _as_list(setting("filtrar_attachments_per_hash", [])):
        digest = str(digest).strip().lower()
        if len(digest) == 32:
            md5s.add(digest)
        elif len(digest) == 64:
            sha256s.add(digest)
    extensions = {"." + str(e).strip().lower().lstrip(".")
                  for e in _as_list(setting("extensions_no_pujar",
                                            DEFAULT_BLOCKED_EXTENSIONS))
                  if str(e).strip()}
    blocked_types = {str(t).strip().lower()
                     for t in _as_list(setting("tipus_no_pujar",
                                               DEFAULT_BLOCKED_TYPES))}
    try:
        max_mb = float(setting("max_attachment_mb", 25))
    except (TypeError, ValueError):
        max_mb = 25.0
    limit = max_mb * _MIB

    upload, skipped = [], []
    for attachment in attachments:
        reason = attachment.unreadable
        for text, regex in patterns if reason is None else ():
            if regex.match(name_for_match(attachment.name)):
                reason = "filtered by name (matches '%s')" % text
                break
        if reason is None:
            reason = _blocked_type(attachment, extensions, blocked_types)
        if reason is None and attachment.size > limit:
            size = _mib(attachment.size / _MIB)
            if size == _mib(max_mb):  # just over: say it in bytes
                size = "%d bytes" % attachment.size
            else:
                size += " MiB"
            reason = "larger than %s MiB (%s)" % (_mib(max_mb), size)
        if reason is None and (md5s or sha256s):
            import hashlib
            data = attachment.payload()
            if md5s and hashlib.md5(data, usedforsecurity=False) \
                    .hexdigest() in md5s:
                reason = "filtered by content hash"
            elif sha256s and hashlib.sha256(data).hexdigest() in sha256s:
                reason = "filtered by content hash"
            del data
        if reason is None:
            upload.append(attachment)
        else:
            skipped.append((attachment, reason))
    return upload, skipped
