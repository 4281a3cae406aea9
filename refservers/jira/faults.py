"""The failure switches: make the server fail the way a real Jira fails.

A client must tell a temporary failure (retry later, after looking) from
Jira's answer (final). These modes produce each kind on demand:

- ``outage``: HTTP 503 with Jira's JSON error shape (site down or
  rate-limited behind the proxy);
- ``hang``: the request is held, unanswered, for ``hang_seconds`` or until
  the mode changes, then answered 503 (clients must time out on their own);
- ``error``: HTTP 500 with Jira's JSON error shape (an internal error);
- ``drop``: the connection is closed without any answer;
- ``ratelimit``: HTTP 429 with ``Retry-After`` (Cloud's rate limiter: the
  request was not carried out);
- ``slow``: every request is carried out, its answer held ``hang_seconds``;
- ``after=OP``: normal until operation OP has been carried out and
  committed, then OP's own answer is replaced by the failure and the mode
  stays on ("the answer was lost after the write": the comment exists but
  the client never heard of it);
- ``before=OP``: normal until a request for OP arrives; that request (not
  carried out) and every later one get the failure.

Operation names are the ones /_calls shows (createIssue, addComment,
addAttachment, setProperty, addWatcher, doTransition, linkIssues, search...).
The mode lives in memory only: a restarted server starts normal.
"""

from refservers.common.faults import DEFAULT_HANG_SECONDS  # noqa: F401
from refservers.common.faults import FaultSwitch as _FaultSwitch

MODES = ("normal", "outage", "hang", "error", "drop", "ratelimit", "slow")


class FaultSwitch(_FaultSwitch):
    """The shared switch (refservers/common/faults.py), with this server's modes."""

    MODES = MODES
