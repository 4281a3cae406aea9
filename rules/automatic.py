"""Mail that is deliberately not ticketed (X-Mailtoticket: SKIP).

Auto-replies, read receipts and bounces would otherwise open tickets that
GN6 answers with a notice, which the auto-responder answers again: a loop.
Mail sent by mailtoticket itself or by GN6 is skipped for the same reason,
and so is spam. Machine mail that cannot loop (`Precedence: bulk/list`,
`Auto-Submitted: auto-generated`: monitoring alerts, newsletters a person
put in the folder) is ticketed, with no creation notice sent back
(`is_machine_mail`), as the original tool and its peers do.
`mails_sempre_ticket` overrides every rule here.
"""
import logging
import re

from mail.addresses import matches
from mail.limits import header_for_match

log = logging.getLogger("mailtoticket.automatic")

SKIPPED_PRECEDENCE = ("junk",)
MACHINE_PRECEDENCE = ("bulk", "list")
AUTORESPONDER_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponse",
                         "X-Loop", "X-Auto-Response-Suppress")
SYSTEM_LOCAL_PARTS = ("mailer-daemon", "postmaster")
# Read receipts and non-RFC auto-replies the original tool skipped by their
# subject (substrings, case as written), and Exchange-style out-of-office
# subjects (prefixes, any case).
RECEIPT_SUBJECT_PARTS = ("DELIVERY FAILURE", "Informe de lectura", "Leer informe :",
                         "Llegit:")
AUTOREPLY_SUBJECT_PREFIXES = ("llegit:", "read:", "leído:", "leido:", "lu :", "lu:",
                              "automatic reply:", "auto reply:", "autoreply:",
                              "out of office:", "out of office reply:",
                              "resposta automàtica:", "respuesta automática:",
                              "réponse automatique :", "risposta automatica:")


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
    from rules import spam
    reason = spam.spam_reason(message, settings) or \
        spam.rule_reason(message, settings, "SKIP")
    if reason:
        return reason
    reason = automatic_reason(message, sender)
    if reason:
        from rules import bounces
        if bounces.notice_bounce(message, settings):
            return None   # a GN6 notice bounced: noted on its ticket (filtres/rebot.py)
    return reason


def _auto_submitted(message):
    auto = (message.header("Auto-Submitted") or "").strip().lower()
    return re.split(r"[\s;(]", auto, 1)[0] if auto else ""


def is_machine_mail(message):
    """Machine mail that is ticketed without a creation notice sent back."""
    precedence = (message.header("Precedence") or "").strip().lower()
    return _auto_submitted(message) == "auto-generated" or precedence in MACHINE_PRECEDENCE


def automatic_reason(message, sender):
    """RFC 3834 and the usual de-facto markers of replies that could loop."""
    auto = _auto_submitted(message)
    if auto and auto not in ("no", "auto-generated"):
        return "automatic reply (Auto-Submitted: %s)" % auto
    precedence = (message.header("Precedence") or "").strip().lower()
    if precedence in SKIPPED_PRECEDENCE:
        return "automatic mail (Precedence: %s)" % precedence
    subject = message.subject.strip()
    for part in RECEIPT_SUBJECT_PARTS:
        if part in subject:
            return "read receipt or auto-reply (subject %r)" % subject
    if subject.lower().startswith(AUTOREPLY_SUBJECT_PREFIXES):
        return "read receipt or auto-reply (subject %r)" % subject
    if _return_receipt(message):
        return "read receipt (Return Receipt)"
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


def _return_receipt(message):
    """A Lotus Notes style return receipt: "Return Receipt" in a short
    plain body (the original tool's test, bounded to the first lines)."""
    if message.content_type not in ("text/plain", "multipart/alternative", "multipart/mixed"):
        return False
    try:
        text = message.text_body() or ""
    except Exception as e:  # the body is read for a hint only
        log.warning("return receipt check: body unreadable (%s: %s)", type(e).__name__, e)
        return False
    return "Return Receipt" in text[:2000]
