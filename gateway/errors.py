"""The failures the pipeline tells apart.

The taxonomy itself (TemporaryFailure, PermanentFailure, Refused,
CredentialsRefused) lives in failures.py, which the service clients
(soa/, jirarest/) import too; it is re-exported here beside the gateway's
own: SettingsError and Rejected. fetchmail only understands "done" (exit
0) and "try again later" (75): everything that may succeed on a later poll
is a TemporaryFailure, everything that will fail the same way again a
PermanentFailure, answered once and kept in the quarantine.
"""

from failures import (ConfigurationFailure, CredentialsRefused,  # noqa: F401
                      PermanentFailure, Refused, TemporaryFailure)


class SettingsError(ConfigurationFailure):
    """The settings file is unreadable or wrong. Temporary on purpose: the
    admin fixes the file and the messages still in the mailbox go through
    (told at the first one: gateway/reports/alerts.py)."""


class Rejected(PermanentFailure):
    """Deliberately not ticketed, kept in the quarantine (X-Mailtoticket: REJECT)."""

