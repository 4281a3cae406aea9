"""Every address read right (issue 18): address headers are read by the
standard library's RFC 5322 parser, then the trust rules decide whom an
entry names. In-process for the forms (milliseconds), and the three cases
of the issue through the real script against the reference server."""
import time

import pytest

from mail.addresses import parse_addresses
from mail.message import Message
from support import header, mail, run_mailtoticket

CHAIN_ALL = ["filtres.reply_reobrint.FiltreReplyReobrint", "filtres.nou.FiltreNou",
             "filtres.nou_extern.FiltreNouExtern"]


def read(value):
    return parse_addresses(value)


# -- RFC 5322, Appendix A ---------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    # A.1.1, A.1.2
    ("John Doe <jdoe@machine.example>", [("John Doe", "jdoe@machine.example")]),
    ('"Joe Q. Public" <john.q.public@example.com>',
     [("Joe Q. Public", "john.q.public@example.com")]),
    ("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
     [("Mary Smith", "mary@x.test"), ("", "jdoe@example.org"), ("Who?", "one@y.test")]),
    ('<boss@nil.test>, "Giant; \\"Big\\" Box" <sysservices@example.net>',
     [("", "boss@nil.test"), ('Giant; "Big" Box', "sysservices@example.net")]),
    # A.1.3: groups
    ("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
     [("Ed Jones", "c@a.test"), ("", "joe@where.test"), ("John", "jdoe@one.test")]),
    ("Undisclosed recipients:;", []),
    # A.5: white space and comments
    ("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
     [("Pete", "pete@silly.test")]),
    ("A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n"
     "         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); "
     "(the end of the group)",
     [("Chris Jones", "c@public.example"), ("", "joe@example.org"),
      ("John", "jdoe@one.test")]),
    ("(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;", []),
    # A.6: obsolete forms
    ("Joe Q. Public <john.q.public@example.com>",
     [("Joe Q. Public", "john.q.public@example.com")]),
    ("Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example",
     [("Mary Smith", "mary@example.net"), ("", "jdoe@test.example")]),
    ("John Doe <jdoe@machine(comment).  example>", [("John Doe", "jdoe@machine.example")]),
    ("Mary Smith\r\n \r\n <mary@example.net>", [("Mary Smith", "mary@example.net")]),
])
def test_rfc_5322_appendix_a_addresses_are_read(value, expected):
    assert read(value) == expected


# -- what real clients write ---------------------------------------------------

@pytest.mark.parametrize("client, value, expected", [
    ("Outlook", '"Garcia, Pere (UPC)" <pere.garcia@upc.edu>',
     ("Garcia, Pere (UPC)", "pere.garcia@upc.edu")),
    ("Outlook", "=?iso-8859-1?Q?Garc=EDa=2C_Pere?= <Pere.Garcia@UPC.EDU>",
     ("García, Pere", "pere.garcia@upc.edu")),
    ("Outlook", '"John Doe <john@upc.edu>" <john@upc.edu>',
     ("John Doe <john@upc.edu>", "john@upc.edu")),
    ("Gmail", "Jaume Moral <jaume.moral@gmail.com>", ("Jaume Moral", "jaume.moral@gmail.com")),
    ("Gmail", '"Jaume Moral" <jaume.moral@gmail.com>', ("Jaume Moral", "jaume.moral@gmail.com")),
    ("Thunderbird", "=?UTF-8?B?TsO6cmlhIFZpbMOg?= <nuria@upc.edu>", ("Núria Vilà", "nuria@upc.edu")),
    ("Thunderbird", '"=?UTF-8?Q?N=c3=baria?=" <nuria@upc.edu>', ("Núria", "nuria@upc.edu")),
    ("Apple Mail", "=?utf-8?Q?Joan_Puig_i_Ferr=C3=A9?= <joan@icloud.com>",
     ("Joan Puig i Ferré", "joan@icloud.com")),
    ("Google Groups", "'Pere Garcia' via Suport <suport@googlegroups.com>",
     ("'Pere Garcia' via Suport", "suport@googlegroups.com")),
    ("Mailman", "Pere Garcia via suport-l <suport-l@llistes.upc.edu>",
     ("Pere Garcia via suport-l", "suport-l@llistes.upc.edu")),
    ("Lotus Notes", "jaume.moral@upc.edu", ("", "jaume.moral@upc.edu")),
    ("old mailer", "jaume.moral@upc.edu (Jaume Moral)", ("Jaume Moral", "jaume.moral@upc.edu")),
    ("old mailer", "Jaume Moral jaume.moral@upc.edu", ("", "jaume.moral@upc.edu")),
    ("web form", "<mailto:jaume.moral@upc.edu>", ("", "jaume.moral@upc.edu")),
    ("raw UTF-8", "José García <jose@upc.edu>", ("José García", "jose@upc.edu")),
    ("some mailers", "PGarcia@upc.edu <pgarcia@upc.edu>", ("", "pgarcia@upc.edu")),
])
def test_what_real_clients_write_is_read(client, value, expected):
    assert read(value) == [expected], client


