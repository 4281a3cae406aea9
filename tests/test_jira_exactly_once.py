"""The exactly-once suite on Jira: the fault scenarios of the GN6 suite
(tests/test_exactly_once.py) against the reference Jira server's fault
switches, the real script each time. Jira can be asked what it has, so
every lost answer (issue, comment, file) ends with exactly one of each."""
import json

import pytest

from tests.support import header, mail, run_mailtoticket
from tests.test_exactly_once import deliver_at_once
from tests.test_jira_backend import (jira_settings, keys, log_text,  # noqa: F401
                                     new_issue, sink, with_files)
from tests.journals import jira, journal_engine, journal_settings  # noqa: F401  (both engines)


@pytest.fixture(autouse=True)
def _normal_jira(jira):  # noqa: F811
    jira.set_mode("normal")
    yield
    jira.set_mode("normal")


def issue_for(jira, before, settings, subject):  # noqa: F811
    deliver = run_mailtoticket(mail(subject=subject), settings)
    assert header(deliver) == "SUCCESS"
    return new_issue(jira, before)["key"]


def test_the_same_message_twice_makes_one_issue(jira, jira_settings):  # noqa: F811
    settings = jira_settings()
    raw = mail(subject="Twice on Jira")
    before = keys(jira)
    first = run_mailtoticket(raw, settings)
    second = run_mailtoticket(b"Received: from imap by fetchmail; again\n" + raw, settings)
    assert header(first) == header(second) == "SUCCESS"
    new_issue(jira, before)


def test_six_simultaneous_deliveries_of_one_message_make_one_issue(jira, jira_settings):  # noqa: F811
    settings = jira_settings()
    before = keys(jira)
    procs, outputs = deliver_at_once(settings, [mail(subject="Six on Jira")] * 6)
    assert all(p.returncode in (0, 75) for p in procs)
    assert any(out.startswith(b"X-Mailtoticket: SUCCESS") for out, _ in outputs)
    new_issue(jira, before)


@pytest.mark.parametrize("mode", ["error", "ratelimit", "drop"])
def test_a_failing_jira_is_a_temporary_failure_then_one_issue(jira, jira_settings, mode):  # noqa: F811
    settings = jira_settings()
    raw = mail(subject="Jira %s" % mode)
    before = keys(jira)
    with jira.failing(mode, before="createIssue"):
        assert run_mailtoticket(raw, settings).returncode == 75
    assert keys(jira) == before
    assert header(run_mailtoticket(raw, settings)) == "SUCCESS"
    new_issue(jira, before)


def test_a_hanging_jira_gives_up_with_exit_75(jira, jira_settings):  # noqa: F811
    settings = jira_settings(jira_timeout=2, temps_maxim_execucio=8)
    raw = mail(subject="Hanging Jira")
    before = keys(jira)
    with jira.failing("hang", hang_seconds=20):
        assert run_mailtoticket(raw, settings, timeout=60).returncode == 75
    assert header(run_mailtoticket(raw, settings)) == "SUCCESS"
    new_issue(jira, before)


def test_a_user_search_outage_never_makes_a_known_sender_unknown(jira, jira_settings):  # noqa: F811
    settings = jira_settings()
    raw = mail(subject="Who is it")
    before = keys(jira)
    with jira.failing("outage", before="findUsers"):
        assert run_mailtoticket(raw, settings).returncode == 75
    assert keys(jira) == before
    assert header(run_mailtoticket(raw, settings)) == "SUCCESS"
    reporter = new_issue(jira, before)["fields"]["reporter"]
    assert reporter == "jaume.moral"


@pytest.mark.parametrize("mode", ["drop", "error", "slow"])
def test_a_lost_answer_to_a_comment_leaves_one_comment(jira, jira_settings, mode):  # noqa: F811
    settings = jira_settings(jira_timeout=2, temps_maxim_execucio=10)
    key = issue_for(jira, keys(jira), settings, "Comment %s" % mode)
    reply = mail(subject="Re: [%s] comment" % key, body="exactly once please")
    with jira.failing(mode, after="addComment", hang_seconds=5):
        assert run_mailtoticket(reply, settings, timeout=60).returncode == 75
    assert header(run_mailtoticket(reply, settings)) == "SUCCESS"
    assert len(jira.issue(key)["comments"]) == 1


def test_a_comment_refused_with_503_is_sent_without_looking(jira, jira_settings):  # noqa: F811
    settings = jira_settings()
    key = issue_for(jira, keys(jira), settings, "Comment 503")
    reply = mail(subject="Re: [%s] x" % key, body="after the outage")
    with jira.failing("outage", before="addComment"):
        assert run_mailtoticket(reply, settings).returncode == 75
    assert header(run_mailtoticket(reply, settings)) == "SUCCESS"
    assert len(jira.issue(key)["comments"]) == 1


