"""The PostgreSQL engine of the journal: one database shared by any number
of gateways, on any number of hosts (docs/journal.md).

Imported only when the `journal` setting is a postgresql:// URL, so an MDA
run on SQLite never loads psycopg.

The per-message lock is a session advisory lock: held by the gateway's
database session for the delivery, released at its end, and released by
the server as soon as the session ends. That session is the claim's lease:
a killed gateway's kernel closes its connection at once; a host that
vanishes (power, network cut) is dropped by the server's TCP keepalives and
user timeout within LEASE_SECONDS of its last packet. LEASE_SECONDS is
longer than any run (the settings cap temps_maxim_execucio at 55 s): a
gateway cut off from the database has given up its delivery by its own
deadline before another one can take the message.

Time is the database's: at connect the engine learns how far its clock is
from the server's and stamps and compares every time on the server's, so
two gateways whose clocks differ by minutes keep one loop-guard window and
one "told once" window.
"""
import hashlib
import logging
import threading
import time
from contextlib import contextmanager

import psycopg
from psycopg import conninfo, errors

from gateway.errors import TemporaryFailure
from gateway.journal import MessageBusy, redacted

log = logging.getLogger("mailtoticket.journal")

LEASE_SECONDS = 60
# Nothing the journal asks takes long; a statement stuck behind a lock or a
# sick server ends as a temporary failure well within a run.
STATEMENT_SECONDS = 15
# Serialises the schema upgrades of gateways starting at once.
UPGRADE_LOCK = 0x6d7474_6a6f75  # "mtt" "jou"

# Advisory locks are per session: two deliveries in one process (a service's
# workers) sharing a session would both "hold" one. This keeps them apart.
_held = set()
_held_changed = threading.Condition()


def session_options(readonly):
    """Server settings for the session: the lease and the bounds above."""
    options = {
        "tcp_keepalives_idle": LEASE_SECONDS // 2,
        "tcp_keepalives_interval": LEASE_SECONDS // 6,
        "tcp_keepalives_count": 3,
        "tcp_user_timeout": LEASE_SECONDS * 1000,
        "statement_timeout": STATEMENT_SECONDS * 1000,
        "idle_in_transaction_session_timeout": STATEMENT_SECONDS * 1000,
    }
    if readonly:
        options["default_transaction_read_only"] = "on"
    return " ".join("-c %s=%s" % item for item in options.items())


