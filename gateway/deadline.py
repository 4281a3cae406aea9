"""The whole-run deadline.

fetchmail waits for its MDA, and the next cron poll comes five minutes
later: a run that hangs would hold the lock and block every later message.
A read gets min(timeout_soa, what is left of the run). A write is only
started if a whole timeout_soa is left: a write cut short by the deadline
may still be carried out by GN6 without our knowing, which is how doubles
are made. Past the end a run gives up with a temporary failure, and an
alarm backs that up for anything that is not a SOAP call (a stuck disk, a
stuck lock).
"""
import signal
import threading
import time
from contextlib import contextmanager

from gateway.errors import TemporaryFailure


class DeadlineExceeded(TemporaryFailure):
    pass


class RunInterrupted(BaseException):
    """Raised by the back-stop alarm. Not an Exception on purpose: the
    parsing code's catch-alls (robust against any input) must not swallow
    it and carry on as if nothing happened."""


class Deadline:
    def __init__(self, seconds, clock=time.monotonic):
        self._clock = clock
        self.seconds = seconds
        self.end = clock() + seconds
        self.on_bus = False      # inside a bus call right now
        self.bus_seconds = 0.0   # time spent waiting on the bus (gateway/poison.py)

    @contextmanager
    def waiting_on_bus(self):
        """Around every remote call: a deadline hit while the bus had the
        run's time is the bus's fault, not the message's."""
        outer, start = self.on_bus, self._clock()
        self.on_bus = True
        try:
            yield
        finally:
            self.on_bus = outer
            if not outer:
                self.bus_seconds += self._clock() - start

    def remaining(self):
        return self.end - self._clock()

    def timeout(self, per_call, write=False):
        """The timeout for one remote call; raises if it cannot be given."""
        left = self.remaining()
        if left <= 0.5 or (write and left < per_call):
            raise DeadlineExceeded(
                "run gave up after %ss (temps_maxim_execucio)%s" % (
                    self.seconds, ", before a write it could not wait for" if write else ""))
        return per_call if write else min(per_call, left)

    def arm_alarm(self, grace=5):
        """Back-stop: interrupt the main thread a little after the end.
        In another thread (the service delivers from one thread per
        mailbox, where SIGALRM cannot be used) a timer raises the same
        exception in that thread, between two bytecodes as a signal
        handler would."""
        if threading.current_thread() is not threading.main_thread():
            _arm_thread_alarm(self.seconds, grace)
            return

        def expired(signum, frame):
            raise RunInterrupted(
                "run interrupted after %ss (temps_maxim_execucio)" % self.seconds)
        signal.signal(signal.SIGALRM, expired)
        signal.alarm(int(self.seconds + grace))

    @staticmethod
    def disarm_alarm():
        timer = getattr(_thread_alarm, "timer", None)
        if timer is not None:
            timer.cancel()
            _thread_alarm.timer = None
        elif threading.current_thread() is threading.main_thread():
            signal.alarm(0)


_thread_alarm = threading.local()


def _arm_thread_alarm(seconds, grace):
    import ctypes   # the service's threads only: an MDA run never pays for it
    target = threading.get_ident()

    def expired():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(target), ctypes.py_object(RunInterrupted))
    Deadline.disarm_alarm()
    timer = _thread_alarm.timer = threading.Timer(seconds + grace, expired)
    timer.daemon = True
    timer.start()
