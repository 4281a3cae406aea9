"""A reply to an existing ticket becomes a comment on it.

The ticket number comes from rules/reply_match.py (In-Reply-To and
References, the subject, the journal's incoming Message-IDs). A reply
naming a ticket that does not exist, or a closed one, is not for this
filter: the chain goes on.

The private marker (`regex_privat`, or a PRIVAT header rule) is honoured
only from senders the directory or the settings maps know: an outside
address cannot plant a staff-only note. A comment by the ticket's own
requester is never notified back to them; others' per
`notificar_comentaris_afegits`.
"""
import logging
import re

from filtres.filtre import Filtre
from gateway.writes import parties, uploads
from rules import reply_match, trust
from rules.reply_match import without_ticket_tag  # noqa: F401 (its name of earlier versions)
from mail.htmltext import escape
from mail.limits import subject_for_match

log = logging.getLogger("mailtoticket.reply")


def ticket_number(message, settings, journal=None):
    """The ticket a message replies to, or None (rules/reply_match.py)."""
    return reply_match.ticket_number(
        message, settings, journal.ticket_of_message if journal is not None else None)


def private_marker(delivery):
    """Whether the sender asked for a private comment, and may."""
    from rules import spam
    marked = bool(re.match(delivery.settings["regex_privat"],
                           subject_for_match(delivery.message.subject))) \
        or spam.header_rule(delivery.message, delivery.settings) == "PRIVAT"
    if marked and delivery.sender.user is None:
        delivery.say("private marker from unknown sender %s ignored: public comment",
                     delivery.sender.address)
        return False
    return marked


def is_closed(ticket):
    return ticket.closed


class FiltreReply(Filtre):
    def es_aplicable(self):
        self.codi = ticket_number(self.message, self.settings, self.delivery.journal)
        if not self.codi:
            return False
        ticket = self.delivery.ticket(self.codi)
        if ticket is None:
            self.delivery.say("the message names ticket %s, which does not exist",
                              self.codi)
            return False
        self.ticket = ticket
        self.author = self.comment_author()
        self.party, why = parties.is_party(self.delivery, ticket)
        self.stranger = None if self.party else why
        if not self.party:
            mode = self.settings["comentaris_de_tercers"]
            self.delivery.say("%s on ticket %s is %s (comentaris_de_tercers: %s)",
                              self.delivery.sender.address, self.codi, why, mode)
            if mode == trust.NEW:
                return False
            if mode == trust.PUBLIC:
                self.stranger = None
        if not self.author:
            self.delivery.say("reply to ticket %s from an unknown sender and no "
                              "usuari_extern", self.codi)
            return False
        return not is_closed(ticket) or self.reopen(ticket)

    def reopen(self, ticket):
        """Plain replies leave closed tickets alone: the chain goes on
        (usually to a new ticket, which names the closed one)."""
        self.delivery.say("ticket %s is closed", self.codi)
        return self.follow_closed("")

    def follow_closed(self, why):
        """Tell a new ticket made of this message that it follows the closed
        ticket (a line on top of its description, its subject without the
        old ticket's tag); not applicable."""
        delivery = self.delivery
        if delivery.follows_closed != self.codi:
            delivery.follows_closed = self.codi
            delivery.notes.append("<p>This ticket follows closed ticket %s%s.</p>"
                                  % (escape(self.codi), why))
        return False

    def comment_author(self):
        """The sender's user; else the ticket's requester if the sender is
        the ticket's emailSolicitant; else usuari_extern."""
        sender = self.delivery.sender
        if sender.user:
            return sender.user
        email = (self.ticket.email or "").strip().lower()
        if sender.address and email and not sender.outsider and \
                self.delivery.senders.canonical(email) == sender.address:
            return self.ticket.requester
        return self.settings["usuari_extern"] or None

    def state(self):
        from rules import origin
        return {"codi": self.codi, "author": self.author,
                "solicitant": self.ticket.requester,
                "origin": origin.for_comment(self.delivery),
                "stranger": self.stranger}

    def restore(self, state):
        self.codi, self.author = state["codi"], state["author"]
        self.solicitant = state.get("solicitant")
        self.origin = state.get("origin")
        self.stranger = state.get("stranger")

    def filtrar(self):
        delivery = self.delivery
        private = private_marker(delivery) or bool(self.stranger)
        if private:
            notify = False
        elif self.author and self.author == self.solicitant:
            notify = False   # the requester knows what they wrote
        else:
            notify = bool(self.settings["notificar_comentaris_afegits"])
        delivery.tickets.will_comment(self.codi)
        uploaded = uploads.upload(delivery, self.codi, self.author)
        _, skipped = delivery.attachments
        from rules import cleaning, origin
        body = cleaning.apply(self.settings, "netejar_mail_reply",
                             delivery.comment_description)
        line = self.origin if self.origin is not None else origin.for_comment(delivery)
        text = uploads.with_attachments(delivery, line + body, uploaded, skipped)
        if self.stranger:
            text = trust.stranger_note(delivery.sender.address, self.stranger) + text
        delivery.tickets.comment(self.codi, self.author, text, private, notify)
        delivery.say("%s comment by %s on ticket %s",
                     "private" if private else "public", self.author, self.codi)
