"""Nothing lost, nothing doubled: exit 75 whenever the bus fails, the journal
finishes what a previous delivery left undone, the quarantine keeps what is
not ticketed."""
import json
import os
import subprocess
import sys
from email.message import EmailMessage

import pytest

from journals import journal_engine, journal_settings, server  # noqa: F401  (both engines)
from support import SCRIPT, REPO, header, mail, run_mailtoticket


def with_attachments(subject, files):
    msg = EmailMessage()
    msg["From"] = "jaume.moral@upc.edu"
    msg["To"] = "suport@upc.edu"
    msg["Subject"] = subject
    msg["Message-ID"] = "<%s@test.example>" % subject.replace(" ", "-")
    msg.set_content("See the attached files.")
    for name, data in files.items():
        msg.add_attachment(data, maintype="application", subtype="octet-stream",
                           filename=name)
    return bytes(msg)


def count(server, subject):
    return len([t for t in server.tickets() if t["assumpte"] == subject])


def test_bus_down_exits_75_with_no_ticket_then_one_ticket_once_it_is_back(
        server, settings_file):
    settings = settings_file()
    raw = mail(subject="Outage then back")
    server.set_mode("outage")

    down = run_mailtoticket(raw, settings)

    assert down.returncode == 75
    assert count(server, "Outage then back") == 0
    server.set_mode("normal")
    back = run_mailtoticket(raw, settings)
    assert back.returncode == 0 and header(back) == "SUCCESS"
    assert count(server, "Outage then back") == 1


def test_the_same_message_twice_makes_one_ticket(server, settings_file):
    settings = settings_file()
    raw = mail(subject="Delivered twice")

    first = run_mailtoticket(raw, settings)
    # fetchmail adds a fresh Received header on every delivery
    second = run_mailtoticket(b"Received: from imap by fetchmail; again\n" + raw, settings)

    assert header(first) == header(second) == "SUCCESS"
    assert count(server, "Delivered twice") == 1


def test_two_different_messages_sharing_a_message_id_are_both_ticketed(server, settings_file):
    settings = settings_file()
    one = mail(subject="Constant id one", message_id="<constant@broken.mailer>")
    two = mail(subject="Constant id two", message_id="<constant@broken.mailer>")

    run_mailtoticket(one, settings)
    run_mailtoticket(two, settings)

    assert count(server, "Constant id one") == 1
    assert count(server, "Constant id two") == 1


def test_bus_dying_right_after_alta_tiquet_then_retry_uploads_to_the_same_ticket(
        server, settings_file):
    settings = settings_file()
    files = {"report.pdf": os.urandom(5000), "photo.jpg": os.urandom(7000)}
    raw = with_attachments("Died after alta", files)
    server.set_mode("outage", after="AltaTiquet")

    died = run_mailtoticket(raw, settings)

    assert died.returncode == 75
    assert count(server, "Died after alta") == 1          # GN6 did create it
    server.set_mode("normal")
    retry = run_mailtoticket(raw, settings)
    assert header(retry) == "SUCCESS", retry.stderr
    tickets = [t for t in server.tickets() if t["assumpte"] == "Died after alta"]
    assert len(tickets) == 1
    annexos = tickets[0]["annexos"]
    assert sorted(a["nomFitxer"] for a in annexos) == ["photo.jpg", "report.pdf"]
    for annex in annexos:
        assert server.annex_bytes(annex["codiAnnex"]) == files[annex["nomFitxer"]]


def test_bus_dying_at_the_description_rewrite_finishes_it_on_the_same_ticket(server, settings_file):
    settings = settings_file()
    files = {"a.bin": b"A" * 100, "b.bin": b"B" * 100, "c.bin": b"C" * 100}
    raw = with_attachments("Died at rewrite", files)
    server.set_mode("fault", after="ModificarTiquet")   # the description rewrite

    died = run_mailtoticket(raw, settings)

    assert died.returncode == 75
    server.set_mode("normal")
    retry = run_mailtoticket(raw, settings)
    assert header(retry) == "SUCCESS"
    tickets = [t for t in server.tickets() if t["assumpte"] == "Died at rewrite"]
    assert len(tickets) == 1
    assert sorted(a["nomFitxer"] for a in tickets[0]["annexos"]) == ["a.bin", "b.bin", "c.bin"]
    assert "fileId=" in tickets[0]["descripcio"]


