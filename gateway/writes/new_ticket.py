"""Opening a ticket for a message, and the rest of the work on it:
additional requesters, attachments, the description pointing at them.

Exactly once is the ticket system's job (gateway/writes/journalled.py: the intent,
the lost-answer lookup, the loop guard); this module says what to write.
"""
import datetime
import logging
import re

from gateway.writes import parties, uploads

log = logging.getLogger("mailtoticket.new")


def open_ticket(delivery, params):
    """Open (or finish opening) the message's ticket; returns its number."""
    tickets = delivery.tickets
    codi = tickets.open(params)
    parties.record_parties(delivery)
    delivery.say("ticket %s", codi)
    _, skipped = delivery.attachments
    uploaded = uploads.upload(delivery, codi, params["solicitant"])
    if uploaded or skipped:
        tickets.update(codi, descripcio=uploads.with_attachments(
            delivery, params["descripcio"], uploaded, skipped))
    if delivery.settings["assignar_data_resolucio_amb_data_creacio"]:
        tickets.update(codi, dataResol=datetime.date.today())
    add_cc_requesters(delivery, codi, params["solicitant"])
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
            delivery.tickets.add_requester(codi, user, address)


def cc_requesters_wanted(delivery):
    """afegir_solicitants_addicionals_en_cc, or (as upstream) the mail was
    sent to an address matching afegir_solicitants_addicionals_en_cc_nomes_via."""
    settings = delivery.settings
    if settings["afegir_solicitants_addicionals_en_cc"]:
        return True
    via = settings["afegir_solicitants_addicionals_en_cc_nomes_via"]
    if not via:
        return False
    from rules.origin import recipient
    return re.match(via, recipient(delivery.message)) is not None


def base_parameters(delivery, solicitant, email):
    """AltaTiquet parameters before the settings' rules, but the description
    (see FiltreNou.restore)."""
    message, settings = delivery.message, delivery.settings
    subject = message.subject.strip()
    if delivery.follows_closed:
        from rules.reply_match import without_ticket_tag
        subject = without_ticket_tag(subject, settings)
    return {
        "solicitant": solicitant,
        "emailSolicitant": email or "",
        "assumpte": subject or settings["assumpte_per_defecte"].replace(
            "{solicitant}", solicitant or ""),
        "equipResolutor": settings["equip_resolutor_nous"],
    }
