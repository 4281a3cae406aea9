"""The service's status file: what each mailbox is doing, for the admin and
for the web pages (INTERFACES.md: `<state_dir>/service-status.json`).

Replaced atomically (a temporary file, fsync, os.replace) after every
fetch pass and on every error, so a reader never sees half a file. A new
process (a restart, a reload, cron's next `--once`) carries on a failure
the file records: its start, and whether the admin was told (`alerted`).
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
            "alerted": self.alerted,
        }

    def carry_on(self, previous):
        """A failure the previous process (a restart, a reload, the last
        `--once` from cron) had already seen goes on from where it was:
        failing since then, and the admin told once only."""
        if previous.get("error_since"):
            try:
                self.error_since = datetime.fromisoformat(previous["error_since"]).timestamp()
            except (TypeError, ValueError):
                return
            self.last_error = previous.get("last_error")
            self.alerted = bool(previous.get("alerted"))
        if previous.get("last_fetch_ok"):
            try:
                self.last_fetch_ok = datetime.fromisoformat(
                    previous["last_fetch_ok"]).timestamp()
            except (TypeError, ValueError):
                pass


class StatusFile:
    def __init__(self, path):
        self.path = path
        self.started = time.time()
        self.mailboxes = []
        self._lock = threading.Lock()
        self._previous = self._read()

    def _read(self):
        try:
            with open(self.path, encoding="utf-8") as f:
                return {m["name"]: m for m in json.load(f)["mailboxes"]}
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def add(self, mailbox):
        status = MailboxStatus(mailbox)
        if mailbox.name in self._previous:
            status.carry_on(self._previous[mailbox.name])
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
