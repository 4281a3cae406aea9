"""Bounces of GN6's own notices, tied to their ticket.

When GN6 mails a requester and the address is dead, the bounce comes back
to the support mailbox. Skipping it (as every other bounce) leaves staff
believing the requester was told. So a delivery failure whose returned
headers carry a GN6 notice's Message-ID (`regex_message_id`) becomes a
private comment on that ticket: "the notice to X bounced: reason". The
standard form is a `multipart/report` (RFC 3464) with the notice's headers;
the common non-standard bounces (Exchange/Notes "Undeliverable:",
qmail "failure notice", Exim "Mail delivery failed") quote the headers in
their text, and are read the same way. Other bounces stay skipped.

Only the first `SCAN_BYTES` of the message are read: the returned headers
come first, and a bounce carrying a whole attachment back need not be
scanned to its end.
"""
import re

SCAN_BYTES = 256 * 1024
BOUNCE_SUBJECT_RE = re.compile(
    r"undeliver|undelivered|delivery status notification|delivery failure"
    r"|mail delivery failed|returned mail|failure notice|delivery has failed"
    r"|non remis|no se puede entregar|no s'ha pogut lliurar|unzustellbar",
    re.I)
# Read only in a bounce (compiled by re, and cached, at their first use: a
# plain message never pays for them).
_ID_RE = (rb"^\s*Message-ID:\s*(<[^<>\s]+>)", re.I | re.M)
_RECIPIENT_RE = (rb"^\s*(?:Final|Original)-Recipient:\s*[\w-]+\s*;\s*<?([^\s<>]+@[^\s<>]+)>?",
                 re.I | re.M)
_TO_RE = (rb"^\s*To:\s*(?:[^\n<]*<)?([^\s<>,]+@[^\s<>,]+)", re.I | re.M)
_DIAGNOSTIC_RE = (rb"^\s*Diagnostic-Code:\s*(?:[\w-]+\s*;)?\s*(.+(?:\n[ \t]+.+)*)",
                  re.I | re.M)
_STATUS_RE = (rb"^\s*Status:\s*([245]\.\d+\.\d+)", re.I | re.M)
_SMTP_REPLY_RE = (rb"^\s*((?:5\d\d|4\d\d)[ -]?(?:\d\.\d+\.\d+)?[^\n]{0,200})", re.M)
MAX_REASON = 300


class Bounce:
    """A bounce of a GN6 notice (a plain class: defining a dataclass costs
    more at start-up than this module's whole job)."""

    __slots__ = ("codi", "recipient", "reason")

    def __init__(self, codi, recipient, reason):
        self.codi = codi                # the ticket whose notice bounced
        self.recipient = recipient      # the dead address ("" if the bounce does not say)
        self.reason = reason            # the remote server's answer, or a generic one

    def __repr__(self):
        return "Bounce(%r, %r, %r)" % (self.codi, self.recipient, self.reason)


def looks_like_bounce(message):
    local = (message.from_address or "").partition("@")[0]
    return message.content_type == "multipart/report" \
        or local in ("mailer-daemon", "postmaster") \
        or (message.header("Return-Path") or "").strip() == "<>" \
        or bool(BOUNCE_SUBJECT_RE.search(message.subject))


def notice_bounce(message, settings):
    """The Bounce if this message is the bounce of a GN6 notice, else None."""
    if not looks_like_bounce(message):
        return None
    head, _, body = message.raw[:SCAN_BYTES].partition(b"\n\n")
    if b"\r\n\r\n" in head:
        head, _, body = message.raw[:SCAN_BYTES].partition(b"\r\n\r\n")
    by_id = re.compile(settings["regex_message_id"])
    codi = None
    for found in re.compile(*_ID_RE).findall(body):
        match = by_id.match(found.decode("ascii", "replace"))
        if match:
            codi = match.group(1)
            break
    if not codi:
        return None
    return Bounce(codi, _recipient(body), _reason(body))


def _text(value):
    return re.sub(r"\s+", " ", value.decode("utf-8", "replace")).strip()


def _recipient(body):
    match = re.compile(*_RECIPIENT_RE).search(body) or re.compile(*_TO_RE).search(body)
    return _text(match.group(1)).lower() if match else ""


def _reason(body):
    for pattern in (_DIAGNOSTIC_RE, _SMTP_REPLY_RE, _STATUS_RE):
        match = re.compile(*pattern).search(body)
        if match:
            return _text(match.group(1))[:MAX_REASON]
    return "delivery failed (the bounce gives no reason)"
