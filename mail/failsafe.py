"""The one place a reader of hostile mail notes what it could not read.

Mail is parsed whatever it is (mail/message.py never raises): where a part
of it defeats a reader in ways nobody can list (the email package's and
the parsing libraries' own bugs on broken input, RecursionError on absurd
nesting), the reader falls back to a plainer reading and says so here: a
WARNING in the log names what was not read and the error, so a bug in a
reader shows instead of hiding behind its fallback. (Where the message is
at hand, mail/message.note_defect records it on the message too.)
"""
import logging

log = logging.getLogger("mailtoticket.mail")


def noted(what, error):
    """Log that `what` could not be read (`error`), and was read another way."""
    log.warning("could not read %s (%s: %s): read another way", what,
                type(error).__name__, error)
