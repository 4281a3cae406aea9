"""The fault switch both reference servers use to fail on demand.

The servers differ in which failures they can produce (``MODES``: a SOAP
Fault for GN6, a dropped connection or HTTP 429 for Jira) and document
them in their own faults.py; the timing rules are the same and live here:

- ``after=OP``: normal until operation OP has been carried out and
  committed, then OP's own answer is replaced by the failure and the mode
  stays on (the write happened but the client never heard of it);
- ``before=OP``: normal until a request for OP arrives; that request (not
  carried out) and every later one get the failure;
- ``OP#N`` (in either) waits for the N-th such operation instead of the
  first: ``before="AnnexarFitxerTiquet#2"`` lets one upload through and
  stops the second (a step in the middle of a run of alike writes);
- ``hang`` holds a request for ``hang_seconds`` or until the mode changes.

The mode lives in memory only: a restarted server starts normal.
"""

import threading

DEFAULT_HANG_SECONDS = 300.0


class FaultSwitch:
    """Thread-safe current mode; request handlers ask it what to do.

    Subclasses set ``MODES``, the modes their handlers know how to apply.
    """

    MODES = ("normal", "outage", "hang", "slow")

    def __init__(self):
        self._lock = threading.Lock()
        self._mode = "normal"
        self._after = None
        self._before = None
        self._armed = False           # True while waiting for `after` / `before` to happen
        self._left = 1                # occurrences of `after` / `before` still to come (OP#N)
        self._hang_seconds = DEFAULT_HANG_SECONDS
        self._release = threading.Event()

    def set(self, mode, after=None, hang_seconds=None, before=None):
        """Switch mode; every request held by `hang` is let go (and gets 503)."""
        if mode not in self.MODES:
            raise ValueError("mode must be one of %s" % ", ".join(self.MODES))
        for name, value in (("after", after), ("before", before)):
            if value is not None and not isinstance(value, str):
                raise ValueError("%s must be an operation name or null" % name)
        if after and before:
            raise ValueError("give after or before, not both")
        if hang_seconds is not None:
            hang_seconds = float(hang_seconds)
            if hang_seconds < 0:
                raise ValueError("hang_seconds must be >= 0")
        with self._lock:
            self._mode = mode
            self._left = 1
            for value in (after, before):
                if value and "#" in value:
                    name, _, nth = value.rpartition("#")
                    if not nth.isdigit() or int(nth) < 1:
                        raise ValueError("OP#N needs a count of 1 or more: %r" % value)
                    self._left = int(nth)
            after = after.rpartition("#")[0] if after and "#" in after else after
            before = before.rpartition("#")[0] if before and "#" in before else before
            self._after = (after or None) if mode != "normal" else None
            self._before = (before or None) if mode != "normal" else None
            self._armed = self._after is not None or self._before is not None
            self._hang_seconds = hang_seconds if hang_seconds is not None else DEFAULT_HANG_SECONDS
            old, self._release = self._release, threading.Event()
        old.set()

    def release_all(self):
        """Let every held request go (at shutdown)."""
        with self._lock:
            self._release.set()

    def snapshot(self):
        with self._lock:
            return {"mode": self._mode, "after": self._after, "before": self._before,
                    "triggered": (self._after or self._before) is not None and not self._armed,
                    "hang_seconds": self._hang_seconds}

    def current(self, operation=None):
        """The failure to apply to an incoming request (for `operation`) now,
        or None."""
        with self._lock:
            if self._armed and self._before is not None and operation == self._before:
                self._left -= 1
                self._armed = self._left > 0
            if self._mode == "normal" or self._armed:
                return None
            return self._mode

    def operation_done(self, operation):
        """Called once `operation` has been carried out and committed: the
        failure that replaces its answer, or None."""
        with self._lock:
            if self._armed and self._after is not None and operation == self._after:
                self._left -= 1
                self._armed = self._left > 0
                return None if self._armed else self._mode
            return None

    def hold(self):
        """Block a `hang` request until released or hang_seconds elapse."""
        with self._lock:
            event, seconds = self._release, self._hang_seconds
        event.wait(seconds)
