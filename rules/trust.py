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
  upstream did ("public"), or opens a new ticket ("nou"). Who is a party
  is the journal's to say: gateway/writes/parties.py.
"""
import logging
import re

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
        # No From at all: the Reply-To is the only address the mail gives,
        # and it is believed exactly as much as a From would be (both are
        # the sender's word); it does not override anybody.
        return bool(message.reply_to_address)
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


def stranger_note(address, why):
    import html
    return ("<p>[mailtoticket: sent by %s, %s: added as a private comment. "
            "Make it public if it is meant for the requester.]</p>"
            % (html.escape(address or "an unknown sender"), html.escape(why)))
