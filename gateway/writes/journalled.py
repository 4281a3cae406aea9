"""The one journalled ticket system: every write of a delivery goes here.

It wraps a back-end (backends/base.py: GN6, Jira, a fake in tests; in a
dry run its writes are told, not made) with the journal's guarantees, so that no filter re-implements
them:

- each write is one named journal step (names: gateway/steps.py); a step
  recorded by an earlier delivery of the message is not done again;
- writes the system cannot be asked about (a comment, an attachment, an
  additional requester) are at least once: the intent is recorded before
  the call, and a redelivery that finds an intent with no result (the
  answer never came: a timeout, a reset, a 5xx) sends it again with a
  WARNING. A duplicate comment or file is visible and harmless; a reply
  that silently waits for a person is not. A failure that cannot have
  reached the system (connection refused, HTTP 503, a refusal) forgets
  the intent: resent without a warning;
- opening a ticket looks before it resends: there is no idempotency key,
  so a redelivery that finds the intent without a ticket number asks the
  back-end for a ticket it opened meanwhile (same requester, subject and
  address, since the day before the first attempt, owned by no other
  message) before opening another;
- the per-sender loop guard (gateway/writes/loop_guard.py) is checked before, and
  counted after, every write that mails somebody;
- tickets are read once per delivery;
- a back-end that can be asked what a lost write left (Jira: the comment's
  marker, the files of the message) answers `written(write, codi, ...,
  since=)`: a redelivery looks before it sends again. It is told the
  message it works for (`for_delivery`) and when the ticket is the
  message's (`opened`); a back-end whose system does not mail the
  requester composes a `confirmation`, which the gateway sends once
  (gateway/writes/confirmation.py).

The filters and gateway/writes/new_ticket.py name fields as the settings
do (solicitant, assumpte, descripcio, dataResol...: the journal's step
names are made of them); here they become the domain's words the
back-ends take (backends/base.py NewTicket, `update` fields).
"""
import datetime
import logging
import time

from backends.base import DOMAIN_NAMES, FileData, NewTicket
from failures import Refused, TemporaryFailure
from gateway import steps
from gateway.writes import loop_guard

log = logging.getLogger("mailtoticket.journal")


