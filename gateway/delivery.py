"""One delivery of one message: what the filters work with.

Filters see the message, the settings, the resolved sender, the GN6 client
and the journal entry through this object, and do their remote writes
through `step`, which records each one durably and skips those a previous
delivery of the same message already did.
"""
import logging
import time
from functools import cached_property

from gateway.errors import TemporaryFailure

log = logging.getLogger("mailtoticket")


class Delivery:
    def __init__(self, message, settings, journal, entry, tiquets, senders,
                 sender, dry_run=False, account=None, replaying=False):
        self.message = message
        self.settings = settings
        self.journal = journal
        self.entry = entry
        self.tiquets = tiquets
        self.senders = senders
        self.sender = sender
        self.dry_run = dry_run
        self.replaying = replaying
        self._account = account
        self.notes = []          # HTML paragraphs to put on top of a new ticket
        self._tickets = {}
        self._whole_description = None

    def say(self, text, *args):
        """Log, and in --dry-run tell the admin on stderr."""
        log.info(text, *args)
        if self._account:
            self._account(text % args if args else text)

    def step(self, name, action, repeatable=True):
        """Run `action` unless a previous delivery recorded `name`; record it.

        repeatable=False for writes GN6 cannot be asked about (a comment,
        an upload, an additional requester): the intent is recorded first,
        and a redelivery that finds an intent with no result (the answer
        never came: a timeout, a reset, a 5xx) sends it again with a
        WARNING. At least once: a duplicate comment or file is visible and
        harmless, a reply that silently waits for a person is not.
        """
        done = self.entry.get(name)
        if done is not None:
            log.info("journal: %s already done (%r), not repeated", name, done)
            return done
        intent = name + ":sent"
        if not repeatable:
            if self.entry.get(intent):
                log.warning("%s: an earlier delivery sent it and never got the "
                            "answer; sent again, it may be a duplicate on the ticket",
                            name)
            self.entry.record(intent, time.time())
        from soa.errors import Refusal
        try:
            value = action()
        except (TemporaryFailure, Refusal) as e:
            # Only a bus failure may have reached GN6 (BusFailure.sent); the
            # deadline stops a call before it leaves, and a Refusal is GN6's no.
            # Connection refused or HTTP 503: not sent, resent without a warning.
            if not repeatable and (not getattr(e, "sent", False)
                                   or getattr(e, "unavailable", False)):
                self.entry.forget(intent)
            raise
        self.entry.record(name, True if value is None else value)
        return value

    def ticket(self, codi):
        """The ticket with that number (read once per delivery), or None."""
        if codi not in self._tickets:
            self._tickets[codi] = self.tiquets.consulta_tiquet(codi)
        return self._tickets[codi]

    def forget_ticket(self, codi):
        self._tickets.pop(codi, None)

    @cached_property
    def description(self):
        """The description sent to GN6: capped at mida_maxima_descripcio_kb
        (the whole of it is attached, see `attachments`), followed by what
        the parser's bounds left out of the message (gateway/limits.py)."""
        from gateway.body import description_html
        from gateway.limits import cap_description
        shown, self._whole_description = cap_description(
            description_html(self.message), self.settings)
        return shown + self.message.bounds.html()

    @cached_property
    def comment_description(self):
        """The description of a comment on a ticket: a reply's own words,
        its quoted history and signature left out (replies.py), unless
        `treure_historial_respostes` is off or the message is a forward."""
        from gateway.body import description_html
        from gateway.replies import is_forward_subject
        if not self.settings.get("treure_historial_respostes", True) or \
                is_forward_subject(self.message.subject):
            return self.description
        from gateway.limits import cap_description
        shown, _ = cap_description(description_html(self.message, strip_quotes=True),
                                   self.settings)
        return shown + self.message.bounds.html()

    @cached_property
    def attachments(self):
        """(to upload, [(skipped, reason)])"""
        from gateway import attachments
        found = attachments.attachments(
            self.message, self.settings.get("pujar_signatures", False))
        self.description  # noqa: B018 (it says whether the whole one is attached)
        whole = self._whole_description
        if whole is not None:
            data = whole.encode("utf-8", "surrogatepass")
            found.append(attachments.Attachment(
                "descripcio-completa.html", "text/html", None, False, len(data),
                None, data))
        return attachments.select(found, self.settings)
