"""Mail that is deliberately not ticketed (X-Mailtoticket: SKIP).

Auto-replies, bounces and list traffic would otherwise open tickets that
GN6 answers with a notice, which the auto-responder answers again: a loop.
Mail sent by mailtoticket itself or by GN6 is skipped for the same reason.
`mails_sempre_ticket` overrides every rule here.
"""
import re

from gateway.addresses import matches
from gateway.limits import header_for_match

BULK_PRECEDENCE = ("bulk", "junk", "list")
AUTORESPONDER_HEADERS = ("X-Autoreply", "X-Autorespond")
SYSTEM_LOCAL_PARTS = ("mailer-daemon", "postmaster")


def skip_reason(message, settings, canonical):
    """Why this message must not be ticketed, or None."""
    sender = canonical(message.from_address)
    reply_to = canonical(message.reply_to_address)
    always = settings["mails_sempre_ticket"]
    if matches(sender, always) or matches(reply_to, always):
        return None
    if matches(sender, settings["mails_no_ticket"]) or \
            matches(reply_to, settings["mails_no_ticket"]):
        return "sender is on mails_no_ticket"
    if sender and sender in [canonical(a) for a in settings["mail_suport"]]:
        return "sent by the support address itself"
    if message.message_id and re.match(settings["regex_message_id"],
                                       header_for_match(message.message_id)):
        return "sent by GN6 (Message-ID %s)" % message.message_id
    return automatic_reason(message, sender)


def automatic_reason(message, sender):
    """RFC 3834 and the usual de-facto markers of machine-sent mail."""
    auto = (message.header("Auto-Submitted") or "").strip().lower()
    if auto and re.split(r"[\s;(]", auto, 1)[0] != "no":
        return "automatic mail (Auto-Submitted: %s)" % auto
    precedence = (message.header("Precedence") or "").strip().lower()
    if precedence in BULK_PRECEDENCE:
        return "automatic mail (Precedence: %s)" % precedence
    for name in AUTORESPONDER_HEADERS:
        if message.header(name) is not None:
            return "automatic mail (%s header)" % name
    if message.content_type == "multipart/report":
        return "delivery or read report (multipart/report)"
    return_path = message.header("Return-Path")
    if return_path is not None and return_path.strip() == "<>":
        return "bounce (Return-Path: <>)"
    if sender and sender.partition("@")[0] in SYSTEM_LOCAL_PARTS:
        return "mail from %s" % sender
    return None
