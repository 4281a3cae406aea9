"""The ticket system, in the gateway's words: what a back-end implements.

The filters and gateway/writes/new_ticket.py speak to a ticket system only
through this interface (wrapped by gateway/writes/journalled.py, which journals
every write). backends/gn6/tickets.py implements it for GN6 over SOAP; a Jira
back-end implements the same methods. Nothing here knows GN6's vocabulary
(operation names, estat codes, PRIVAT/PUBLIC constants, date formats).

Failures follow failures.py: a TemporaryFailure (with `sent` when the
request may have been carried out all the same) or a Refused (the system's
final no).
"""


class Ticket:
    """What the gateway reads of a ticket: its number, whether it is
    closed, its requester's user name and address (None when unknown)."""

    __slots__ = ("codi", "closed", "requester", "email")

    def __init__(self, codi, closed, requester, email):
        self.codi = codi
        self.closed = closed
        self.requester = requester
        self.email = email

    def __repr__(self):
        return "Ticket(%r, closed=%r, requester=%r)" % (self.codi, self.closed,
                                                        self.requester)


class TicketSystem:
    """One ticket system. `fields` of a new ticket are named as the
    settings name them (solicitant, emailSolicitant, assumpte, descripcio,
    equipResolutor, urgencia, ...: see settings_sample.py); a back-end maps
    them to its own."""

    # -- reads
    def find(self, codi):
        """The ticket with that number, or None."""
        raise NotImplementedError

    def opened_since(self, fields, since, key):
        """Numbers of the tickets an open(fields, key) whose answer was
        lost may have made, opened since the date `since` (GN6: same
        requester, address and subject; Jira: the label made of `key`)."""
        raise NotImplementedError

    def file_url(self, annex):
        """The address of an attached file, for links in a description."""
        raise NotImplementedError

    # -- writes
    def open(self, fields, key):
        """Open a ticket; its number. `key`: the message's journal key, for
        a back-end that can tag the ticket with it (GN6 cannot)."""
        raise NotImplementedError

    def comment(self, codi, author, text, private, notify):
        """Add a comment (HTML) by `author`; `private`: staff only;
        `notify`: the system mails the requester."""
        raise NotImplementedError

    def attach(self, codi, author, name, data_base64):
        """Attach a file; the annex's id (for `file_url`)."""
        raise NotImplementedError

    def add_requester(self, codi, user):
        raise NotImplementedError

    def reopen(self, codi):
        """Ask the system to reopen a closed ticket; whether it is open now
        (a system may refuse silently, past its reopening deadline)."""
        raise NotImplementedError

    def update(self, codi, fields):
        """Set fields of a ticket, named as the settings name them
        (descripcio, dataResol, urgencia, equipResolutor, ...; a date as a
        datetime.date)."""
        raise NotImplementedError
