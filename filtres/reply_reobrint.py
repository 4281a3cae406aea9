"""A reply to a closed ticket reopens it, then comments.

GN6 reopens only within the instance's deadline, and past it still answers
"1": the ticket is read again to know. A ticket that stays closed makes this
filter not applicable, and the chain goes on (usually to a new ticket, whose
description then names the old one).
"""
from filtres.reply import FiltreReply


class FiltreReplyReobrint(FiltreReply):
    def reopen(self, ticket):
        delivery = self.delivery
        if not ticket.closed:
            return True
        delivery.say("reopening closed ticket %s", self.codi)
        return delivery.tickets.reopen(self.codi) or self.not_reopened()

    def not_reopened(self):
        self.delivery.say("ticket %s stays closed (past its reopening deadline)",
                          self.codi)
        return self.follow_closed(", which could not be reopened (past its "
                                  "reopening deadline)")
