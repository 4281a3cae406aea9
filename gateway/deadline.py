"""The whole-run deadline.

fetchmail waits for its MDA, and the next cron poll comes five minutes
later: a run that hangs would hold the lock and block every later message.
Each SOAP call gets min(timeout_soa, what is left of the run); past the end
a run gives up with a temporary failure, and an alarm backs that up for
anything that is not a SOAP call (a stuck disk, a stuck lock).
"""
import signal
import time

from gateway.errors import TemporaryFailure


class DeadlineExceeded(TemporaryFailure):
    pass


class Deadline:
    def __init__(self, seconds, clock=time.monotonic):
        self._clock = clock
        self.seconds = seconds
        self.end = clock() + seconds

    def remaining(self):
        return self.end - self._clock()

    def timeout(self, per_call):
        """The timeout for one remote call; raises if no time is left."""
        left = self.remaining()
        if left <= 0.5:
            raise DeadlineExceeded(
                "run gave up after %ss (temps_maxim_execucio)" % self.seconds)
        return min(per_call, left)

    def arm_alarm(self, grace=5):
        """Back-stop: interrupt the main thread a little after the end."""
        def expired(signum, frame):
            raise DeadlineExceeded(
                "run interrupted after %ss (temps_maxim_execucio)" % self.seconds)
        signal.signal(signal.SIGALRM, expired)
        signal.alarm(int(self.seconds + grace))

    @staticmethod
    def disarm_alarm():
        signal.alarm(0)
