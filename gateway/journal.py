"""The journal: what each message has already done, so that nothing is done
twice.

fetchmail offers a message again whenever the MDA did not exit 0: after an
outage, a crash, a timeout whose call went through all the same. Each step
of a message's work (ticket created, attachment uploaded, description
rewritten, comment added) is written here, durably, as soon as it
succeeds; a redelivery skips what is recorded and finishes the rest on the
same ticket.

Entries are keyed by the GN6 instance and the message's identity: its
Message-ID with a digest of its body and of its headers other than the trace
headers a redelivery adds or changes. Two different messages sharing a
Message-ID (broken mailers) are two entries.

Two deliveries of one message at once (two fetchmails, a retry racing a
slow run) take the same lock: the second waits for the first, then finds
the work done.
"""
import fcntl
import hashlib
import json
import logging
import os
import random
import re
import sqlite3
import time

from gateway.errors import TemporaryFailure
from gateway.steps import ATTEMPTS, FILTRE, has_progress

log = logging.getLogger("mailtoticket.journal")

# Headers that differ between deliveries of the same message.
TRACE_HEADER = re.compile(
    rb"(received|x-received|delivered-to|x-original-to|return-path|envelope-to"
    rb"|x-envelope-(from|to)|x-rcpt-to|x-spam-[-\w]*|x-virus-[-\w]*"
    rb"|x-amavis-[-\w]*|x-quarantine-id|authentication-results|arc-[-\w]*"
    rb"|x-mailtoticket|status|x-status|x-uid|x-keywords|x-imapbase|lines"
    rb"|content-length|x-fetchmail-[-\w]*|x-original-arrival-time"
    rb"|x-ms-exchange-[-\w]*|x-forefront-[-\w]*|x-microsoft-antispam[-\w]*"
    rb"|x-greylist)$", re.IGNORECASE)

LOCK_STRIPES = 256
# Old entries are pruned now and then (about one run in PRUNE_ONE_IN), so the
# file stays small without a cron job of its own.
PRUNE_ONE_IN = 100

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    instance TEXT NOT NULL, key TEXT NOT NULL, message_id TEXT,
    state TEXT NOT NULL DEFAULT '{}', outcome TEXT, reason TEXT,
    created REAL NOT NULL, updated REAL NOT NULL,
    PRIMARY KEY (instance, key));
CREATE TABLE IF NOT EXISTS tickets (
    instance TEXT NOT NULL, codi TEXT NOT NULL, key TEXT NOT NULL,
    PRIMARY KEY (instance, codi));
CREATE TABLE IF NOT EXISTS sender_writes (
    instance TEXT NOT NULL, sender TEXT NOT NULL, created REAL NOT NULL);
CREATE INDEX IF NOT EXISTS sender_writes_by_sender
    ON sender_writes (instance, sender, created);
CREATE INDEX IF NOT EXISTS entries_by_message_id ON entries (instance, message_id);
CREATE TABLE IF NOT EXISTS notices (
    instance TEXT NOT NULL, topic TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS steps (
    instance TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (instance, key, name));
"""


def message_key(raw, message_id):
    """The message's identity, stable across redeliveries."""
    split = re.search(rb"\r?\n\r?\n", raw)
    head_end, body_start = (split.start(), split.end()) if split else (len(raw), len(raw))
    digest = hashlib.sha256()
    for field in unfolded_fields(raw[:head_end]):
        name = field.split(b":", 1)[0].strip()
        if not TRACE_HEADER.match(name):
            digest.update(field.rstrip() + b"\n")
    digest.update(b"\n")
    digest.update(memoryview(raw)[body_start:])
    return "%s %s" % (message_id or "-", digest.hexdigest()[:40])


def unfolded_fields(head):
    # Pieces joined once per field: `+=` on bytes would copy the field at
    # every continuation line (a header folded over millions of lines).
    fields = []
    for line in re.split(rb"\r?\n", head):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1].append(line.strip())
        elif line:
            fields.append([line])
    return [b" ".join(pieces) for pieces in fields]


