"""Who originally wrote a forwarded message.

Two kinds of forward exist in the wild: as an attachment (a message/rfc822
part, whose own From is the answer) and inline (the mailer quotes the
original below a marker line such as "---------- Forwarded message
---------" and a header block whose From:/De: line is the answer).

A delivery report (multipart/report) also carries a message/rfc822 part,
but it is not a forward: it gives None.
"""

import re

from email.parser import BytesParser as _BytesParser

from mail.addresses import find_addresses, parse_addresses
from mail.headers import part_header, part_transfer_encoding
from mail.htmltext import html_to_text, unescape
from mail.failsafe import noted

__all__ = ["original_sender"]

# Marker lines that start an inline forward (or a quoted original), in the
# languages the users write in and those mailers ship with. Only [ \t] as
# blanks: "\s" would cross lines and go quadratic on runs of empty lines.
_MARKER_RE = re.compile(
    r"""^[ \t>*]*(?:
        -{2,}[ \t]*(?:
            Forwarded\ message | Original\ Message |
            Missatge\ original | Missatge\ reenviat | Mensaje\ original |
            Mensaje\ reenviado | Message\ transf[ée]r[ée] |
            Message\ d'origine | Message\ original |
            Weitergeleitete\ Nachricht | Urspr[üu]ngliche\ Nachricht |
            Messaggio\ originale | Messaggio\ inoltrato
        )[ \t]*-{2,}
      | (?:Begin\ forwarded\ message | Inicio\ del\ mensaje\ reenviado |
         Inici\ del\ missatge\ reenviat |
         D[ée]but\ du\ message\ r[ée]exp[ée]di[ée] |
         Anfang\ der\ weitergeleiteten\ Nachricht)[ \t]*:
    )[ \t]*$""",
    re.I | re.M | re.X)

# The From line of the quoted header block (Gmail bolds it in text parts:
# "*From:* ..."; Outlook writes "From: Name [mailto:addr]").
_FROM_RE = re.compile(
    r"^[ \t>]*\**[ \t]*(?:From|De|Von|Da|Van|Od|Fr[åa]n|Fra)[ \t]*:\**[ \t]*(.+)$",
    re.I | re.M)
_ANGLE_RE = re.compile(r"<[ \t]*(?:mailto:)?([^<>\s]+@[^<>\s]+)[ \t]*>", re.I)
_MAILTO_RE = re.compile(r"\[[ \t]*mailto:([^\]\s]+@[^\]\s]+)[ \t]*\]", re.I)
_LOOKAHEAD_LINES = 12
_MAX_LINE = 2000


def original_sender(message):
    """The lower-cased address of the original sender of a forwarded
    message, or None if the message is not a forward. Never raises: a
    failure is recorded as a defect on the message (and logged), since
    it means a forward may be ticketed for the person who forwarded it."""
    try:
        if message.content_type == "multipart/report":
            return None
        return _attached_sender(message) or _inline_sender(message)
    except Exception as e:
        from mail.message import note_defect
        note_defect(message, "original sender", e)
        return None


def _attached_sender(message):
    for leaf in message.leaves():
        if leaf.content_type not in ("message/rfc822", "message/global"):
            continue
        inner = inner_message(message, leaf)
        if inner is None:
            continue
        for value in _from_values(inner):
            pairs = parse_addresses(value)
            if pairs:
                return pairs[0][1]
    return None


def inner_message(message, leaf):
    """The parsed message inside a message/rfc822 part. A mailer that
    base64/QP-encodes the part (against RFC 2046) gets it re-parsed from
    the decoded bytes, since the email package parses the encoded text."""
    if part_transfer_encoding(leaf.part) in ("base64", "quoted-printable"):
        from mail.attachments import message_bytes
        try:
            return _BytesParser().parsebytes(message_bytes(message, leaf),
                                             headersonly=True)
        except Exception as e:  # an encoded forward the parser refuses
            noted("headers of a forwarded message", e)
            return None
    try:
        payload = leaf.part.get_payload()
    except Exception as e:  # a broken message/rfc822 part
        noted("a forwarded message", e)
        return None
    if isinstance(payload, list) and payload:
        return payload[0]
    return None


_inner_message = inner_message  # the name it had before


def _from_values(part):
    value = part_header(part, "From")
    return [value] if value else []


def _address_in(line):
    """The address in a From line: <addr>, [mailto:addr], or bare."""
    line = unescape(line[:_MAX_LINE])
    for regex in (_ANGLE_RE, _MAILTO_RE):
        match = regex.search(line)
        if match:
            found = find_addresses(match.group(1))
            if found:
                return found[0]
    found = find_addresses(line)
    return found[0] if found else None


def _inline_sender(message):
    texts = [message.text_body()]
    texts.extend(html_to_text(h) for h in message.html_bodies())
    for text in texts:
        if not text:
            continue
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        marker = _MARKER_RE.search(text)
        if marker is None:
            continue
        following = text[marker.end():].lstrip("\n").split("\n")
        block = "\n".join(following[:_LOOKAHEAD_LINES])
        match = _FROM_RE.search(block)
        if match is None:
            continue
        address = _address_in(match.group(1))
        if address is None:
            # "From: Name" then "<addr>" on the next line: flattened HTML.
            after = block[match.end():].split("\n")
            if len(after) > 1 and after[1].lstrip(" >").startswith(
                    ("<", "&lt;", "[mailto:")):
                address = _address_in(after[1])
        if address:
            return address
    return _unwrapped_sender(message)


def _unwrapped_sender(message):
    """The sender quotequail's `unwrap` finds: today's Outlook and OWA
    forwards have no marker line (a rule of underscores, or nothing, before
    "From:"; in HTML the divRplyFwdMsg or border-top block). Their Catalan
    header words are put in English first, as for replies."""
    from mail.replies import MAX_LINES, english_headers
    import quotequail
    found = None
    for html in message.html_bodies():
        if len(html) > 100_000:  # quotequail costs ~0.1 ms a line
            continue
        try:
            found = quotequail.unwrap_html(english_headers(html, html=True))
        except Exception as e:  # lxml refuses control characters, say
            from mail.message import note_defect
            note_defect(message, "original sender in the HTML body", e)
            continue
        if found:
            break
    if not found:
        text = message.text_body()
        if text:
            lines = text.replace("\r\n", "\n").replace("\r", "\n") \
                .split("\n", MAX_LINES)[:MAX_LINES]
            found = quotequail.unwrap(english_headers("\n".join(lines)))
    if not found or found.get("type") != "forward" or not found.get("from"):
        return None
    return _address_in(found["from"])
