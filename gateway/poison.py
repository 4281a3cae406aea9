"""The last line of defence against a message that can never succeed.

Every bound in mail/limits.py has a reason, but a crafted message may
still find something slow (a deployment's own regex, a parser corner).
Such a message hits the run's deadline at every delivery, and fetchmail
offers it again at every poll, for ever, spending each run on it. So the
journal counts the deadline hits of each message that happened while the
run was not waiting on the bus (parsing, matching, building the ticket);
the second one sends the message to the quarantine as ERROR, and the admin
is told once. A bus that is down or slow never counts: those messages wait
in the mailbox for the bus, as they should.

A message is known across deliveries by its content without the trace
headers each delivery adds (as the journal's message key, but computed
without parsing the message, which is what may be failing).
"""
import hashlib
import logging
import re

from gateway.deadline import DeadlineExceeded, RunInterrupted
from gateway.outcome import ERROR, Outcome

log = logging.getLogger("mailtoticket.poison")

HITS_TO_QUARANTINE = 2

_LINE_RE = re.compile(rb"\r?\n")


def counts(error, deadline):
    """Whether this failure is a deadline hit the message is to blame for."""
    if isinstance(error, RunInterrupted):
        return not deadline.on_bus
    if isinstance(error, DeadlineExceeded):
        # Out of time before a call. A message is to blame only if the bus
        # had a small share of the run: a slow bus takes most of it (and
        # start-up, imports and the journal take some in any run).
        return deadline.bus_seconds < deadline.seconds / 4
    return False


def poison_key(raw):
    """sha256 of the message without its trace headers; linear in its size."""
    from gateway.journal import TRACE_HEADER
    ends = [at for at in (raw.find(b"\n\n"), raw.find(b"\r\n\r\n")) if at >= 0]
    head_end = min(ends) if ends else len(raw)
    digest = hashlib.sha256()
    skipping = False
    for line in _LINE_RE.split(raw[:head_end]):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                digest.update(line + b"\n")
            continue
        skipping = bool(TRACE_HEADER.match(line.split(b":", 1)[0].strip()))
        if not skipping:
            digest.update(line + b"\n")
    digest.update(b"\n")
    digest.update(memoryview(raw)[head_end:])
    return digest.hexdigest()[:40]


def hit(raw, settings, records, error, deadline):
    """Count a deadline hit; the Outcome if the message is now quarantined,
    else None (a temporary failure, as before)."""
    from gateway.journal import Journal
    try:
        journal = Journal.of(settings)
        key = poison_key(raw)
        hits, notified = journal.deadline_hit(key, str(error))
    except Exception as e:  # the journal is what keeps count: no count, no verdict
        log.warning("deadline hit not counted: %s", e)
        return None
    log.warning("deadline hit %d of %d while not waiting on the bus (%.1fs of %ss "
                "on the bus): %s", hits, HITS_TO_QUARANTINE, deadline.bus_seconds,
                deadline.seconds, error)
    if hits < HITS_TO_QUARANTINE:
        return None
    reason = ("the message hit the run's deadline %d times while not waiting on the "
              "bus (parsing, matching or building the ticket): %s" % (hits, error))
    from gateway import quarantine
    from gateway.reports import notify
    try:
        path = quarantine.keep(settings.quarantine_path, raw, "poison " + key, ERROR,
                               reason, records.text())
    except Exception as e:
        log.warning("cannot quarantine the message: %s", e)
        return None
    log.warning("%s: %s; kept in %s", ERROR, reason, path)
    if not notified:
        text = ("A message could not be handled within the run's deadline, twice, "
                "and not for want of the bus. It is kept in the quarantine:\n\n  %s\n\n"
                "Reason: %s\n\nOnce the cause is fixed, process it again with:\n\n"
                "  mailtoticket.py -c SETTINGS --replay %s\n" % (path, reason, path))
        if notify.send(settings, "mailtoticket ERROR: message hit the deadline twice",
                       text, raw, records.text(), timeout=5):
            journal.deadline_hit_told(key)
    return Outcome(ERROR, reason)
