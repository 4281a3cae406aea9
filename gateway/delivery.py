"""One delivery of one message: what the filters work with.

Filters see the message, the settings, the resolved sender, the GN6 client
and the journal entry through this object, and do their remote writes
through `step`, which records each one durably and skips those a previous
delivery of the same message already did.
"""
import logging
from functools import cached_property

log = logging.getLogger("mailtoticket")


class Delivery:
    def __init__(self, message, settings, journal, entry, tiquets, senders,
                 sender, dry_run=False, account=None):
        self.message = message
        self.settings = settings
        self.journal = journal
        self.entry = entry
        self.tiquets = tiquets
        self.senders = senders
        self.sender = sender
        self.dry_run = dry_run
        self._account = account
        self.notes = []          # HTML paragraphs to put on top of a new ticket
        self._tickets = {}

    def say(self, text, *args):
        """Log, and in --dry-run tell the admin on stderr."""
        log.info(text, *args)
        if self._account:
            self._account(text % args if args else text)

    def step(self, name, action):
        """Run `action` unless a previous delivery recorded `name`; record it."""
        done = self.entry.get(name)
        if done is not None:
            log.info("journal: %s already done (%r), not repeated", name, done)
            return done
        value = action()
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
        from gateway.body import description_html
        return description_html(self.message)

    @cached_property
    def attachments(self):
        """(to upload, [(skipped, reason)])"""
        from gateway import attachments
        return attachments.select(attachments.attachments(self.message), self.settings)
