"""The fetch loop of one mailbox, in a thread of its own: a slow or failing
mailbox never stalls the others.

    connect, log in, create the folders that are missing
    repeat:
        a pass: every message of the folder, oldest first: fetch it, route
            it to its queue, deliver it in-process (gateway/pipeline.py,
            the MDA's pipeline) on a pool of `deliveries_in_flight`
            threads (the ticket system's and the disk's waits overlap),
            then file it:
              SUCCESS, SKIP   -> processed_folder (the MDA's exit 0)
              REJECT, ERROR   -> quarantine_folder (kept in the queue's
                                 quarantine too, as the MDA does)
              temporary       -> left where it is, tried again after
                                 retry_interval
        wait: IDLE where the server offers it (renewed every idle_renew),
              else poll_interval
    a connection lost or a server failing: reconnect with backoff

A message is filed only once its delivery is durable, and the journal's
message key makes a second delivery of the same message (a kill -9 before
the MOVE, the same mail in two mailboxes, a UIDVALIDITY change) finish the
first instead of repeating it: nothing here counts on UIDs to be unique.
"""
import logging
import random
import threading
import time
from concurrent import futures

from gateway.deadline import RunInterrupted
from gateway.errors import SettingsError
from gateway.outcome import temporary
from service import alerts, routing, watchdog
from service.imap import CONNECTION_ERRORS, LoginRefused, Session
from service.watchdog import InFlight

log = logging.getLogger("mailtoticket.service")

# Delivered messages filed with one MOVE (a pass's end files the rest),
# and none left unfiled longer than FILE_WITHIN seconds: another service
# sharing the journal leaves the filing of what this one delivered to it
# (service/main.py FILING_WINDOW), and looks again meanwhile; once another
# service was met on the folder, SHARED_BATCH at most, so that what it
# finds delivered and not yet filed stays little.
FILE_BATCH = 20
SHARED_BATCH = 4
FILE_WITHIN = 2
# A message another delivery holds (another service on the same mailbox
# and journal) is looked at again this soon: by then the holder has filed
# it, or died and its lease has ended (docs/journal.md). --once looks again
# as long as ONCE_RETRIES times (past the lease) before leaving it to the
# next run.
ELSEWHERE_RETRY = 2
ONCE_RETRIES = 40
# A connection that lasted this long (seconds) had worked: the next
# failure's backoff starts again at 1 s, not where the last one stopped.
STEADY = 60


def jump_rest(uids, start):
    """Another service reads this folder too, oldest first as this one
    does: met at one message, the two would meet at every next one (each
    meeting a fetch and a journal look-up for nothing). At each meeting
    this one goes on from a random place in the rest of the pass (walking
    on from there, and round to what it skipped): any number of services
    spread over the backlog, and meet again only where one reaches
    another's trail."""
    rest = uids[start:]
    if rest:
        k = random.randrange(len(rest))
        uids[start:] = rest[k:] + rest[:k]


def drop_gone(session, uids, start):
    """A message vanished before it was read: another service filed it, and
    likely the ones beside it. The rest of the pass keeps only what the
    folder still holds (one SEARCH instead of a FETCH for each)."""
    present = set(session.uids())
    uids[start:] = [uid for uid in uids[start:] if uid in present]


