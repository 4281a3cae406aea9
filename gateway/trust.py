"""How much the gateway believes a sender. Mail is unauthenticated: anybody
can write any From, Reply-To or ticket number. The rules (docs/hostile-input.md):

- Reply-To names the requester only when From is in one of the
  institution's own domains (dominis_propis) or is a listed web-form sender
  (remitents_formularis): those are the senders that write for somebody
  else. On anybody else's mail the ticket belongs to From.
- Where the institution's mail server stamps Authentication-Results (its
  authserv-id listed in authserv_ids_confiats), a dmarc=fail for one of
  the own domains makes the sender an outsider: nobody's user, nobody's
  ticket, whatever From says.
- A comment from somebody who is not a party of the ticket (its requester,
  an address of the original mail's To/Cc as the journal recorded them,
  or someone the directory or the settings know) is added as a private
  comment saying who sent it (comentaris_de_tercers: "privat"), or as
  upstream did ("public"), or opens a new ticket ("nou").
"""
import logging
import re

from gateway import steps
from mail.addresses import matches

log = logging.getLogger("mailtoticket.trust")

PRIVATE, PUBLIC, NEW = "privat", "public", "nou"
MODES = (PRIVATE, PUBLIC, NEW)

# "authserv-id; method=result ...; method=result ..." (RFC 8601); only the
# first 4 KB of a field are read.
_DMARC_RE = re.compile(r"\bdmarc\s*=\s*([a-z]+)([^;]*)", re.IGNORECASE)
_HEADER_FROM_RE = re.compile(r"\bheader\.from\s*=\s*\"?([^\s;\"]+)", re.IGNORECASE)


def own_domain(address, settings):
    domain = (address or "").rpartition("@")[2].lower()
    return bool(domain) and any(
        domain == d.lower().lstrip("@") or domain.endswith("." + d.lower().lstrip("@"))
        for d in settings["dominis_propis"])


def reply_to_trusted(message, settings, canonical):
    """Whether Reply-To may name the requester of this message."""
    sender = canonical(message.from_address)
    if not sender:
        return False
    if matches(sender, settings["remitents_formularis"]):
        return True
    return own_domain(sender, settings) and not dmarc_failed(message, settings)


def dmarc_failed(message, settings):
    """The trusted authserv-id that saw DMARC fail for an own domain in
    From, or None."""
    trusted = {t.lower() for t in settings["authserv_ids_confiats"]}
    if not trusted:
        return None
    from_address = message.from_address
    for value in message.headers("Authentication-Results"):
        value = value[:4096]
        authserv = value.split(";", 1)[0].strip().split()[0].lower() \
            if value.strip() else ""
        if authserv not in trusted:
            continue
        for result, rest in _DMARC_RE.findall(value):
            if result.lower() != "fail":
                continue
            named = _HEADER_FROM_RE.search(rest)
            domain = named.group(1) if named else from_address or ""
            if own_domain("x@" + domain.rpartition("@")[2], settings) \
                    or own_domain(from_address, settings):
                return authserv
    return None


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
    delivery.entry.record(steps.PARTIES, parties[:200])


def stranger_note(address, why):
    import html
    return ("<p>[mailtoticket: sent by %s, %s: added as a private comment. "
            "Make it public if it is meant for the requester.]</p>"
            % (html.escape(address or "an unknown sender"), html.escape(why)))
