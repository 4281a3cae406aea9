"""A bounce of a GN6 notice becomes a private comment on its ticket.

Always tried first (it is not in the settings' chain: an upstream chain
would not name it): see rules/bounces.py for what counts as such a
bounce. The comment is written as `usuari_extern` if set, else as the
ticket's requester, and never notified (it is for staff).
"""

from filtres.filtre import Filtre
from mail.htmltext import escape
from rules import bounces

DOTTED = "filtres.rebot.FiltreRebot"


class FiltreRebot(Filtre):
    def es_aplicable(self):
        bounce = bounces.notice_bounce(self.message, self.settings)
        if bounce is None:
            return False
        ticket = self.delivery.ticket(bounce.codi)
        if ticket is None:
            self.delivery.say("bounce of a notice of ticket %s, which does not exist",
                              bounce.codi)
            return False
        self.codi = bounce.codi
        self.author = self.settings["usuari_extern"] or ticket.requester
        self.text = "<p>The notice to %s bounced: %s</p>" % (
            escape(bounce.recipient or ticket.email or "the requester"),
            escape(bounce.reason))
        return bool(self.author)

    def state(self):
        return {"codi": self.codi, "author": self.author, "text": self.text}

    def restore(self, state):
        self.codi, self.author, self.text = state["codi"], state["author"], state["text"]

    def filtrar(self):
        delivery = self.delivery
        # Not counted by the loop guard: a private, unnotified comment
        # sends nothing back, so it cannot loop.
        delivery.tickets.comment(self.codi, self.author, self.text, private=True,
                                 notify=False, counted=False)
        delivery.say("bounce noted privately on ticket %s", self.codi)