class Journal:
    """The SQLite journal of one GN6 instance.

    readonly: for --dry-run; reads what is there, writes nothing anywhere
    (steps are remembered in memory for the run only).
    """

    def __init__(self, path, instance, readonly=False, keep_days=90):
        self.path = path
        self.instance = instance
        self.readonly = readonly
        self.db = self._connect()
        if not readonly and keep_days and random.randrange(PRUNE_ONE_IN) == 0:
            self.prune(keep_days)

    def prune(self, keep_days):
        """Forget messages older than keep_days: a redelivery comes within
        hours, not months. Open work (no outcome yet) is kept."""
        before = time.time() - keep_days * 86400
        self.write("DELETE FROM tickets WHERE key IN (SELECT key FROM entries"
                   " WHERE updated < ? AND outcome IS NOT NULL)", before)
        self.write("DELETE FROM steps WHERE key IN (SELECT key FROM entries"
                   " WHERE updated < ? AND outcome IS NOT NULL)", before)
        self.write("DELETE FROM entries WHERE updated < ? AND outcome IS NOT NULL", before)
        self.write("DELETE FROM sender_writes WHERE created < ?", before)
        self.write("DELETE FROM notices WHERE created < ?", before)

    def _connect(self):
        try:
            if self.readonly:
                if not os.path.exists(self.path):
                    db = sqlite3.connect(":memory:", isolation_level=None)
                    db.executescript(SCHEMA)
                    return db
                return sqlite3.connect("file:%s?mode=ro" % self.path, uri=True,
                                       isolation_level=None, timeout=30)
            os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.executescript(SCHEMA)
            return db
        except (sqlite3.Error, OSError) as e:
            raise TemporaryFailure("journal %s unusable: %s" % (self.path, e))

    def entry(self, key, message_id, wait, deadline=None):
        return Entry(self, key, message_id, wait, deadline)

    def execute(self, sql, *args):
        try:
            return self.db.execute(sql, args)
        except sqlite3.Error as e:
            raise TemporaryFailure("journal %s: %s" % (self.path, e))

    def write(self, sql, *args):
        if not self.readonly:
            self.execute(sql, *args)

    def state_of(self, key):
        """A message's recorded steps: the entry's `state` column (written
        whole by older versions) with its rows in `steps` over it."""
        row = self.execute("SELECT state FROM entries WHERE instance=? AND key=?",
                           self.instance, key).fetchone()
        state = json.loads(row[0]) if row and row[0] else {}
        try:
            rows = self.db.execute("SELECT name, value FROM steps WHERE instance=? AND key=?",
                                   (self.instance, key)).fetchall()
        except sqlite3.OperationalError:   # an older journal opened read-only
            rows = []
        for name, value in rows:
            state[name] = json.loads(value)
        return state

    # -- tickets and senders, across messages
    def owner_of(self, codi):
        row = self.execute("SELECT key FROM tickets WHERE instance=? AND codi=?",
                           self.instance, str(codi)).fetchone()
        return row[0] if row else None

    def ticket_of_message(self, message_id):
        """The ticket an earlier incoming message (by its Message-ID) opened
        or commented on, or None: how a reply-all to the original request,
        or to a follow-up of it, finds its ticket."""
        row = self.execute(
            "SELECT t.codi FROM entries e JOIN tickets t ON t.instance=e.instance"
            " AND t.key=e.key WHERE e.instance=? AND e.message_id=?"
            " ORDER BY e.created LIMIT 1", self.instance, message_id).fetchone()
        if row:
            return row[0]
        for (key,) in self.execute(
                "SELECT key FROM entries WHERE instance=? AND message_id=?"
                " AND outcome=? ORDER BY created LIMIT 5", self.instance, message_id,
                "SUCCESS"):
            try:
                codi = self.state_of(key).get(FILTRE, {}).get("state", {}).get("codi")
            except (ValueError, AttributeError):
                continue
            if codi:
                return str(codi)
        return None

    def claim_ticket(self, codi, key):
        self.write("INSERT OR IGNORE INTO tickets (instance, codi, key) VALUES (?,?,?)",
                   self.instance, str(codi), key)

    def note_sender_write(self, sender):
        """A ticket opened or a comment added for `sender` (the loop guard)."""
        self.write("INSERT INTO sender_writes (instance, sender, created) VALUES (?,?,?)",
                   self.instance, sender or "", time.time())

    def sender_writes_since(self, sender, since):
        return self.execute(
            "SELECT COUNT(*) FROM sender_writes WHERE instance=? AND sender=? AND created>=?",
            self.instance, sender or "", since).fetchone()[0]

    def noticed_since(self, topic, since):
        """Whether the admin was already told about `topic` since then."""
        return self.execute(
            "SELECT COUNT(*) FROM notices WHERE instance=? AND topic=? AND created>=?",
            self.instance, topic, since).fetchone()[0] > 0

    def note_notice(self, topic):
        self.write("INSERT INTO notices (instance, topic, created) VALUES (?,?,?)",
                   self.instance, topic, time.time())


