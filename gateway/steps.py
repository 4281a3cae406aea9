"""The journal's vocabulary: every step name a message's entry may hold.

The names are persisted (journals written by earlier versions must keep
working: a redelivery after an upgrade finds its steps by these names), so
they never change; new steps get new names here, and nowhere else.

Writes to the ticket system (gateway/writes/journalled.py) are recorded under the
names the functions below make; `<name>:sent` is the intent of a write
whose answer may be lost (recorded before the call, see INTENT). The other
names are bookkeeping: they do not mean anything was written to the ticket
system (`has_progress`).
"""

# -- bookkeeping (nothing written to the ticket system)
FILTRE = "filtre"                  # {"class": dotted, "state": Filtre.state()}
ATTEMPTS = "attempts"              # deliveries of unfinished work
NOTIFIED = "notified"              # the admin was told of its quarantine
DEFERRAL_REPORTED = "deferral_reported"
PARTIES = "parties"                # To/Cc of a mail that opened a ticket
MESSAGE = "message"                # {"from", "subject", "date", "settings"}: for staff (web/)
DEFERRED = "deferred"              # the last temporary failure: {"error", "reason"...} (web/)
LINKED = "linked"                  # suffix of "linked:<codi>": linked by hand (web/)
FINISHED_BY = "finished_by"        # {"gateway", "at"}: the service that finished it files it

BOOKKEEPING = frozenset((FILTRE, ATTEMPTS, NOTIFIED, DEFERRAL_REPORTED, MESSAGE,
                         DEFERRED, FINISHED_BY))

# -- writes (and reads that decide one)
TICKET = "ticket"                  # the ticket this message opened
OPEN_SENT = "alta_sent"            # time of the first attempt to open it
INTENT = ":sent"                   # suffix: the write was sent, answer pending


def comment(codi):
    return "comment:%s" % codi


def attachment(codi, index, name):
    return "annex:%s:%d:%s" % (codi, index, name)


def update(codi, fields):
    """Fields set on a ticket: "descripcio:123", "dataResol:123" (the names
    of earlier versions), "urgencia:123"..."""
    return "%s:%s" % (":".join(sorted(fields)), codi)


def requester(codi, user):
    return "solicitant:%s:%s" % (codi, user)


def linked(codi):
    """Staff linked the message to ticket `codi` by hand (web/linking.py)."""
    return "%s:%s" % (LINKED, codi)


def reopen(codi):
    return "reopen:%s" % codi


def intent(name):
    return name + INTENT


def is_comment(name):
    return name.startswith("comment:") and not name.endswith(INTENT)


def is_attachment(name):
    return name.startswith("annex:") and not name.endswith(INTENT)


def has_progress(state):
    """Whether a message's steps say something was (or may have been)
    written to the ticket system."""
    return any(name not in BOOKKEEPING for name in state)
