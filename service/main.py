"""`mailtoticket.py serve -c SERVICE_FILE [--once | --check | --authorize MAILBOX]`:
the long-running service (docs/service.md).

    service = Service(config, records)   # the queues' Runs made once
    service.start()                      # one MailboxWorker thread per mailbox
    ... SIGHUP: reload()                 # a new Service; a broken file is refused
    ... SIGTERM: service.stop()          # each mailbox finishes its messages

(service/signals.py runs that loop.) Exit codes: 0 stopped (with --once:
every mailbox fetched; with --check: all well); 1 the service file is
wrong (named on stderr), --check found a problem, or --authorize failed;
75 with --once a mailbox could not be fetched (its mail waits for the next
run), or a delivery thread had to be left behind (service/watchdog.py).
"""
import logging
import os
import sys
import threading

from gateway.errors import SettingsError
from gateway.outcome import EX_TEMPFAIL
from gateway.run import Run

log = logging.getLogger("mailtoticket.service")


class Service:
    def __init__(self, config, records, web=None):
        import backends
        from service.status import StatusFile
        self.config = config
        self.records = records
        for kind in {backends.kind_of(q.settings) for q in config.queues.values()}:
            kind.long_lived()   # clients kept between messages (a new Service: built anew)
        for queue in config.queues.values():
            queue.run = ServiceRun(queue.settings, records, gateway=gateway_id(config))
            _open_journal(queue)
        self.status = StatusFile(config.status_path)
        from service.inflight import Inflight
        from service.watchdog import DeadMansSwitch
        self.inflight = Inflight(config.state_dir)
        self.switch = DeadMansSwitch(config)
        self.workers = []
        self.web = web              # the staff web server, run in a thread (service/staff_web.py)
        self._tokens = {}
        # Set when a delivery thread had to be left behind (service/watchdog.py):
        # the process exits 75 to be restarted without it.
        self.restart_needed = threading.Event()

    def token_source(self, mailbox):
        """The mailbox's OAuth2 token source (None for a password login),
        kept across reconnections (a reload makes it anew, from its cache)."""
        oauth2 = mailbox.login["oauth2"]
        if oauth2 is None:
            return None
        if mailbox.name not in self._tokens:
            from service import tokens
            self._tokens[mailbox.name] = tokens.source(oauth2, self.config.state_dir,
                                                       mailbox.name)
        return self._tokens[mailbox.name]

    def deliver(self, queue, raw):
        """One message through the pipeline, in this thread; a message the
        service died delivering twice is quarantined instead
        (service/inflight.py)."""
        from gateway.pipeline import deliver
        from gateway.poison import poison_key
        from service import inflight
        key = poison_key(raw)
        starts = self.inflight.starts(key)
        with self.records.delivering(queue):
            if starts >= inflight.MAX_STARTS:
                return inflight.quarantine(queue, raw, key, starts)
            with self.inflight.delivering(key):
                try:
                    return deliver(queue.run, raw)
                finally:
                    queue.run.journals.done()   # kept for the next, or closed

    def write_status(self):
        try:
            self.status.write()
        except OSError as e:
            log.warning("cannot write the status file %s: %s", self.status.path, e)

    # -- life
    def start(self, once=False):
        from service.fetcher import MailboxWorker
        self.workers = [MailboxWorker(self, mailbox, self.status.add(mailbox), once)
                        for mailbox in self.config.mailboxes]
        self.write_status()
        for worker in self.workers:
            worker.start()
        if self.web is not None:
            self.web.start()

    def stop(self):
        for worker in self.workers:
            worker.stop.set()
        if self.web is not None:
            self.web.stop()
        self.wait()
        if not self.restart_needed.is_set():    # never under a thread left behind
            self.close_journals()

    def close_journals(self):
        """The journal connections the delivery threads kept (a SIGHUP
        reload's new Service makes its own)."""
        for queue in self.config.queues.values():
            queue.run.journals.close()

    def wait(self):
        """Join the mailboxes' threads, the dead man's switch re-armed meanwhile."""
        self.switch.join(self.workers)
        self.switch.disarm()


# How long a delivery waits for another delivery of its message (another
# service sharing the journal, or this one's other mailbox) before leaving
# the message to it: none. Its pool thread takes the next message at once,
# so two services reading one folder in the same order share the work
# instead of queueing behind each other, and the mailbox looks at the
# message again soon (service/fetcher.py, ELSEWHERE_RETRY).
LOCK_WAIT = 0


# How long after another service finished a message this one leaves its
# filing to it: that service files what it delivered within seconds
# (service/fetcher.py FILE_WITHIN); two MOVEs of one message at once could
# both copy it (RFC 6851 lets a server do so), so only the one that
# delivered it files it, unless it has not done so after this long (it
# died between the journal and the MOVE, or lost its mailbox).
FILING_WINDOW = 60


