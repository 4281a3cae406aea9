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

The journal is one interface (Journal, Entry: everything below) over an
engine chosen by the form of the `journal` setting: a file path is SQLite
(gateway/journals/sqlite.py, the default, one host), a postgresql:// URL is
PostgreSQL (gateway/journals/postgres.py, any number of gateways sharing
it; psycopg is imported only then). Every query is here, in SQL both
engines speak; an engine connects, runs it, keeps the schema's version and
holds the per-message lock. docs/journal.md tells the admin's side.
"""
import hashlib
import importlib
import json
import logging
import random
import re
from contextlib import contextmanager

from gateway.errors import TemporaryFailure
from gateway.steps import ATTEMPTS, FILTRE, has_progress

log = logging.getLogger("mailtoticket.journal")

class MessageBusy(TemporaryFailure):
    """Another delivery (this process's, or another gateway's sharing the
    journal) holds the message's lock past the wait allowed: not this
    delivery's failure. The MDA exits 75 as for any temporary failure;
    the service leaves the message to the holder and looks again soon."""

    def __init__(self):
        super().__init__("another delivery of this message is still running")


# Headers that differ between deliveries of the same message: these names
# (ASCII case ignored), and these prefixes followed by letters, digits, `_`
# or `-`. A set and a few prefixes rather than a regular expression, which
# every delivery would compile at start-up (tests/test_lazy_boundaries.py
# checks it against the expression it replaces).
_TRACE_NAMES = frozenset((
    b"received", b"x-received", b"delivered-to", b"x-original-to", b"return-path",
    b"envelope-to", b"x-envelope-from", b"x-envelope-to", b"x-rcpt-to",
    b"x-quarantine-id", b"authentication-results", b"x-mailtoticket", b"status",
    b"x-status", b"x-uid", b"x-keywords", b"x-imapbase", b"lines", b"content-length",
    b"x-original-arrival-time", b"x-greylist"))
_TRACE_PREFIXES = (b"x-spam-", b"x-virus-", b"x-amavis-", b"arc-", b"x-fetchmail-",
                   b"x-ms-exchange-", b"x-forefront-", b"x-microsoft-antispam")
_NAME_CHARS = b"-_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


class _TraceHeader:
    @staticmethod
    def match(name):
        """True if the field name (bytes) is a trace header's."""
        name = name.lower()
        if name.endswith(b"\n"):       # as the expression's `$` allowed
            name = name[:-1]
        if name in _TRACE_NAMES:
            return True
        return any(name.startswith(prefix)
                   and not name[len(prefix):].translate(None, _NAME_CHARS)
                   for prefix in _TRACE_PREFIXES)


TRACE_HEADER = _TraceHeader()


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


# Old entries are pruned now and then (about one run in PRUNE_ONE_IN), so the
# journal stays small without a cron job of its own.
PRUNE_ONE_IN = 100

