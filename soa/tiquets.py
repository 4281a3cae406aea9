"""Client of GN6 GestioTiquets.

Every operation is called positionally in the contract's order, with the
instance credentials first, exactly as the real bus expects. A codiRetorn
other than "1" raises Refusal: callers never mistake a refusal for success.
Results are plain dicts, read by the contract's names wherever the WSDL's
style puts them (soa/results.py).
"""
import logging
import os
import re

from soa import parameters as P
from soa.results import field, items
from soa.errors import BusFailure, CredentialsRefused, Refusal, is_credentials_text
from soa.service import SoapService

log = logging.getLogger("mailtoticket.gn6")

ALTA_DEFECTES = {
    "urgencia": P.URGENCIA_DEFECTE,
    "proces": P.PROCES_DEFECTE,
    "estat": P.OBERT,
    "enviarMissatgeCreacio": "S",
    "enviarMissatgeTancament": "N",
    "imputacioAutomatica": "N",
}


def alta_values(values):
    """What AltaTiquet is sent for `values`: an empty value is no value,
    and the contract's defaults fill in what is missing."""
    return {**ALTA_DEFECTES, **{k: v for k, v in values.items() if v}}


def wsdl_cache_path(settings):
    if settings["wsdl_cache"]:
        return settings.resolve_path(settings["wsdl_cache"])
    return os.path.join(os.path.dirname(settings.journal_path), "wsdl-cache.sqlite")


def service_for(settings, deadline, url_key, endpoint_key):
    return SoapService(
        settings.resolve_path(settings[url_key]), settings[endpoint_key],
        (settings["username_soa"], settings["password_soa"]),
        settings["timeout_soa"], deadline, wsdl_cache_path(settings))


def answer_checked(operation, result):
    """The answer as a dict holding codiRetorn; anything else is a broken
    bus (another operation's answer, an empty body): temporary."""
    if field(result, "codiRetorn") in (None, ""):
        raise BusFailure("%s: the answer is not a GN6 answer (no codiRetorn)"
                         % operation)
    return result


def ticket_number(value):
    """codiTiquet of a successful AltaTiquet, checked before anybody
    journals it: a success without one, or with something that is not a
    ticket number, is a broken bus (the ticket may exist: sent=True, so a
    redelivery looks for it before creating another)."""
    codi = str(value or "").strip()
    if not re.fullmatch(r"[0-9]{1,18}", codi):
        raise BusFailure("AltaTiquet: a success without a ticket number (codiTiquet=%r)"
                         % codi[:40])
    return codi


def positional(names, values):
    """The values in the contract's order; unknown names are a bug."""
    unknown = set(values) - set(names)
    if unknown:
        raise TypeError("unknown parameters: %s" % ", ".join(sorted(unknown)))
    return [values.get(name, "") or "" for name in names]


class GestioTiquets:
    def __init__(self, settings, deadline):
        self.service = service_for(settings, deadline, "url_gn6", "endpoint_gn6")
        self.auth = (settings["username_gn6"], settings["password_gn6"],
                     settings["domini"])

    def call(self, operation, **values):
        """Call a GN6 operation by parameter names; Refusal unless codiRetorn is "1"."""
        args = positional(P.OPERATIONS[operation], values)
        result = self.service.call(operation, *self.auth, *args,
                                   write=operation in P.WRITES)
        result = answer_checked(operation, result)
        codi = str(field(result, "codiRetorn") or "")
        if codi != "1":
            text = field(result, "descripcioError") or ""
            if is_credentials_text(text):
                raise CredentialsRefused("GN6 (username_gn6/password_gn6/domini)",
                                         "%s: codiRetorn=%s %s" % (operation, codi, text))
            raise Refusal(operation, codi, text)
        return result

    # -- writes
    def alta_tiquet(self, **values):
        """Create a ticket; returns its number (codiTiquet)."""
        return ticket_number(field(self.call("AltaTiquet", **alta_values(values)),
                                   "codiTiquet"))

    def modificar_tiquet(self, codiTiquet, **values):
        self.call("ModificarTiquet", codiTiquet=codiTiquet, **values)

    def afegir_comentari_tiquet(self, codiTiquet, usuari, descripcio,
                                tipusComentari=P.PUBLIC, esNotificat="N"):
        self.call("AfegirComentariTiquet", codiTiquet=codiTiquet, usuari=usuari,
                  descripcio=descripcio, tipusComentari=tipusComentari,
                  esNotificat=esNotificat)

    def annexar_fitxer_tiquet(self, codiTiquet, usuari, nomFitxer, fitxerBase64):
        """Upload an attachment (already base64); returns codiAnnex."""
        result = self.call("AnnexarFitxerTiquet", codiTiquet=codiTiquet,
                           usuari=usuari, nomFitxer=nomFitxer,
                           fitxerBase64=fitxerBase64)
        codi = field(result, "codiAnnex")
        if codi in (None, ""):
            raise BusFailure("AnnexarFitxerTiquet: a success without codiAnnex")
        return str(codi)

    def afegir_solicitant_tiquet(self, codiTiquet, solicitant):
        self.call("AfegirSolicitantTiquet", codiTiquet=codiTiquet,
                  solicitant=solicitant)

    # -- reads
    def consulta_tiquets_dades(self, **filters):
        return items(self.call("ConsultaTiquetsDades", **filters), "llistaTiquets")

    def consulta_tiquet(self, codi):
        """The ticket with that number (with its requester's data), or None."""
        found = self.consulta_tiquets_dades(codi=str(codi))
        return found[0] if found else None