def test_a_hanging_bus_gives_up_with_exit_75_within_a_minute(server, settings_file,
                                                             journal_engine):
    if journal_engine != "sqlite":
        pytest.skip("20 s of the bus's timing alone: the journal has no part in it")
    raw = mail(subject="Hanging bus")
    with server.failing("hang", hang_seconds=120):
        # the settings contract's defaults: 20 s per call, the run within 60 s
        result = run_mailtoticket(raw, settings_file(timeout_soa=20, temps_maxim_execucio=50),
                                  timeout=60)

    assert result.returncode == 75
    assert result.stdout == b""    # a waiting message is not echoed (escriure_sortida_ajornats)


def test_a_soap_fault_is_a_temporary_failure(server, settings_file):
    server.set_mode("fault")

    result = run_mailtoticket(mail(subject="Fault"), settings_file())

    assert result.returncode == 75
    assert count(server, "Fault") == 0


def test_an_identity_outage_never_makes_a_known_user_unknown(server, settings_file):
    # Only the directory fails: its WSDL is fetched from a closed port.
    settings = settings_file(url_identitat="http://127.0.0.1:9/Personesv6?wsdl",
                             filtres=["filtres.reply.FiltreReply", "filtres.nou.FiltreNou",
                                      "filtres.nou_extern.FiltreNouExtern"])

    result = run_mailtoticket(mail(subject="Directory down"), settings)

    assert result.returncode == 75
    assert count(server, "Directory down") == 0   # not ticketed as usuari.extern


