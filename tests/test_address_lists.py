"""The one meaning of an address list in the settings (mail/addresses.py
matching_entry), for every key that takes one."""
import pytest

from mail.addresses import matches, matching_entry

CASES = [
    # (entry, address, matches)
    ("anna@upc.edu", "anna@upc.edu", True),
    ("Anna@UPC.edu", "anna@upc.edu", True),             # addresses in any case
    ("anna@upc.edu", "ANNA@upc.edu", True),
    ("anna@upc.edu", "anna@lsi.upc.edu", False),
    ("@upc.edu", "anna@upc.edu", True),                  # @domain: that domain exactly
    ("@upc.edu", "anna@lsi.upc.edu", False),
    ("upc.edu", "anna@upc.edu", True),                   # domain: it and its subdomains
    ("upc.edu", "anna@lsi.upc.edu", True),
    ("upc.edu", "anna@notupc.edu", False),
    ("@upc.edu", "anna@notupc.edu", False),
    (r"^noreply@", "NoReply@example.org", True),         # ^regex: re.match, any case
    (r"^.*@example\.org$", "x@lists.example.org", False),
    ("upc.edu", "", False),
]


@pytest.mark.parametrize("entry, address, expected", CASES)
def test_an_address_list_entry(entry, address, expected):
    assert matches(address, [entry]) is expected


def test_the_first_matching_entry_is_named():
    assert matching_entry("x@lists.example.org", ["@example.org", "example.org"]) == \
        "example.org"
