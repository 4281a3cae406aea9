"""The service's status file: what each mailbox is doing, for the admin and
for the web pages (INTERFACES.md: `<state_dir>/service-status.json`).

Replaced atomically (a temporary file, fsync, os.replace) after every
fetch pass and on every error, so a reader never sees half a file.
"""
import json
import os
import threading
import time
from datetime import datetime, timezone

OUTCOMES = ("SUCCESS", "SKIP", "REJECT", "ERROR", "TEMPORARY")


def now_iso(seconds=None):
    return datetime.fromtimestamp(time.time() if seconds is None else seconds,
                                  timezone.utc).isoformat(timespec="seconds")


class MailboxStatus:
    """One mailbox's health; changed by its own thread only."""

    def __init__(self, mailbox):
        self.name = mailbox.name
        self.server = mailbox.server
        self.folder = mailbox.folder
        self.last_fetch_ok = None
        self.last_error = None
        self.error_since = None        # epoch seconds; None while healthy
        self.backlog = None
        self.oldest_waiting = None
        self.quarantine_folder_count = None
        self.token_refresh_failures = 0
        self.idle = False
        self.alerted = False           # the admin was told about this failure
        self.deliveries = dict.fromkeys(OUTCOMES, 0)

    def ok(self):
        self.last_fetch_ok = time.time()
        self.last_error = None
        self.error_since = None
        self.alerted = False

    def failed(self, error):
        self.last_error = str(error)
        if self.error_since is None:
            self.error_since = time.time()

    def as_json(self):
        return {
            "name": self.name, "server": self.server, "folder": self.folder,
            "last_fetch_ok": self.last_fetch_ok and now_iso(self.last_fetch_ok),
            "last_error": self.last_error,
            "error_since": self.error_since and now_iso(self.error_since),
            "backlog": self.backlog,
            "oldest_waiting": self.oldest_waiting,
            "quarantine_folder_count": self.quarantine_folder_count,
            "token_refresh_failures": self.token_refresh_failures,
            "idle": self.idle,
            "deliveries": dict(self.deliveries),
        }


class StatusFile:
    def __init__(self, path):
        self.path = path
        self.started = time.time()
        self.mailboxes = []
        self._lock = threading.Lock()

    def add(self, mailbox):
        status = MailboxStatus(mailbox)
        self.mailboxes.append(status)
        return status

    def write(self):
        data = {"updated": now_iso(), "pid": os.getpid(), "started": now_iso(self.started),
                "mailboxes": [m.as_json() for m in self.mailboxes]}
        with self._lock:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            temporary = "%s.%d.tmp" % (self.path, threading.get_ident())
            with open(temporary, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=1)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temporary, self.path)
