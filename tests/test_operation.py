"""Operation: where settings come from, the admin's mail, the log."""
import email

import pytest

from smtp_sink import SmtpSink
from support import REPO, header, mail, run_mailtoticket


def test_admin_is_mailed_once_per_quarantined_message_with_log_and_original(
        server, settings_file, tmp_path):
    with SmtpSink() as sink:
        settings = settings_file(notificar_errors=True, servidor_mail=sink.address,
                                 notificar_errors_to=["admin@upc.edu"])
        raw = mail(subject="Nobody knows me", sender="ghost@example.net")

        first = run_mailtoticket(raw, settings)
        again = run_mailtoticket(raw, settings)   # delivered again: no second mail

    assert header(first) == header(again) == "REJECT"
    assert len(sink.messages) == 1
    notice = email.message_from_bytes(sink.messages[0])
    assert notice["To"] == "admin@upc.edu"
    assert "REJECT" in notice["Subject"]
    assert notice["Auto-Submitted"] == "auto-generated"
    parts = {p.get_filename(): p for p in notice.walk() if p.get_filename()}
    assert parts["original.eml"].get_payload(decode=True) == raw
    assert b"no filter applies" in parts["mailtoticket.log"].get_payload(decode=True)


def test_a_mail_server_that_is_down_does_not_lose_the_message(server, settings_file, tmp_path):
    settings = settings_file(notificar_errors=True, servidor_mail="127.0.0.1:9",
                             notificar_errors_to=["admin@upc.edu"])

    result = run_mailtoticket(mail(sender="ghost@example.net"), settings)

    assert result.returncode == 0 and header(result) == "REJECT"
    assert list((tmp_path / "quarantine").glob("*.eml"))


def test_settings_from_the_environment_variable(server, settings_file):
    settings = settings_file()

    result = run_mailtoticket(mail(subject="From env"), None,
                              env={"MAILTOTICKET_SETTINGS": str(settings)})

    assert header(result) == "SUCCESS", result.stderr


def test_settings_as_an_importable_module_name(server, settings_file, tmp_path):
    import yaml
    data = yaml.safe_load(settings_file().read_text())
    (tmp_path / "settings_site.py").write_text("settings = %r\n" % data)

    result = run_mailtoticket(mail(subject="From module"), "settings_site",
                              env={"PYTHONPATH": str(tmp_path)})

    assert header(result) == "SUCCESS", result.stderr


@pytest.mark.skipif((REPO / "settings_default.py").exists(),
                    reason="this checkout has a deployment's own settings_default.py")
def test_no_settings_at_all_is_a_temporary_failure_that_says_so(tmp_path):
    raw = mail()

    result = run_mailtoticket(raw, None, env={"MAILTOTICKET_SETTINGS": ""})

    assert result.returncode == 75
    assert b"no settings" in result.stderr
    assert result.stdout == b""      # it stays in the mailbox; no copy in cron's log


def test_the_log_file_tells_what_happened(server, settings_file, tmp_path):
    settings = settings_file(log_level="INFO")

    run_mailtoticket(mail(subject="Logged"), settings)

    log = (tmp_path / "mailtoticket.log").read_text()
    assert "resolved to jaume.moral" in log
    assert "SUCCESS" in log


def test_no_escriure_sortida_keeps_stdout_empty(server, settings_file):
    result = run_mailtoticket(mail(subject="Quiet"), settings_file(no_escriure_sortida=True))

    assert result.returncode == 0
    assert result.stdout == b""


def test_journal_forgets_finished_messages_after_dies_journal_but_keeps_open_work(tmp_path):
    import sqlite3
    from gateway.journal import Journal
    path = str(tmp_path / "journal.sqlite")
    journal = Journal(path, "instance", keep_days=0)
    with journal.entry("<old@x> d1", "<old@x>", wait=5) as old:
        old.record("ticket", "1000")
        old.finish("SUCCESS")
    with journal.entry("<open@x> d2", "<open@x>", wait=5) as unfinished:
        unfinished.record("alta_sent", 1.0)
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE entries SET updated = updated - 100 * 86400")

    journal.prune(keep_days=90)

    keys = [k for (k,) in db.execute("SELECT key FROM entries")]
    assert keys == ["<open@x> d2"]
