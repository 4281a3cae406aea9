"""GN6 GestioTiquets operations, as the contract describes them.

Each operation takes the store and the request's parameters (local name ->
string, "" when missing) and returns the response fields in WSDL order.
Application errors are answers (codiRetorn != "1"), never Faults: a client
must be able to tell them from a bus failure.
"""

import base64
import binascii

from . import store as st

NAMESPACE = "http://gn6.upc.edu/GestioTiquets"
WSDL_FILE = "GestioTiquets.wsdl"

OK = "1"
ERR_AUTH = "-1"           # wrong instance credentials or unknown domini
ERR_NOT_FOUND = "-2"      # no such ticket in this instance
ERR_CLOSED = "-3"         # the ticket is closed
ERR_INVALID = "-4"        # a parameter has a value GN6 does not accept
ERR_UNKNOWN_PERSON = "-5"  # solicitant is not a known person

OBERT = "TIQUET_STATUS_OBERT"
TANCAT = "TIQUET_STATUS_TANCAT"
URGENCIES = ("GRAVETAT_ALTA", "GRAVETAT_MITJA", "GRAVETAT_BAIXA")
COMMENT_TYPES = ("COMENT_TIQUET_PUBLIC", "COMENT_TIQUET_PRIVAT")
FLAGS = ("S", "N")
ALTA_FLAGS = ("enviarMissatgeCreacio", "enviarMissatgeTancament", "imputacioAutomatica")

# ModificarTiquet parameters after the ticket number, in contract order,
# and the ticket column each one overwrites.
MODIFICAR_PARAMS = (
    "equipResolutor", "assignatCn", "proces", "estat", "dataCaducitat", "codiTancament",
    "producte", "subservei", "tipus", "dataResol", "solicitant", "client",
    "telefonSolicitant", "emailSolicitant", "dadesContacteSolicitant", "numInventari",
    "numElements", "ip", "assumpte", "descripcio", "origen", "urgencia", "impacte",
)
MODIFICAR_COLUMN = {"assignatCn": "assignatA"}

CONSULTA_DATE_RANGES = (
    ("dataCreacio", "dataCreacioInici", "dataCreacioFi"),
    ("dataTancament", "dataTancamentInici", "dataTancamentFi"),
)
CONSULTA_EXACT = ("estat", "solicitant", "client", "ip")
TIQUET_FIELDS = ("codi", "assumpte", "estat")
TIQUET_DADES_FIELDS = TIQUET_FIELDS + (
    "solicitant", "emailSolicitant", "equipResolutor", "urgencia", "dataCreacio", "dataTancament")


def _answer(code=OK, error="", **extra):
    fields = {"codiRetorn": code, "descripcioError": error}
    fields.update(extra)
    return fields


def _check_instance(store, p):
    """(instance, None) if username/password/domini name an instance, else
    (None, error message)."""
    inst = store.instance(p["domini"])
    if inst is None or inst["username"] != p["username"] or inst["password"] != p["password"]:
        return None, "authentication failed for GN6 instance %r" % p["domini"]
    return inst, None


def _ticket_of(store, p, **empty):
    """(instance, ticket, None) for the request's ticket, or (None, None, the
    error answer): the instance credentials first, then the ticket."""
    inst, err = _check_instance(store, p)
    if err:
        return None, None, _answer(ERR_AUTH, err, **empty)
    ticket = store.ticket(p["domini"], p["codiTiquet"])
    if ticket is None:
        return None, None, _answer(ERR_NOT_FOUND, "ticket %r not found" % p["codiTiquet"],
                                   **empty)
    return inst, ticket, None


def _params(params, names):
    return {n: params.get(n, "") for n in ("username", "password", "domini") + names}


def alta_tiquet(store, params):
    p = _params(params, st.ALTA_FIELDS)
    _, err = _check_instance(store, p)
    if err:
        return _answer(ERR_AUTH, err, codiTiquet="")
    if not p["solicitant"].strip() or store.person(p["solicitant"].strip()) is None:
        return _answer(ERR_UNKNOWN_PERSON, "unknown solicitant %r" % p["solicitant"], codiTiquet="")
    if not p["assumpte"].strip():
        return _answer(ERR_INVALID, "assumpte is required", codiTiquet="")
    if p["urgencia"] and p["urgencia"] not in URGENCIES:
        return _answer(ERR_INVALID, "invalid urgencia %r" % p["urgencia"], codiTiquet="")
    for flag in ALTA_FLAGS:
        if p[flag] and p[flag] not in FLAGS:
            return _answer(ERR_INVALID, "invalid %s %r (S or N)" % (flag, p[flag]), codiTiquet="")
    fields = {f: p[f] for f in st.ALTA_FIELDS}
    fields["solicitant"] = fields["solicitant"].strip()
    fields["urgencia"] = fields["urgencia"] or "GRAVETAT_MITJA"
    fields["estat"] = fields["estat"] or OBERT
    fields["proces"] = fields["proces"] or "PROCES_AUS"
    fields["domini"] = p["domini"]
    fields["dataCreacio"] = st.today()
    if fields["estat"] == TANCAT:
        fields["dataTancament"] = st.today()
    codi = store.create_ticket(fields)
    return _answer(codiTiquet=str(codi))


