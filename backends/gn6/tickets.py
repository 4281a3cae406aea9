"""GN6 behind the ticket-system interface (backends/base.py).

The only module that imports `soa/` and knows GN6's vocabulary: operation
and parameter names, estat codes, PRIVAT/PUBLIC, its date format and file
addresses. Each write is a `Write` of one GN6 operation with its
parameters, in the contract's order, made from the domain's arguments;
the run's mode performs it or tells it (--dry-run), so what a dry run
shows is what a delivery sends (a rule value `urgencia: ""` is sent, and
shown, as GN6's default GRAVETAT_MITJA).
"""
import datetime
import logging
from functools import cached_property

from soa import parameters as P     # plain data: importing it costs nothing
from backends.base import DOMAIN_NAMES, Ticket, TicketSystem, Write
from backends.gn6 import settings as gn6_settings

log = logging.getLogger("mailtoticket.gn6")

PLACEHOLDER = "(dry-run)"
# The domain's update fields, as ModificarTiquet names them.
UPDATE_NAMES = dict({domain: name for name, domain in DOMAIN_NAMES.items()}, due="dataResol")


def _yes(flag):
    return "S" if flag else "N"


def _value(value):
    """A field's value as GN6 takes it (dates in its format)."""
    return value.strftime(P.DATE_FORMAT) if hasattr(value, "strftime") else value


def _request(operation, values, codi=None, dry=None):
    """A Write of one GN6 operation, its parameters in the contract's order."""
    ordered = {name: values[name] for name in P.OPERATIONS[operation] if name in values}
    if len(ordered) < len(values):   # a field must not be lost unseen
        log.warning("%s has no parameter %s: not sent", operation,
                    ", ".join(sorted(set(values) - set(ordered))))
    return Write("call " + operation, codi, ordered, dry=dry)


def _base64(data):
    """fitxerBase64 of a FileData: encoded as it is sent (soa.service
    Streamed) when it is large, so the file is never held encoded whole."""
    from mail.raw.streams import base64_chunks, base64_length
    from soa.service import STREAM_MIN_CHARS, Streamed
    length = base64_length(data.size)
    if length < STREAM_MIN_CHARS:
        with data.open() as stream:
            return b"".join(base64_chunks(stream)).decode("ascii")

    def chunks():
        with data.open() as stream:
            yield from base64_chunks(stream)
    return Streamed(length, chunks)


def alta_parameters(ticket):
    """AltaTiquet's parameters for a NewTicket (the contract's defaults
    where a value is empty)."""
    from soa.tiquets import alta_values
    return alta_values(dict(ticket.fields, solicitant=ticket.requester,
                            emailSolicitant=ticket.email, assumpte=ticket.subject,
                            descripcio=ticket.description, equipResolutor=ticket.team,
                            urgencia=ticket.priority,
                            enviarMissatgeCreacio=_yes(ticket.notify)))


