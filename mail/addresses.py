"""Mail addresses: parsed out of headers and free text, and matched against
the address lists in settings.

Parsing (`parse_addresses`, `find_addresses`) survives whatever a mailer
writes in an address header, and gives bare lower-cased addresses: the
standard library's RFC 5322 parser reads each entry, then the project's
trust rules decide who it names.
Address lists in settings (`matches`) hold plain addresses, "@domain"
entries, or regexes starting with ^ (matched from the start,
case-insensitive).
"""

import re

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


def parse_addresses(value, note=None, limit=None):
    """[(display name, bare address lower-cased)] of a raw address header
    value (RFC 5322 address-list: groups, comments, obsolete forms, RFC 2047
    display names), entries that name nobody skipped; at most `limit`.

    Each entry is read by the standard library's RFC 5322 parser
    (email.headerregistry, the modern policy's), then the project's rules
    decide (docs/hostile-input.md): an entry the parser finds invalid (an
    unclosed <, an address-looking unquoted display name such as
    `evil@x.example <jaume@upc.edu>`), a quoted local part
    (`"jaume@upc.edu"@evil.example`) or a domain literal names nobody,
    never some other address found inside it. `note(where, why)` hears of
    entries the parser could not read at all."""
    if not value:
        return []
    value = unescape_surrogates(value[:_MAX_ADDRESS_HEADER])
    value = CONTROL_RE.sub(" ", FOLD_RE.sub("", value))
    out = []
    for entry in _entries(value):
        found = _read_entry(entry, note)
        if found:
            out.append(found)
            if limit and len(out) >= limit:
                break
    return out


_MAX_ENTRY = 512        # one entry (an address and its display name, comments)
# The parser's work grows with the square of an entry's tokens on some
# input (runs of quotes, words, dots): an entry with more than this many
# quotes, parentheses, dots and blanks is hostile, not an address.
_MAX_ENTRY_TOKENS = 100
_TOKEN_RE = re.compile(r'["().]|\s+')
_MAX_ENTRIES = 1000     # entries of one header read; the rest are not
_MAILTO_RE = re.compile(r"<\s*mailto:", re.IGNORECASE)


def _entries(value):
    """The entries of an address list, linear in its length: split at
    commas and semicolons outside quotes, comments and angle brackets, a
    group's name (up to its colon) dropped so that its members are entries
    of their own. An entry left open at the end (a quote, a comment or a <)
    is None: unreadable."""
    out, start, quoted, depth, angle, i = [], 0, False, 0, 0, 0
    size = len(value)
    while i < size and len(out) < _MAX_ENTRIES:
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
            elif not depth and c == ">" and angle:
                angle -= 1
            elif not depth and not angle:
                if c in ",;":
                    out.append(value[start:i])
                    start = i + 1
                elif c == ":":
                    start = i + 1       # "Group name:" a group's members follow
        i += 1
    if len(out) < _MAX_ENTRIES:
        out.append(None if quoted or depth or angle else value[start:])
    return out


def _read_entry(entry, note):
    """(name, address) of one entry, or None."""
    if entry is None:
        return None        # unclosed quote, comment or <: nobody
    entry = entry.strip()
    if not entry or len(entry) > _MAX_ENTRY:
        return None
    if len(_TOKEN_RE.findall(entry, 0, _MAX_ENTRY)) > _MAX_ENTRY_TOKENS:
        return None
    entry = _MAILTO_RE.sub("<", entry)
    try:
        return _parsed(entry)
    except Exception as e:   # the parser can fail on hostile input (RecursionError...)
        if note is not None:
            note("address %r" % entry[:80], e)
        return None


def _parsed(entry):
    """(name, address) of `entry` read by the email package's RFC 5322
    parser, then by the rules above; None."""
    from email.headerregistry import AddressHeader
    parsed = {}
    AddressHeader.parse(entry, parsed)
    tree = parsed["parse_tree"]
    mailboxes = [m for address in tree.addresses for m in address.all_mailboxes]
    if len(mailboxes) != 1:
        return None
    mailbox = mailboxes[0]
    # The parser calls a mailbox invalid for any invalid defect, those of
    # encoded words in its display name too: the defects decide here.
    if mailbox.token_type not in ("mailbox", "invalid-mailbox") or \
            any(_invalid(d) for d in tree.all_defects):
        return _old_mailer_form(entry)
    address = (mailbox.addr_spec or "").lower()
    if not mailbox.local_part or not mailbox.domain or address.startswith('"') \
            or mailbox.domain.startswith("[") or not valid_address(address):
        return None
    return _display_name(mailbox, entry), address


def _invalid(defect):
    """A defect that makes an entry name nobody: the parser's invalid ones
    (obsolete forms are fine), but for encoded words in the display name
    (inside quotes, no blank around: many mailers write them so)."""
    from email.errors import InvalidHeaderDefect
    return isinstance(defect, InvalidHeaderDefect) and "encoded" not in str(defect)


def _display_name(mailbox, entry):
    """The display name; a trailing comment for `addr (Name)`; encoded
    words decoded even inside quotes (as mailers write them)."""
    name = mailbox.display_name or ""
    if not name and "<" not in entry:
        comments = getattr(mailbox, "comments", None) or []
        name = comments[-1] if comments else ""
    return decode_header(name) if "=?" in name else name.strip()


_SAME_TWICE_RE = re.compile(r"([^\s<>\"@]+@[^\s<>\"@]+)\s*<\s*([^\s<>\"@]+@[^\s<>\"@]+)\s*>")


def _old_mailer_form(entry):
    """Two forms RFC 5322 refuses that mailers write, read when they can
    name nobody else: `Name addr@host` (old mailers: no brackets, quotes or
    escapes, exactly one thing that looks like an address), and
    `addr@host <addr@host>` (the same address twice, unquoted)."""
    twice = _SAME_TWICE_RE.fullmatch(entry)
    if twice and twice.group(1).lower() == twice.group(2).lower():
        address = twice.group(2).lower()
        return ("", address) if valid_address(address) else None
    if any(c in entry for c in '<>"\\'):
        return None
    found = find_addresses(entry)
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
