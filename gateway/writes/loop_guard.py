"""The per-sender loop guard.

An auto-responder that does not say it is one (no Auto-Submitted) and GN6's
notices can answer each other for ever: each round opens a ticket, or adds
a comment that GN6 notifies again. Past `limit_tiquets_per_remitent` tickets
and comments for one sender in `finestra_limit_minuts`, messages from that
sender are quarantined (REJECT) and the admin is told once per window.
The count is approximate under parallel deliveries: it stops a loop, it is
not a quota.
"""

from gateway.errors import Rejected


class LoopGuardTripped(Rejected):
    def __init__(self, message, sender):
        super().__init__(message)
        self.notice = "loop guard: %s" % sender


def window(settings):
    return settings["finestra_limit_minuts"] * 60


def check(delivery):
    settings, sender = delivery.settings, delivery.sender.address
    limit = settings["limit_tiquets_per_remitent"]
    count = delivery.journal.sender_writes_within(sender, window(settings))
    if limit and count >= limit:
        raise LoopGuardTripped(
            "loop guard: %s already had %d tickets or comments in %d minutes "
            "(limit_tiquets_per_remitent)" % (sender, count,
                                              settings["finestra_limit_minuts"]), sender)


def note(delivery):
    delivery.journal.note_sender_write(delivery.sender.address)
