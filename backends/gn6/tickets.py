"""GN6 behind the ticket-system interface (backends/base.py).

The only gateway module that imports `soa/` and knows GN6's vocabulary:
operation and parameter names, estat codes, PRIVAT/PUBLIC, its date format
and file addresses. Each write is a row of REQUESTS: the operation and its
parameters made from the domain's arguments. The real back-end sends the
request; the --dry-run back-end (GN6(..., tell=...)) tells it on stderr
instead. Both are made from the same row, so what --dry-run shows is what
a delivery would send (a rule value `urgencia: ""` is sent, and shown, as
GN6's default GRAVETAT_MITJA).
"""
import logging

from soa import parameters as P     # plain data: importing it costs nothing
from backends.base import Ticket, TicketSystem

log = logging.getLogger("mailtoticket.gn6")

PLACEHOLDER = "(dry-run)"

# Settings keys a ticket-opening rule (valors_defecte, paraules_clau) may set.
TICKET_FIELDS = P.ALTA_TIQUET


def _yes(flag):
    return "S" if flag else "N"


# domain write -> (GN6 operation, its parameters from the write's arguments)
REQUESTS = {
    "open": lambda fields: ("AltaTiquet", _alta_values(fields)),
    "comment": lambda codi, author, text, private, notify: (
        "AfegirComentariTiquet", dict(
            codiTiquet=codi, usuari=author, descripcio=text,
            tipusComentari=P.PRIVAT if private else P.PUBLIC,
            esNotificat=_yes(notify))),
    "attach": lambda codi, author, name, data_base64: (
        "AnnexarFitxerTiquet", dict(codiTiquet=codi, usuari=author, nomFitxer=name,
                                    fitxerBase64=data_base64)),
    "add_requester": lambda codi, user: (
        "AfegirSolicitantTiquet", dict(codiTiquet=codi, solicitant=user)),
    "reopen": lambda codi: ("ModificarTiquet", dict(codiTiquet=codi, estat=P.OBERT)),
    "update": lambda codi, fields: ("ModificarTiquet", dict(
        {name: _value(value) for name, value in fields.items()}, codiTiquet=codi)),
}


def _value(value):
    """A field's value as GN6 takes it (dates in its format)."""
    return value.strftime(P.DATE_FORMAT) if hasattr(value, "strftime") else value


def backend(settings, deadline, tell=None):
    """The GN6 back-end of a run; with `tell` (--dry-run), one that proves
    the credentials with a read, then tells its writes instead."""
    gestio = client(settings, deadline)
    if tell is not None:
        tell("GN6: %s" % probe(settings, deadline))
    return GN6(gestio, tell=tell)


def _alta_values(fields):
    from soa.tiquets import alta_values
    return alta_values(fields)


def client(settings, deadline):
    from soa.tiquets import GestioTiquets
    return GestioTiquets(settings, deadline)


def directory(settings, deadline):
    """The person directory (GestioIdentitat), built on first use."""
    from soa.identitat import GestioIdentitat
    return GestioIdentitat(settings, deadline)


def probe(settings, deadline):
    """One authenticated read-only GN6 call: the bus credentials, and GN6's
    username, password and domini. Raises on any failure."""
    from soa.errors import Refusal
    try:
        client(settings, deadline).call("ConsultaTiquets", codi="0")
    except Refusal as e:   # an answer: the credentials passed
        return "credentials accepted (a ticket 0 lookup answered: %s)" % e.descripcio
    return "credentials accepted (domini %s)" % settings["domini"]


def probe_directory(settings, deadline):
    address = (settings["mail_suport"] or ["mailtoticket-check@invalid"])[0]
    found = directory(settings, deadline).llista_persones(address)
    return "lookup answered (%d match(es) for %s)" % (len(found), address)


class GN6(TicketSystem):
    """tell: None to send the writes; for --dry-run, a callable told each
    request instead (reads are still made: GN6 is read, never written)."""

    def __init__(self, gestio, tell=None):
        self.gestio = gestio
        self.tell = tell

    def _write(self, write, *args):
        operation, values = REQUESTS[write](*args)
        if self.tell is None:
            return self.gestio.call(operation, **values)
        shown = []
        for name in P.OPERATIONS[operation]:
            value = values.get(name, "")
            if name == "fitxerBase64":
                value = "<%d characters of base64>" % len(value)
            if value:
                shown.append("%s=%r" % (name, value))
        self.tell("would call %s(%s)" % (operation, ", ".join(shown)))
        return None

    # -- reads
    def find(self, codi):
        found = self.gestio.consulta_tiquet(codi)
        if found is None:
            return None
        return Ticket(codi=str(found.get("codi") or codi),
                      closed=found.get("estat") == P.TANCAT,
                      requester=found.get("solicitant"),
                      email=found.get("emailSolicitant"))

    def opened_since(self, fields, since, key):
        import datetime
        candidates = self.gestio.consulta_tiquets_dades(
            solicitant=fields["solicitant"],
            dataCreacioInici=since.strftime(P.DATE_FORMAT),
            dataCreacioFi=datetime.date.today().strftime(P.DATE_FORMAT))
        return [str(t["codi"]) for t in candidates
                if (t.get("assumpte") or "") == fields["assumpte"]
                and (t.get("emailSolicitant") or "").lower()
                == (fields.get("emailSolicitant") or "").lower()]

    def file_url(self, annex):
        return P.FILE_URL % annex

    # -- writes
    def open(self, fields, key):
        from soa.results import field
        from soa.tiquets import ticket_number
        result = self._write("open", fields)
        if self.tell is not None:
            return PLACEHOLDER
        return ticket_number(field(result, "codiTiquet"))

    def comment(self, codi, author, text, private, notify):
        self._write("comment", codi, author, text, private, notify)

    def attach(self, codi, author, name, data_base64):
        from soa.errors import BusFailure
        from soa.results import field
        result = self._write("attach", codi, author, name, data_base64)
        if self.tell is not None:
            return PLACEHOLDER
        annex = field(result, "codiAnnex")
        if annex in (None, ""):
            raise BusFailure("AnnexarFitxerTiquet: a success without codiAnnex")
        return str(annex)

    def add_requester(self, codi, user):
        self._write("add_requester", codi, user)

    def reopen(self, codi):
        """GN6 reopens only within the instance's deadline, and past it
        still answers "1": the ticket is read again to know."""
        self._write("reopen", codi)
        if self.tell is not None:
            self.tell("(dry run: assuming GN6 reopens it)")
            return True
        again = self.find(codi)
        return again is not None and not again.closed

    def update(self, codi, fields):
        self._write("update", codi, fields)
