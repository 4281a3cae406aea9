"""What the description says about parts a person cannot read as text:
encrypted mail, and calendar invitations.

* Encrypted mail (PGP/MIME multipart/encrypted, S/MIME enveloped data,
  inline PGP) cannot be read here: the description says so, and the
  encrypted part is attached as any other file (attachments.py).
* A calendar invitation (text/calendar) is attached as .ics; the
  description gets the event's summary, time and place, read from the
  first VEVENT (RFC 5545, unfolded; only the few properties shown).

Both are looked for in the MIME types of the leaves, so ordinary mail pays
one pass over a short list.
"""

import re

from mail.htmltext import escape

__all__ = ["encrypted_note", "event_notes", "unarmor_signed"]

_PGP_INLINE = "-----BEGIN PGP MESSAGE-----"
_SMIME_TYPES = ("application/pkcs7-mime", "application/x-pkcs7-mime")


def _encryption(message):
    """'PGP', 'S/MIME' or None."""
    from mail.headers import part_params
    if message.content_type == "multipart/encrypted":
        return "PGP"
    for leaf in message.leaves():
        if leaf.content_type in _SMIME_TYPES:
            _, params = part_params(leaf.part, "Content-Type")
            kind = params.get("smime-type", "").lower()
            if kind in ("enveloped-data", "authenveloped-data") or (
                    not kind and leaf.filename.lower().endswith(".p7m")):
                return "S/MIME"
        if leaf.content_type == "application/pgp-encrypted":
            return "PGP"
    if _PGP_INLINE in message.text_body():
        return "PGP"
    return None


def encrypted_note(message):
    """An HTML paragraph saying the mail is encrypted, or ''."""
    kind = _encryption(message)
    if not kind:
        return ""
    return ("<p><b>This message is encrypted (%s) and cannot be read here."
            " The encrypted part is attached.</b></p>" % kind)


_CLEARSIGNED_RE = re.compile(
    r"^-----BEGIN PGP SIGNED MESSAGE-----[ \t]*\r?\n"
    r"(?:[A-Za-z-]+:[^\n]*\n)*\r?\n"             # armor headers (Hash: ...)
    r"(.*?)"
    r"^-----BEGIN PGP SIGNATURE-----[ \t]*\r?\n"
    r".*?^-----END PGP SIGNATURE-----[ \t]*$", re.M | re.S)


def unarmor_signed(text):
    """Inline PGP clear-signed text (RFC 4880 7) as the text it signs:
    armor lines and the signature block off, dash-escaping undone."""
    # (a few blocks at most: each one's lazy scan runs to its signature)
    if "-----BEGIN PGP SIGNED MESSAGE-----" not in text or \
            text.count("-----BEGIN PGP SIGNED MESSAGE-----") > 5:
        return text

    def signed(match):
        body = match.group(1)
        return re.sub(r"^- ", "", body, flags=re.M)

    return _CLEARSIGNED_RE.sub(signed, text)


# ---------------------------------------------------------------- calendar

_MAX_ICS = 1024 * 1024
CALENDAR_TYPES = ("text/calendar", "application/ics")


def _unfold(text):
    return re.sub(r"\r?\n[ \t]", "", text.replace("\r\n", "\n"))


def _unescape(value):
    return re.sub(r"\\([\\;,nN])",
                  lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _when(params, value):
    """A DTSTART/DTEND value as a person reads it."""
    value = value.strip()
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})\d{0,2}(Z?))?",
                         value)
    if not match:
        return value
    year, month, day, hour, minute, utc = match.groups()
    text = "%s-%s-%s" % (year, month, day)
    if hour:
        text += " %s:%s" % (hour, minute)
        tzid = re.search(r"TZID=\"?([^\";:]+)", params or "", re.I)
        if utc:
            text += " UTC"
        elif tzid:
            text += " (%s)" % tzid.group(1)
    return text


def _event(ics):
    """{property: (params, value)} of the first VEVENT, and the METHOD."""
    text = _unfold(ics[:_MAX_ICS])
    method = re.search(r"^METHOD:(.*)$", text, re.M | re.I)
    start = text.find("BEGIN:VEVENT")
    end = text.find("END:VEVENT", start)
    if start < 0 or end < 0:
        return None, None
    props = {}
    for line in text[start:end].split("\n"):
        match = re.match(r"([A-Za-z-]+)((?:;[^:]*)?):(.*)$", line)
        if match and match.group(1).upper() not in props:
            props[match.group(1).upper()] = (match.group(2), match.group(3))
    return props, (method.group(1).strip().upper() if method else None)


def event_notes(message):
    """HTML paragraphs with each invitation's summary, time and place."""
    from mail.raw.payload import part_text
    notes = []
    for leaf in message.leaves():
        if leaf.content_type not in CALENDAR_TYPES:
            continue
        try:
            props, method = _event(part_text(leaf.part))
        except Exception as e:  # the .ics is still attached; say why no note
            from mail.message import note_defect
            note_defect(message, "calendar invitation %r"
                        % (leaf.filename or leaf.content_type), e)
            continue
        if not props:
            continue
        lines = []
        title = "Cancelled event" if method == "CANCEL" else "Event"
        summary = _unescape(props.get("SUMMARY", ("", ""))[1]).strip()
        lines.append("<b>%s:</b> %s" % (title, escape(summary or "(no title)")))
        if "DTSTART" in props:
            when = _when(*props["DTSTART"])
            if "DTEND" in props:
                when += " – " + _when(*props["DTEND"])
            lines.append("<b>When:</b> %s" % escape(when))
        where = _unescape(props.get("LOCATION", ("", ""))[1]).strip()
        if where:
            lines.append("<b>Where:</b> %s" % escape(where))
        notes.append("<p>%s</p>" % "<br>\n".join(lines))
    return "\n".join(notes)
