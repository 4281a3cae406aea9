"""The pipeline in-process, against a ticket system in memory
(tests/fake_tickets.py): the journal's protocol, one millisecond-scale test
per rule. The black-box suite proves the same against the real server."""
import logging
from email.message import EmailMessage

import pytest
import yaml

from fake_tickets import FakeDirectory, FakeTickets
from gateway import settings as settings_module
from gateway.logs import RunRecords
from gateway.pipeline import deliver, replay
from gateway.run import Run


def mail(subject, sender="anna@upc.edu", cc=None, files=(), in_reply_to=None):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "suport@upc.edu"
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Message-ID"] = "<%s@test.example>" % subject.replace(" ", "-")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    msg.set_content("Hello, %s." % subject)
    for name in files:
        msg.add_attachment(b"data of " + name.encode(), maintype="application",
                           subtype="octet-stream", filename=name)
    return bytes(msg)


@pytest.fixture
def make_run(tmp_path):
    def make(**overrides):
        data = {"url_gn6": "http://127.0.0.1:9/unused?wsdl",
                "url_identitat": "http://127.0.0.1:9/unused?wsdl",
                "username_soa": "u", "password_soa": "p", "username_gn6": "u",
                "password_gn6": "p", "domini": "d", "equip_resolutor_nous": "N1",
                "mail_suport": ["suport@upc.edu"],
                "mails_addicionals": {"anna@upc.edu": "anna.puig",
                                      "joan@upc.edu": "joan.vila"},
                "journal": str(tmp_path / "journal.sqlite"),
                "quarantine_dir": str(tmp_path / "quarantine"),
                "log_file": str(tmp_path / "mailtoticket.log")}
        data.update(overrides)
        path = tmp_path / "settings.yaml"
        path.write_text(yaml.safe_dump(data))
        return Run(settings_module.load(str(path)), RunRecords(), backend=fake,
                   people=FakeDirectory())
    fake = FakeTickets()
    make.fake = fake
    return make


def test_a_new_message_opens_one_ticket_with_its_files(make_run):
    run = make_run()

    result = deliver(run, mail("Printer", files=["a.pdf", "b.pdf"]))

    assert result.header == "SUCCESS"
    [ticket] = make_run.fake.tickets.values()
    assert ticket["solicitant"] == "anna.puig" and ticket["files"] == ["a.pdf", "b.pdf"]
    assert make_run.fake.count("open") == 1


def test_a_lost_answer_to_open_is_found_again_and_no_second_ticket_is_opened(make_run):
    run = make_run()
    make_run.fake.lose = {"open"}
    raw = mail("Lost open", files=["a.pdf"])

    first = deliver(run, raw)
    again = deliver(run, raw)

    assert first.header is None and first.exit_code == 75
    assert again.header == "SUCCESS"
    assert make_run.fake.count("open") == 1
    assert make_run.fake.count("attach") == 1


@pytest.mark.parametrize("lost", ["attach", "add_requester"])
def test_a_lost_answer_to_a_write_nobody_can_ask_about_is_sent_again_with_a_warning(
        make_run, lost, caplog):
    run = make_run(afegir_solicitants_addicionals_en_cc=True)
    make_run.fake.lose = {lost}
    raw = mail("Lost %s" % lost, cc="joan@upc.edu", files=["a.pdf"])

    assert deliver(run, raw).header is None
    with caplog.at_level(logging.WARNING, logger="mailtoticket"):
        assert deliver(run, raw).header == "SUCCESS"

    assert make_run.fake.count("open") == 1
    assert make_run.fake.count(lost) == 2          # at least once: resent
    assert "may be a duplicate" in caplog.text


def test_a_lost_answer_to_a_comment_resends_the_comment_not_the_files(make_run):
    run = make_run()
    assert deliver(run, mail("Original")).header == "SUCCESS"
    [codi] = make_run.fake.tickets
    make_run.fake.lose = {"comment"}
    reply = mail("Re: [Tiquet %s] Original" % codi, files=["c.pdf"])

    assert deliver(run, reply).header is None
    assert deliver(run, reply).header == "SUCCESS"

    assert make_run.fake.count("comment") == 2
    assert make_run.fake.count("attach") == 1
    assert make_run.fake.count("open") == 1


def test_a_message_already_handled_writes_nothing_again(make_run):
    run = make_run()
    raw = mail("Once", files=["a.pdf"])
    deliver(run, raw)
    before = list(make_run.fake.writes)

    result = deliver(run, raw)

    assert result.header == "SUCCESS" and result.reason == "already handled"
    assert make_run.fake.writes == before


def test_a_message_another_service_just_finished_is_left_for_it_to_file(make_run):
    # Two services sharing the journal: the one that delivered a message files
    # it (two MOVEs of one message at once may both copy it); the other looks
    # again later, and files it itself once that one has had its time.
    from gateway.journal import Journal
    from service.main import FILING_WINDOW, ServiceRun
    settings = make_run().settings
    a, b = (ServiceRun(settings, RunRecords(), backend=make_run.fake,
                       people=FakeDirectory(), gateway=name)
            for name in ("host-a:/var/lib/a", "host-b:/var/lib/b"))
    mda = make_run()
    replaying = a.clone(replay=True)     # a replay in the service is still this service
    assert (replaying.gateway, replaying.journals) == (a.gateway, a.journals)
    raw = mail("Shared")
    assert deliver(a, raw).header == "SUCCESS"

    held = deliver(b, raw)
    assert held.header is None and held.elsewhere and "host-a" in held.reason
    assert deliver(mda, raw).reason == "already handled"    # an MDA is never held
    again = deliver(a, raw)                        # the finisher files it at once
    assert again.header == "SUCCESS" and again.reason == "already handled"
    assert make_run.fake.count("open") == 1

    journal = Journal(settings.journal_path, settings.instance)
    journal.write("UPDATE steps SET value = ? WHERE name = 'finished_by'",
                  '{"gateway": "host-a:/var/lib/a", "at": %f}'
                  % (journal.now() - FILING_WINDOW - 1))
    late = deliver(b, raw)                         # a has not filed it in time
    assert late.header == "SUCCESS" and late.reason == "already handled"


