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
import re
import time

from gateway import loop_guard, trust, uploads
from gateway.errors import TemporaryFailure
from soa.errors import Refusal
from soa.parameters import DATE_FORMAT, OBERT

log = logging.getLogger("mailtoticket.new")


def open_ticket(delivery, params):
    """Create (or finish creating) the message's ticket; returns its number."""
    entry, journal = delivery.entry, delivery.journal
    codi = entry.get("ticket")
    if codi is None and entry.get("alta_sent"):
        codi = find_lost_ticket(delivery, params)
    if codi is None:
        loop_guard.check(delivery)
        earlier = entry.get("alta_sent")
        entry.record("alta_sent", earlier or time.time())
        delivery.say("creating ticket: requester %s, subject %r",
                     params.get("solicitant"), params.get("assumpte"))
        try:
            codi = delivery.tiquets.alta_tiquet(**params)
        except (TemporaryFailure, Refusal) as e:
            if not earlier and not getattr(e, "sent", False):
                entry.forget("alta_sent")   # it never reached GN6, or GN6 said no
            raise
        entry.record("ticket", codi)
        loop_guard.note(delivery)
    journal.claim_ticket(codi, entry.key)
    trust.record_parties(delivery)
    delivery.say("ticket %s", codi)
    _, skipped = delivery.attachments
    uploaded = uploads.upload(delivery, codi, params["solicitant"])
    if uploaded or skipped:
        descripcio = uploads.with_attachments(params["descripcio"], uploaded, skipped)
        delivery.step("descripcio:%s" % codi, lambda: delivery.tiquets.modificar_tiquet(
            codi, descripcio=descripcio))
    if delivery.settings["assignar_data_resolucio_amb_data_creacio"]:
        today = datetime.date.today().strftime(DATE_FORMAT)
        delivery.step("dataResol:%s" % codi, lambda: delivery.tiquets.modificar_tiquet(
            codi, dataResol=today))
    add_cc_requesters(delivery, codi, params["solicitant"])
    return codi


def find_lost_ticket(delivery, params):
    """The ticket a previous AltaTiquet made though its answer was lost."""
    # From the day before the first attempt (GN6's clock may be behind
    # ours) to today: a retry may come days later, after a long outage.
    sent = datetime.date.fromtimestamp(delivery.entry.get("alta_sent"))
    candidates = delivery.tiquets.consulta_tiquets_dades(
        solicitant=params["solicitant"],
        dataCreacioInici=(sent - datetime.timedelta(days=1)).strftime(DATE_FORMAT),
        dataCreacioFi=datetime.date.today().strftime(DATE_FORMAT))
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
    loop_guard.note(delivery)
    return codi


def add_cc_requesters(delivery, codi, solicitant):
    settings = delivery.settings
    if not cc_requesters_wanted(delivery):
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
                          lambda: add_requester(delivery, codi, user, address),
                          repeatable=False)


def cc_requesters_wanted(delivery):
    """afegir_solicitants_addicionals_en_cc, or (as upstream) the mail was
    sent to an address matching afegir_solicitants_addicionals_en_cc_nomes_via."""
    settings = delivery.settings
    if settings["afegir_solicitants_addicionals_en_cc"]:
        return True
    via = settings["afegir_solicitants_addicionals_en_cc_nomes_via"]
    if not via:
        return False
    from gateway.origin import recipient
    return re.match(via, recipient(delivery.message)) is not None


def add_requester(delivery, codi, user, address):
    """One additional requester. GN6 refusing one (a pattern that names a
    user GN6 does not know, say) is noted, not the message's outcome: the
    ticket and its attachments are already there."""
    try:
        delivery.tiquets.afegir_solicitant_tiquet(codi, user)
    except Refusal as e:
        log.warning("additional requester %s (%s) not added to ticket %s: %s",
                    user, address, codi, e)
        return "refused"
    delivery.say("additional requester %s (%s)", user, address)
    return "added"


def base_parameters(delivery, solicitant, email):
    """AltaTiquet parameters before the settings' rules, but the description
    (see FiltreNou.restore)."""
    message, settings = delivery.message, delivery.settings
    subject = message.subject.strip()
    if getattr(delivery, "follows_closed", None):
        from filtres.reply import without_ticket_tag
        subject = without_ticket_tag(subject, settings)
    return {
        "solicitant": solicitant,
        "emailSolicitant": email or "",
        "assumpte": subject or settings["assumpte_per_defecte"].replace(
            "{solicitant}", solicitant or ""),
        "equipResolutor": settings["equip_resolutor_nous"],
        "estat": OBERT,
    }