class GN6(TicketSystem):
    name = "gn6"
    rule_fields = P.ALTA_TIQUET
    check_settings = staticmethod(gn6_settings.check)
    settings_problems = staticmethod(gn6_settings.problems)

    @classmethod
    def instance(cls, settings):
        return "%s|%s" % (settings["url_gn6"], settings["domini"])

    @classmethod
    def long_lived(cls):
        """Each thread keeps its zeep clients (soa/service.py keep_clients)."""
        from soa.service import keep_clients
        keep_clients()

    @cached_property
    def gestio(self):
        """The GestioTiquets client, built on first use."""
        from soa.tiquets import GestioTiquets
        return GestioTiquets(self.settings, self.deadline)

    def directory(self):
        from soa.identitat import GestioIdentitat
        return GestioIdentitat(self.settings, self.deadline)

    # -- --check
    def probe(self):
        return [("GN6", self.probe_tickets), ("directory", self.probe_directory)]

    def probe_tickets(self):
        """One authenticated read-only GN6 call: the bus credentials, and
        GN6's username, password and domini."""
        from soa.errors import Refusal
        try:
            self.gestio.call("ConsultaTiquets", codi="0")
        except Refusal as e:   # an answer: the credentials passed
            return "credentials accepted (a ticket 0 lookup answered: %s)" % e.descripcio
        return "credentials accepted (domini %s)" % self.settings["domini"]

    def probe_objects(self):
        """The contract (docs/gn6-contract.md) has no read of teams, so
        equip_resolutor_nous is shown, not verified."""
        return [(True, "equip_resolutor_nous",
                 "%r (not verified: the GN6 contract offers no read of teams; a wrong one "
                 "shows as GN6 refusing AltaTiquet, an ERROR in the quarantine)"
                 % self.settings["equip_resolutor_nous"])]

    def probe_directory(self):
        address = (self.settings["mail_suport"] or ["mailtoticket-check@invalid"])[0]
        found = self.directory().llista_persones(address)
        return "lookup answered (%d match(es) for %s)" % (len(found), address)

    # -- reads
    def find(self, codi):
        found = self.gestio.consulta_tiquet(codi)
        if found is None:
            return None
        return Ticket(codi=str(found.get("codi") or codi),
                      closed=found.get("estat") == P.TANCAT,
                      requester=found.get("solicitant"),
                      email=found.get("emailSolicitant"))

    def opened_since(self, ticket, since, key):
        candidates = self.gestio.consulta_tiquets_dades(
            solicitant=ticket.requester,
            dataCreacioInici=since.strftime(P.DATE_FORMAT),
            dataCreacioFi=datetime.date.today().strftime(P.DATE_FORMAT))
        return [str(t["codi"]) for t in candidates
                if (t.get("assumpte") or "") == ticket.subject
                and (t.get("emailSolicitant") or "").lower() == ticket.email.lower()]

    def file_url(self, annex):
        return P.FILE_URL % annex

    # -- writes
    def perform(self, write):
        values = dict(write.fields)
        if "fitxerBase64" in values:
            values["fitxerBase64"] = _base64(values["fitxerBase64"])
        return self.gestio.call(write.what[len("call "):], **values)

    def open(self, ticket, key):
        from soa.results import field
        from soa.tiquets import ticket_number
        result = self.send(_request("AltaTiquet", alta_parameters(ticket), dry=PLACEHOLDER))
        if result == PLACEHOLDER:
            return PLACEHOLDER
        return ticket_number(field(result, "codiTiquet"))

    def comment(self, codi, author, text, private, notify):
        self.send(_request("AfegirComentariTiquet", dict(
            codiTiquet=codi, usuari=author, descripcio=text,
            tipusComentari=P.PRIVAT if private else P.PUBLIC,
            esNotificat=_yes(notify)), codi))

    def attach(self, codi, author, name, data):
        from soa.errors import BusFailure
        from soa.results import field
        result = self.send(_request("AnnexarFitxerTiquet", dict(
            codiTiquet=codi, usuari=author, nomFitxer=name, fitxerBase64=data), codi,
            dry=PLACEHOLDER))
        if result == PLACEHOLDER:
            return PLACEHOLDER
        annex = field(result, "codiAnnex")
        if annex in (None, ""):
            raise BusFailure("AnnexarFitxerTiquet: a success without codiAnnex")
        return str(annex)

    def add_requester(self, codi, user):
        self.send(_request("AfegirSolicitantTiquet", dict(codiTiquet=codi, solicitant=user),
                           codi))

    def reopen(self, codi):
        """GN6 reopens only within the instance's deadline, and past it
        still answers "1": the ticket is read again to know (a dry run
        assumes it reopens)."""
        answer = self.send(_request("ModificarTiquet", dict(codiTiquet=codi, estat=P.OBERT),
                                    codi, dry=PLACEHOLDER))
        if answer == PLACEHOLDER:
            return True
        again = self.find(codi)
        return again is not None and not again.closed

    def update(self, codi, fields):
        values = {UPDATE_NAMES.get(name, name): _value(value) for name, value in fields.items()}
        self.send(_request("ModificarTiquet", dict(values, codiTiquet=codi), codi))