def test_a_list_keeps_every_readable_entry_in_order():
    value = ('=?utf-8?Q?Garc=C3=ADa=2C_Joan?= <joan@upc.edu>, "Moral, Jaume" '
             "<jaume.moral@upc.edu>; pgarcia@upc.edu, not an address, undisclosed-recipients:;")
    assert [a for _, a in read(value)] == ["joan@upc.edu", "jaume.moral@upc.edu",
                                           "pgarcia@upc.edu"]


# -- entries that name nobody (docs/hostile-input.md) -------------------------------

@pytest.mark.parametrize("value", [
    "evil@evil.example <pgarcia@upc.edu>",       # an address-looking unquoted name
    "mallory@evil.example <jaume.moral@upc.edu",
    '"jaume.moral@upc.edu"@evil.example',          # a quoted local part
    "Jaume Moral <jaume.moral@upc.edu",            # an unclosed <
    '"Jaume Moral <jaume.moral@upc.edu>',          # an unclosed quote
    "Jaume <jaume.moral@upc.edu> evil@evil.example",  # an address beside it
    "<jaume.moral@upc.edu> <evil@evil.example>",
    "jaume.moral@[192.0.2.1]",                     # a domain literal
    "a@b@upc.edu",
    '"x" <>',
    "x" * 250 + "@upc.edu",                        # longer than an address can be
    "Name " * 110 + "<jaume.moral@upc.edu>",       # an entry past 512 characters
])
def test_an_entry_that_does_not_parse_cleanly_names_nobody(value):
    assert read(value) == []


def test_one_bad_entry_does_not_hide_the_good_ones():
    assert read("evil@evil.example <pgarcia@upc.edu>, jaume.moral@upc.edu") == [
        ("", "jaume.moral@upc.edu")]


@pytest.mark.parametrize("value", [
    '"' * 16000, "(" * 16000, "<" * 16000, "a " * 8000, "a." * 8000,
    ('"' * 510 + ",") * 32, ("a " * 255 + ",") * 32, ("(" * 255 + ")" * 255 + ",") * 32,
    "g:a@b.c;" * 2000,
    "=?utf-8?q?a?= " * 1100,
])
def test_hostile_address_headers_are_read_in_bounded_time_never_raising(value):
    started = time.perf_counter()
    message = Message(("From: %s\nTo: %s\nSubject: x\n\nbody\n" % (value, value)).encode())
    message.from_address, message.addresses("To")
    assert time.perf_counter() - started < 5      # a generous bound on a shared machine


def test_the_message_reads_from_and_reply_to_with_the_parser():
    message = Message(b"From: Pete(A wonderful \\) chap) <pete(his account)@silly.test"
                      b"(his host)>\nReply-To: evil@evil.example <pgarcia@upc.edu>\n"
                      b"To: A Group:Ed Jones <c@a.test>,joe@where.test;\nSubject: x\n\nhi\n")
    assert (message.from_name, message.from_address) == ("Pete", "pete@silly.test")
    assert message.reply_to_address is None
    assert message.addresses("To") == ["c@a.test", "joe@where.test"]


# -- through the real script ------------------------------------------------------

def with_from(value, subject):
    return mail(subject=subject).replace(b"From: jaume.moral@upc.edu",
                                         b"From: " + value.encode(), 1)


def test_rfc_5322s_commented_example_is_a_known_sender(server, settings_file):
    server.load({"people": [{"cn": "pete.silly", "nom": "Pete", "cognoms": "Silly",
                             "emailPreferent": "pete@silly.test", "emails": ["pete@silly.test"]}]})
    raw = with_from(r"Pete(A wonderful \) chap) <pete(his account)@silly.test(his host)>",
                    "Commented address")

    result = run_mailtoticket(raw, settings_file())

    assert header(result) == "SUCCESS", result.stderr.decode()
    ticket = server.tickets()[-1]
    assert (ticket["solicitant"], ticket["emailSolicitant"]) == ("pete.silly", "pete@silly.test")


def test_a_quoted_display_name_with_angle_brackets_is_read(server, settings_file):
    raw = with_from('"Jaume Moral <jaume.moral@upc.edu>" <jaume.moral@upc.edu>',
                    "Quoted brackets")

    result = run_mailtoticket(raw, settings_file())

    assert header(result) == "SUCCESS", result.stderr.decode()
    assert server.tickets()[-1]["solicitant"] == "jaume.moral"


def test_an_address_looking_display_name_names_nobody(server, settings_file):
    before = len(server.tickets())
    raw = with_from("evil@evil.example <pgarcia@upc.edu>", "Spoofed display name")

    result = run_mailtoticket(raw, settings_file(filtres=CHAIN_ALL))

    assert header(result) == "REJECT"            # nobody sent it: quarantined
    assert len(server.tickets()) == before
