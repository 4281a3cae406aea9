"""The confirmation mail to a new ticket's requester: a gateway step any
back-end can ask for.

A ticket system that does not mail the requester (Jira does not mail
outside customers) composes the mail (TicketSystem.confirmation); the
gateway sends it through `servidor_mail` once the ticket is the
message's, as one journalled step (CONFIRMED). Never to automatic mail,
never twice for one message, never past the loop guard's limit for the
address: the guard that let the ticket open gates its confirmation (the
confirmation itself is not counted, or a desk that confirms would get half
the limit of one that does not). A mail server that does not take it costs
a warning, not the message: the ticket is there, and a retry would risk a
second one. In a dry run the write is told, not sent.
"""
import logging

from backends.base import Write
from gateway.writes import loop_guard

log = logging.getLogger("mailtoticket.confirmation")

CONFIRMED = "confirmation"     # journal step: the Message-ID sent, or why not
# The longest a mail server may take the confirmation (within the deadline).
SMTP_TIMEOUT = 30


def send_once(delivery, backend, codi, ticket):
    entry = delivery.entry
    if entry.get(CONFIRMED) is not None:
        return
    address = ticket.email or delivery.sender.address
    why_not = _why_not(delivery, address)
    if why_not:
        log.info("no confirmation for %s: %s", codi, why_not)
        entry.record(CONFIRMED, "not sent: " + why_not)
        return
    mail = backend.confirmation(codi, ticket, address)
    settings = delivery.settings

    def perform(write):
        return _send(settings, delivery.deadline, mail)
    try:
        backend.writes.send(Write("mail a confirmation", codi, dict(
            to=address, subject=mail["Subject"], via=settings["servidor_mail"])), perform)
    except (OSError, _smtp_error()) as e:
        log.warning("confirmation of %s to %s not sent through %s: %s", codi, address,
                    settings["servidor_mail"], e)
        entry.record(CONFIRMED, "failed: %s" % e)
        return
    entry.record(CONFIRMED, mail["Message-ID"])
    delivery.say("confirmation of %s mailed to %s", codi, address)


def _smtp_error():
    import smtplib
    return smtplib.SMTPException


def _send(settings, deadline, mail):
    import smtplib
    host, _, port = settings["servidor_mail"].partition(":")
    timeout = max(1.0, min(SMTP_TIMEOUT, deadline.remaining() - 1))
    with smtplib.SMTP(host, int(port or 25), timeout=timeout) as smtp:
        smtp.send_message(mail)


def _why_not(delivery, address):
    from rules.automatic import is_machine_mail
    from mail.addresses import valid_address
    if not address or not valid_address(address):
        return "no address to mail"
    if is_machine_mail(delivery.message):
        return "automatic mail"
    settings = delivery.settings
    limit = settings["limit_tiquets_per_remitent"]
    count = delivery.journal.sender_writes_within(address, loop_guard.window(settings))
    if limit and count > limit:
        return "loop guard: %d writes for %s in the window" % (count, address)
    return None
