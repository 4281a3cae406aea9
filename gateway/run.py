"""One invocation of mailtoticket: its settings, its mode, its log records.

A Run is frozen and made the way the `email` package makes its policies:
the modes are variants of one object, and a variant is a clone

    run = Run(settings, records)              # deliver, write
    run.clone(replay=True)                    # --replay
    run.clone(dry_run=True, tell=...)         # --dry-run: writes off

It is the only reader of the mode. What depends on it comes out of the Run
already in the right variant: the journal (read-only in a dry run), the
ticket system (its writes' mode: backends/base.py Perform, or Describe
which tells them), the quarantine (told, not kept),
the admin's alerts (not sent). Nothing deeper asks whether this is a dry
run or a replay, and filters never see the mode.
"""
import logging

log = logging.getLogger("mailtoticket")


class Run:
    """settings: the loaded settings; records: the run's log lines
    (gateway/logs.py); dry_run, replay: the mode; tell: where a dry run
    tells what it would do (stderr). backend: the ticket system's class,
    (settings, deadline, writes) -> TicketSystem (backends/base.py); people:
    the person directory, (settings, deadline) -> client. None: what the
    settings key `backend` names (backends/__init__.py). In-process tests
    give fakes (tests/fake_tickets.py).

    Frozen as email.policy objects are (a plain class, not a dataclass:
    this is imported by every delivery, and a dataclass costs ~1 ms to
    define)."""

    __slots__ = ("settings", "records", "dry_run", "replay", "tell", "backend", "people")

    def __init__(self, settings, records, dry_run=False, replay=False, tell=None,
                 backend=None, people=None):
        for name, value in zip(Run.__slots__, (settings, records, dry_run, replay, tell,
                                                backend, people)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError("a Run is frozen: make another with clone()")

    def clone(self, **changes):
        """This run with some of its modes changed (email.policy's clone);
        a subclass's own slots are carried over too."""
        names = [name for cls in type(self).__mro__ for name in getattr(cls, "__slots__", ())]
        values = {name: getattr(self, name) for name in names}
        values.update(changes)
        return type(self)(**values)

    def __repr__(self):
        return "Run(dry_run=%r, replay=%r)" % (self.dry_run, self.replay)

    # -- telling
    def say(self, text):
        """Log, and in --dry-run tell the admin on stderr."""
        log.info("%s", text)
        if self.dry_run and self.tell:
            self.tell(text)

    def account(self, text):
        """A --dry-run line on stderr only (nothing in a real run)."""
        if self.dry_run and self.tell:
            self.tell(text)

    def summary(self, facts, result, elapsed):
        """The message's summary line (a dry run's says WOULD-...)."""
        from gateway.reports import summary
        summary.line(facts, result, elapsed, dry_run=self.dry_run)

    @property
    def writes(self):
        return not self.dry_run

    # -- the message's record
    def journal(self):
        from gateway.journal import Journal
        settings = self.settings
        if self.writes:   # a root-owned state folder is named, with its fix
            from gateway import state_access
            state_access.require_writable(settings)
        return Journal.of(settings, readonly=self.dry_run, keep_days=settings["dies_journal"])

    def lock_wait(self):
        """Seconds a delivery waits for another one of its message (the
        MDA: espera_bloqueig; the service looks again soon instead)."""
        return self.settings["espera_bloqueig"]

    def handles_again(self, outcome):
        """Whether a message the journal says was handled is handled again:
        only a replay takes up a quarantined (REJECT/ERROR) one."""
        from gateway.outcome import ERROR, REJECT
        return self.replay and outcome in (REJECT, ERROR)

    def already_handled(self, entry):
        """A message the journal says was handled: its outcome again, and
        nothing done (fetchmail deletes it, or keeps it, as after the
        first delivery)."""
        from gateway.outcome import Outcome
        log.info("already handled (%s): nothing done again", entry.outcome)
        return Outcome(entry.outcome, "already handled")

    def finish(self, entry, result):
        if self.writes:
            entry.finish(result.header, result.reason)

    # -- the ticket system
    @property
    def kind(self):
        """The back-end's class: `backend` given to the Run (a test's), else
        the one the settings key `backend` names (backends/__init__.py)."""
        if self.backend is not None:
            return self.backend
        import backends
        return backends.kind_of(self.settings)

    def ticket_system(self, delivery):
        """The journalled ticket system for one delivery, its back-end's
        writes in this run's mode (a dry run tells them, after proving the
        credentials with the back-end's probes)."""
        from backends.base import PERFORM, Describe
        from gateway.writes.journalled import JournalledTickets
        writes = Describe(self.account) if self.dry_run else PERFORM
        backend = self.kind(self.settings, delivery.deadline, writes)
        if self.dry_run:
            for name, probe in backend.probe():
                self.account("%s: %s" % (name, probe()))
        return JournalledTickets(backend, delivery)

    def directory(self, deadline):
        """A callable making the person directory client on first use."""
        if self.people is not None:
            return lambda: self.people(self.settings, deadline)
        return lambda: self.kind(self.settings, deadline).directory()

    # -- the quarantine and the admin
    def quarantine(self, raw, entry, result):
        """Keep the message (durably, before the exit 0), and tell the admin once."""
        settings = self.settings
        if self.dry_run:
            self.account("would keep the message in the quarantine %s"
                         % settings.quarantine_path)
            return
        from gateway import quarantine as q
        from gateway.reports import notify
        path = q.keep(settings.quarantine_path, raw, entry.key, result.header,
                      result.reason, self.records.text())
        log.warning("%s: %s; kept in %s", result.header, result.reason, path)
        notify.tell_admin_once(settings, entry, result, path, raw, self.records.text())

    def keep_after_bug(self, raw, error):
        """A bug outside the filter chain: the message is kept in the
        quarantine as ERROR, saying why (a dry run only says it would)."""
        from failures import TemporaryFailure
        from gateway.outcome import ERROR, Outcome, temporary
        reason = "internal error: %s: %s" % (type(error).__name__, error)
        if self.dry_run:
            self.account("would keep the message in the quarantine %s (%s)"
                         % (self.settings.quarantine_path, reason))
            return Outcome(ERROR, reason)
        import hashlib
        from gateway import quarantine as q
        try:
            q.keep(self.settings.quarantine_path, raw, hashlib.sha256(raw).hexdigest(),
                   ERROR, reason, self.records.text())
        except TemporaryFailure as e:
            return temporary("%s (and %s)" % (reason, e))
        return Outcome(ERROR, reason)

    def replayed(self, path, result):
        """A quarantined file that went through this time is marked so."""
        import os
        from gateway.outcome import SUCCESS
        folder = self.settings.quarantine_path
        if result.header != SUCCESS or self.dry_run or not os.path.isdir(folder):
            return
        if os.path.samefile(os.path.dirname(os.path.abspath(path)), folder):
            from gateway import quarantine as q
            q.mark_replayed(path)

    def configuration_failure(self, error, raw):
        """The settings name what is not there: the admin told at once."""
        if self.writes:
            from gateway.reports import alerts
            alerts.configuration_failure(self.settings, error, raw, self.records.text())
        else:
            from gateway.reports import alerts
            self.account("configuration failure: %s" % alerts.describe(self.settings, error))

    def credentials_refused(self, error, raw):
        if self.writes:
            from gateway.reports import alerts
            alerts.credentials_refused(self.settings, error, raw, self.records.text())

    def deferred(self, entry, error, raw):
        """A temporary failure of a message the journal knows (reported
        once when it has waited too long)."""
        from failures import ConfigurationFailure, CredentialsRefused
        if self.writes and not isinstance(error, (CredentialsRefused, ConfigurationFailure)):
            from gateway.reports import alerts
            alerts.deferred(self.settings, entry, str(error), raw, self.records.text())

    def poisoned(self, raw, error, deadline):
        """The quarantine's outcome for a message that keeps hitting the
        deadline by its own fault (gateway/poison.py), or None."""
        from gateway import poison
        from gateway.deadline import Deadline
        if not self.writes or not poison.counts(error, deadline):
            return None
        Deadline.disarm_alarm()
        return poison.hit(raw, self.settings, self.records, error, deadline)
