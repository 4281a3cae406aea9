"""Sender allow and deny lists (remitents_permesos, remitents_denegats),
for both back-ends: Ticket Manager's whitelisted domains and blacklist.

An entry is an address, a domain ("@example.org": that domain;
"example.org": it and its subdomains) or a regex starting with ^ (re.match,
case-insensitive), as in every address list (mail/addresses.matching_entry).
The sender is the resolved one (Reply-To when trusted, the original sender
of a forward); the From address is tested too, so a denied sender cannot
pass by naming somebody else in Reply-To.
"""
from mail.addresses import matching_entry


def refusal(settings, addresses):
    """Why the lists refuse a message from `addresses` (its sender and From),
    or None."""
    addresses = [a for a in addresses if a]
    denied = settings["remitents_denegats"]
    for address in addresses:
        entry = matching_entry(address, denied)
        if entry:
            return "sender %s is denied (remitents_denegats: %s)" % (address, entry)
    allowed = settings["remitents_permesos"]
    if allowed and not all(matching_entry(a, allowed) for a in addresses):
        return "sender %s is not allowed (remitents_permesos)" % ", ".join(addresses)
    return None
