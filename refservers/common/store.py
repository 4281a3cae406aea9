"""The SQLite file behind each reference server, and its one rule.

Everything a client could later observe lives in one SQLite file, so that
a test can stop a server and start it again on the same file and find the
same world. One connection is shared by the request threads, serialised by
a lock: a test double, simplicity beats write concurrency. Every change is
committed before the method returns (write-through), so an answer is only
ever sent for a committed change, and "the server died right after X"
really leaves X done. Tables and fixtures are each server's own.
"""

import sqlite3
import threading
from contextlib import contextmanager


class SQLiteStore:
    """One locked SQLite connection with ``SCHEMA`` (set by subclasses) applied."""

    SCHEMA = ""

    def __init__(self, path):
        self.path = str(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self._db.row_factory = sqlite3.Row
        # WAL + NORMAL: each commit survives a crash of this process (what a
        # restart test needs) without an fsync per call.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(self.SCHEMA)
        self._db.commit()

    def close(self):
        with self._lock:
            self._db.close()

    @contextmanager
    def tx(self):
        """One locked transaction, committed on success, rolled back on error."""
        with self._lock:
            try:
                yield self._db
                self._db.commit()
            except BaseException:
                self._db.rollback()
                raise
