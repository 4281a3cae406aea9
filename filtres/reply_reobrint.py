"""A reply to a closed ticket reopens it, then comments.

GN6 reopens only within the instance's deadline, and past it still answers
"1": the ticket is read again to know. A ticket that stays closed makes this
filter not applicable, and the chain goes on (usually to a new ticket, whose
description then names the old one).
"""
import html

from filtres.reply import FiltreReply, is_closed
from soa.parameters import OBERT


class FiltreReplyReobrint(FiltreReply):
    def reopen(self, ticket):
        delivery = self.delivery
        step = "reopen:%s" % self.codi
        if delivery.entry.get(step) is False:
            return self.not_reopened()
        delivery.say("reopening closed ticket %s", self.codi)
        self.tiquets.modificar_tiquet(self.codi, estat=OBERT)
        if delivery.dry_run:
            delivery.say("(dry run: assuming GN6 reopens it)")
            return True
        delivery.forget_ticket(self.codi)
        again = delivery.ticket(self.codi)
        reopened = again is not None and not is_closed(again)
        delivery.entry.record(step, reopened)
        return True if reopened else self.not_reopened()

    def not_reopened(self):
        self.delivery.say("ticket %s stays closed (past its reopening deadline)",
                          self.codi)
        self.delivery.follows_closed = self.codi   # the new ticket's subject drops its tag
        self.delivery.notes.append(
            "<p>This ticket follows closed ticket %s, which could not be "
            "reopened (past its reopening deadline).</p>" % html.escape(self.codi))
        return False
