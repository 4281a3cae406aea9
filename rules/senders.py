"""Who sent the message: an address resolved to a user id (cn).

The algorithm is the contract's (docs/gn6-contract.md), in order:
canonicalise; the settings map; the local part as a commonName for the
institution's own domains; the directory (several matches told apart by
emailPreferent); the settings patterns. Reply-To is tried before From: web
forms send as a generic user with the real requester in Reply-To.

A directory outage propagates as a temporary failure: "unknown" must only
ever mean the directory answered and knew nobody.
"""
import logging
import re

from mail.limits import MAX_ADDRESS
from mail.record import Record

log = logging.getLogger("mailtoticket.senders")


class Sender(Record):
    """(A Record, not a dataclass: see mail/record.py.)"""

    FIELDS = ("address", "user", "how", "email", "outsider")

    def __init__(self, address, user, how="", email=None, outsider=False):
        self.address = address  # the canonical address tickets are written for
        self.user = user        # the resolved cn, None if unknown
        self.how = how          # which step resolved it (for logs and --dry-run)
        # Where GN6's notices go (emailSolicitant): the Reply-To address when
        # Reply-To is used (a web form sends as a generic account with the
        # person in Reply-To), else `address`.
        self.email = email
        self.outsider = outsider  # believed to be nobody we know (rules/trust.py)



class Senders:
    def __init__(self, settings, identitat):
        """identitat: a callable returning the directory client (built lazily:
        a message resolved from the settings alone never loads its WSDL)."""
        self.settings = settings
        self._identitat_factory = identitat
        self._identitat = None
        self._cache = {}
        self._explicit = None

    @property
    def identitat(self):
        if self._identitat is None:
            self._identitat = self._identitat_factory()
        return self._identitat

    def canonical(self, address):
        address = (address or "").strip().lower()
        if len(address) > MAX_ADDRESS:   # not an address; and the regexes stay cheap
            return ""
        for pattern, replacement in self.settings["reescriptura_mails"].items():
            address = re.sub(pattern, replacement, address)
        return address

    def resolve(self, address):
        """(user or None, how) for one address."""
        address = self.canonical(address)
        if not address:
            return None, ""
        if address not in self._cache:
            self._cache[address] = self._resolve(address)
        return self._cache[address]

    @property
    def explicit(self):
        """mails_addicionals with its addresses in canonical form."""
        if self._explicit is None:
            self._explicit = {self.canonical(a): user for a, user
                              in self.settings["mails_addicionals"].items()}
        return self._explicit

    def _resolve(self, address):
        user = self.explicit.get(address)
        if user:
            return user, "mails_addicionals"
        local, _, domain = address.rpartition("@")
        if local and self._own_domain(domain):
            persona = self.identitat.obtenir_dades_persona(local)
            if persona:
                return persona.get("commonName") or local, "own-domain commonName"
        user = self._from_directory(address)
        if user:
            return user, "llistaPersones"
        from rules import ldap_directory
        if ldap_directory.configured(self.settings):
            user = ldap_directory.user_for(self.settings, address)
            if user:
                return user, "LDAP"
        for pattern, template in self.settings["patrons_mail_addicionals"].items():
            match = re.match(pattern, address, re.IGNORECASE)
            if match:
                return _fill(template, match), "patrons_mail_addicionals"
        return None, ""

    def _own_domain(self, domain):
        """Exactly one of dominis_propis (as upstream: a subdomain's local
        part names nobody in particular, the directory knows); with
        dominis_propis_subdominis, their subdomains too."""
        wide = self.settings["dominis_propis_subdominis"]
        return any(domain == d.lower() or (wide and domain.endswith("." + d.lower()))
                   for d in self.settings["dominis_propis"])

    def _from_directory(self, address):
        cns = self.identitat.llista_persones(address)
        if len(cns) == 1:
            return cns[0]
        for cn in cns:
            persona = self.identitat.obtenir_dades_persona(cn)
            if persona and self.canonical(persona.get("emailPreferent")) == address:
                return cn
        if cns:
            log.info("%s matches %s, none with it as emailPreferent: taking %s",
                     address, ", ".join(cns), cns[0])
            return cns[0]
        return None

    def sender_of(self, message, override=None):
        """The message's sender: Reply-To before From when Reply-To is
        trusted (rules/trust.py), or `override`, the original sender of a
        forward. Unknown senders keep their address. A sender whose own
        domain failed DMARC is an outsider: nobody's user."""
        from rules import trust
        failed = trust.dmarc_failed(message, self.settings)
        if failed:
            original = (override or message.from_address or "").strip().lower()
            address = self.canonical(original) or None
            log.warning("%s failed DMARC at %s: treated as an outsider", address, failed)
            return Sender(address, None, "dmarc=fail at %s" % failed,
                          original if address else None, outsider=True)
        reply_to = None if override else message.reply_to_address
        if reply_to and \
                not trust.reply_to_trusted(message, self.settings, self.canonical):
            log.info("Reply-To %s ignored: From %s is neither an own domain nor a "
                     "listed web form (remitents_formularis)", reply_to,
                     message.from_address)
            reply_to = None
        originals = [override] if override else [reply_to, message.from_address]
        originals = [a.strip().lower() for a in originals if a]
        # The ticket's emailSolicitant is the address as the sender wrote it
        # (lower-cased), as upstream kept it: reescriptura_mails only finds
        # the user (jaume@ac.upc.es is looked up as jaume@ac.upc.edu).
        email = reply_to.strip().lower() if reply_to else None
        for original in originals:
            address = self.canonical(original)
            if not address:
                continue
            user, how = self.resolve(address)
            if user:
                return Sender(address, user, how, email or original)
        first = originals[0] if originals else None
        address = self.canonical(first) or None
        return Sender(address, None, "unknown", (email or first) if address else None)


def _fill(template, match):
    if "%s" not in template:
        return template
    try:
        return template % match.group(1)
    except (IndexError, TypeError):
        return template