class JournalledTickets:
    def __init__(self, backend, delivery):
        self.backend = backend
        self.delivery = delivery
        self._tickets = {}
        backend.for_delivery(delivery)

    @property
    def entry(self):
        return self.delivery.entry

    # -- reads
    def find(self, codi):
        """The ticket with that number (read once per delivery), or None."""
        if codi not in self._tickets:
            self._tickets[codi] = self.backend.find(codi)
        return self._tickets[codi]

    def file_url(self, annex):
        return self.backend.file_url(annex)

    # -- the protocol
    def step(self, name, action, at_least_once=False, look=None, also=None):
        """Run `action` unless an earlier delivery recorded `name`; record
        its value. at_least_once: see the module's docstring; look(since):
        what the system has of an earlier unanswered attempt, or None;
        also(): journal writes the answer settles, committed with the
        record (journal.together)."""
        entry = self.entry
        done = entry.get(name)
        if done is not None:
            log.info("journal: %s already done (%r), not repeated", name, done)
            return done
        intent = steps.intent(name)
        if at_least_once:
            if entry.get(intent) and look is not None:
                found = look(since=entry.get(intent))
                if found is not None:
                    log.warning("%s: an earlier delivery sent it and never got the "
                                "answer; it is on the ticket: not sent again", name)
                    self._settled(name, found, also)
                    return found
            if entry.get(intent):
                log.warning("%s: an earlier delivery sent it and never got the "
                            "answer; sent again, it may be a duplicate on the ticket",
                            name)
            entry.record(intent, time.time())
        try:
            value = action()
        except (TemporaryFailure, Refused) as e:
            # Only a bus failure may have reached the system (`sent`); the
            # deadline stops a call before it leaves, and a refusal is a no.
            if at_least_once and (not getattr(e, "sent", False)
                                  or getattr(e, "unavailable", False)):
                entry.forget(intent)
            raise
        self._settled(name, True if value is None else value, also)
        return value

    def _settled(self, name, value, also):
        with self.delivery.journal.together():
            self.entry.record(name, value)
            if also is not None:
                also()

    def will_comment(self, codi):
        """The loop guard, before the attachments of a comment go up."""
        if self.entry.get(steps.comment(codi)) is None:
            loop_guard.check(self.delivery)

    # -- writes
    def open(self, fields):
        """Open (or find, or finish opening) the message's ticket; its number.
        `fields`: named as the settings name them (solicitant, assumpte...)."""
        ticket = NewTicket.from_settings(fields)
        entry = self.entry
        codi = entry.get(steps.TICKET)
        if codi is None and entry.get(steps.OPEN_SENT):
            codi = self._find_lost(ticket)
        if codi is None:
            loop_guard.check(self.delivery)
            earlier = entry.get(steps.OPEN_SENT)
            entry.record(steps.OPEN_SENT, earlier or time.time())
            self.delivery.say("creating ticket: requester %s, subject %r",
                              ticket.requester, ticket.subject)
            try:
                codi = self.backend.open(ticket, entry.key)
            except (TemporaryFailure, Refused) as e:
                if not earlier and not getattr(e, "sent", False):
                    entry.forget(steps.OPEN_SENT)   # it never left, or the answer is no
                raise
            # What the answer settles, in one commit: the ticket, whose it
            # is, the loop guard's count (the intent above was committed
            # before the call).
            with self.delivery.journal.together():
                entry.record(steps.TICKET, codi)
                loop_guard.note(self.delivery)
                self.delivery.journal.claim_ticket(codi, entry.key)
        else:
            self.delivery.journal.claim_ticket(codi, entry.key)
        self.backend.opened(codi, ticket)
        if self.backend.confirms():
            from gateway.writes import confirmation
            confirmation.send_once(self.delivery, self.backend, codi, ticket)
        return codi

    def _find_lost(self, ticket):
        """The ticket an earlier open() made though its answer was lost."""
        # From the day before the first attempt (the system's clock may be
        # behind ours): a retry may come days later, after a long outage.
        sent = datetime.date.fromtimestamp(self.entry.get(steps.OPEN_SENT))
        journal, key = self.delivery.journal, self.entry.key
        mine = [codi for codi in self.backend.opened_since(
                    ticket, sent - datetime.timedelta(days=1), key)
                if journal.owner_of(codi) in (None, key)]
        if not mine:
            log.info("no ticket from the unanswered open: opening it again")
            return None
        codi = max(mine, key=lambda c: int(c) if str(c).isdigit() else 0)
        log.warning("the answer to an earlier AltaTiquet was lost; ticket %s is it", codi)
        self.entry.record(steps.TICKET, codi)
        loop_guard.note(self.delivery)
        return codi

    def comment(self, codi, author, text, private, notify, counted=True):
        """counted: the loop guard counts it (a private, unnotified note
        on a bounce sends nothing back and cannot loop: counted=False)."""
        if counted:
            self.will_comment(codi)
        self.step(steps.comment(codi), lambda: self.backend.comment(
            codi, author, text, private, notify), at_least_once=True,
            look=self._look("comment", codi),
            also=(lambda: loop_guard.note(self.delivery)) if counted else None)

    def attach(self, codi, author, index, name, data):
        """The index-th file of the message (FileData, or bytes); the annex's id."""
        if not isinstance(data, FileData):
            data = _in_memory(data)
        earlier = [value for step, value in self.entry.state.items()
                   if steps.is_attachment(step) and step.startswith("annex:%s:" % codi)]
        look = self._look("attach", codi)
        return self.step(steps.attachment(codi, index, name),
                         lambda: self.backend.attach(codi, author, name, data),
                         at_least_once=True,
                         look=look and (lambda since: look(name, data.size, earlier,
                                                           since=since)))

    def _look(self, write, codi):
        """look(*args, since=) for a step: the back-end's `written`."""
        return lambda *args, since: self.backend.written(write, codi, *args, since=since)

    def add_requester(self, codi, user, address=None):
        """An additional requester; "added", or "refused" (noted, not the
        message's outcome: the ticket and its files are already there)."""
        def add():
            try:
                self.backend.add_requester(codi, user)
            except Refused as e:
                log.warning("additional requester %s (%s) not added to ticket %s: %s",
                            user, address, codi, e)
                return "refused"
            self.delivery.say("additional requester %s (%s)", user, address)
            return "added"
        return self.step(steps.requester(codi, user), add, at_least_once=True)

    def reopen(self, codi):
        """Whether the closed ticket is open now (journalled: a redelivery
        does not ask again)."""
        reopened = self.step(steps.reopen(codi), lambda: self.backend.reopen(codi))
        self._tickets.pop(codi, None)
        return reopened

    def update(self, codi, **fields):
        """Set fields of the ticket, once (setting them again is harmless,
        so a lost answer is simply set again)."""
        domain = {DOMAIN_NAMES.get(name) or UPDATE_NAMES.get(name, name): value
                  for name, value in fields.items()}
        self.step(steps.update(codi, fields), lambda: self.backend.update(codi, domain))


# What `update` takes beyond a new ticket's fields, in the domain's words.
UPDATE_NAMES = {"dataResol": "due"}


def _in_memory(data):
    import io
    return FileData(lambda: io.BytesIO(data), len(data))
