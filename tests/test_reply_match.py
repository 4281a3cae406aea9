"""Which ticket a message replies to (rules/reply_match.py), case by case,
as RT's ParseTicketId tests do: the subject tag, the Message-ID forms,
In-Reply-To before References, the journal's incoming Message-IDs."""
from email.message import EmailMessage

import pytest

from backends.jira.settings import MESSAGE_ID_REGEX
from mail.message import Message
from rules.reply_match import ticket_number, without_ticket_tag
from settings_sample import settings as SAMPLE

JIRA = dict(SAMPLE, regex_reply=r"(?s).*?\[([A-Z][A-Z0-9_]+-\d+)\]",
            regex_message_id=MESSAGE_ID_REGEX)
GN6_ID = "<5f1c-tiquet-id-%s@gn6>"
# ids of incoming mail the journal knows: Message-ID -> ticket it opened
JOURNAL = {"<first@client.example>": "700"}


def message(subject="Hello", in_reply_to=None, references=None):
    msg = EmailMessage()
    msg["From"] = "anna@upc.edu"
    msg["Subject"] = subject
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    msg.set_content("text")
    return Message(bytes(msg))


CASES = [
    # (what, settings, subject, In-Reply-To, References, ticket)
    ("no tag, no ids", SAMPLE, "Printer broken", None, None, None),
    ("[Tiquet N]", SAMPLE, "Re: [Tiquet 123] Printer", None, None, "123"),
    ("[Ticket #N], any case", SAMPLE, "RE: [ticket #45] x", None, None, "45"),
    ("[Suport N] deep in Re: Fwd:", SAMPLE, "Re: Fwd: RE: [Suport 9] x", None, None, "9"),
    ("desk name before the word", SAMPLE, "Re: [UPC Support 88] x", None, None, "88"),
    ("a number without the word is no tag", SAMPLE, "Re: [Invoice 12] x", None, None, None),
    ("a bare number is no tag", SAMPLE, "Re: 123 x", None, None, None),
    ("GN6 notice id in In-Reply-To", SAMPLE, "Re: whatever", GN6_ID % "77", None, "77"),
    ("GN6 notice id in References", SAMPLE, "Re: whatever", None,
     "<a@b.example> " + GN6_ID % "78", "78"),
    ("In-Reply-To wins over the subject", SAMPLE, "Re: [Tiquet 1] x", GN6_ID % "79", None,
     "79"),
    ("the newest References id wins", SAMPLE, "x", None,
     GN6_ID % "80" + " " + GN6_ID % "81", "81"),
    ("an id without brackets (broken mailer)", SAMPLE, "x", GN6_ID.strip("<>") % "82",
     None, "82"),
    ("a regex written for bare ids", dict(SAMPLE, regex_message_id=r"[-a-f0-9]+-tiquet-id-(\d+)@gn6$"),
     "x", GN6_ID % "83", None, "83"),
    ("the subject before the journal", SAMPLE, "Re: [Tiquet 5] x", "<first@client.example>",
     None, "5"),
    ("the journal's incoming Message-ID (reply-all)", SAMPLE, "Re: x",
     "<first@client.example>", None, "700"),
    ("an unknown id is no ticket", SAMPLE, "Re: x", "<other@client.example>", None, None),
    ("Jira key in the subject, anywhere", JIRA, "Re: news [SUP-12] x", None, None, "SUP-12"),
    ("Jira confirmation's Message-ID", JIRA, "Re: x", "<SUP-13.0a1b@upc.edu>", None,
     "SUP-13"),
    ("a lowercase key is no Jira key", JIRA, "Re: [sup-12] x", None, None, None),
]


@pytest.mark.parametrize("what, settings, subject, in_reply_to, references, expected",
                         CASES, ids=[case[0] for case in CASES])
def test_the_ticket_a_message_replies_to(what, settings, subject, in_reply_to, references,
                                         expected):
    found = ticket_number(message(subject, in_reply_to, references), settings, JOURNAL.get)
    assert found == expected


@pytest.mark.parametrize("subject, expected", [
    ("Re: [Tiquet 123] Printer", "Re: Printer"),
    ("[Ticket #45] x", "x"),
    ("Printer", "Printer"),
])
def test_the_ticket_tag_comes_off_a_subject(subject, expected):
    assert without_ticket_tag(subject, SAMPLE) == expected
