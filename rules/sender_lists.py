"""Sender allow and deny lists (remitents_permesos, remitents_denegats),
for both back-ends: Ticket Manager's whitelisted domains and blacklist.

An entry is an address, a domain ("@example.org" or "example.org": the
domain and its subdomains) or a regex starting with ^ (re.match,
case-insensitive). The sender is the resolved one (Reply-To when trusted,
the original sender of a forward); the From address is tested too, so a
denied sender cannot pass by naming somebody else in Reply-To.
"""
import re


def _matches(address, entries):
    address = (address or "").lower()
    domain = address.rpartition("@")[2]
    for entry in entries:
        entry = entry.strip()
        if entry.startswith("^"):
            if re.match(entry, address, re.IGNORECASE):
                return entry
        elif "@" in entry.lstrip("@"):
            if address == entry.lower():
                return entry
        else:
            wanted = entry.lstrip("@").lower()
            if domain and (domain == wanted or domain.endswith("." + wanted)):
                return entry
    return None


def refusal(settings, addresses):
    """Why the lists refuse a message from `addresses` (its sender and From),
    or None."""
    addresses = [a for a in addresses if a]
    denied = settings["remitents_denegats"]
    for address in addresses:
        entry = _matches(address, denied)
        if entry:
            return "sender %s is denied (remitents_denegats: %s)" % (address, entry)
    allowed = settings["remitents_permesos"]
    if allowed and not all(_matches(a, allowed) for a in addresses):
        return "sender %s is not allowed (remitents_permesos)" % ", ".join(addresses)
    return None
