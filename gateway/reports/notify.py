"""Tell the admin, by mail, that a message went to the quarantine.

Once per message (the journal remembers it), with the run's log and the
original message attached. A mail server that is down only costs a log
line: the quarantine copy is what keeps the message, not this mail.
"""
import logging

from gateway import steps

log = logging.getLogger("mailtoticket.notify")

# A larger original is not attached whole (its headers are).
MAX_ATTACHED_ORIGINAL = 10 * 1024 * 1024


def one_line(text):
    """Text (from the bus, from a message) made safe for a header: CR, LF
    and other control characters would break it, or make the email package
    refuse the whole notice."""
    import re
    return re.sub(r"[\x00-\x1f\x7f]+", " ", str(text)).strip()


def admin_mail(settings, subject, text, raw, log_text):
    from email.message import EmailMessage
    mail = EmailMessage()
    mail["From"] = settings["notificar_errors_from"]
    to = settings["notificar_errors_to"]   # one string too: settings refused before
    mail["To"] = to if isinstance(to, str) else ", ".join(to)   # load() made it a list
    mail["Subject"] = one_line(subject)[:200]
    mail["Auto-Submitted"] = "auto-generated"   # never ticketed back (RFC 3834)
    mail.set_content(text)
    mail.add_attachment(log_text.encode("utf-8"), maintype="text", subtype="plain",
                        filename="mailtoticket.log")
    if not raw:   # a notice about no message (the service's mailbox health)
        pass
    elif len(raw) > MAX_ATTACHED_ORIGINAL:   # the quarantine holds the whole of it
        from mail.limits import head_only
        mail.add_attachment(head_only(raw), maintype="text", subtype="plain",
                            filename="original-headers.txt")
    else:
        mail.add_attachment(raw, maintype="application", subtype="octet-stream",
                            filename="original.eml")
    return mail


def send(settings, subject, text, raw, log_text, timeout=10):
    """Returns True if the mail server took the mail."""
    if not settings["notificar_errors"] or not settings["notificar_errors_to"]:
        return False
    import smtplib
    host, _, port = settings["servidor_mail"].partition(":")
    try:
        mail = admin_mail(settings, subject, text, raw, log_text)
    except Exception as e:  # never let a notice cost the message (a second copy)
        log.warning("could not write the admin's notice: %s: %s", type(e).__name__, e)
        return False
    try:
        with smtplib.SMTP(host, int(port or 25), timeout=timeout) as smtp:
            smtp.send_message(mail)
        return True
    except (OSError, smtplib.SMTPException) as e:
        log.warning("could not mail the admin through %s: %s",
                    settings["servidor_mail"], e)
        return False


# REJECTs (an unknown sender, mostly: spam too) are told once per window,
# whatever their number; each ERROR (the ticket system refused) is told.
REJECT_TOPIC = "REJECT"


def tell_admin_once(settings, entry, outcome, path, raw, log_text):
    """Mail the admin about a quarantined message: once per message (the
    journal entry remembers it); a REJECT, and a topic such as a tripped
    loop guard, once per finestra_limit_minuts whatever the number of
    messages (--quarantine lists them all)."""
    if entry.get(steps.NOTIFIED):
        return
    topic = outcome.notice or (REJECT_TOPIC if outcome.header == REJECT_TOPIC else None)
    if topic and entry.journal.noticed_within(topic, settings["finestra_limit_minuts"] * 60):
        log.info("the admin was already told about %s", topic)
        return
    subject = "mailtoticket %s: %s" % (outcome.header, one_line(outcome.reason)[:120])
    text = ("A message was not ticketed and is kept in the quarantine:\n\n"
            "  %s\n\nReason: %s\n\nOnce the cause is fixed, process it again "
            "with:\n\n  mailtoticket.py -c SETTINGS --replay %s\n"
            % (path, outcome.reason, path))
    if topic:
        text += ("\nOther messages like it in the next %s minutes are kept without a "
                 "mail; list them all with:\n\n  mailtoticket.py -c SETTINGS --quarantine\n"
                 % settings["finestra_limit_minuts"])
    if send(settings, subject, text, raw, log_text):
        entry.record(steps.NOTIFIED, True)
        if topic:
            entry.journal.note_notice(topic)
