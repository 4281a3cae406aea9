"""One delivery of one message: what the filters work with.

Made first thing for each message (gateway/pipeline.py), it owns what the
delivery learns on the way: the message, its deadline, its journal entry,
the senders' directory and the resolved sender, the ticket system (always
the journalled one, gateway/writes/journalled.py, in the run's variant), the
notes for a new ticket, the cached description and attachments. Filters
see only its public attributes and methods; the run's mode (dry run,
replay) is not one of them.
"""
import logging
from functools import cached_property

log = logging.getLogger("mailtoticket")


class Delivery:
    def __init__(self, run, message, deadline):
        self.run = run
        self.settings = run.settings
        self.message = message
        self.deadline = deadline
        self.senders = None      # gateway/senders.Senders
        self.journal = None      # the run's journal, once the message is not skipped
        self.entry = None        # this message's journal entry (held locked)
        self.sender = None       # the resolved sender (gateway/senders.Sender)
        self.tickets = None      # gateway/writes/journalled.JournalledTickets
        self.notes = []          # HTML paragraphs to put on top of a new ticket
        self.follows_closed = None   # a closed ticket the new one follows
        self._whole_description = None

    @property
    def tiquets(self):
        """The ticket system (the name filters of earlier versions used)."""
        return self.tickets

    def say(self, text, *args):
        """Log, and in --dry-run tell the admin on stderr."""
        self.run.say(text % args if args else text)

    def ticket(self, codi):
        """The ticket with that number (read once per delivery), or None."""
        return self.tickets.find(codi)

    @cached_property
    def description(self):
        """The description sent to GN6: capped at mida_maxima_descripcio_kb
        (the whole of it is attached, see `attachments`), followed by what
        the parser's bounds left out of the message (mail/limits.py)."""
        from mail.body import description_html
        from mail.limits import cap_description
        shown, self._whole_description = cap_description(
            description_html(self.message), self.settings)
        return shown + self.message.bounds.html()

    @cached_property
    def comment_description(self):
        """The description of a comment on a ticket: a reply's own words,
        its quoted history and signature left out (replies.py), unless
        `treure_historial_respostes` is off or the message is a forward."""
        from mail.body import description_html
        from mail.replies import is_forward_subject
        if not self.settings.get("treure_historial_respostes", True) or \
                is_forward_subject(self.message.subject):
            return self.description
        from mail.limits import cap_description
        shown, _ = cap_description(description_html(self.message, strip_quotes=True),
                                   self.settings)
        return shown + self.message.bounds.html()

    @cached_property
    def attachments(self):
        """(to upload, [(skipped, reason)])"""
        from mail import attachments
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