# -- the schema ----------------------------------------------------------------
# Versions, oldest first; an engine applies those above the journal's own at
# start (gateway.journal.upgrade). {float} is the engine's type for seconds
# since the epoch. Version 1 is the schema of journals made before versions
# were kept: every statement of it is "if not exists", so an old file
# upgrades in place.
MIGRATIONS = [
    (1, [
        "CREATE TABLE IF NOT EXISTS entries ("
        " instance TEXT NOT NULL, key TEXT NOT NULL, message_id TEXT,"
        " state TEXT NOT NULL DEFAULT '{{}}', outcome TEXT, reason TEXT,"
        " created {float} NOT NULL, updated {float} NOT NULL,"
        " PRIMARY KEY (instance, key))",
        "CREATE TABLE IF NOT EXISTS tickets ("
        " instance TEXT NOT NULL, codi TEXT NOT NULL, key TEXT NOT NULL,"
        " PRIMARY KEY (instance, codi))",
        "CREATE TABLE IF NOT EXISTS sender_writes ("
        " instance TEXT NOT NULL, sender TEXT NOT NULL, created {float} NOT NULL)",
        "CREATE INDEX IF NOT EXISTS sender_writes_by_sender"
        " ON sender_writes (instance, sender, created)",
        "CREATE INDEX IF NOT EXISTS entries_by_message_id ON entries (instance, message_id)",
        "CREATE TABLE IF NOT EXISTS notices ("
        " instance TEXT NOT NULL, topic TEXT NOT NULL, created {float} NOT NULL)",
        "CREATE TABLE IF NOT EXISTS steps ("
        " instance TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL,"
        " value TEXT NOT NULL, PRIMARY KEY (instance, key, name))",
        "CREATE TABLE IF NOT EXISTS deadline_hits ("
        " instance TEXT NOT NULL, key TEXT NOT NULL, hits INTEGER NOT NULL,"
        " reason TEXT, notified INTEGER NOT NULL DEFAULT 0, updated {float} NOT NULL,"
        " PRIMARY KEY (instance, key))",
    ]),
    (2, [   # the "told once" look-ups and the pruning by age, indexed
        "CREATE INDEX IF NOT EXISTS notices_by_topic ON notices (instance, topic, created)",
        "CREATE INDEX IF NOT EXISTS entries_by_updated ON entries (updated)",
    ]),
]
LATEST = MIGRATIONS[-1][0]
VERSION_TABLE = "CREATE TABLE IF NOT EXISTS journal_version (version INTEGER NOT NULL)"

# What a copy (--copy-journal) moves: each table's columns and the columns
# that identify a row (None: the whole row does).
TABLES = {
    "entries": (("instance", "key", "message_id", "state", "outcome", "reason",
                 "created", "updated"), ("instance", "key")),
    "tickets": (("instance", "codi", "key"), ("instance", "codi")),
    "steps": (("instance", "key", "name", "value"), ("instance", "key", "name")),
    "deadline_hits": (("instance", "key", "hits", "reason", "notified", "updated"),
                      ("instance", "key")),
    "sender_writes": (("instance", "sender", "created"), None),
    "notices": (("instance", "topic", "created"), None),
}


# -- the staff queries' vocabulary (issue 22)
ENTRY_COLUMNS = ("key", "message_id", "outcome", "reason", "created", "updated",
                 "sender", "subject", "settings")
WAITING = "WAITING"          # an entry with no outcome yet (a temporary failure)
# Every entry, with its `message` step (who, what, which settings file).
FROM_ENTRIES = (" FROM entries e LEFT JOIN steps m ON m.instance=e.instance AND m.key=e.key"
                " AND m.name='message' WHERE e.instance=? ")

def upgrade(engine):
    """Bring the engine's schema to LATEST. Several gateways may start at
    once: the engine's exclusive() serialises them, and the version is read
    again under it. A journal newer than this code is a temporary failure
    (an old gateway beside upgraded ones): its mail waits, nothing is lost."""
    version = engine.schema_version()
    if version == LATEST:
        return
    if version > LATEST:
        raise TemporaryFailure(
            "journal %s has schema version %d, this mailtoticket knows up to %d: "
            "upgrade mailtoticket on this host" % (engine.describe, version, LATEST))
    with engine.exclusive():
        engine.execute(VERSION_TABLE)
        version = engine.schema_version()
        for number, statements in MIGRATIONS:
            if number > version:
                for statement in statements:
                    engine.execute(statement.format(**engine.TYPES))
        engine.execute("DELETE FROM journal_version")
        engine.execute("INSERT INTO journal_version (version) VALUES (?)", LATEST)
    if version < LATEST:
        log.info("journal %s: schema version %d -> %d", engine.describe, version, LATEST)


# -- engines -------------------------------------------------------------------
# (accepts(location), module, class): the first whose test the `journal`
# setting passes. An engine's module is imported only when chosen.
ENGINES = []


def register_engine(accepts, module, name):
    ENGINES.append((accepts, module, name))


def is_url(location):
    return "://" in location


register_engine(lambda location: location.startswith(("postgresql://", "postgres://")),
                "gateway.journals.postgres", "PostgresEngine")
register_engine(lambda location: not is_url(location),
                "gateway.journals.sqlite", "SqliteEngine")


def engine_known(location):
    """Whether an engine takes this `journal` setting (without loading it)."""
    return any(accepts(location) for accepts, _, _ in ENGINES)