def deliver_at_once(settings, messages):
    """Start one mailtoticket per message and hand each its whole message
    before waiting for any: the deliveries really overlap."""
    procs = [subprocess.Popen([sys.executable, str(SCRIPT), "-c", str(settings)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, cwd=str(REPO)) for _ in messages]
    for proc, raw in zip(procs, messages):
        proc.stdin.write(raw)
        proc.stdin.close()
    outputs = [(proc.stdout.read(), proc.stderr.read()) for proc in procs]
    for proc in procs:
        proc.wait(timeout=120)
    return procs, outputs


def test_six_simultaneous_deliveries_of_one_message_make_one_ticket(server, settings_file):
    settings = settings_file()
    raw = mail(subject="Six at once")

    procs, outputs = deliver_at_once(settings, [raw] * 6)

    assert all(p.returncode in (0, 75) for p in procs)
    assert any(out.startswith(b"X-Mailtoticket: SUCCESS") for out, _ in outputs)
    assert count(server, "Six at once") == 1


def test_twelve_different_messages_four_at_a_time_make_twelve_tickets(server, settings_file):
    settings = settings_file()
    subjects = ["Parallel %d" % i for i in range(12)]
    for start in range(0, 12, 4):
        batch = subjects[start:start + 4]
        procs, outputs = deliver_at_once(settings, [mail(subject=s) for s in batch])
        assert all(out.startswith(b"X-Mailtoticket: SUCCESS") for out, _ in outputs)

    assert all(count(server, s) == 1 for s in subjects)


def reply_to_new_ticket(server, settings, subject, files=None):
    run_mailtoticket(mail(subject=subject), settings)
    codi = server.tickets()[-1]["codi"]
    reply_subject = "Re: [Suport Unitat %s] %s" % (codi, subject)
    if files:
        return codi, with_attachments(reply_subject, files)
    return codi, mail(subject=reply_subject, body="More details.")


DUPLICATE_WARNING = b"never got the answer; sent again, it may be a duplicate"


def test_a_lost_answer_to_a_comment_is_sent_again_with_a_warning_not_quarantined(
        server, settings_file, tmp_path):
    settings = settings_file(folder=tmp_path)
    codi, reply = reply_to_new_ticket(server, settings, "Lost comment answer")
    server.set_mode("fault", after="AfegirComentariTiquet")   # done, answer lost

    lost = run_mailtoticket(reply, settings)
    server.set_mode("normal")
    again = run_mailtoticket(reply, settings)

    assert lost.returncode == 75
    assert header(again) == "SUCCESS" and again.returncode == 0
    assert DUPLICATE_WARNING in again.stderr
    assert "may be a duplicate" in (tmp_path / "mailtoticket.log").read_text()
    # at least once: a visible, harmless duplicate rather than a reply waiting
    assert len(server.ticket(codi)["comentaris"]) == 2
    assert not list((tmp_path / "quarantine").glob("*.eml"))


def test_a_comment_that_hung_unanswered_is_sent_at_the_next_delivery(
        server, settings_file, tmp_path):
    settings = settings_file(folder=tmp_path, timeout_soa=2)
    codi, reply = reply_to_new_ticket(server, settings, "Unanswered comment")
    with server.failing("hang", before="AfegirComentariTiquet", hang_seconds=30):
        hung = run_mailtoticket(reply, settings)    # the comment never got through
    assert hung.returncode == 75

    again = run_mailtoticket(reply, settings)

    assert header(again) == "SUCCESS"
    assert DUPLICATE_WARNING in again.stderr       # it could not know
    assert len(server.ticket(codi)["comentaris"]) == 1
    assert not (tmp_path / "quarantine").exists()


def test_a_comment_refused_with_503_counts_as_not_sent(server, settings_file, tmp_path):
    settings = settings_file(folder=tmp_path)
    codi, reply = reply_to_new_ticket(server, settings, "Comment bus 503")
    with server.failing("outage", before="AfegirComentariTiquet"):
        down = run_mailtoticket(reply, settings)

    again = run_mailtoticket(reply, settings)

    assert down.returncode == 75
    assert header(again) == "SUCCESS"
    assert DUPLICATE_WARNING not in again.stderr
    assert len(server.ticket(codi)["comentaris"]) == 1


def test_a_lost_answer_to_an_upload_is_uploaded_again_with_a_warning(server, settings_file):
    settings = settings_file()
    files = {"one.bin": b"1" * 50, "two.bin": b"2" * 50}
    raw = with_attachments("Lost upload answer", files)
    server.set_mode("fault", after="AnnexarFitxerTiquet")

    assert run_mailtoticket(raw, settings).returncode == 75
    server.set_mode("normal")
    again = run_mailtoticket(raw, settings)

    assert header(again) == "SUCCESS"
    assert DUPLICATE_WARNING in again.stderr
    [ticket] = [t for t in server.tickets() if t["assumpte"] == "Lost upload answer"]
    assert sorted(a["nomFitxer"] for a in ticket["annexos"]) == ["one.bin", "one.bin",
                                                                 "two.bin"]


def test_a_slow_bus_stops_before_writes_it_could_not_see_answered(server, settings_file):
    settings = settings_file(timeout_soa=5, temps_maxim_execucio=11)
    files = {"a.bin": b"a" * 64, "b.bin": b"b" * 64, "c.bin": b"c" * 64}
    raw = with_attachments("Slow bus", files)

    with server.failing("slow", hang_seconds=3):    # every answer takes 3 s
        slow = run_mailtoticket(raw, settings, timeout=60)
    done = run_mailtoticket(raw, settings)

    assert slow.returncode == 75                     # the run's deadline, not a call's
    assert header(done) == "SUCCESS"
    [ticket] = [t for t in server.tickets() if t["assumpte"] == "Slow bus"]
    assert sorted(a["nomFitxer"] for a in ticket["annexos"]) == ["a.bin", "b.bin", "c.bin"]


def test_a_reply_half_done_is_finished_on_its_ticket_even_if_that_ticket_closed_meanwhile(
        server, settings_file):
    settings = settings_file(timeout_soa=3, temps_maxim_execucio=9,
                             filtres=["filtres.reply.FiltreReply", "filtres.nou.FiltreNou"])
    codi, reply = reply_to_new_ticket(server, settings, "Closed meanwhile",
                                      files={"x.bin": b"x" * 10, "y.bin": b"y" * 10})
    before = len(server.tickets())
    with server.failing("slow", hang_seconds=2):
        assert run_mailtoticket(reply, settings, timeout=60).returncode == 75
    assert server.ticket(codi)["annexos"]            # part of the reply is on the ticket
    server.load({"tickets": [{"codi": codi, "domini": "suport",
                              "estat": "TIQUET_STATUS_TANCAT", "dataTancament": "01-01-2020"}]})

    result = run_mailtoticket(reply, settings)

    assert header(result) == "ERROR"                 # GN6 refuses the comment: a person looks
    assert len(server.tickets()) == before           # never a new ticket for half a reply
    assert sorted(a["nomFitxer"] for a in server.ticket(codi)["annexos"]) == ["x.bin", "y.bin"]


def test_rejected_message_is_quarantined_then_replayed_into_a_ticket(
        server, settings_file, tmp_path):
    raw = mail(subject="Replay me", sender="newcomer@example.org")
    result = run_mailtoticket(raw, settings_file(folder=tmp_path))
    assert header(result) == "REJECT"
    quarantine = tmp_path / "quarantine"
    kept = sorted(quarantine.glob("*.eml"))
    assert len(kept) == 1 and kept[0].read_bytes() == raw
    reason = json.loads(kept[0].with_suffix(".json").read_text())
    assert reason["outcome"] == "REJECT" and "no filter applies" in reason["reason"]

    # the admin teaches the settings who the sender is, and replays
    learnt = settings_file(folder=tmp_path,
                           mails_addicionals={"newcomer@example.org": "anna.puig"})
    replay = subprocess.run([sys.executable, str(SCRIPT), "-c", str(learnt),
                             "--replay", str(kept[0])], capture_output=True, timeout=120,
                            cwd=str(REPO))
    assert replay.returncode == 0, replay.stderr
    assert b"SUCCESS" in replay.stdout
    assert count(server, "Replay me") == 1
    assert server.tickets()[-1]["solicitant"] == "anna.puig"
    assert not list(quarantine.glob("*.eml"))            # moved aside
    again = subprocess.run([sys.executable, str(SCRIPT), "-c", str(learnt), "--replay",
                            str(quarantine / "replayed" / kept[0].name)],
                           capture_output=True, timeout=120, cwd=str(REPO))
    assert again.returncode == 0
    assert count(server, "Replay me") == 1               # exactly once


def test_dry_run_replay_tells_and_does_nothing(server, settings_file, tmp_path):
    raw = mail(subject="Dry replay", sender="late@example.org")
    settings = settings_file(folder=tmp_path)
    run_mailtoticket(raw, settings)
    [kept] = (tmp_path / "quarantine").glob("*.eml")
    learnt = settings_file(folder=tmp_path, mails_addicionals={"late@example.org": "anna.puig"})

    dry = subprocess.run([sys.executable, str(SCRIPT), "-c", str(learnt), "--dry-run",
                          "--replay", str(kept)], capture_output=True, timeout=120,
                         cwd=str(REPO))

    assert b"would call AltaTiquet(solicitant='anna.puig'" in dry.stderr
    assert count(server, "Dry replay") == 0
    assert kept.exists()


def test_dry_run_leaves_server_journal_and_quarantine_untouched(
        server, settings_file, tmp_path):
    settings = settings_file(folder=tmp_path)
    calls_before = server.calls()

    new = run_mailtoticket(mail(subject="Dry run"), settings, "--dry-run")
    unknown = run_mailtoticket(mail(subject="Dry reject", sender="x@example.org"),
                               settings, "--dry-run")

    writes = {"AltaTiquet", "ModificarTiquet", "AfegirComentariTiquet",
              "AnnexarFitxerTiquet", "AfegirSolicitantTiquet"}
    new_calls = server.calls()[len(calls_before):]
    assert not [c for c in new_calls if c["op"] in writes]
    assert count(server, "Dry run") == 0
    assert not (tmp_path / "journal.sqlite").exists()
    assert not (tmp_path / "quarantine").exists()
    account = new.stderr.decode()
    assert "resolved to jaume.moral" in account
    assert "FiltreNou" in account
    assert "would call AltaTiquet(solicitant='jaume.moral'" in account
    assert "assumpte='Dry run'" in account
    assert header(new) == "SUCCESS" and header(unknown) == "REJECT"


def test_loop_guard_quarantines_past_the_limit_per_sender(server, settings_file, tmp_path):
    settings = settings_file(folder=tmp_path, limit_tiquets_per_remitent=3,
                             finestra_limit_minuts=60)
    results = [run_mailtoticket(mail(subject="Loop %d" % i, sender="anna.puig@gmail.com"),
                                settings) for i in range(5)]

    assert [header(r) for r in results] == ["SUCCESS"] * 3 + ["REJECT"] * 2
    assert sum(count(server, "Loop %d" % i) for i in range(5)) == 3
    reasons = [json.loads(p.read_text()) for p in (tmp_path / "quarantine").glob("*.json")]
    assert len(reasons) == 2 and all("loop guard" in r["reason"] for r in reasons)


@pytest.mark.parametrize("key", ["quarantine_dir", "journal"])
def test_unwritable_journal_or_quarantine_is_a_temporary_failure(
        server, settings_file, tmp_path, key):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")

    result = run_mailtoticket(mail(subject="Unwritable %s" % key, sender="stranger@example.org"),
                              settings_file(**{key: str(blocker / "inside")}))

    assert result.returncode == 75
    assert result.stdout == b""    # it waits in the mailbox: not echoed
    assert ("'%s'" % key).encode() in result.stderr or b"journal" in result.stderr


def test_loop_guard_counts_comments_too_and_tells_the_admin_once_per_window(
        server, settings_file, tmp_path):
    from smtp_sink import SmtpSink
    with SmtpSink() as sink:
        settings = settings_file(folder=tmp_path, limit_tiquets_per_remitent=2,
                                 notificar_errors=True, servidor_mail=sink.address,
                                 notificar_errors_to=["admin@upc.edu"])
        sender = "marta.vidal@upc.edu"
        assert header(run_mailtoticket(mail(subject="Looping", sender=sender), settings)) \
            == "SUCCESS"
        codi = server.tickets()[-1]["codi"]
        replies = [run_mailtoticket(mail(subject="Re: [Suport Unitat %s] Looping %d" % (codi, i),
                                         sender=sender), settings) for i in range(4)]

    assert [header(r) for r in replies] == ["SUCCESS", "REJECT", "REJECT", "REJECT"]
    assert len(server.ticket(codi)["comentaris"]) == 1
    assert len(sink.messages) == 1 and b"loop guard" in sink.messages[0]


def test_a_lost_answer_to_an_additional_requester_is_sent_again_with_a_warning(
        server, settings_file):
    settings = settings_file(afegir_solicitants_addicionals_en_cc=True)
    raw = mail(subject="Lost requester answer", Cc="anna.puig@gmail.com")
    with server.failing("fault", after="AfegirSolicitantTiquet"):
        assert run_mailtoticket(raw, settings).returncode == 75

    again = run_mailtoticket(raw, settings)

    assert header(again) == "SUCCESS", again.stderr
    assert DUPLICATE_WARNING in again.stderr
    [ticket] = [t for t in server.tickets() if t["assumpte"] == "Lost requester answer"]
    assert "anna.puig" in ticket["solicitantsAddicionals"]
    assert count(server, "Lost requester answer") == 1