def test_gateways_reaching_the_ticket_system_by_two_urls_share_its_journal_by_one_name(
        make_run):
    # Two hosts sharing a journal, one reaching GN6 by name and one by its
    # address: named alike with journal_instance, the second finds the work done.
    raw = mail("Two URLs")
    by_name = make_run(url_gn6="https://gn6.upc.edu/GestioTiquets?wsdl",
                       journal_instance="gn6-upc")
    assert deliver(by_name, raw).header == "SUCCESS"
    by_address = make_run(url_gn6="https://147.83.2.135/GestioTiquets?wsdl",
                          journal_instance="gn6-upc")

    assert deliver(by_address, raw).reason == "already handled"
    assert make_run.fake.count("open") == 1
    unnamed = make_run(url_gn6="https://147.83.2.135/GestioTiquets?wsdl")
    assert unnamed.settings.instance != by_name.settings.instance   # why the key exists


def test_a_refused_write_is_an_error_kept_in_the_quarantine(make_run, tmp_path):
    run = make_run()
    make_run.fake.refuse = {"open"}

    result = deliver(run, mail("Refused"))

    assert result.header == "ERROR" and "refused" in result.reason
    assert list((tmp_path / "quarantine").glob("*.eml"))


def test_a_dry_run_writes_nothing_and_tells_every_write(make_run, tmp_path):
    told = []
    run = make_run().clone(dry_run=True, tell=told.append)

    result = deliver(run, mail("Dry", files=["a.pdf"]))

    assert result.header == "SUCCESS"
    assert make_run.fake.writes == []
    assert [w[0] for w in make_run.fake.told] == ["open", "attach", "update"]
    assert not (tmp_path / "journal.sqlite").exists()


def test_a_replay_takes_up_a_quarantined_message_once_its_cause_is_fixed(
        make_run, tmp_path):
    raw = mail("Late", sender="late@example.org")
    assert deliver(make_run(), raw).header == "REJECT"
    [kept] = (tmp_path / "quarantine").glob("*.eml")
    fixed = make_run(mails_addicionals={"late@example.org": "anna.puig"})

    assert deliver(fixed, raw).reason == "already handled"   # not a replay
    assert replay(fixed, [str(kept)]) == 0
    again = deliver(fixed.clone(replay=True), raw)   # a SUCCESS is not redone

    assert again.header == "SUCCESS" and again.reason == "already handled"
    assert make_run.fake.count("open") == 1
    assert not kept.exists()     # marked as replayed


def test_the_loop_guard_stops_the_writes_past_the_limit(make_run):
    run = make_run(limit_tiquets_per_remitent=2, finestra_limit_minuts=60)

    results = [deliver(run, mail("Loop %d" % i)).header for i in range(3)]

    assert results == ["SUCCESS", "SUCCESS", "REJECT"]
    assert make_run.fake.count("open") == 2


def test_the_journal_keeps_the_step_names_of_earlier_versions(make_run):
    run = make_run(assignar_data_resolucio_amb_data_creacio=True)

    result = deliver(run, mail("Names", files=["a.pdf"]))

    [codi] = make_run.fake.tickets
    assert {"ticket", "alta_sent", "filtre", "parties", "descripcio:%s" % codi,
            "dataResol:%s" % codi, "annex:%s:0:a.pdf" % codi,
            "annex:%s:0:a.pdf:sent" % codi} <= set(result.facts["state"])



def test_a_reply_to_a_closed_ticket_reopens_it_once_though_the_comment_is_lost(make_run):
    run = make_run(filtres=["filtres.reply_reobrint.FiltreReplyReobrint",
                            "filtres.nou.FiltreNou"])
    deliver(run, mail("Closed one"))
    [codi] = make_run.fake.tickets
    make_run.fake.tickets[codi]["closed"] = True
    make_run.fake.lose = {"comment"}
    reply = mail("Re: [Tiquet %s] Closed one" % codi)

    assert deliver(run, reply).header is None
    assert deliver(run, reply).header == "SUCCESS"

    assert make_run.fake.count("reopen") == 1
    assert make_run.fake.count("open") == 1
    assert make_run.fake.tickets[codi]["closed"] is False


def test_a_bug_outside_the_chain_keeps_the_message_but_a_dry_run_only_says_so(
        make_run, tmp_path, monkeypatch):
    from rules import automatic

    def bug(*args, **kwargs):
        raise RuntimeError("a bug in the skip rules")
    monkeypatch.setattr(automatic, "skip_reason", bug)
    told = []
    quarantine = tmp_path / "quarantine"

    dry = deliver(make_run().clone(dry_run=True, tell=told.append), mail("Bug dry"))
    kept_by_dry_run = list(quarantine.glob("*.eml")) if quarantine.exists() else []
    real = deliver(make_run(), mail("Bug real"))

    assert dry.header == "ERROR" and kept_by_dry_run == []
    assert any("would keep the message in the quarantine" in line for line in told)
    assert real.header == "ERROR" and "a bug in the skip rules" in real.reason
    assert len(list(quarantine.glob("*.eml"))) == 1
