"""What happened to a message: the X-Mailtoticket value and the exit code.

The names are public (mail-server rules filter on the header), see
docs/settings-reference.md.
"""
from mail.record import Record

SUCCESS = "SUCCESS"
SKIP = "SKIP"
REJECT = "REJECT"
ERROR = "ERROR"

EX_OK = 0
EX_TEMPFAIL = 75  # sysexits.h; fetchmail, postfix pipe(8) and procmail retry


class Outcome(Record):
    """(A Record, not a dataclass: see mail/record.py.)"""

    FIELDS = ("header", "reason", "notice", "elsewhere")

    def __init__(self, header, reason="", notice=None, elsewhere=False):
        self.header = header    # None: temporary failure, no header needed
        self.reason = reason
        self.notice = notice    # admin mails on one topic go once per window
        self.elsewhere = elsewhere  # temporary: another delivery holds the message

    @property
    def exit_code(self):
        return EX_TEMPFAIL if self.header is None else EX_OK

    @property
    def quarantined(self):
        return self.header in (REJECT, ERROR)


def temporary(reason):
    return Outcome(None, reason)


def elsewhere(reason):
    """Another delivery (another gateway) is working on the message: left
    to it, not a failure of this one (exit 75 all the same for the MDA)."""
    return Outcome(None, reason, elsewhere=True)