@pytest.mark.parametrize("mode", ["drop", "error"])
def test_a_lost_answer_to_an_upload_leaves_one_file(jira, jira_settings, mode):  # noqa: F811
    settings = jira_settings()
    raw, files = with_files(subject="Upload %s" % mode)
    before = keys(jira)
    with jira.failing(mode, after="addAttachment"):
        assert run_mailtoticket(raw, settings).returncode == 75
    assert header(run_mailtoticket(raw, settings)) == "SUCCESS"
    issue = new_issue(jira, before)
    assert sorted(a["filename"] for a in issue["attachments"]) == sorted(files)
    assert "it is on the ticket: not sent again" in log_text(settings)


def test_a_second_mail_with_the_same_file_on_the_same_issue_is_uploaded(jira, jira_settings):  # noqa: F811
    """Name and size alone do not make a file this message's: a reply
    carrying the same image as the mail that opened the issue adds it."""
    settings = jira_settings()
    raw, files = with_files(subject="Same file")
    before = keys(jira)
    run_mailtoticket(raw, settings)
    key = new_issue(jira, before)["key"]
    reply, _ = with_files(subject="Re: [%s] Same file" % key)
    with jira.failing("drop", after="addComment"):
        assert run_mailtoticket(reply, settings).returncode == 75
    assert header(run_mailtoticket(reply, settings)) == "SUCCESS"
    names = sorted(a["filename"] for a in jira.issue(key)["attachments"])
    assert names == sorted(list(files) * 2)
    assert len(jira.issue(key)["comments"]) == 1


def test_a_lost_answer_to_a_watcher_leaves_one_watcher(jira, jira_settings):  # noqa: F811
    settings = jira_settings(afegir_solicitants_addicionals_en_cc=True)
    raw = mail(subject="Watch lost", Cc="pgarcia@upc.edu")
    before = keys(jira)
    with jira.failing("drop", after="addWatcher"):
        assert run_mailtoticket(raw, settings).returncode == 75
    assert header(run_mailtoticket(raw, settings)) == "SUCCESS"
    watchers = new_issue(jira, before)["watchers"]
    assert [w for w in watchers if "pere" in json.dumps(w)] and len(watchers) == len(
        {json.dumps(w, sort_keys=True) for w in watchers})


def test_loop_guard_quarantines_past_the_limit_per_sender(jira, jira_settings, tmp_path):  # noqa: F811
    settings = jira_settings(limit_tiquets_per_remitent=2, finestra_limit_minuts=60)
    before = keys(jira)
    results = [run_mailtoticket(mail(subject="Jira loop %d" % i, sender="loop@example.org"),
                                settings) for i in range(3)]
    assert [header(r) for r in results] == ["SUCCESS", "SUCCESS", "REJECT"]
    assert len(keys(jira) - before) == 2
    reasons = [json.loads(p.read_text()) for p in (tmp_path / "quarantine").glob("*.json")]
    assert len(reasons) == 1 and "loop guard" in reasons[0]["reason"]


def test_confirmations_stop_where_the_loop_guard_stops_the_issues(jira, jira_settings, sink):  # noqa: F811
    settings = jira_settings(limit_tiquets_per_remitent=2, finestra_limit_minuts=60,
                             jira_confirmation=True, jira_confirmation_from="suport@upc.edu")
    sent = len(sink.messages)
    results = [run_mailtoticket(mail(subject="Echo %d" % i, sender="echo@example.org"),
                                settings) for i in range(3)]
    assert [header(r) for r in results] == ["SUCCESS", "SUCCESS", "REJECT"]
    to = [m for m in sink.messages[sent:] if b"To: echo@example.org" in m]
    assert len(to) == 2


def test_a_reply_half_done_is_finished_on_its_issue_even_if_it_closed_meanwhile(
        jira, jira_settings):  # noqa: F811
    settings = jira_settings()
    before = keys(jira)
    key = issue_for(jira, before, settings, "Closed meanwhile on Jira")
    reply, files = with_files(subject="Re: [%s] more" % key)
    with jira.failing("drop", after="addAttachment"):
        assert run_mailtoticket(reply, settings).returncode == 75
    assert jira.issue(key)["attachments"]                 # part of the reply is there
    jira.load({"issues": [{"key": key, "status": "Closed"}]})
    result = run_mailtoticket(reply, settings)
    assert header(result) == "SUCCESS"
    assert keys(jira) - before == {key}                   # never a new issue for half a reply
    issue = jira.issue(key)
    assert sorted(a["filename"] for a in issue["attachments"]) == sorted(files)
    assert len(issue["comments"]) == 1
