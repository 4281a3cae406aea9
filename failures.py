"""The failure taxonomy, in the one module every part may import.

fetchmail only understands "done" (exit 0, the message is deleted) and "try
again later" (75, the message stays in the mailbox). Every part of the
project (the gateway, the GN6 client `soa/`, the Jira client `jirarest/`)
raises one of these, or a subclass of its own, so that the pipeline can
tell them apart without knowing which client failed. This module imports
nothing: the clients depend on it, never on the gateway.

A TemporaryFailure raised by a remote call may carry two attributes the
journal's resend rule reads (gateway/writes/journalled.py):

- `sent`: whether the request may have reached the service (a timeout, a
  reset, a 5xx: maybe; a refused connection: no);
- `unavailable`: the service said it took nothing in (connection refused,
  HTTP 503).
"""


class TemporaryFailure(Exception):
    """Try again at the next poll: bus down, timeout, lock busy, disk full."""


class PermanentFailure(Exception):
    """This message cannot be ticketed as it is; retrying will not help."""


class Refused(Exception):
    """The ticket system answered, and the answer is no (GN6's codiRetorn
    != "1", a Jira 4xx): the message is kept as ERROR, not retried."""


class ConfigurationFailure(TemporaryFailure):
    """The settings name something that is not there (a WSDL address that
    answers 404, a filter class that cannot be imported, a key of the wrong
    shape): the same for every message until the admin fixes it. Temporary
    (the mail stays in the mailbox), never quarantined; the admin is told
    at the first one, once per window. `value` is what the settings said
    (the URL, the dotted path), for the gateway to name the key holding it."""

    def __init__(self, text, value=None):
        super().__init__(text)
        self.value = value


class CredentialsRefused(TemporaryFailure):
    """A service refused our credentials: a settings problem, the same for
    every message. Temporary (the mail stays), never quarantined; the
    admin is told once per window."""