class ServiceRun(Run):
    """The service's Run: the MDA's, except that a delivery does not wait
    long for a message another delivery holds, that each delivery thread
    keeps its journal connection for its next deliveries (gateway/journal.py
    KeptJournals: the mode object, `journals`), and that a message another
    service finished is left for it to file. `gateway` names this service
    among those sharing the journal (gateway_id())."""
    __slots__ = ("journals", "gateway")

    def __init__(self, *args, journals=None, gateway=None, **kwargs):
        super().__init__(*args, **kwargs)
        from gateway.journal import KeptJournals
        object.__setattr__(self, "journals", journals or KeptJournals())
        object.__setattr__(self, "gateway", gateway)

    def journal(self):
        if self.dry_run:            # read-only: not kept (not the service's own use)
            return super().journal()
        return self.journals.get(super().journal, self.settings["dies_journal"])

    def lock_wait(self):
        return min(LOCK_WAIT, self.settings["espera_bloqueig"])

    def finish(self, entry, result):
        """The outcome, with who reached it (one commit: the note rides with it)."""
        if self.writes:
            from gateway.steps import FINISHED_BY
            entry.note(FINISHED_BY, {"gateway": self.gateway, "at": entry.journal.now()})
        super().finish(entry, result)

    def already_handled(self, entry):
        """Finished by another service less than FILING_WINDOW ago: that
        service files it; this one looks again later (the message is gone
        by then). Else (this service, an MDA, or a service that has not
        filed it in time) the outcome again, and this service files it."""
        from gateway.outcome import elsewhere
        from gateway.steps import FINISHED_BY
        by = entry.get(FINISHED_BY) or {}
        if (by.get("gateway") not in (None, self.gateway)
                and entry.journal.now() - by.get("at", 0) < FILING_WINDOW):
            log.info("already handled (%s) by %s: filed by it", entry.outcome, by["gateway"])
            return elsewhere("delivered by %s, which files it" % by["gateway"])
        return super().already_handled(entry)


def gateway_id(config):
    """This service among the gateways sharing a journal: its host and its
    state folder (two services on one host have two state folders; a
    restarted service is the same gateway, and files what it delivered)."""
    import socket
    return "%s:%s" % (socket.gethostname(), os.path.realpath(config.state_dir))


def _open_journal(queue):
    """Each queue's journal made (and its schema upgraded) once, before
    the mailboxes' threads run, so that a journal in trouble is said at
    start (a new SQLite file's switch to WAL under concurrent deliveries
    is the engine's own concern: gateway/journals/sqlite.py)."""
    from failures import TemporaryFailure
    try:
        Run.journal(queue.run).close()    # not kept: this thread delivers nothing
    except TemporaryFailure as e:   # each delivery says it again, and waits
        log.warning("queue %s: %s", queue.path, e)


def load(path):
    from service import config as config_module
    return config_module.load(path)


def serve(args):
    """The `serve` command (mailtoticket.py's block calls this)."""
    from service import logs
    records = logs.ThreadRecords()
    try:
        config = load(args.service_file)
    except SettingsError as e:
        log.error("%s; the service does not start", e)
        return 1
    logs.setup(config, records)
    for warning in config.warnings:
        log.warning("%s", warning)
    os.makedirs(config.state_dir, mode=0o700, exist_ok=True)
    if args.authorize:
        from service import tokens
        return tokens.authorize(config, args.authorize)
    if args.check:
        from service import check
        return check.check(Service(config, records))
    if args.once:
        service = Service(config, records)
        service.start(once=True)
        service.wait()
        service.write_status()
        failed = service.restart_needed.is_set() or any(w.failed for w in service.workers)
        return EX_TEMPFAIL if failed else 0
    from service import signals, staff_web
    try:
        web = staff_web.prepare(config)
    except SettingsError as e:
        log.error("%s; the service does not start", e)
        return 1
    return signals.run_until_stopped(lambda: Service(config, records, web),
                                     lambda: reload(args.service_file, records))


def reload(path, records):
    """SIGHUP: the new file and queues (and staff web server), or None
    (the old ones kept, loudly)."""
    from service import logs, staff_web
    try:
        config = load(path)
        web = staff_web.prepare(config)
    except SettingsError as e:
        log.error("reload refused, the running configuration is kept: %s", e)
        return None
    logs.setup(config, records)
    log.warning("service file %s reloaded", path)
    return Service(config, records, web)


def add_arguments(parser):
    parser.add_argument("-c", dest="service_file", required=True, metavar="SERVICE_FILE",
                        help="the service file (YAML, docs/service.md)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true",
                      help="fetch what is there, deliver it, exit (for cron)")
    mode.add_argument("--check", action="store_true",
                      help="check the service file, each mailbox's login and folders, "
                           "and each queue's settings and ticket system; exit 0 or 1")
    mode.add_argument("--authorize", metavar="MAILBOX",
                      help="the one-time OAuth2 consent of a mailbox (refresh-token "
                           "logins): prints the URL, reads the code")


def main(argv):
    import argparse
    parser = argparse.ArgumentParser(
        prog="mailtoticket.py serve",
        description="The long-running service: fetch the mailboxes of the service file "
                    "and deliver every message in-process (docs/service.md).")
    add_arguments(parser)
    return serve(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
