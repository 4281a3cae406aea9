"""Deliveries that never come back.

The run's deadline interrupts a delivery thread as SIGALRM interrupts the
MDA (gateway/deadline.py), but only between two Python bytecodes. Two
things escape it, and each has its answer here:

- a thread blocked in a call that lets the others run (a read with no
  timeout, a stuck disk): the mailbox leaves it behind STUCK_MARGIN
  seconds after its deadline's back-stop (`stuck`), takes no new work,
  and the service exits 75 to be restarted without it (systemd's
  Restart=on-failure; cron's next `--once`);
- a thread looping in C that holds the interpreter (a regular expression
  gone exponential on a hostile subject): nothing else runs, not even the
  main thread. The main thread re-arms an alarm every second
  (`DeadMansSwitch`); SIGALRM has no handler in the service, so when the
  alarm is not re-armed within the longest temps_maxim_execucio and the
  back-stop's grace (when the MDA's own alarm would have fired), the
  kernel ends the process.

Either way the message is met again after the restart: service/inflight.py
counts the starts that never returned and quarantines the message at the
third.
"""
import logging
import signal
import time

log = logging.getLogger("mailtoticket.service")

ALARM_GRACE = 5     # Deadline.arm_alarm's default
STUCK_MARGIN = 2
SWITCH_MARGIN = 1   # the re-arming period


class InFlight:
    """What the mailbox keeps of a delivery under way."""

    __slots__ = ("uid", "raw", "queue", "started")

    def __init__(self, uid, raw, queue):
        self.uid, self.raw, self.queue = uid, raw, queue
        self.started = time.monotonic()

    @property
    def limit(self):
        return (self.started + self.queue.settings["temps_maxim_execucio"] + ALARM_GRACE
                + STUCK_MARGIN)


def stuck(mailbox, flight):
    """The Outcome for a delivery left behind: temporary (the message stays)."""
    from gateway.outcome import temporary
    reason = ("delivery still running %.0f s after it began, past temps_maxim_execucio "
              "(%ss): left behind; the service exits to be restarted" % (
                  time.monotonic() - flight.started,
                  flight.queue.settings["temps_maxim_execucio"]))
    log.critical("mailbox %s: message %s: %s", mailbox.name, flight.uid, reason)
    return temporary(reason)


class DeadMansSwitch:
    """SIGALRM in `seconds` unless re-armed: the end of a frozen process."""

    def __init__(self, config):
        longest = max(q.settings["temps_maxim_execucio"] for q in config.queues.values())
        # As the MDA's own alarm: a process frozen past its deadline's
        # back-stop is ended, as an MDA run would be.
        self.seconds = int(longest + ALARM_GRACE + SWITCH_MARGIN)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)

    def rearm(self):
        signal.alarm(self.seconds)

    def disarm(self):
        signal.alarm(0)

    def join(self, threads):
        """Join `threads`, re-arming meanwhile."""
        for thread in threads:
            while thread.is_alive():
                self.rearm()
                thread.join(1)
