"""A ticket system in memory, for in-process tests of the pipeline.

`FakeTickets` is the system's state (tickets, the writes done, what to
lose or refuse); calling it as the Run calls a back-end's class gives a
back-end (backends/base.py) over that state. It describes its writes as
data as every back-end does, so a dry run tells them and a real run
performs them; and it can lose the answer to one write: the write is done,
then the call fails as a timeout would (a TemporaryFailure with sent=True).
"""
import datetime

from backends.base import PERFORM, Describe, Ticket, TicketSystem, Write
from failures import Refused, TemporaryFailure


class LostAnswer(TemporaryFailure):
    """The write was done; its answer never came."""
    sent = True
    unavailable = False


class FakeTickets:
    def __init__(self):
        self.tickets = {}        # codi -> dict
        self.writes = []         # (write, codi, ...) in order
        self.lose = set()        # writes whose next answer is lost
        self.refuse = set()      # writes refused (Refused) every time
        self.told = []           # --dry-run: the writes told instead

    # the back-end's class, as the Run calls it
    def __call__(self, settings, deadline, writes=PERFORM):
        return MemoryTickets(self, settings, deadline, writes)

    def count(self, write):
        return sum(1 for w in self.writes if w[0] == write)


class MemoryTickets(TicketSystem):
    name = "memory"

    def __init__(self, store, settings, deadline, writes):
        super().__init__(settings, deadline, writes)
        self.store = store

    def send(self, write):
        if isinstance(self.writes, Describe):
            self.store.told.append((write.what, write.ticket))
        return super().send(write)

    def perform(self, write):
        store = self.store
        if write.what in store.refuse:
            raise Refused("%s refused" % write.what)
        answer = getattr(self, "_" + write.what)(write.ticket, **write.fields)
        store.writes.append((write.what, write.ticket or answer)
                            + tuple(write.fields.get(k) for k in ("private", "notify",
                                                                    "name", "user")
                                    if k in write.fields))
        if write.what in store.lose:
            store.lose.discard(write.what)
            raise LostAnswer("%s: read timeout" % write.what)
        return answer

    # -- reads
    def find(self, codi):
        t = self.store.tickets.get(str(codi))
        return None if t is None else Ticket(str(codi), t["closed"], t["solicitant"],
                                             t["emailSolicitant"])

    def opened_since(self, ticket, since, key):
        return [codi for codi, t in self.store.tickets.items()
                if t["solicitant"] == ticket.requester
                and t["assumpte"] == ticket.subject and t["created"] >= since]

    def file_url(self, annex):
        return "/files/%s" % annex

    # -- writes, as data
    def open(self, ticket, key):
        return self.send(Write("open", None, dict(
            solicitant=ticket.requester, emailSolicitant=ticket.email,
            assumpte=ticket.subject, descripcio=ticket.description,
            equipResolutor=ticket.team, **ticket.fields), dry="(dry-run)"))

    def comment(self, codi, author, text, private, notify):
        self.send(Write("comment", codi, dict(author=author, text=text, private=private,
                                              notify=notify)))

    def attach(self, codi, author, name, data):
        return self.send(Write("attach", codi, dict(name=name, data=data.read()),
                               dry="(dry-run)"))

    def add_requester(self, codi, user):
        self.send(Write("add_requester", codi, dict(user=user)))

    def reopen(self, codi):
        return self.send(Write("reopen", codi, {}, dry=True))

    def update(self, codi, fields):
        self.send(Write("update", codi, dict(fields)))

    # -- what performs them
    def _open(self, _, **fields):
        codi = str(100 + len(self.store.tickets))
        self.store.tickets[codi] = dict(fields, closed=False, comments=[], files=[],
                                        created=datetime.date.today())
        return codi

    def _comment(self, codi, author, text, private, notify):
        self.store.tickets[codi]["comments"].append((author, text, private, notify))

    def _attach(self, codi, name, data):
        files = self.store.tickets[codi]["files"]
        files.append(name)
        return "%s-%d" % (codi, len(files))

    def _add_requester(self, codi, user):
        pass

    def _reopen(self, codi):
        self.store.tickets[codi]["closed"] = False
        return True

    def _update(self, codi, **fields):
        self.store.tickets[codi].update(fields)


class FakeDirectory:
    """GestioIdentitat that knows nobody."""

    def __call__(self, settings, deadline):
        return self

    def llista_persones(self, email):
        return []

    def obtenir_dades_persona(self, cn):
        return None
