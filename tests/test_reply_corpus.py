"""The reply reader over the whole corpus (tests/replies/corpus.py) and
the set written apart from it (tests/replies/heldout.py), in process:
every reply of every class loses its quoted history and keeps every line
of its new text. The end-to-end side is tests/test_reply_comments.py."""
import pytest

from mail.replies import strip_html, strip_text
from tests.replies import heldout
from tests.replies.corpus import CLASSES, check, corpus, text_reply

REPLIES = corpus()
HELD_OUT = heldout.corpus()
ISSUE_CLASSES = {  # the classes issue 19 names
    "attribution-language", "attribution-wordless", "attribution-multiline",
    "attribution-dashed", "attribution-sent", "attribution-no-blank",
    "outlook-header-language", "outlook-bold-wrapped", "separator-language",
    "html-webmail", "bottom-posting", "interleaved", "closing-under-quote",
    "gt-quotes-nothing", "quote-with-forward"}


@pytest.mark.parametrize("reply", REPLIES, ids=["%s/%s" % (r.cls, r.name) for r in REPLIES])
def test_a_reply_keeps_its_new_text_and_loses_its_quoted_history(reply):
    output = strip_text(reply.body) if reply.kind == "text" else strip_html(reply.body)

    lost, left = check(reply, output)

    assert lost == [], "new text lost"
    assert left == [], "quoted history kept"


@pytest.mark.parametrize("reply", HELD_OUT, ids=["%s/%s" % (r.cls, r.name) for r in HELD_OUT])
def test_a_reply_of_the_held_out_set_keeps_its_new_text_and_loses_its_history(reply):
    output = strip_text(reply.body) if reply.kind == "text" else strip_html(reply.body)

    lost, left = heldout.check(reply, output)

    assert lost == [], "new text lost"
    assert left == [], "quoted history kept"


def test_the_held_out_set_covers_every_class_the_issue_names_with_several_replies():
    counts = {cls: sum(r.cls == cls for r in HELD_OUT) for cls in heldout.CLASSES}

    assert set(counts) >= ISSUE_CLASSES
    assert min(counts.values()) >= 5
    assert len(HELD_OUT) >= 120


def test_gmail_inline_answers_inside_its_quote_container_are_kept():
    markup = ('<div dir="ltr">Answers below.</div><div class="gmail_quote"><div class="gmail_attr">'
              'On Tue, Mar 12, 2024 at 10:15 AM Jan &lt;jan@example.pl&gt; wrote:<br></div>'
              '<blockquote class="gmail_quote">Which floor?</blockquote><div>Third floor.</div>'
              '<blockquote class="gmail_quote">Since when?</blockquote><div>Since Monday.</div></div>')

    output = strip_html(markup)

    assert "Third floor." in output and "Since Monday." in output
    assert "Which floor?" not in output and "Since when?" not in output and "wrote:" not in output


def test_header_lines_a_requester_types_without_a_date_or_a_sender_address_stay():
    text = ("Please create a mailbox:\nFrom: 1 April 2024\nTo: Maria <maria@example.com>\n"
            "Subject: visiting researcher\nThanks!")

    assert strip_text(text) == text


def test_the_corpus_has_several_replies_in_every_class_the_issue_names():
    counts = {cls: sum(r.cls == cls for r in REPLIES) for cls in CLASSES}

    assert set(counts) >= ISSUE_CLASSES
    assert min(counts.values()) >= 3
    languages = {r.name.split("-")[0] for r in REPLIES if r.cls == "attribution-language"}
    assert len(languages) >= 36


def test_every_webmail_the_issue_names_has_its_own_html_replies():
    names = " ".join(r.name for r in REPLIES if r.kind == "html")
    for client in ("yandex", "mailru", "windows-mail", "zimbra", "roundcube", "horde",
                   "yahoo", "protonmail"):
        assert client in names


def test_a_reply_that_is_only_a_quote_keeps_its_whole_text():
    text = "> Please switch the printer off and on again.\n"

    assert strip_text(text).strip() == text.strip()


def test_an_unsure_attribution_keeps_the_text_under_it():
    reply = text_reply("unsure", "time-only", """
        +Anna wrote at 10:15:
        +the server is down again.
        """)

    assert check(reply, strip_text(reply.body)) == ([], [])


def test_a_forward_above_the_history_keeps_everything():
    text = ("See below.\n\n---------- Forwarded message ---------\nFrom: Anna <a@b.example>\n"
            "Subject: x\n\nOn Tue, Mar 12, 2024 at 10:15 AM Bob <bob@b.example> wrote:\n"
            "> the original question\n")

    assert "the original question" in strip_text(text)


def test_html_with_a_forward_outside_any_quote_is_left_whole():
    markup = ('<div>FYI</div><div class="gmail_quote">---------- Forwarded message ---------'
              '<br>From: Anna<br><br>The delivery is on Friday.</div>')

    assert "The delivery is on Friday." in strip_html(markup)
