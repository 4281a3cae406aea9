"""Replies of every class of the corpus (tests/replies/corpus.py) through
the real mailtoticket.py, as fetchmail's MDA, against the reference GN6
and the reference Jira: the comment on the ticket carries the reply's new
text and none of its quoted history. The whole corpus is read in process
by tests/test_reply_corpus.py; here a sample of each class goes end to end,
and the replies of the held-out set (tests/replies/heldout.py) the reader
first failed on.
"""
import html
import itertools
import re

import pytest
import yaml

from tests.replies import heldout
from tests.replies.corpus import corpus, mime
from tests.support import header, mail, run_mailtoticket

_counter = itertools.count()
# A few languages and scripts more than one reply a class.
EXTRA = {"pl-gmail", "ru-gmail", "zh-gmail", "ar-gmail", "ja-apple", "outlook-da",
         "outlook-ru", "yahoo", "zimbra-8", "mailru", "windows-mail-de"}


def sample():
    chosen, seen = [], set()
    for reply in corpus():
        if reply.cls not in seen or reply.name in EXTRA:
            seen.add(reply.cls)
            chosen.append(reply)
    return chosen


# Held-out replies the reader failed on before issue 19's last fixes.
HELD_OUT = {"he-gmail", "zh-qqmail", "qqmail", "gmail-interleaved-intro", "nl-ios-exchange",
            "answer-names-a-date-and-wrote", "dashes-as-dividers", "von-meinem-sentence-de"}
SAMPLE = sample() + [r for r in heldout.corpus() if r.name in HELD_OUT]
IDS = ["%s/%s" % (r.cls, r.name) for r in SAMPLE]


def visible(comment):
    """A comment's words: tags, entities, wiki escapes and spacing off."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", comment)).replace("\\", "")
    return " ".join(text.split())


def phrases(lines):
    return [" ".join(line.lstrip(" >").split()) for line in lines
            if line.strip(" >")]


def assert_new_text_only(reply, comment):
    shown = visible(comment)
    new = phrases(reply.new)
    for line in new:
        assert line in shown, "new text lost: %r" % line
    for line in phrases(reply.history):
        if not any(line in n for n in new):
            assert line not in shown, "quoted history kept: %r" % line


def comment_on(settings, reply, subject):
    """The reply, as its client sends it, through mailtoticket.py."""
    result = run_mailtoticket(mime(reply, subject), settings)
    assert header(result) == "SUCCESS", result.stderr[-2000:]


@pytest.fixture(scope="module")
def gn6_ticket(server, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gn6-replies")
    data = dict(server.client_settings(folder), timeout_soa=5, temps_maxim_execucio=30,
                limit_tiquets_per_remitent=1000)
    settings = folder / "settings.yaml"
    settings.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_mailtoticket(mail(subject="Printer on floor 2"), settings)
    assert header(result) == "SUCCESS", result.stderr[-2000:]
    return settings, server.tickets()[-1]["codi"]


@pytest.mark.parametrize("reply", SAMPLE, ids=IDS)
def test_a_gn6_comment_carries_the_new_text_only(server, gn6_ticket, reply):
    settings, codi = gn6_ticket

    comment_on(settings, reply, "Re: [Suport Unitat %s] Printer on floor 2" % codi)

    assert_new_text_only(reply, server.ticket(codi)["comentaris"][-1]["descripcio"])


@pytest.fixture(scope="module")
def jira_issue(jira, tmp_path_factory):
    folder = tmp_path_factory.mktemp("jira-replies")
    data = {"backend": "jira", "jira_url": jira.url, "jira_email": "mailtoticket@upc.edu",
            "jira_api_token": "api-token-secret", "jira_project": "SUP",
            "jira_timeout": 5, "temps_maxim_execucio": 30,
            "filtres": ["filtres.reply_reobrint.FiltreReplyReobrint", "filtres.nou.FiltreNou"],
            "mail_suport": ["suport@upc.edu"], "log_file": str(folder / "mailtoticket.log"),
            "state_dir": str(folder), "limit_tiquets_per_remitent": 1000}
    settings = folder / "settings.yaml"
    settings.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    jira.load({"issues": [{"key": "SUP-919", "summary": "Printer on floor 2",
                           "status": "Open", "reporter": "jaume.moral"}]})
    return settings, "SUP-919"


@pytest.mark.parametrize("reply", SAMPLE, ids=IDS)
def test_a_jira_comment_carries_the_new_text_only(jira, jira_issue, reply):
    settings, key = jira_issue

    comment_on(settings, reply, "Re: [%s] Printer on floor 2" % key)

    assert_new_text_only(reply, jira.issue(key)["comments"][-1]["body"])
