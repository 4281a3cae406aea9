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

from mail.charsets import unescape_surrogates
from mail.headers import CONTROL_RE, FOLD_RE, decode_header
from mail.limits import MAX_ADDRESS

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
            if len(token) <= MAX_ADDRESS and _ADDR_FULL_RE.fullmatch(token):
                out.append(token)
    return out


def valid_address(addr):
    """True for something that can be a mailbox: local@domain, no spaces."""
    return bool(addr) and len(addr) <= MAX_ADDRESS \
        and _ADDR_OK_RE.fullmatch(addr) is not None \
        and not addr.startswith("@") and not addr.endswith("@")


def parse_addresses(value):
    """[(display name, bare address lower-cased)] of a raw address header
    value; invalid entries skipped.

    Strict where it matters: an entry that does not parse cleanly (an
    unclosed quote or <, a quoted local part, an address beside the one in
    angle brackets) gives nothing, never some other address found inside
    it: `"jaume@upc.edu"@evil.example` is not jaume@upc.edu."""
    if not value:
        return []
    value = unescape_surrogates(value[:_MAX_ADDRESS_HEADER])
    value = CONTROL_RE.sub(" ", FOLD_RE.sub("", value))
    out = []
    for element in _elements(value):
        found = _parse_element(element)
        if found:
            out.append(found)
    return out


def _elements(value):
    """The comma-separated entries of an address list, commas inside quotes,
    comments and angle brackets kept; None for an entry that is not closed
    (an unclosed quote, comment or <) ends the list."""
    out, start, quoted, depth, angle, i = [], 0, False, 0, 0, 0
    size = len(value)
    while i < size:
        c = value[i]
        if c == "\\" and (quoted or depth):
            i += 2
            continue
        if c == '"' and not depth:
            quoted = not quoted
        elif not quoted:
            if c == "(":
                depth += 1
            elif c == ")" and depth:
                depth -= 1
            elif not depth and c == "<":
                angle += 1
            elif not depth and c == ">":
                angle -= 1
            elif c == "," and not depth and not angle:
                out.append(value[start:i])
                start = i + 1
        i += 1
    last = value[start:]
    if quoted or depth or angle:
        out.append(None)        # unbalanced: this entry is unreadable
    else:
        out.append(last)
    return out


_ANGLE_RE = re.compile(r"<([^<>]*)>")


def _parse_element(element):
    """(name, address) of one entry, or None."""
    if element is None or not element.strip():
        return None
    if element.count("<") > 1 or element.count(">") > 1 or \
            element.find(">") < element.find("<"):
        return None
    bracket = _ANGLE_RE.search(element)
    try:
        pairs = [p for p in _getaddresses([element]) if p[1]]
    except Exception:
        pairs = []
    if bracket is not None:
        wanted = bracket.group(1).strip().lower()
        if wanted.startswith("mailto:"):
            wanted = wanted[7:]
        if not valid_address(wanted):
            return None
        name = next((n for n, a in pairs if a.strip().lower() == wanted), "")
        return decode_header(name or ""), wanted
    if len(pairs) == 1:
        addr = pairs[0][1].strip().lower()
        if valid_address(addr):
            return decode_header(pairs[0][0] or ""), addr
    if '"' in element or "\\" in element:
        return None
    # Mailers that write "Name addr@host": the one thing that looks like an
    # address, if there is exactly one.
    found = find_addresses(element)
    return ("", found[0]) if len(found) == 1 else None


def matches(address, entries):
    """True if `address` is one of `entries` (see matching_entry)."""
    return matching_entry(address, entries) is not None


def matching_entry(address, entries):
    """The first of `entries` that `address` matches, or None. The one
    meaning of an address list in the settings (settings_sample.py):
    an address (any case); "@upc.edu": an address at that domain exactly;
    "upc.edu": an address at that domain or any of its subdomains
    (x@lsi.upc.edu); a regex starting with ^ (re.match, case-insensitive)."""
    address = (address or "").strip().lower()
    if not address:
        return None
    for written in entries:
        entry = written.strip()
        if entry.startswith("^"):
            if re.match(entry, address, re.IGNORECASE):
                return written
        elif "@" not in entry.lstrip("@"):       # a domain: "upc.edu" or "@upc.edu"
            domain = entry.lstrip("@").lower()
            if address.endswith("@" + domain) or (
                    entry[:1] != "@" and address.endswith("." + domain)):
                return written
        elif entry.lower() == address:
            return written
    return None
