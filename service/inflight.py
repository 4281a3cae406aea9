"""Deliveries under way, marked on disk: the crash-loop breaker.

A message whose delivery never ends, because it sends a regular
expression or a library into a loop in C that holds the interpreter (no
thread can interrupt it, no other thread runs), freezes the whole service.
The dead man's switch (service/watchdog.py) then ends the process, and
systemd starts it again; without this file it would meet the same message
and freeze again, for ever.

So each delivery leaves a marker, `state_dir/inflight/KEY` (KEY: the
poison key of gateway/poison.py, the message without its trace headers),
counting its starts, removed when the delivery returns. A message whose
marker already counts MAX_STARTS starts that never returned is not
delivered again: it is kept in its queue's quarantine as ERROR (the admin
told, as for any quarantined message) and filed in the quarantine folder.
The markers are not fsynced: after a power cut one start too few is
counted, which costs at most one more restart.
"""
import contextlib
import logging
import os
import threading

log = logging.getLogger("mailtoticket.service")

MAX_STARTS = 2


class Inflight:
    def __init__(self, state_dir):
        self.folder = os.path.join(state_dir, "inflight")
        os.makedirs(self.folder, mode=0o700, exist_ok=True)

    def starts(self, key):
        try:
            with open(os.path.join(self.folder, key), encoding="ascii") as f:
                return int(f.read().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    @contextlib.contextmanager
    def delivering(self, key):
        path = os.path.join(self.folder, key)
        count = self.starts(key) + 1
        temporary = "%s.%d.tmp" % (path, threading.get_ident())
        with open(temporary, "w", encoding="ascii") as f:
            f.write("%d\n" % count)
        os.replace(temporary, path)
        try:
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)


def quarantine(queue, raw, key, starts):
    """The Outcome of a message the service died delivering, twice."""
    from gateway import quarantine as q
    from gateway.reports import notify
    from gateway.errors import TemporaryFailure
    from gateway.outcome import ERROR, Outcome, temporary
    settings = queue.settings
    reason = ("the service stopped %d times while delivering this message (frozen "
              "in a loop it could not interrupt, or killed): it is not tried again"
              % starts)
    note = "service/inflight.py: %s\n" % reason
    try:
        path = q.keep(settings.quarantine_path, raw, "inflight " + key, ERROR, reason, note)
    except TemporaryFailure as e:
        return temporary("%s (and %s)" % (reason, e))
    log.error("%s: %s; kept in %s", ERROR, reason, path)
    notify.send(settings, "mailtoticket ERROR: the service stopped twice on a message",
                "%s.\n\nIt is kept in the quarantine:\n\n  %s\n\nOnce the cause is fixed "
                "(a settings regex, a library), process it again with:\n\n"
                "  mailtoticket.py -c SETTINGS --replay %s\n" % (reason, path, path),
                raw, note)
    return Outcome(ERROR, reason)
