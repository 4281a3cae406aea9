"""A reply to an existing ticket becomes a comment on it.

The ticket number comes from In-Reply-To and References first (GN6's
notices carry it in their Message-ID, see `regex_message_id`), then from
the subject (`regex_reply`). A reply naming a ticket that does not exist,
or a closed one, is not for this filter: the chain goes on.
"""
import logging
import re

from filtres.filtre import Filtre
from gateway import loop_guard, uploads
from soa.parameters import PRIVAT, PUBLIC, TANCAT

log = logging.getLogger("mailtoticket.reply")


def ticket_number(message, settings):
    """The ticket a message replies to, or None."""
    by_id = re.compile(settings["regex_message_id"])
    for message_id in message.in_reply_to + list(reversed(message.references)):
        match = by_id.match(message_id)
        if match:
            return match.group(1)
    match = re.search(settings["regex_reply"], message.subject)
    return match.group(1) if match else None


def is_closed(ticket):
    return ticket.get("estat") == TANCAT


class FiltreReply(Filtre):
    def es_aplicable(self):
        self.codi = ticket_number(self.message, self.settings)
        if not self.codi:
            return False
        ticket = self.delivery.ticket(self.codi)
        if ticket is None:
            self.delivery.say("the message names ticket %s, which does not exist",
                              self.codi)
            return False
        self.ticket = ticket
        self.author = self.comment_author()
        if not self.author:
            self.delivery.say("reply to ticket %s from an unknown sender and no "
                              "usuari_extern", self.codi)
            return False
        return not is_closed(ticket) or self.reopen(ticket)

    def reopen(self, ticket):
        """Plain replies leave closed tickets alone."""
        self.delivery.say("ticket %s is closed", self.codi)
        return False

    def comment_author(self):
        """The sender's user; else the ticket's requester if the sender is
        the ticket's emailSolicitant; else usuari_extern."""
        sender = self.delivery.sender
        if sender.user:
            return sender.user
        email = (self.ticket.get("emailSolicitant") or "").strip().lower()
        if sender.address and email and \
                self.delivery.senders.canonical(email) == sender.address:
            return self.ticket.get("solicitant")
        return self.settings["usuari_extern"] or None

    def state(self):
        return {"codi": self.codi, "author": self.author}

    def restore(self, state):
        self.codi, self.author = state["codi"], state["author"]

    def filtrar(self):
        delivery = self.delivery
        private = bool(re.search(self.settings["regex_privat"], self.message.subject))
        if private:
            tipus, notificat = PRIVAT, "N"
        else:
            tipus = PUBLIC
            notificat = "S" if self.settings["notificar_comentaris_afegits"] else "N"
        comment = "comment:%s" % self.codi
        if delivery.entry.get(comment) is None:
            loop_guard.check(delivery)
        uploaded = uploads.upload(delivery, self.codi, self.author)
        _, skipped = delivery.attachments
        text = uploads.with_attachments(delivery.comment_description, uploaded,
                                        skipped)
        if delivery.entry.get(comment) is None:
            delivery.step(comment, lambda: self.tiquets.afegir_comentari_tiquet(
                self.codi, self.author, text, tipus, notificat), repeatable=False)
            loop_guard.note(delivery)
        delivery.say("%s comment by %s on ticket %s",
                     "private" if private else "public", self.author, self.codi)
