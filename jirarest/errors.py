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
- `JiraNotThere` (a `failures.ConfigurationFailure`): no Jira answers at
  the base URL at all (serverInfo, which every Jira has, is a 404), or it
  moved for good (301, 308): a wrong host, scheme or context path in the
  settings, the same for every call.
"""

from failures import ConfigurationFailure, CredentialsRefused, Refused, TemporaryFailure


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


class JiraNotThere(ConfigurationFailure):
    """HTTP 404 for serverInfo: there is no Jira REST API at the base URL
    (a wrong host, or a missing or extra context path); a permanent
    redirect (301, 308: http:// for an https:// site, a moved host); or a
    web page where the address has never answered JSON. Not a
    refusal of one request: every call will fail alike until the address
    is fixed.
    Nothing was done (`sent` is False); `value` is the base URL as given,
    for the caller to name the setting holding it."""

    sent = False

    def __init__(self, base_url, detail):
        super().__init__("no Jira answers at %s (%s): check the address, with Jira's "
                         "context path if it has one (https://host/jira)" % (base_url, detail),
                         value=base_url)