class PostgresEngine:
    TYPES = {"float": "DOUBLE PRECISION"}

    def __init__(self, location, readonly=False, password_file=None, timeout=10):
        self.describe = redacted(location)
        self.readonly = readonly
        self._sql = {}
        self._binder = None      # a ClientCursor, for run()'s several statements
        params = self._params(location, readonly, password_file, timeout)
        try:
            self.db = psycopg.connect(**params)
            # how far this host's clock is from the server's (half the round trip)
            before = time.time()
            server_now, versioned = self.db.execute(
                "SELECT extract(epoch FROM clock_timestamp())::float8,"
                " to_regclass('journal_version') IS NOT NULL").fetchone()
            self.offset = server_now - (before + time.time()) / 2
        except psycopg.Error as e:
            raise TemporaryFailure("journal %s unreachable: %s"
                                   % (self.describe, str(e).strip()))
        self.versioned = versioned
        self._mine = set()       # advisory locks this session holds
        self._suspect = False    # a lock statement failed: what it holds is unknown
        # a dry run on a database no gateway has used yet reads an empty journal
        self.empty = readonly and not versioned

    def _params(self, location, readonly, password_file, timeout):
        try:
            params = conninfo.conninfo_to_dict(location)
        except psycopg.ProgrammingError as e:
            raise TemporaryFailure("journal %s: %s" % (self.describe, e))
        if password_file and "password" not in params:
            try:
                with open(password_file, encoding="utf-8") as f:
                    params["password"] = f.readline().rstrip("\r\n")
            except OSError as e:
                raise TemporaryFailure("journal_password_file %s: %s" % (password_file, e))
        params["options"] = ("%s %s" % (params.get("options") or "",
                                        session_options(readonly))).strip()
        params.setdefault("connect_timeout", max(2, int(timeout)))
        params.setdefault("application_name", "mailtoticket")
        # this side notices a dead server as the server notices a dead gateway
        params.setdefault("keepalives", 1)
        params.setdefault("keepalives_idle", LEASE_SECONDS // 2)
        params.setdefault("keepalives_interval", LEASE_SECONDS // 6)
        params.setdefault("keepalives_count", 3)
        # a statement whose packets the server never acknowledges (this
        # host's network cut) fails as a slow one does, well within the
        # run and long before the server ends the lease: a service's
        # delivery thread, which the run's deadline cannot interrupt while
        # it waits in libpq, returns before its watchdog gives up on it
        params.setdefault("tcp_user_timeout", STATEMENT_SECONDS * 1000)
        params["autocommit"] = True
        return params

    def close(self):
        """The session ended, and with it every lock it held (here too)."""
        try:
            self.db.close()
        finally:
            for number in list(self._mine):
                self._forget(number)
            self._mine.clear()

    def reusable(self):
        """Whether the next delivery may use this session (a service's
        kept journal, gateway/journal.py KeptJournals): alive, outside any
        transaction, holding no message's lock. Otherwise it is closed,
        which also ends whatever the server still holds for it."""
        return (not self.db.closed and not self.db.broken and not self._suspect
                and not self._mine
                and self.db.info.transaction_status == psycopg.pq.TransactionStatus.IDLE)

    @staticmethod
    def json_text(column, field):
        """SQL for a field of a JSON text column, as text."""
        return "(%s::json ->> '%s')" % (column, field)

    def now(self):
        return time.time() + self.offset

    # -- queries (the journal's SQL marks parameters with ?)
    def _dialect(self, sql):
        translated = self._sql.get(sql)
        if translated is None:
            translated = self._sql[sql] = sql.replace("%", "%%").replace("?", "%s")
        return translated

    def rows(self, sql, args):
        if self.empty:
            return []
        try:
            return self.db.execute(self._dialect(sql), args).fetchall()
        except psycopg.Error as e:
            raise TemporaryFailure("journal %s: %s" % (self.describe, str(e).strip()))

    def execute(self, sql, *args):
        try:
            self.db.execute(self._dialect(sql), args)
        except psycopg.Error as e:
            raise TemporaryFailure("journal %s: %s" % (self.describe, str(e).strip()))

    def run(self, statements):
        """Statements committed together (or not at all), in one round trip
        to the server. One statement is its own transaction; several are
        bound here (psycopg's ClientCursor quotes each value) and sent as
        one query string, which the server runs as one transaction and
        rolls back whole if one fails: a third of the time and of the CPU
        of a pipeline of prepared statements (BEGIN, each, COMMIT), which
        a service pays several times a message."""
        try:
            if len(statements) == 1:
                [(sql, args)] = statements
                self.db.execute(self._dialect(sql), args)
                return
            if self._binder is None:
                self._binder = psycopg.ClientCursor(self.db)
            binder = self._binder
            binder.execute(";\n".join(binder.mogrify(self._dialect(sql), args)
                                       for sql, args in statements))
        except psycopg.Error as e:
            raise TemporaryFailure("journal %s: %s" % (self.describe, str(e).strip()))

    @contextmanager
    def exclusive(self):
        """A transaction no other gateway's exclusive() runs beside."""
        try:
            with self.db.transaction():
                self.db.execute("SELECT pg_advisory_xact_lock(%s)", (UPGRADE_LOCK,))
                yield
        except psycopg.Error as e:
            raise TemporaryFailure("journal %s: %s" % (self.describe, str(e).strip()))

    def schema_version(self):
        if not self.versioned:     # as seen at connect; then for good once made
            self.versioned = self.rows("SELECT to_regclass('journal_version') IS NOT NULL",
                                       ())[0][0]
            if not self.versioned:
                return 0
        return self.rows("SELECT MAX(version) FROM journal_version", ())[0][0] or 0

    # -- the per-message lock
    def lock(self, name, seconds):
        """Hold the lock of `name` for this session, waiting at most
        `seconds` (on the server: no polling) for whoever holds it."""
        number = int.from_bytes(hashlib.sha256(name.encode("utf-8", "surrogatepass"))
                                .digest()[:8], "big", signed=True)
        give_up = time.monotonic() + seconds
        with _held_changed:
            if not _held_changed.wait_for(lambda: number not in _held, seconds):
                raise MessageBusy()
            _held.add(number)
        try:
            # the usual case, nobody else on it: one round trip
            if self.db.execute("SELECT pg_try_advisory_lock(%s)", (number,)).fetchone()[0]:
                self._mine.add(number)
                return AdvisoryLock(self, number)
            # wait on the server (no polling), as long as we may: the
            # statement's own bound is lifted above the lock's for the wait
            left = max(1, int((give_up - time.monotonic()) * 1000))
            self.db.execute("SELECT set_config('lock_timeout', %s, false),"
                            " set_config('statement_timeout', %s, false)",
                            ("%dms" % left, "%dms" % (left + 5000)))
            self.db.execute("SELECT pg_advisory_lock(%s)", (number,))
            self._mine.add(number)
            self._bounds()
        except errors.LockNotAvailable:
            self._forget(number)
            try:
                self._bounds()
            except psycopg.Error as e:
                self._suspect = True
                raise TemporaryFailure("journal %s: %s" % (self.describe, str(e).strip()))
            raise MessageBusy()
        except psycopg.Error as e:
            self._suspect = True     # the lock may be held: the session is not reused
            self._forget(number)
            raise TemporaryFailure("journal %s: %s" % (self.describe, str(e).strip()))
        return AdvisoryLock(self, number)

    def _bounds(self):
        self.db.execute("SELECT set_config('lock_timeout', '0', false),"
                        " set_config('statement_timeout', %s, false)",
                        ("%dms" % (STATEMENT_SECONDS * 1000),))

    def unlock(self, number):
        try:
            self.db.execute("SELECT pg_advisory_unlock(%s)", (number,))
            self._mine.discard(number)
        except psycopg.Error as e:   # the session is gone, and its lock with it
            log.debug("advisory unlock: %s", e)   # (or not: never reused, _mine)
        finally:
            self._forget(number)

    @staticmethod
    def _forget(number):
        with _held_changed:
            _held.discard(number)
            _held_changed.notify_all()


class AdvisoryLock:
    def __init__(self, engine, number):
        self.engine, self.number = engine, number

    def release(self):
        self.engine.unlock(self.number)