class Entry:
    """One message's record, held under its lock for the delivery."""

    def __init__(self, journal, key, message_id, wait, deadline):
        self.journal = journal
        self.key = key
        self.message_id = message_id
        self.wait = wait
        self.deadline = deadline
        self.state = {}
        self._legacy = set()     # steps in the entry's old whole-state column
        self.outcome = None
        self.reason = None
        self._lock = None

    def __enter__(self):
        if not self.journal.readonly:
            self._acquire()
        row = self.journal.execute(
            "SELECT state, outcome, reason FROM entries WHERE instance=? AND key=?",
            self.journal.instance, self.key).fetchone()
        if row:
            self.state = self.journal.state_of(self.key)
            self._legacy = set(json.loads(row[0] or "{}"))
            self.outcome, self.reason = row[1], row[2]
            if not self.journal.readonly and not self.outcome:
                # a redelivery of unfinished work (--status shows the count)
                self.record(ATTEMPTS, self.state.get(ATTEMPTS, 1) + 1)
        else:
            now = time.time()
            self.journal.write(
                "INSERT INTO entries (instance, key, message_id, created, updated)"
                " VALUES (?,?,?,?,?)", self.journal.instance, self.key,
                self.message_id, now, now)
        return self

    def __exit__(self, *exc):
        if self._lock is not None:
            self._lock.close()  # releases the flock
            self._lock = None

    def _acquire(self):
        """Wait (bounded) for any other delivery of this message to finish.
        Locks are striped over a fixed set of files, so none pile up."""
        stripe = int(hashlib.sha256(
            (self.journal.instance + self.key).encode("utf-8", "surrogatepass")
        ).hexdigest(), 16) % LOCK_STRIPES
        folder = self.journal.path + ".locks"
        try:
            os.makedirs(folder, exist_ok=True)
            self._lock = open(os.path.join(folder, "%03d.lock" % stripe), "a+b")
        except OSError as e:
            raise TemporaryFailure("journal lock unusable: %s" % e)
        limit = self.wait
        if self.deadline is not None:
            limit = min(limit, self.deadline.remaining() - 2)
        give_up = time.monotonic() + max(limit, 0)
        while True:
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= give_up:
                    self._lock.close()
                    self._lock = None
                    raise TemporaryFailure(
                        "another delivery of this message is still running")
                time.sleep(0.05)

    # -- steps
    def get(self, step, default=None):
        return self.state.get(step, default)

    def record(self, step, value=True):
        """Make a step durable before going on to the next one: one row per
        step, so a message with thousands of steps costs linear time (the
        whole state rewritten at each step was quadratic)."""
        self.state[step] = value
        self.journal.write(
            "INSERT OR REPLACE INTO steps (instance, key, name, value) VALUES (?,?,?,?)",
            self.journal.instance, self.key, step, json.dumps(value))
        self.journal.write("UPDATE entries SET updated=? WHERE instance=? AND key=?",
                           time.time(), self.journal.instance, self.key)
        log.debug("journal: %s = %r", step, value)

    def has_progress(self):
        """Whether anything was (or may have been) written to GN6."""
        return has_progress(self.state)

    def forget(self, step):
        """Undo the record of a step that turned out not to have happened."""
        if self.state.pop(step, None) is not None:
            self.journal.write("DELETE FROM steps WHERE instance=? AND key=? AND name=?",
                               self.journal.instance, self.key, step)
            if step in self._legacy:
                legacy = {k: v for k, v in self.state.items() if k in self._legacy}
                self.journal.write(
                    "UPDATE entries SET state=?, updated=? WHERE instance=? AND key=?",
                    json.dumps(legacy), time.time(), self.journal.instance, self.key)
                self._legacy.discard(step)

    def finish(self, outcome, reason=""):
        self.outcome, self.reason = outcome, reason
        self.journal.write(
            "UPDATE entries SET outcome=?, reason=?, updated=? WHERE instance=? AND key=?",
            outcome, reason, time.time(), self.journal.instance, self.key)


# -- queries for staff: the web API and --missing (web/queries.py; issue 22).
# Read-only. The SQL here is SQLite's: a PostgreSQL engine needs the same
# methods (json_extract(value, '$.from') is value::json->>'from' there).

ENTRY_COLUMNS = ("key", "message_id", "outcome", "reason", "created", "updated",
                 "sender", "subject", "settings")
WAITING = "WAITING"          # an entry with no outcome yet (a temporary failure)


def _entry_select(where):
    return ("SELECT e.key, e.message_id, e.outcome, e.reason, e.created, e.updated,"
            " json_extract(m.value, '$.from'), json_extract(m.value, '$.subject'),"
            " json_extract(m.value, '$.settings')" + FROM_ENTRIES + where)


# Every entry, with its `message` step (who, what, which settings file).
FROM_ENTRIES = (" FROM entries e LEFT JOIN steps m ON m.instance=e.instance AND m.key=e.key"
                " AND m.name='message' WHERE e.instance=? ")