def engine_for(location):
    """The engine class for a `journal` setting, or None if none takes it."""
    for accepts, module, name in ENGINES:
        if accepts(location):
            return getattr(importlib.import_module(module), name)
    return None


def connect_timeout(settings):
    """Seconds to reach a journal server: a fraction of the run's deadline,
    so an unreachable server still leaves time to exit 75 cleanly."""
    return max(2, min(10, int(settings["temps_maxim_execucio"] // 4)))


class Journal:
    """The journal of one ticket-system instance, on its engine.

    readonly: for --dry-run; reads what is there, writes nothing anywhere
    (steps are remembered in memory for the run only).
    """

    def __init__(self, path, instance, readonly=False, keep_days=90, password_file=None,
                 timeout=10):
        self.path = path
        self.instance = instance
        self.readonly = readonly
        self._together = None      # the writes of a together() block
        engine = engine_for(path)
        if engine is None:
            raise TemporaryFailure("journal %s: neither a file path nor a postgresql:// URL"
                                   % redacted(path))
        self.engine = engine(path, readonly=readonly, password_file=password_file,
                             timeout=timeout)
        if not readonly:
            upgrade(self.engine)
        if not readonly and keep_days and random.randrange(PRUNE_ONE_IN) == 0:
            self.prune(keep_days)

    @classmethod
    def of(cls, settings, readonly=False, keep_days=0):
        """The journal the settings name (path or URL, password file, the
        connect timeout within the run's deadline)."""
        return cls(settings.journal_path, settings.instance, readonly=readonly,
                   keep_days=keep_days,
                   password_file=settings.resolve_path(settings.get("journal_password_file")),
                   timeout=connect_timeout(settings))

    def close(self):
        self.engine.close()

    def now(self):
        """The journal's clock (seconds since the epoch): every time it
        stores or compares is on it, so gateways whose clocks differ agree."""
        return self.engine.now()

    def _rows(self, sql, *args):
        return self.engine.rows(sql, args)

    def _count(self, sql, *args):
        rows = self._rows(sql, *args)
        return rows[0][0] if rows else 0    # none: an empty journal read-only

    def _write(self, *statements):
        """(sql, args) statements, committed together; nothing when read-only.
        Inside together(): kept for that block's one commit."""
        if self._together is not None:
            self._together.extend(statements)
        elif not self.readonly:
            self.engine.run(statements)

    @contextmanager
    def together(self):
        """The writes of the block, committed as one transaction when it
        ends (none if it raises): for what one answer of the ticket system
        settles (the ticket, its owner, the loop guard's count), each of
        which would otherwise cost a commit (an fsync) of its own. No call
        to the ticket system may be made inside: a step that must be
        durable before a call is written before the block."""
        if self._together is not None:     # nested: the outer block commits
            yield
            return
        self._together = []
        try:
            yield
            statements = self._together
        finally:
            self._together = None
        if statements:
            self._write(*statements)

    def entry(self, key, message_id, wait, deadline=None):
        return Entry(self, key, message_id, wait, deadline)

    # For methods of this class only (the service's and the pages' queries
    # live here too): SQL both engines speak, parameters marked with ?.
    def execute(self, sql, *args):
        """A query's rows (fetchone/fetchall, or iterate)."""
        return Rows(self._rows(sql, *args))

    def write(self, sql, *args):
        """One statement, committed; nothing when read-only."""
        self._write((sql, args))

    def prune(self, keep_days):
        """Forget messages older than keep_days: a redelivery comes within
        hours, not months. Open work (no outcome yet) is kept."""
        before = self.now() - keep_days * 86400
        done = "SELECT key FROM entries WHERE updated < ? AND outcome IS NOT NULL"
        self._write(("DELETE FROM tickets WHERE key IN (%s)" % done, (before,)),
                    ("DELETE FROM steps WHERE key IN (%s)" % done, (before,)),
                    ("DELETE FROM entries WHERE updated < ? AND outcome IS NOT NULL",
                     (before,)),
                    ("DELETE FROM sender_writes WHERE created < ?", (before,)),
                    ("DELETE FROM notices WHERE created < ?", (before,)),
                    ("DELETE FROM deadline_hits WHERE updated < ?", (before,)))

    # -- one message
    def entry_row(self, key):
        """(state, outcome, reason) of a message's entry, or None."""
        rows = self._rows("SELECT state, outcome, reason FROM entries"
                          " WHERE instance=? AND key=?", self.instance, key)
        return rows[0] if rows else None

    def state_of(self, key):
        """A message's recorded steps: the entry's `state` column (written
        whole by older versions) with its rows in `steps` over it."""
        row = self.entry_row(key)
        state = json.loads(row[0]) if row and row[0] else {}
        for name, value in self._rows("SELECT name, value FROM steps WHERE instance=?"
                                      " AND key=?", self.instance, key):
            state[name] = json.loads(value)
        return state

    def first_attempt(self, key):
        """When the message was first seen (the journal's clock), or None."""
        rows = self._rows("SELECT created FROM entries WHERE instance=? AND key=?",
                          self.instance, key)
        return rows[0][0] if rows else None

    def messages_about(self, message_ids, codi):
        """(key, message_id, outcome, reason, created, updated) of the
        messages with one of these Message-IDs or on ticket `codi`."""
        marks = ",".join("?" * len(message_ids))
        return self._rows(
            "SELECT key, message_id, outcome, reason, created, updated FROM entries"
            " WHERE instance=? AND (message_id IN (%s) OR key IN (SELECT key FROM tickets"
            " WHERE instance=? AND codi=?)) ORDER BY created" % marks,
            self.instance, *message_ids, self.instance, codi)

    # -- tickets and senders, across messages
    def owner_of(self, codi):
        rows = self._rows("SELECT key FROM tickets WHERE instance=? AND codi=?",
                          self.instance, str(codi))
        return rows[0][0] if rows else None

    def ticket_of_message(self, message_id):
        """The ticket an earlier incoming message (by its Message-ID) opened
        or commented on, or None: how a reply-all to the original request,
        or to a follow-up of it, finds its ticket."""
        rows = self._rows(
            "SELECT t.codi FROM entries e JOIN tickets t ON t.instance=e.instance"
            " AND t.key=e.key WHERE e.instance=? AND e.message_id=?"
            " ORDER BY e.created LIMIT 1", self.instance, message_id)
        if rows:
            return rows[0][0]
        for (key,) in self._rows(
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
        self._write(("INSERT INTO tickets (instance, codi, key) VALUES (?,?,?)"
                     " ON CONFLICT DO NOTHING", (self.instance, str(codi), key)))

    def note_sender_write(self, sender):
        """A ticket opened or a comment added for `sender` (the loop guard)."""
        self._write(("INSERT INTO sender_writes (instance, sender, created) VALUES (?,?,?)",
                     (self.instance, sender or "", self.now())))

    def sender_writes_within(self, sender, seconds):
        """Tickets and comments for `sender` in the last `seconds`."""
        return self._count(
            "SELECT COUNT(*) FROM sender_writes WHERE instance=? AND sender=? AND created>=?",
            self.instance, sender or "", self.now() - seconds)

    # -- the alerts' "told once"
    def noticed_within(self, topic, seconds):
        """Whether the admin was told about `topic` in the last `seconds`."""
        return self._count(
            "SELECT COUNT(*) FROM notices WHERE instance=? AND topic=? AND created>=?",
            self.instance, topic, self.now() - seconds) > 0

    def note_notice(self, topic):
        self._write(("INSERT INTO notices (instance, topic, created) VALUES (?,?,?)",
                     (self.instance, topic, self.now())))

    # -- the poison counter (gateway/poison.py)
    def deadline_hit(self, key, reason):
        """Count one more deadline hit of a message: (hits, notified)."""
        self._write((
            "INSERT INTO deadline_hits (instance, key, hits, reason, updated)"
            " VALUES (?,?,1,?,?) ON CONFLICT (instance, key) DO UPDATE SET"
            " hits = deadline_hits.hits + 1, reason = excluded.reason,"
            " updated = excluded.updated", (self.instance, key, reason, self.now())))
        rows = self._rows("SELECT hits, notified FROM deadline_hits WHERE instance=?"
                          " AND key=?", self.instance, key)
        return tuple(rows[0]) if rows else (0, 0)

    def deadline_hit_told(self, key):
        self._write(("UPDATE deadline_hits SET notified=1 WHERE instance=? AND key=?",
                     (self.instance, key)))

    # -- copying a whole journal (gateway/journals/copy.py)
    def table_rows(self, table):
        columns, _ = TABLES[table]
        return self._rows("SELECT %s FROM %s" % (", ".join(columns), table))

    def absorb(self, table, rows):
        """Add rows of another journal's table, keeping what is here."""
        columns, identity = TABLES[table]
        marks = ",".join("?" * len(columns))
        if identity:
            sql = "INSERT INTO %s (%s) VALUES (%s) ON CONFLICT DO NOTHING" % (
                table, ", ".join(columns), marks)
            self._write(*[(sql, tuple(row)) for row in rows])
            return
        same = " AND ".join("%s=?" % c for c in columns)
        sql = "INSERT INTO %s (%s) SELECT %s WHERE NOT EXISTS (SELECT 1 FROM %s WHERE %s)" % (
            table, ", ".join(columns), marks, table, same)
        self._write(*[(sql, tuple(row) * 2) for row in rows])

    # -- queries for staff: the web API and --missing (web/queries.py; issue 22).
    # Read-only. A field of a step's JSON value is read with the engine's
    # json_text(column, field): json_extract on SQLite, ->> on PostgreSQL.
    def _entry_select(self, where):
        field = self.engine.json_text
        return ("SELECT e.key, e.message_id, e.outcome, e.reason, e.created, e.updated, "
                + ", ".join(field("m.value", name) for name in ("from", "subject", "settings"))
                + FROM_ENTRIES + where)

    def _of_settings(self, settings):
        """The clause keeping one settings file's entries of a shared journal."""
        if settings is None:
            return "", []
        return " AND %s = ?" % self.engine.json_text("m.value", "settings"), [settings]

    def find_entries(self, message_id=None, sender=None, ticket=None, outcome=None,
                     since=None, until=None, limit=50, offset=0, settings=None):
        """(total, [entry dict]) matching every filter given, newest first;
        settings: only the entries of that settings file (its real path)."""
        field = self.engine.json_text
        where, args = [], []
        if settings is not None:
            where.append("%s = ?" % field("m.value", "settings"))
            args.append(settings)
        if message_id:
            where.append("e.message_id IN (?,?)")
            bare = message_id.strip().strip("<>")
            args += ["<%s>" % bare, bare]
        if sender:
            where.append("lower(%s) = ?" % field("m.value", "from"))
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
        total = self._count("SELECT COUNT(*) FROM (%s) AS found" % self._entry_select(clause),
                            self.instance, *args)
        rows = self._rows(self._entry_select(clause) + " ORDER BY e.created DESC, e.key"
                          " LIMIT ? OFFSET ?", self.instance, *args, limit, offset)
        return total, [dict(zip(ENTRY_COLUMNS, row)) for row in rows]

    def entry_by_key(self, key):
        rows = self._rows(self._entry_select("AND e.key=?"), self.instance, key)
        return dict(zip(ENTRY_COLUMNS, rows[0])) if rows else None

    def outcome_counts(self, since=None, settings=None):
        """{outcome or WAITING: count} of the entries created since then."""
        clause, args = self._of_settings(settings)
        return dict(self._rows(
            "SELECT COALESCE(e.outcome, ?), COUNT(*)" + FROM_ENTRIES + "AND e.created>=?"
            + clause + " GROUP BY 1", WAITING, self.instance, since or 0, *args))

    def entry_times(self, since=None, settings=None):
        """[(outcome, created, updated, attempts)] of the entries since then:
        what the metrics are computed from."""
        clause, args = self._of_settings(settings)
        return self._rows(
            "SELECT e.outcome, e.created, e.updated, COALESCE(CAST(a.value AS INTEGER), 1)"
            " FROM entries e LEFT JOIN steps a ON a.instance=e.instance AND a.key=e.key"
            " AND a.name='attempts' LEFT JOIN steps m ON m.instance=e.instance"
            " AND m.key=e.key AND m.name='message' WHERE e.instance=? AND e.created>=?"
            + clause, self.instance, since or 0, *args)

    def waiting(self, settings=None):
        """(count, oldest creation time or None) of the entries with no outcome."""
        clause, args = self._of_settings(settings)
        rows = self._rows("SELECT COUNT(*), MIN(e.created)" + FROM_ENTRIES
                          + "AND e.outcome IS NULL" + clause, self.instance, *args)
        return tuple(rows[0]) if rows else (0, None)

    def deferrals(self, settings=None):
        """[value of the `deferred` step] of every entry: each message's last
        temporary failure (what the bus error metrics count)."""
        clause, args = self._of_settings(settings)
        return [json.loads(value) for (value,) in self._rows(
            "SELECT d.value FROM steps d JOIN entries e ON e.instance=d.instance"
            " AND e.key=d.key LEFT JOIN steps m ON m.instance=e.instance AND m.key=e.key"
            " AND m.name='message' WHERE d.instance=? AND d.name='deferred'" + clause,
            self.instance, *args)]


class Rows(list):
    """A query's rows, read as from a DB-API cursor."""

    def fetchone(self):
        return self[0] if self else None

    def fetchall(self):
        return list(self)


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
        self._notes = []         # bookkeeping not yet written: see note()

    def __enter__(self):
        journal = self.journal
        if not journal.readonly:
            self._acquire()
        try:
            row = journal.entry_row(self.key)
            if row:
                self.state = journal.state_of(self.key)
                self._legacy = set(json.loads(row[0] or "{}"))
                self.outcome, self.reason = row[1], row[2]
                if not journal.readonly and not self.outcome:
                    # a redelivery of unfinished work (--status shows the count)
                    self.record(ATTEMPTS, self.state.get(ATTEMPTS, 1) + 1)
            else:
                # A new entry is a note too (written with the first step):
                # until then this delivery has done nothing to remember.
                now = journal.now()
                self._notes.append((
                    "INSERT INTO entries (instance, key, message_id, created, updated)"
                    " VALUES (?,?,?,?,?)", (journal.instance, self.key, self.message_id,
                                            now, now)))
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        try:
            if self._notes:
                self._write_notes(failing=not exc or exc[0] is not None)
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def _write_notes(self, failing):
        """The notes still unwritten, before the lock is let go. When the
        delivery is already failing (exit 75 follows), a journal that
        cannot take them is that failure: told at DEBUG."""
        try:
            self._write()
        except TemporaryFailure as e:
            if not failing:
                raise
            log.debug("bookkeeping not written: %s", e)

    def _write(self, *statements):
        """The entry's statements, committed with the notes kept so far."""
        statements = self._notes + list(statements)
        self.journal._write(*statements)
        self._notes = []

    def _acquire(self):
        """Wait (bounded by espera_bloqueig and the run's deadline) for any
        other delivery of this message, on any gateway sharing the journal,
        to finish."""
        limit = self.wait
        if self.deadline is not None:
            limit = min(limit, self.deadline.remaining() - 2)
        self._lock = self.journal.engine.lock(
            "%s\0%s" % (self.journal.instance, self.key), max(limit, 0))

    # -- steps
    def get(self, step, default=None):
        return self.state.get(step, default)

    def record(self, step, value=True):
        """Make a step durable before going on to the next one: one row per
        step, so a message with thousands of steps costs linear time (the
        whole state rewritten at each step was quadratic)."""
        self.state[step] = value
        journal = self.journal
        self._write(
            ("INSERT INTO steps (instance, key, name, value) VALUES (?,?,?,?)"
             " ON CONFLICT (instance, key, name) DO UPDATE SET value = excluded.value",
             (journal.instance, self.key, step, json.dumps(value))),
            ("UPDATE entries SET updated=? WHERE instance=? AND key=?",
             (journal.now(), journal.instance, self.key)))
        log.debug("journal: %s = %r", step, value)

    def has_progress(self):
        """Whether anything was (or may have been) written to GN6."""
        return has_progress(self.state)

    def forget(self, step):
        """Undo the record of a step that turned out not to have happened."""
        if self.state.pop(step, None) is None:
            return
        journal = self.journal
        statements = [("DELETE FROM steps WHERE instance=? AND key=? AND name=?",
                       (journal.instance, self.key, step))]
        if step in self._legacy:
            legacy = {k: v for k, v in self.state.items() if k in self._legacy}
            statements.append(("UPDATE entries SET state=?, updated=? WHERE instance=?"
                               " AND key=?", (json.dumps(legacy), journal.now(),
                                              journal.instance, self.key)))
            self._legacy.discard(step)
        self._write(*statements)

    def note(self, step, value):
        """A bookkeeping step (gateway/steps.py: it says nothing about the
        ticket system): what the message is, for staff (issue 22), the
        filter chosen, the addressees. Not a commit of its own: it is
        written with the entry's next write, at the latest when the
        delivery lets go of the entry, so every step recorded after it is
        durable only with it. A crash before that loses nothing a
        redelivery needs: it makes the note again."""
        self.state[step] = value
        journal = self.journal
        self._notes.append((
            "INSERT INTO steps (instance, key, name, value) VALUES (?,?,?,?)"
            " ON CONFLICT (instance, key, name) DO UPDATE SET value = excluded.value",
            (journal.instance, self.key, step, json.dumps(value))))

    def finish(self, outcome, reason=""):
        self.outcome, self.reason = outcome, reason
        journal = self.journal
        self._write(("UPDATE entries SET outcome=?, reason=?, updated=? WHERE instance=?"
                        " AND key=?", (outcome, reason, journal.now(), journal.instance,
                                       self.key)))


def redacted(location):
    """A journal location fit for a log line: a URL's password hidden."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", location)


class KeptJournals:
    """The long-running service's journals: each delivery thread keeps
    one connection per queue (this object is the queue's) and reuses it for
    its next deliveries, as soa/service.py keep_clients() keeps its zeep
    clients. An MDA run never makes one: one process, one delivery, one
    connection (gateway/run.py Run.journal).

    A connection is given back at the end of each delivery (done()); one
    that is not fit for the next (broken by a restarted server, inside a
    transaction, or still holding a message's lock: the engine's
    reusable()) is closed there, which ends on the server whatever it
    held, and the next delivery connects anew. close() (a SIGHUP reload, a
    stop) closes them all."""

    def __init__(self):
        import threading
        self._local = threading.local()
        self._all = []              # every kept journal, for close()
        self._guard = threading.Lock()

    def get(self, make, keep_days=0):
        """This thread's journal: the kept one, else make() (kept)."""
        journal = getattr(self._local, "journal", None)
        if journal is not None and journal in self._all:   # (not closed by close())
            # the prune an MDA run does one connection in PRUNE_ONE_IN
            if keep_days and random.randrange(PRUNE_ONE_IN) == 0:
                journal.prune(keep_days)
            return journal
        journal = make()
        self._local.journal = journal
        with self._guard:
            self._all.append(journal)
        return journal

    def done(self):
        """The end of this thread's delivery: its journal kept if fit."""
        journal = getattr(self._local, "journal", None)
        if journal is None:
            return
        try:
            fit = journal.engine.reusable()
        except Exception as e:  # an engine's doubt, even a bug in it: a new connection
            log.warning("journal %s: not kept for the next delivery: %s: %s",
                        journal.engine.describe, type(e).__name__, e)
            fit = False
        if not fit:
            self._local.journal = None
            self._drop(journal)

    def _drop(self, journal):
        with self._guard:
            if journal in self._all:
                self._all.remove(journal)
        self._close(journal)

    def close(self):
        with self._guard:
            kept, self._all = self._all, []
        for journal in kept:
            self._close(journal)

    @staticmethod
    def _close(journal):
        try:
            journal.close()
        except Exception as e:   # e.g. an SQLite connection of a thread that ended
            log.debug("journal %s not closed: %s", journal.engine.describe, e)
