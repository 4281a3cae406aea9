"""The failure switches: make the server fail the way a real bus fails.

A client must tell a bus failure (temporary: retry later) from a GN6 answer
(final). These modes produce each kind of bus failure on demand:

- ``outage``: HTTP 503 with a short text body (the bus is down);
- ``hang``: the request is held, unanswered, for ``hang_seconds`` or until
  the mode changes, then answered 503 (the bus is stuck: clients must time
  out on their own);
- ``fault``: a SOAP Fault (soap:Server) for every SOAP request;
- ``slow``: every SOAP request is carried out, but its answer is held for
  ``hang_seconds`` (a bus that works, slowly: a client's whole-run deadline
  must stop it from starting writes it cannot see answered);
- ``after=OP``: normal until operation OP has been carried out and
  committed, then OP's own answer is replaced by the failure and the mode
  stays on ("the bus died right after AltaTiquet": the ticket exists but the
  client never heard of it).
- ``before=OP``: normal until a request for OP arrives; that request (not
  carried out) and every later one get the failure ("the bus died just as
  the comment was sent": the client cannot know it never arrived).

The mode lives in memory only: a restarted server starts normal.
"""

import threading

MODES = ("normal", "outage", "hang", "fault", "slow")
DEFAULT_HANG_SECONDS = 300.0

OUTAGE_TEXT = b"503 Service Unavailable: service bus outage (reference server)\n"
FAULT_TEXT = "service bus unavailable"


class FaultSwitch:
    """Thread-safe current mode; request handlers ask it what to do."""

    def __init__(self):
        self._lock = threading.Lock()
        self._mode = "normal"
        self._after = None
        self._before = None
        self._armed = False           # True while waiting for `after` to happen
        self._hang_seconds = DEFAULT_HANG_SECONDS
        self._release = threading.Event()

    def set(self, mode, after=None, hang_seconds=None, before=None):
        """Switch mode; every request held by `hang` is let go (and gets 503)."""
        if mode not in MODES:
            raise ValueError("mode must be one of %s" % ", ".join(MODES))
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
                self._armed = False
            if self._mode == "normal" or self._armed:
                return None
            return self._mode

    def operation_done(self, operation):
        """Called once `operation` has been carried out and committed: the
        failure that replaces its answer, or None."""
        with self._lock:
            if self._armed and self._after is not None and operation == self._after:
                self._armed = False
                return self._mode
            return None

    def hold(self):
        """Block a `hang` request until released or hang_seconds elapse."""
        with self._lock:
            event, seconds = self._release, self._hang_seconds
        event.wait(seconds)
