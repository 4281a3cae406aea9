"""How a Jira REST call can fail: the two kinds a caller must tell apart.

- `JiraUnavailable` (a `failures.TemporaryFailure`): Jira did not
  answer properly (connection refused or dropped, timeout, HTTP 5xx, 429,
  an answer that is not Jira's JSON) or will not let this account in (401,
  403: an administrator fixes the credentials or permissions). Try again
  later. `sent` says whether the request may have been carried out all the
  same: after a write that failed with ``sent=True`` the caller must look
  (search by label, list comments or attachments) before writing again.
- `JiraRefusal`: Jira answered, and the answer is no (400, 404, 409, 413,
  415...): this request, as it is, will be refused again. ``status``,
  ``messages`` and ``errors`` carry Jira's ``{"errorMessages", "errors"}``.
"""

from failures import CredentialsRefused, Refused, TemporaryFailure


class JiraUnavailable(TemporaryFailure):
    """Temporary: Jira down, slow, overloaded, or this account locked out."""

    def __init__(self, message, sent=True, status=None, retry_after=None):
        super().__init__(message)
        self.sent = sent
        self.status = status
        self.retry_after = retry_after     # seconds Jira asked to wait (429, 503), or None


class JiraAuthFailure(JiraUnavailable, CredentialsRefused):
    """401 or 403: the credentials or the account's permissions are wrong.
    Temporary for the mail (it waits in the mailbox), an alarm for the admin."""


class JiraRefusal(Refused):
    """Jira's final answer to this request is no."""

    def __init__(self, operation, status, messages=(), errors=None):
        self.operation = operation
        self.status = status
        self.messages = list(messages)
        self.errors = dict(errors or {})
        detail = "; ".join(self.messages + ["%s: %s" % kv for kv in sorted(self.errors.items())])
        super().__init__("%s refused by Jira: HTTP %d %s" % (operation, status, detail or "(no detail)"))


class JiraNotFound(JiraRefusal):
    """404: no such issue (or this account may not see it)."""
