"""What happened to a message: the X-Mailtoticket value and the exit code.

The names are public (mail-server rules filter on the header), see
docs/settings-reference.md.
"""
SUCCESS = "SUCCESS"
SKIP = "SKIP"
REJECT = "REJECT"
ERROR = "ERROR"

EX_OK = 0
EX_TEMPFAIL = 75  # sysexits.h; fetchmail, postfix pipe(8) and procmail retry


class Outcome:
    """A plain class, not a dataclass: importing dataclasses and making
    one costs every delivery ~2 ms at start-up (bench/run.py)."""

    def __init__(self, header, reason="", notice=None):
        self.header = header    # None: temporary failure, no header needed
        self.reason = reason
        self.notice = notice    # admin mails on one topic go once per window

    def __repr__(self):
        return "Outcome(header=%r, reason=%r, notice=%r)" % (
            self.header, self.reason, self.notice)

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return (self.header, self.reason, self.notice) == \
            (other.header, other.reason, other.notice)

    __hash__ = None     # mutable, as the dataclass it was

    @property
    def exit_code(self):
        return EX_TEMPFAIL if self.header is None else EX_OK

    @property
    def quarantined(self):
        return self.header in (REJECT, ERROR)


def temporary(reason):
    return Outcome(None, reason)
