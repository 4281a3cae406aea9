"""Opening a ticket for a message, exactly once.

There is no idempotency key in GN6: an AltaTiquet whose answer never came
may have created the ticket all the same. So the intent is journalled
before the call; a redelivery that finds the intent without a ticket number
looks for the ticket (same requester, created today, same subject, not owned
by another message) before creating one. Then the rest of the work:
additional requesters, attachments, the description pointing at them.
"""
import datetime
import logging
import time

from gateway import uploads
from gateway.errors import Rejected
from soa.parameters import DATE_FORMAT, OBERT

log = logging.getLogger("mailtoticket.new")


def open_ticket(delivery, params):
    """Create (or finish creating) the message's ticket; returns its number."""
    entry, journal = delivery.entry, delivery.journal
    codi = entry.get("ticket")
    if codi is None and entry.get("alta_sent"):
        codi = find_lost_ticket(delivery, params)
    if codi is None:
        check_loop_guard(delivery)
        entry.record("alta_sent", time.time())
        delivery.say("creating ticket: requester %s, subject %r",
                     params.get("solicitant"), params.get("assumpte"))
        codi = delivery.tiquets.alta_tiquet(**params)
        entry.record("ticket", codi)
        journal.note_new_ticket(delivery.sender.address)
    journal.claim_ticket(codi, entry.key)
    delivery.say("ticket %s", codi)
    add_cc_requesters(delivery, codi, params["solicitant"])
    to_upload, skipped = delivery.attachments
    uploaded = uploads.upload(delivery, codi, params["solicitant"])
    if uploaded or skipped:
        descripcio = uploads.with_attachments(params["descripcio"], uploaded, skipped)
        delivery.step("descripcio:%s" % codi, lambda: delivery.tiquets.modificar_tiquet(
            codi, descripcio=descripcio))
    return codi


def find_lost_ticket(delivery, params):
    """The ticket a previous AltaTiquet made though its answer was lost."""
    today = datetime.date.today()
    candidates = delivery.tiquets.consulta_tiquets_dades(
        solicitant=params["solicitant"],
        dataCreacioInici=(today - datetime.timedelta(days=1)).strftime(DATE_FORMAT),
        dataCreacioFi=today.strftime(DATE_FORMAT))
    mine = [t for t in candidates
            if (t.get("assumpte") or "") == params["assumpte"]
            and (t.get("emailSolicitant") or "").lower()
            == (params.get("emailSolicitant") or "").lower()
            and delivery.journal.owner_of(t["codi"]) in (None, delivery.entry.key)]
    if not mine:
        log.info("no ticket from the unanswered AltaTiquet: creating it again")
        return None
    codi = str(max(mine, key=lambda t: int(t["codi"]) if str(t["codi"]).isdigit() else 0)["codi"])
    log.warning("the answer to an earlier AltaTiquet was lost; ticket %s is it", codi)
    delivery.entry.record("ticket", codi)
    delivery.journal.note_new_ticket(delivery.sender.address)
    return codi


def check_loop_guard(delivery):
    settings = delivery.settings
    limit = settings["limit_tiquets_per_remitent"]
    window = settings["finestra_limit_minuts"] * 60
    count = delivery.journal.new_tickets_since(delivery.sender.address,
                                               time.time() - window)
    if limit and count >= limit:
        raise Rejected("loop guard: %s already opened %d tickets in %d minutes "
                       "(limit_tiquets_per_remitent)" % (
                           delivery.sender.address, count,
                           settings["finestra_limit_minuts"]))


def add_cc_requesters(delivery, codi, solicitant):
    settings = delivery.settings
    if not settings["afegir_solicitants_addicionals_en_cc"]:
        return
    senders = delivery.senders
    own = {senders.canonical(a) for a in settings["mail_suport"]}
    added = {solicitant}
    for address in delivery.message.addresses("Cc"):
        address = senders.canonical(address)
        if address in own or address == delivery.sender.address:
            continue
        user, _ = senders.resolve(address)
        if user and user not in added:
            added.add(user)
            delivery.step("solicitant:%s:%s" % (codi, user),
                          lambda: delivery.tiquets.afegir_solicitant_tiquet(codi, user))
            delivery.say("additional requester %s (%s)", user, address)


def base_parameters(delivery, solicitant, email):
    """AltaTiquet parameters before the settings' rules."""
    message, settings = delivery.message, delivery.settings
    notes = "".join(delivery.notes)
    return {
        "solicitant": solicitant,
        "emailSolicitant": email or "",
        "assumpte": message.subject.strip() or settings["assumpte_per_defecte"],
        "descripcio": notes + delivery.description,
        "equipResolutor": settings["equip_resolutor_nous"],
        "estat": OBERT,
    }