class MailboxWorker(threading.Thread):
    def __init__(self, service, mailbox, status, once=False):
        super().__init__(name="mailbox-" + mailbox.name, daemon=True)
        self.service = service
        self.config = service.config
        self.mailbox = mailbox
        self.status = status
        self.once = once
        self.stop = threading.Event()
        self.waiting = {}            # uid -> time it may be tried again
        self.uidvalidity = None      # of the folder, as last selected
        self.failed = False          # --once: this mailbox could not be fetched
        self.abandoned = False       # a delivery thread was left behind (watchdog)
        self.elsewhere = set()       # uids another delivery held at the last pass
        self.shared = False          # another service was met on this folder
        self.once_retries = 0
        self.token_source = service.token_source(mailbox)

    # -- the thread
    def run(self):
        self.pool = futures.ThreadPoolExecutor(self.config.deliveries_in_flight,
                                               thread_name_prefix=self.name)
        try:
            self.connect_and_fetch()
        finally:
            # A thread left behind (service/watchdog.py) is never waited for.
            self.pool.shutdown(wait=not self.abandoned)

    def connect_and_fetch(self):
        backoff = 1.0
        while not self.stop.is_set():
            session = Session(self.mailbox, (self.config.connect_timeout, self.config.timeout),
                              self.token_source)
            started = time.monotonic()
            try:
                session.open()
                log.info("mailbox %s: connected to %s:%s", self.mailbox.name,
                         self.mailbox.server, self.mailbox.port)
                session.ensure_folders()
                self.loop(session)
                return
            except (LoginRefused, SettingsError) as e:
                self.trouble(e, configuration=True)
                wait = self.config.reconnect_max
            except CONNECTION_ERRORS as e:
                self.trouble(e)
                if time.monotonic() - started > STEADY:
                    backoff = 1.0     # it had worked a while: a new failure starts afresh
                wait, backoff = backoff, min(backoff * 2, self.config.reconnect_max)
            except Exception as e:  # a bug must not end the mailbox's thread: say it, go on
                log.exception("mailbox %s: internal error", self.mailbox.name)
                self.trouble(e)
                wait, backoff = backoff, min(backoff * 2, self.config.reconnect_max)
            finally:
                session.close()
            if self.once:
                self.failed = True
                return
            self.stop.wait(wait)

    def trouble(self, error, configuration=False):
        named = isinstance(error, (LoginRefused, SettingsError))
        text = str(error) if named else "%s: %s" % (type(error).__name__, error)
        (log.error if configuration else log.warning)(
            "mailbox %s: %s%s", self.mailbox.name, text,
            "" if configuration or self.once else "; reconnecting")
        self.status.failed(text)
        if self.token_source is not None:
            self.status.token_refresh_failures = self.token_source.failures
        self.status.idle = False
        self.service.write_status()
        alerts.check(self.mailbox, self.status, self.config, configuration)

    def loop(self, session):
        idle = self.status.idle = self.mailbox.idle and session.capable("IDLE")
        while not self.stop.is_set():
            self.one_pass(session)
            if self.once:
                if not self.held_again():
                    return
                continue
            if idle:
                session.idle(self.wait_seconds(self.config.idle_renew), self.stop)
            else:
                self.stop.wait(self.wait_seconds(self.config.poll_interval))

    def held_again(self):
        """--once: whether to pass again for the messages another delivery
        held (another service, or this one's other mailbox), after a
        moment, rather than leave them to the next run."""
        if not self.elsewhere or self.once_retries >= ONCE_RETRIES:
            return False
        self.once_retries += 1
        self.stop.wait(self.wait_seconds(ELSEWHERE_RETRY))
        return not self.stop.is_set()

    def wait_seconds(self, longest):
        """Until the next pass: no longer than `longest`, and no longer than
        the first temporarily failed message is due again."""
        if not self.waiting:
            return longest
        return max(0.5, min(longest, min(self.waiting.values()) - time.time()))

    # -- one pass over the folder
    def one_pass(self, session):
        """Every message due, `deliveries_in_flight` at a time: fetched and
        filed here (the IMAP session is this thread's), delivered by the
        pool while the ticket system and the journal's disk answer."""
        validity = session.select()
        if validity != self.uidvalidity:
            if self.uidvalidity is not None:
                # UIDs start again: what waits is known by UIDs no longer
                # meant. Exactly-once rests on the journal's message key.
                log.warning("mailbox %s: UIDVALIDITY of %s changed (%s -> %s): read afresh",
                            self.mailbox.name, self.mailbox.folder, self.uidvalidity,
                            validity)
            self.waiting.clear()
            self.uidvalidity = validity
        uids = session.uids()
        present = set(uids)
        for uid in list(self.waiting):
            if uid not in present:
                del self.waiting[uid]     # gone (filed by someone else, expunged)
        pending = {}
        self.to_file = {}
        self.file_due = 0.0
        self.elsewhere = set()
        met = 0                   # messages another gateway was met working on
        try:
            at = 0
            while at < len(uids):
                if self.stop.is_set():
                    break                 # SIGTERM: the messages at hand are finished
                if len(self.elsewhere) > met:
                    met = len(self.elsewhere)
                    self.shared = True
                    jump_rest(uids, at)
                uid = uids[at]
                at += 1
                if self.waiting.get(uid, 0) > time.time():
                    continue
                while len(pending) >= self.config.deliveries_in_flight:
                    self.file_finished(session, pending)
                if not self.begin(session, uid, pending):
                    drop_gone(session, uids, at)
            while pending:
                self.file_finished(session, pending)
            self.flush(session)
        finally:
            # The connection failed with deliveries under way: let them end
            # (their messages stay in the folder; the next pass finds them
            # handled in the journal and files them), within their limits.
            if pending:
                last = max(flight.limit for flight in pending.values())
                _, stuck = futures.wait(pending, timeout=max(0, last - time.monotonic()))
                if stuck:
                    self.abandoned = True
                    self.service.restart_needed.set()
                    self.stop.set()
        left = session.uids()
        self.status.backlog = len(left)
        oldest = session.oldest(left)
        self.status.oldest_waiting = oldest.isoformat() if oldest else None
        self.status.quarantine_folder_count = session.count(self.mailbox.quarantine_folder)
        self.status.ok()
        self.service.write_status()

    def begin(self, session, uid, pending):
        raw = session.fetch(uid)
        if raw is None:
            log.info("mailbox %s: message %s vanished before it was read (another client)",
                     self.mailbox.name, uid)
            return False
        queue, why = routing.queue_for(self.mailbox, raw)
        log.debug("mailbox %s: message %s to queue %s (%s)", self.mailbox.name, uid,
                  queue.path, why)
        pending[self.pool.submit(self.service.deliver, queue, raw)] = InFlight(uid, raw, queue)
        return True

    def file_finished(self, session, pending):
        """File what has finished; a delivery past its limit is left behind
        (service/watchdog.py) and this mailbox stops for a restart."""
        now = time.monotonic()
        timeout = min(flight.limit for flight in pending.values()) - now
        if self.to_file:
            timeout = min(timeout, self.file_due - now)
        done, _ = futures.wait(pending, timeout=max(0.1, timeout),
                               return_when=futures.FIRST_COMPLETED)
        for future in done:
            uid = pending.pop(future).uid
            try:
                result = future.result()
            except RunInterrupted as e:   # the deadline's back-stop, past deliver()'s end
                result = temporary(str(e))
            except Exception as e:  # a bug around deliver() (which never raises): keep the mail
                log.error("mailbox %s: message %s: internal error: %s: %s", self.mailbox.name,
                          uid, type(e).__name__, e, exc_info=e)
                result = temporary("internal error: %s: %s" % (type(e).__name__, e))
            self.filed(session, uid, result)
        if self.to_file and time.monotonic() >= self.file_due:
            self.flush(session)
        if done:
            return
        for future, flight in list(pending.items()):
            if flight.limit <= time.monotonic():
                del pending[future]
                self.abandoned = True
                self.filed(session, flight.uid, watchdog.stuck(self.mailbox, flight))
                self.service.restart_needed.set()
                self.stop.set()

    def filed(self, session, uid, result):
        if result.elsewhere:      # not a failure: the holder files it, or we do next time
            self.waiting[uid] = time.time() + ELSEWHERE_RETRY
            self.elsewhere.add(uid)
            log.info("mailbox %s: message %s is being delivered by another gateway (or "
                     "mailbox): left to it, looked at again in %s s", self.mailbox.name,
                     uid, ELSEWHERE_RETRY)
            return
        self.status.deliveries[result.header or "TEMPORARY"] += 1
        if result.header is None:
            self.waiting[uid] = time.time() + self.config.retry_interval
            log.info("mailbox %s: message %s left in %s (temporary failure: %s); tried "
                     "again after %s s", self.mailbox.name, uid, self.mailbox.folder,
                     result.reason, self.config.retry_interval)
            return
        self.waiting.pop(uid, None)
        target = (self.mailbox.quarantine_folder if result.quarantined
                  else self.mailbox.processed_folder)
        if not self.to_file:
            self.file_due = time.monotonic() + FILE_WITHIN
        self.to_file.setdefault(target, []).append(uid)
        log.info("mailbox %s: message %s %s, to be filed in %s", self.mailbox.name, uid,
                 result.header, target or "(deleted)")
        if sum(map(len, self.to_file.values())) >= (SHARED_BATCH if self.shared
                                                     else FILE_BATCH):
            self.flush(session)

    def flush(self, session):
        """File the delivered messages, FILE_BATCH at most at once. Lost
        with the connection, they stay in the folder: the next pass finds
        them handled in the journal and files them."""
        batches, self.to_file = self.to_file, {}
        for target, uids in batches.items():
            session.file(uids, target)
