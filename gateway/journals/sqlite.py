"""The SQLite engine of the journal: one file on one host (the default).

Every gateway on the host shares the file; WAL and synchronous=FULL make
each committed step survive a crash or a power cut. The per-message lock is
an flock on one of LOCK_STRIPES files beside the journal (`<file>.locks/`):
the kernel drops it when its holder dies, whatever the way, and the stripes
keep the number of files fixed.
"""
import fcntl
import hashlib
import os
import sqlite3
import time
from contextlib import contextmanager

from gateway.errors import TemporaryFailure

LOCK_STRIPES = 256


class SqliteEngine:
    TYPES = {"float": "REAL"}

    def __init__(self, location, readonly=False, password_file=None, timeout=30):
        self.path = self.describe = location
        self.readonly = readonly
        self.timeout = 30
        try:
            self.db = self._connect()
        except (sqlite3.Error, OSError) as e:
            raise TemporaryFailure("journal %s unusable: %s" % (self.path, e))

    def _connect(self):
        if self.readonly:
            if not os.path.exists(self.path):
                # a dry run before the first delivery: an empty journal
                db = sqlite3.connect(":memory:", isolation_level=None)
                from gateway.journal import upgrade
                self.db = db
                upgrade(self)
                return db
            return sqlite3.connect("file:%s?mode=ro" % self.path, uri=True,
                                   isolation_level=None, timeout=30)
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None, timeout=self.timeout)
        try:
            self._to_wal(db)
            db.execute("PRAGMA synchronous=FULL")
        except BaseException:
            db.close()
            raise
        return db

    def _to_wal(self, db):
        """Switch the file to WAL (once: the mode is kept in the file).

        The first deliveries on a new journal may all switch it at once
        (several MDA processes, a service's threads), and SQLite answers a
        switch that meets another connection's "database is locked" at
        once, without its busy timeout. So the switchers take turns under
        an flock beside the file, and a switch that still meets a reader
        is tried again, within the connection's timeout."""
        give_up = time.monotonic() + self.timeout
        while True:
            try:
                if db.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                    return
                with self._creation_lock(give_up):
                    db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() >= give_up:
                    raise
            time.sleep(0.02)

    @contextmanager
    def _creation_lock(self, give_up):
        """The switchers' turn (the switch takes milliseconds), waited for
        until `give_up` at most: a holder that never lets go is never
        waited for longer than the connection's timeout."""
        folder = self.path + ".locks"
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "wal.lock"), "a+b") as held:
            while True:
                try:
                    fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= give_up:
                        raise sqlite3.OperationalError("database is locked (switch to WAL)")
                    time.sleep(0.02)
            yield

    def close(self):
        self.db.close()

    def reusable(self):
        """Whether the next delivery may use this connection (a service's
        kept journal): outside any transaction. The per-message lock is a
        file of its own, let go at the delivery's end whatever this says."""
        try:
            return not self.db.in_transaction
        except sqlite3.Error:       # closed
            return False

    @staticmethod
    def json_text(column, field):
        """SQL for a field of a JSON text column, as text."""
        return "json_extract(%s, '$.%s')" % (column, field)

    def now(self):
        return time.time()

    # -- queries
    def rows(self, sql, args):
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.OperationalError as e:
            if self.readonly and "no such table" in str(e):
                return []    # an older journal, read as it is (--dry-run, --status)
            raise TemporaryFailure("journal %s: %s" % (self.path, e))
        except sqlite3.Error as e:
            raise TemporaryFailure("journal %s: %s" % (self.path, e))

    def execute(self, sql, *args):
        try:
            self.db.execute(sql, args)
        except sqlite3.Error as e:
            raise TemporaryFailure("journal %s: %s" % (self.path, e))

    def run(self, statements):
        """Statements committed together (or not at all)."""
        with self.exclusive():
            for sql, args in statements:
                self.execute(sql, *args)

    @contextmanager
    def exclusive(self):
        """A write transaction, taken at once (BEGIN IMMEDIATE)."""
        self.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def schema_version(self):
        try:
            row = self.db.execute("SELECT MAX(version) FROM journal_version").fetchone()
        except sqlite3.OperationalError:
            return 0   # no version table: made before versions were kept
        return row[0] or 0

    # -- the per-message lock
    def lock(self, name, seconds):
        """Hold the lock of `name`, waiting at most `seconds` for it."""
        stripe = int(hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest(),
                     16) % LOCK_STRIPES
        folder = self.path + ".locks"
        try:
            os.makedirs(folder, exist_ok=True)
            held = open(os.path.join(folder, "%03d.lock" % stripe), "a+b")
        except OSError as e:
            raise TemporaryFailure("journal lock unusable: %s" % e)
        give_up = time.monotonic() + seconds
        while True:
            try:
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return FileLock(held)
            except BlockingIOError:
                if time.monotonic() >= give_up:
                    held.close()
                    from gateway.journal import MessageBusy
                    raise MessageBusy()
                time.sleep(0.05)


class FileLock:
    def __init__(self, file):
        self.file = file

    def release(self):
        self.file.close()   # releases the flock
