"""Mail addresses: parsed out of headers and free text, and matched against
the address lists in settings.

Parsing (`parse_addresses`, `find_addresses`) survives whatever a mailer
writes in an address header, and gives bare lower-cased addresses.
Address lists in settings (`matches`) hold plain addresses, "@domain"
entries, or regexes starting with ^ (matched from the start,
case-insensitive).
"""

import re
from email.utils import getaddresses as _getaddresses

from gateway.charsets import unescape_surrogates
from gateway.headers import CONTROL_RE, FOLD_RE, decode_header
from gateway.limits import MAX_ADDRESS

__all__ = ["find_addresses", "matches", "parse_addresses", "valid_address"]

_ADDR_OK_RE = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+")
_ADDR_TOKEN_SPLIT_RE = re.compile(r"[\s<>()\[\],;:\"]+")
_ADDR_FULL_RE = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_MAX_ADDRESS_HEADER = 65536  # longer address headers are cut (parse cost)


def find_addresses(text):
    """Things that look like addresses in free text, lower-cased, in
    order. Token by token, so that it stays linear on any input."""
    out = []
    for token in _ADDR_TOKEN_SPLIT_RE.split(text):
        if "@" in token:
            token = token.strip(".'`").lower()
            if token.startswith("mailto:"):
                token = token[7:]
            if _ADDR_FULL_RE.fullmatch(token):
                out.append(token)
    return out


def valid_address(addr):
    """True for something that can be a mailbox: local@domain, no spaces."""
    return bool(addr) and len(addr) <= MAX_ADDRESS \
        and _ADDR_OK_RE.fullmatch(addr) is not None \
        and not addr.startswith("@") and not addr.endswith("@")


def parse_addresses(value):
    """[(display name, bare address lower-cased)] of a raw address header
    value; invalid entries skipped."""
    if not value:
        return []
    value = unescape_surrogates(value[:_MAX_ADDRESS_HEADER])
    value = CONTROL_RE.sub(" ", FOLD_RE.sub("", value))
    out = []
    try:
        pairs = _getaddresses([value])
    except Exception:
        pairs = []
    for name, addr in pairs:
        addr = (addr or "").strip().lower()
        if valid_address(addr):
            out.append((decode_header(name or ""), addr))
    if not out:
        # Mailers that write "Name addr@host" or worse: take what looks
        # like an address.
        out = [("", addr) for addr in find_addresses(value)]
    return out


def matches(address, entries):
    """True if `address` (canonical) is one of `entries`: an address, a
    domain ("@upc.edu": that domain; "upc.edu": it and its subdomains), or
    a regex starting with ^ (re.match, case-insensitive)."""
    if not address:
        return False
    for entry in entries:
        entry = entry.strip()
        if entry.startswith("^"):
            if re.match(entry, address, re.IGNORECASE):
                return True
        elif "@" not in entry.lstrip("@"):       # a domain: "upc.edu" or "@upc.edu"
            domain = entry.lstrip("@").lower()
            if address.endswith("@" + domain) or (
                    entry[0] != "@" and address.endswith("." + domain)):
                return True
        elif entry.lower() == address:
            return True
    return False
