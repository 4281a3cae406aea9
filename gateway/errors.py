"""The two kinds of failure the pipeline tells apart.

fetchmail only understands "done" (exit 0, the message is deleted) and
"try again later" (non-zero, the message stays in the mailbox). Everything
that may succeed on a later poll must end up as a TemporaryFailure so the
message is not lost; everything that will fail the same way again is a
PermanentFailure, answered once and kept in the quarantine.
"""

from failures import (CredentialsRefused, PermanentFailure, Refused,  # noqa: F401
                      TemporaryFailure)


class SettingsError(TemporaryFailure):
    """The settings file is unreadable or wrong. Temporary on purpose: the
    admin fixes the file and the messages still in the mailbox go through."""


class Rejected(PermanentFailure):
    """Deliberately not ticketed, kept in the quarantine (X-Mailtoticket: REJECT)."""

