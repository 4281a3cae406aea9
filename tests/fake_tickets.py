"""A ticket system in memory, for in-process tests of the pipeline.

It implements backends/base.py the way a back-end must, and can lose the
answer to one write: the write is done, then the call fails as a timeout
would (a TemporaryFailure with sent=True). `writes` lists what was done.
"""
import datetime

from failures import Refused, TemporaryFailure
from backends.base import Ticket, TicketSystem


class LostAnswer(TemporaryFailure):
    """The write was done; its answer never came."""
    sent = True
    unavailable = False


class FakeTickets(TicketSystem):
    def __init__(self):
        self.tickets = {}        # codi -> dict
        self.writes = []         # (write, codi, ...) in order
        self.lose = set()        # writes whose next answer is lost
        self.refuse = set()      # writes refused (Refused) every time
        self.told = []           # --dry-run: what was told instead

    # back-end factory for Run(backend=...)
    def __call__(self, settings, deadline, tell=None):
        return _Told(self, tell) if tell else self

    def _done(self, write, *args):
        if write in self.refuse:
            raise Refused("%s refused" % write)
        self.writes.append((write,) + args)
        if write in self.lose:
            self.lose.discard(write)
            raise LostAnswer("%s: read timeout" % write)

    def count(self, write):
        return sum(1 for w in self.writes if w[0] == write)

    # -- reads
    def find(self, codi):
        t = self.tickets.get(str(codi))
        return None if t is None else Ticket(str(codi), t["closed"], t["solicitant"],
                                             t["emailSolicitant"])

    def opened_since(self, fields, since, key):
        return [codi for codi, t in self.tickets.items()
                if t["solicitant"] == fields["solicitant"]
                and t["assumpte"] == fields["assumpte"] and t["created"] >= since]

    def file_url(self, annex):
        return "/files/%s" % annex

    # -- writes
    def open(self, fields, key):
        codi = str(100 + len(self.tickets))
        self.tickets[codi] = dict(fields, closed=False, comments=[], files=[],
                                  created=datetime.date.today(),
                                  emailSolicitant=fields.get("emailSolicitant"))
        self._done("open", codi)
        return codi

    def comment(self, codi, author, text, private, notify):
        self.tickets[codi]["comments"].append((author, text, private, notify))
        self._done("comment", codi, private, notify)

    def attach(self, codi, author, name, data_base64):
        self.tickets[codi]["files"].append(name)
        annex = "%s-%d" % (codi, len(self.tickets[codi]["files"]))
        self._done("attach", codi, name)
        return annex

    def add_requester(self, codi, user):
        self._done("add_requester", codi, user)

    def reopen(self, codi):
        self._done("reopen", codi)
        self.tickets[codi]["closed"] = False
        return True

    def update(self, codi, fields):
        self.tickets[codi].update(fields)
        self._done("update", codi, sorted(fields))


class _Told(TicketSystem):
    """The --dry-run variant: reads from the fake, writes told, not made."""

    def __init__(self, real, tell):
        self.real, self.tell = real, tell

    def find(self, codi):
        return self.real.find(codi)

    def opened_since(self, fields, since, key):
        return self.real.opened_since(fields, since, key)

    def file_url(self, annex):
        return self.real.file_url(annex)

    def _told(self, *what):
        self.real.told.append(what)
        self.tell("would %s" % (what,))
        return "(dry-run)"

    def open(self, fields, key):
        return self._told("open", fields.get("assumpte"))

    def comment(self, codi, author, text, private, notify):
        self._told("comment", codi, private, notify)

    def attach(self, codi, author, name, data_base64):
        return self._told("attach", codi, name)

    def add_requester(self, codi, user):
        self._told("add_requester", codi, user)

    def reopen(self, codi):
        self._told("reopen", codi)
        return True

    def update(self, codi, fields):
        self._told("update", codi, sorted(fields))


class FakeDirectory:
    """GestioIdentitat that knows nobody."""

    def __call__(self, settings, deadline):
        return self

    def llista_persones(self, email):
        return []

    def obtenir_dades_persona(self, cn):
        return None
