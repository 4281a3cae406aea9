"""Address lists in settings: plain addresses, "@domain" entries, or
regexes starting with ^ (matched from the start, case-insensitive)."""
import re


def matches(address, entries):
    """True if `address` (canonical) is one of `entries`."""
    if not address:
        return False
    for entry in entries:
        entry = entry.strip()
        if entry.startswith("^"):
            if re.match(entry, address, re.IGNORECASE):
                return True
        elif entry.startswith("@"):
            if address.endswith(entry.lower()):
                return True
        elif entry.lower() == address:
            return True
    return False
