"""A third ticket system, written the way a desk would add its own: tickets
as JSON files in a folder (one file per ticket, its files beside it).

It lives in the test suite and is registered from there
(`backends.register("folder", FolderTickets)`, or from a settings file),
so the tests prove that adding a back-end changes no file of the gateway:
one class, its settings section (`folder_tickets`, checked), its probe for
--check, and the optional `written` that makes its uploads exactly once.
"""
import json
import os
import shutil

from backends.base import Ticket, TicketSystem, Write
from gateway.errors import SettingsError


class FolderTickets(TicketSystem):
    name = "folder"
    rule_fields = ("priority", "team", "category")
    defaults = {"folder_tickets": None}

    @classmethod
    def check_settings(cls, settings, base):
        folder = settings["folder_tickets"]
        if not isinstance(folder, str) or not folder:
            raise SettingsError("settings key 'folder_tickets' is needed with backend "
                                "\"folder\": the folder the tickets are kept in")

    @classmethod
    def instance(cls, settings):
        return "folder|%s" % settings["folder_tickets"]

    @property
    def folder(self):
        return self.settings.resolve_path(self.settings["folder_tickets"])

    def probe(self):
        return [("folder", lambda: "%s: %d ticket(s)" % (self.folder, len(self._numbers())))]

    # -- reads
    def _numbers(self):
        return sorted(int(n[:-5]) for n in os.listdir(self.folder) if n.endswith(".json"))

    def _load(self, codi):
        try:
            with open(os.path.join(self.folder, "%s.json" % codi), encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            return None

    def _save(self, codi, data):
        with open(os.path.join(self.folder, "%s.json" % codi), "w", encoding="utf-8") as f:
            json.dump(data, f)

    def find(self, codi):
        data = self._load(codi) if str(codi).isdigit() else None
        return None if data is None else Ticket(str(codi), data["closed"],
                                                data["requester"], data["email"])

    def opened_since(self, ticket, since, key):
        return [str(n) for n in self._numbers() if self._load(n)["key"] == key]

    def file_url(self, annex):
        return "file://%s/%s" % (self.folder, annex)

    def tells_written(self):
        return True

    def written(self, write, codi, *args, since=None):
        if write == "attach":
            name, size, earlier = args
            path = os.path.join(self.folder, str(codi), name)
            if os.path.exists(path) and os.path.getsize(path) == size:
                return "%s/%s" % (codi, name)
        return None

    # -- writes, described as data
    def open(self, ticket, key):
        return self.send(Write("new", None, dict(
            key=key, requester=ticket.requester, email=ticket.email,
            subject=ticket.subject, description=ticket.description, team=ticket.team,
            priority=ticket.priority, notify=ticket.notify, fields=ticket.fields),
            dry="0"))

    def comment(self, codi, author, text, private, notify):
        self.send(Write("comment", codi, dict(author=author, text=text, private=private,
                                              notify=notify)))

    def attach(self, codi, author, name, data):
        return self.send(Write("file", codi, dict(name=name, data=data), dry="0/" + name))

    def add_requester(self, codi, user):
        self.send(Write("cc", codi, dict(user=user)))

    def reopen(self, codi):
        return self.send(Write("reopen", codi, {}, dry=True))

    def update(self, codi, fields):
        self.send(Write("update", codi, {k: str(v) for k, v in fields.items()}))

    def perform(self, write):
        codi, values = write.ticket, write.fields
        if write.what == "new":
            os.makedirs(self.folder, exist_ok=True)
            codi = str(max(self._numbers(), default=0) + 1)
            self._save(codi, dict(values, closed=False, comments=[], cc=[], files=[]))
            return codi
        data = self._load(codi)
        if write.what == "file":
            os.makedirs(os.path.join(self.folder, codi), exist_ok=True)
            with values["data"].open() as source, \
                    open(os.path.join(self.folder, codi, values["name"]), "wb") as target:
                shutil.copyfileobj(source, target)
            data["files"].append(values["name"])
            self._save(codi, data)
            return "%s/%s" % (codi, values["name"])
        if write.what == "comment":
            data["comments"].append(values)
        elif write.what == "cc":
            data["cc"].append(values["user"])
        elif write.what == "reopen":
            data["closed"] = False
        elif write.what == "update":
            data.update(values)
        self._save(codi, data)
        return True
