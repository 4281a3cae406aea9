"""The confirmation mail to the requester of a new Jira issue.

Jira does not mail outside customers, so the gateway does (as Jicket
does): once the issue is the message's, the requester gets a mail naming
its key, in text and HTML, through `servidor_mail`. Its subject carries
[KEY] and its Message-ID is <KEY.hex@host>, so a reply finds the issue by
either (jira_key_regex, regex_message_id: backends/jira/settings.py).

Never to automatic mail, never twice for one message (the journal step
CONFIRMED), never past the loop guard's limit for the address: the guard
that let the issue open gates its confirmation (the confirmation itself
is not counted, or a desk on Jira would get half the limit of one on GN6). A mail
server that does not take it costs a warning, not the message: the issue
is there, and a retry would risk a second one.
"""
import logging
import time
import uuid

from gateway.writes import loop_guard

log = logging.getLogger("mailtoticket.confirmation")

CONFIRMED = "confirmation"     # journal step: the Message-ID sent, or why not


def send_once(delivery, key, fields, tell=None):
    entry = delivery.entry
    if entry.get(CONFIRMED) is not None:
        return
    why_not = _why_not(delivery, fields)
    if why_not:
        log.info("no confirmation for %s: %s", key, why_not)
        if tell is None:
            entry.record(CONFIRMED, "not sent: " + why_not)
        return
    address = fields.get("emailSolicitant") or delivery.sender.address
    settings = delivery.settings
    mail = compose(settings, key, fields.get("assumpte") or "", address)
    if tell is not None:
        tell("would mail a confirmation of %s to %s" % (key, address))
        return
    import smtplib
    host, _, port = settings["servidor_mail"].partition(":")
    try:
        timeout = max(1.0, min(settings["jira_timeout"], delivery.deadline.remaining() - 1))
        with smtplib.SMTP(host, int(port or 25), timeout=timeout) as smtp:
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as e:
        log.warning("confirmation of %s to %s not sent through %s: %s", key, address,
                    settings["servidor_mail"], e)
        entry.record(CONFIRMED, "failed: %s" % e)
        return
    entry.record(CONFIRMED, mail["Message-ID"])
    delivery.say("confirmation of %s mailed to %s", key, address)


def _why_not(delivery, fields):
    from rules.automatic import is_machine_mail
    from mail.addresses import valid_address
    address = fields.get("emailSolicitant") or delivery.sender.address
    if not address or not valid_address(address):
        return "no address to mail"
    if is_machine_mail(delivery.message):
        return "automatic mail"
    settings = delivery.settings
    limit = settings["limit_tiquets_per_remitent"]
    count = delivery.journal.sender_writes_since(
        address, time.time() - loop_guard.window(settings))
    if limit and count > limit:
        return "loop guard: %d writes for %s in the window" % (count, address)
    return None


def compose(settings, key, subject, address):
    from email.message import EmailMessage
    from email.utils import formatdate
    from urllib.parse import quote
    values = {"key": key, "subject": subject,
              "url": "%s/browse/%s" % (settings["jira_url"].rstrip("/"), quote(key))}
    sender = settings["jira_confirmation_from"]
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = address
    mail["Subject"] = settings["jira_confirmation_subject"].format(**values)
    mail["Date"] = formatdate(localtime=True)
    host = sender.rpartition("@")[2].strip(">") or "localhost"
    mail["Message-ID"] = "<%s.%s@%s>" % (key, uuid.uuid4().hex, host)
    mail["Auto-Submitted"] = "auto-replied"     # RFC 3834: not to be answered by machines
    mail.set_content(settings["jira_confirmation_template_text"].format(**values))
    import html
    escaped = {k: html.escape(v) for k, v in values.items()}
    mail.add_alternative(settings["jira_confirmation_template_html"].format(**escaped),
                         subtype="html")
    return mail