def modificar_tiquet(store, params):
    p = _params(params, ("codiTiquet",) + MODIFICAR_PARAMS)
    inst, ticket, refused = _ticket_of(store, p)
    if refused:
        return refused
    if p["urgencia"] and p["urgencia"] not in URGENCIES:
        return _answer(ERR_INVALID, "invalid urgencia %r" % p["urgencia"])
    if p["solicitant"] and store.person(p["solicitant"].strip()) is None:
        return _answer(ERR_UNKNOWN_PERSON, "unknown solicitant %r" % p["solicitant"])

    requested = {name: p[name] for name in MODIFICAR_PARAMS if p[name]}
    changes = {MODIFICAR_COLUMN.get(name, name): value for name, value in requested.items()}
    estat = requested.get("estat")
    if estat == OBERT and ticket["estat"] == TANCAT:
        # Reopening is only allowed within the instance's deadline; past it
        # GN6 accepts the call but leaves the ticket closed.
        closed = st.parse_date(ticket["dataTancament"])
        age = (st.parse_date(st.today()) - closed).days if closed else None
        if age is not None and age <= inst["reopen_deadline_days"]:
            changes["dataTancament"] = ""
        else:
            del changes["estat"]
    elif estat == TANCAT and ticket["estat"] != TANCAT:
        changes["dataTancament"] = st.today()
    store.update_ticket(ticket["codi"], changes, requested)
    return _answer()


def afegir_comentari_tiquet(store, params):
    p = _params(params, ("codiTiquet", "usuari", "descripcio", "tipusComentari", "esNotificat"))
    _, ticket, refused = _ticket_of(store, p)
    if refused:
        return refused
    if ticket["estat"] == TANCAT:
        return _answer(ERR_CLOSED, "ticket %s is closed" % ticket["codi"])
    if p["tipusComentari"] not in COMMENT_TYPES:
        return _answer(ERR_INVALID, "invalid tipusComentari %r" % p["tipusComentari"])
    notificat = p["esNotificat"] or "N"
    if notificat not in FLAGS:
        return _answer(ERR_INVALID, "invalid esNotificat %r (S or N)" % p["esNotificat"])
    if not p["usuari"].strip():
        return _answer(ERR_INVALID, "usuari is required")
    store.add_comment(ticket["codi"], p["usuari"].strip(), p["descripcio"], p["tipusComentari"], notificat)
    return _answer()


def annexar_fitxer_tiquet(store, params):
    p = _params(params, ("codiTiquet", "usuari", "nomFitxer"))
    _, ticket, refused = _ticket_of(store, p, codiAnnex="")
    if refused:
        return refused
    if not p["nomFitxer"].strip():
        return _answer(ERR_INVALID, "nomFitxer is required", codiAnnex="")
    data = _decode_base64(params.get("fitxerBase64", ""))
    if data is None:
        return _answer(ERR_INVALID, "fitxerBase64 is not valid base64", codiAnnex="")
    codi_annex = store.add_annex(ticket["codi"], p["usuari"], p["nomFitxer"], data)
    return _answer(codiAnnex=str(codi_annex))


def _decode_base64(text):
    """Strict base64 (line breaks and blanks allowed), or None."""
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError:
        return None
    if any(blank in raw for blank in (b" ", b"\t", b"\r", b"\n")):
        raw = raw.translate(None, b" \t\r\n")   # a copy only when there is something to strip
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        return None


def afegir_solicitant_tiquet(store, params):
    p = _params(params, ("codiTiquet", "solicitant"))
    _, ticket, refused = _ticket_of(store, p)
    if refused:
        return refused
    cn = p["solicitant"].strip()
    if not cn or store.person(cn) is None:
        return _answer(ERR_UNKNOWN_PERSON, "unknown person %r" % p["solicitant"])
    store.add_requester(ticket["codi"], cn)
    return _answer()


def _consulta(store, params, columns):
    names = ("codi",) + CONSULTA_EXACT + tuple(n for _, a, b in CONSULTA_DATE_RANGES for n in (a, b))
    p = _params(params, names)
    _, err = _check_instance(store, p)
    if err:
        return _answer(ERR_AUTH, err)
    ranges = []
    for column, start_name, end_name in CONSULTA_DATE_RANGES:
        bounds = []
        for name in (start_name, end_name):
            value = p[name].strip()
            date = st.parse_date(value) if value else None
            if value and date is None:
                return _answer(ERR_INVALID, "invalid date %s=%r (dd-mm-YYYY)" % (name, value))
            bounds.append(date)
        if bounds != [None, None]:
            ranges.append((column, bounds[0], bounds[1]))
    exact = {f: p[f] for f in CONSULTA_EXACT if p[f]}
    if p["codi"].strip():
        codi = st.as_codi(p["codi"])
        if codi is None:
            return _answer(llistaTiquets=[])   # no such ticket: an empty answer, not an error
        exact["codi"] = codi
    found = [{c: str(t[c]) for c in columns}
             for t in store.find_tickets(p["domini"], **exact)
             if all(_in_range(st.parse_date(t[col]), lo, hi) for col, lo, hi in ranges)]
    return _answer(llistaTiquets=found)


def _in_range(date, lo, hi):
    if date is None:
        return False
    return (lo is None or date >= lo) and (hi is None or date <= hi)


def consulta_tiquets(store, params):
    return _consulta(store, params, TIQUET_FIELDS)


def consulta_tiquets_dades(store, params):
    return _consulta(store, params, TIQUET_DADES_FIELDS)


OPERATIONS = {
    "AltaTiquet": alta_tiquet,
    "ModificarTiquet": modificar_tiquet,
    "AfegirComentariTiquet": afegir_comentari_tiquet,
    "AnnexarFitxerTiquet": annexar_fitxer_tiquet,
    "AfegirSolicitantTiquet": afegir_solicitant_tiquet,
    "ConsultaTiquets": consulta_tiquets,
    "ConsultaTiquetsDades": consulta_tiquets_dades,
}
