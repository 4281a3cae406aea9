"""The parties of a ticket: who may comment on it as one of its people
(the rule: rules/trust.py, docs/hostile-input.md). The addressees of the
mail that opened a ticket are recorded in its journal entry, so this is
the run's side of the trust rule.
"""
from gateway import steps


def is_party(delivery, ticket):
    """(True, why) when the sender may write on `ticket` as one of its
    people; (False, why) otherwise."""
    sender = delivery.sender
    if getattr(sender, "outsider", False):
        return False, "an outsider (%s)" % sender.how
    if sender.user:
        return True, "known user %s" % sender.user
    canonical = delivery.senders.canonical
    address = sender.address
    if address and address == canonical(ticket.email):
        return True, "the ticket's requester"
    if address and address in recorded_parties(delivery, ticket.codi):
        return True, "an addressee of the mail that opened the ticket"
    return False, "not a party of the ticket"


def recorded_parties(delivery, codi):
    """The To/Cc addresses the journal recorded for the mail that opened
    ticket `codi` (only tickets this gateway opened)."""
    journal = delivery.journal
    key = journal.owner_of(codi) if codi else None
    if not key:
        return []
    try:
        return list(journal.state_of(key).get(steps.PARTIES) or [])
    except (ValueError, TypeError):
        return []


def record_parties(delivery):
    """Journal the addressees of a mail that opens a ticket: they may
    comment on it later as parties."""
    if delivery.entry.get(steps.PARTIES) is not None:
        return
    canonical = delivery.senders.canonical
    own = {canonical(a) for a in delivery.settings["mail_suport"]}
    parties = []
    for name in ("To", "Cc"):
        for address in delivery.message.addresses(name):
            address = canonical(address)
            if address and address not in own and address not in parties:
                parties.append(address)
    delivery.entry.note(steps.PARTIES, parties[:200])   # with the next write