def _of_settings(settings):
    """The clause keeping one settings file's entries of a shared journal."""
    if settings is None:
        return "", []
    return " AND json_extract(m.value, '$.settings') = ?", [settings]


def find_entries(self, message_id=None, sender=None, ticket=None, outcome=None,
                 since=None, until=None, limit=50, offset=0, settings=None):
    """(total, [entry dict]) matching every filter given, newest first;
    settings: only the entries of that settings file (its real path)."""
    where, args = [], []
    if settings is not None:
        where.append("json_extract(m.value, '$.settings') = ?")
        args.append(settings)
    if message_id:
        where.append("e.message_id IN (?,?)")
        bare = message_id.strip().strip("<>")
        args += ["<%s>" % bare, bare]
    if sender:
        where.append("lower(json_extract(m.value, '$.from')) = ?")
        args.append(sender.strip().lower())
    if ticket:
        where.append("e.key IN (SELECT key FROM tickets WHERE instance=e.instance AND codi=?"
                     " UNION SELECT key FROM steps WHERE instance=e.instance AND"
                     " (name=? OR name=?))")
        args += [ticket, "comment:%s" % ticket, "linked:%s" % ticket]
    if outcome == WAITING:
        where.append("e.outcome IS NULL")
    elif outcome:
        where.append("e.outcome=?")
        args.append(outcome)
    if since is not None:
        where.append("e.created>=?")
        args.append(since)
    if until is not None:
        where.append("e.created<?")
        args.append(until)
    clause = "".join(" AND " + w for w in where)
    total = self.execute(
        "SELECT COUNT(*) FROM (%s)" % _entry_select(clause), self.instance,
        *args).fetchone()[0]
    rows = self.execute(_entry_select(clause) + " ORDER BY e.created DESC, e.key"
                           " LIMIT ? OFFSET ?", self.instance, *args, limit,
                           offset).fetchall()
    return total, [dict(zip(ENTRY_COLUMNS, row)) for row in rows]


def entry_by_key(self, key):
    row = self.execute(_entry_select("AND e.key=?"), self.instance, key).fetchone()
    return dict(zip(ENTRY_COLUMNS, row)) if row else None


def outcome_counts(self, since=None, settings=None):
    """{outcome or WAITING: count} of the entries created since then."""
    clause, args = _of_settings(settings)
    rows = self.execute(
        "SELECT COALESCE(e.outcome, ?), COUNT(*)" + FROM_ENTRIES + "AND e.created>=?"
        + clause + " GROUP BY 1", WAITING, self.instance, since or 0, *args).fetchall()
    return dict(rows)


def entry_times(self, since=None, settings=None):
    """[(outcome, created, updated, attempts)] of the entries since then:
    what the metrics are computed from."""
    clause, args = _of_settings(settings)
    return self.execute(
        "SELECT e.outcome, e.created, e.updated, COALESCE(CAST(a.value AS INTEGER), 1)"
        " FROM entries e LEFT JOIN steps a ON a.instance=e.instance AND a.key=e.key"
        " AND a.name='attempts' LEFT JOIN steps m ON m.instance=e.instance AND m.key=e.key"
        " AND m.name='message' WHERE e.instance=? AND e.created>=?" + clause,
        self.instance, since or 0, *args).fetchall()


def waiting(self, settings=None):
    """(count, oldest creation time or None) of the entries with no outcome."""
    clause, args = _of_settings(settings)
    row = self.execute("SELECT COUNT(*), MIN(e.created)" + FROM_ENTRIES +
                       "AND e.outcome IS NULL" + clause, self.instance, *args).fetchone()
    return row[0], row[1]


def deferrals(self, settings=None):
    """[value of the `deferred` step] of every entry: each message's last
    temporary failure (what the bus error metrics count)."""
    clause, args = _of_settings(settings)
    return [json.loads(value) for (value,) in self.execute(
        "SELECT d.value FROM steps d JOIN entries e ON e.instance=d.instance AND e.key=d.key"
        " LEFT JOIN steps m ON m.instance=e.instance AND m.key=e.key AND m.name='message'"
        " WHERE d.instance=? AND d.name='deferred'" + clause, self.instance, *args)]


def note(self, step, value):
    """Entry.note: a bookkeeping step in one write (the entry's `updated`
    is left alone): what the message is, for staff."""
    self.state[step] = value
    self.journal.write(
        "INSERT OR REPLACE INTO steps (instance, key, name, value) VALUES (?,?,?,?)",
        self.journal.instance, self.key, step, json.dumps(value))


Entry.note = note

# Journal methods (the engines' public interface), kept in this block.
for _query in (find_entries, entry_by_key, outcome_counts, entry_times, waiting, deferrals):
    setattr(Journal, _query.__name__, _query)
