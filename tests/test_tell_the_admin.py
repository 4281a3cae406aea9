"""The admin is told, truthfully and at once (issue 18): --check names a
misspelt or missing key and asks the ticket system and the mailbox; a
permanent misconfiguration waits in the mailbox and is mailed at the first
message, its key named; a root-owned state folder is named with its fix;
a waiting message is not echoed into fetchmail's log."""
import email
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from email import policy
from pathlib import Path

import pytest
import yaml

import mailbox as mb
from smtp_sink import SmtpSink
from support import REPO, SCRIPT, header, mail, run_mailtoticket


def without(path, *keys, **extra):
    """The settings file at `path` with `keys` taken out (a misspelling
    leaves the right key unset) and `extra` added."""
    data = yaml.safe_load(Path(path).read_text())
    for key in keys:
        data.pop(key)
    data.update(extra)
    Path(path).write_text(yaml.safe_dump(data))
    return path


def told(sink, subject_part):
    return [m for m in (email.message_from_bytes(raw, policy=policy.default)
                        for raw in sink.messages) if subject_part in m["Subject"]]


# -- --check ------------------------------------------------------------------

def test_check_names_a_misspelt_required_key_and_delivery_waits_telling_the_admin(
        server, settings_file, tmp_path):
    before = len(server.tickets())
    with SmtpSink() as sink:
        settings = without(settings_file(notificar_errors=True, servidor_mail=sink.address,
                                         notificar_errors_to=["admin@upc.edu"]),
                           "equip_resolutor_nous", equip_resolutor_nou="SUPORT_N1")
        check = run_mailtoticket(b"", settings, "--check")
        first = run_mailtoticket(mail(subject="No team 1"), settings)
        second = run_mailtoticket(mail(subject="No team 2"), settings)

    out = check.stdout.decode()
    assert check.returncode == 1
    assert "PROBLEM settings: unknown key 'equip_resolutor_nou'" in out
    assert "PROBLEM settings: settings key 'equip_resolutor_nous' is needed" in out
    assert out.splitlines()[-1] == "PROBLEM: 2 problem(s)"
    assert (first.returncode, second.returncode) == (75, 75)
    assert first.stdout == b"" and len(server.tickets()) == before
    log = (tmp_path / "mailtoticket.log").read_text()
    assert "unknown key 'equip_resolutor_nou'" in log
    assert log.count("configuration failure: settings key 'equip_resolutor_nous'") == 2
    [notice] = told(sink, "configuration failure")
    assert "equip_resolutor_nous" in notice.get_body(("plain",)).get_content()


def test_check_says_the_gn6_team_cannot_be_read_and_probes_the_admin_mail(
        server, settings_file):
    with SmtpSink() as sink:
        good = run_mailtoticket(b"", settings_file(notificar_errors=True,
                                                   servidor_mail=sink.address,
                                                   notificar_errors_to=["admin@upc.edu"]),
                                "--check")
    down = run_mailtoticket(b"", settings_file(notificar_errors=True, servidor_mail="127.0.0.1:9",
                                               notificar_errors_to=["admin@upc.edu"]), "--check")

    out = good.stdout.decode()
    assert good.returncode == 0, out
    assert "OK equip_resolutor_nous: 'SUPORT_N1' (not verified: the GN6 contract offers no " \
        "read of teams" in out
    assert "OK admin mail: admin@upc.edu through %s" % sink.address in out
    assert down.returncode == 1
    assert b"PROBLEM admin mail: servidor_mail 127.0.0.1:9 does not answer" in down.stdout


def jira_settings(jira, folder, **overrides):
    data = {"backend": "jira", "jira_url": jira.url, "jira_email": "mailtoticket@upc.edu",
            "jira_api_token": "api-token-secret", "jira_project": "SUP",
            "jira_reporter": "5b10ac8d82e05b22cc7d4ef7", "notificar_errors": False,
            "mail_suport": ["suport@upc.edu"], "state_dir": str(folder),
            "log_file": str(folder / "mailtoticket.log")}
    data.update(overrides)
    path = folder / ("jira-%d.yaml" % len(list(folder.glob("jira-*"))))
    path.write_text(yaml.safe_dump(data))
    return path


def test_check_asks_jira_for_the_project_and_the_issue_type(jira, tmp_path):
    def settings(**overrides):
        return jira_settings(jira, tmp_path, **overrides)

    good = run_mailtoticket(b"", settings(), "--check")
    project = run_mailtoticket(b"", settings(jira_project="SUPP"), "--check")
    issue_type = run_mailtoticket(b"", settings(jira_issue_type="Epic"), "--check")

    assert good.returncode == 0, good.stdout
    assert b"OK jira_project: SUP (Suport)" in good.stdout
    assert b"OK jira_issue_type: 'Task' exists in SUP" in good.stdout
    assert project.returncode == 1
    assert b"PROBLEM jira_project: no project 'SUPP' in Jira" in project.stdout
    assert issue_type.returncode == 1
    assert b"PROBLEM jira_issue_type: 'Epic' is not an issue type of SUP" in issue_type.stdout


def test_a_jira_project_that_does_not_exist_waits_and_the_admin_is_told(jira, tmp_path):
    before = len(jira.issues())
    with SmtpSink() as sink:
        settings = jira_settings(jira, tmp_path, jira_project="SUPP", notificar_errors=True,
                                 servidor_mail=sink.address,
                                 notificar_errors_to=["admin@upc.edu"])
        results = [run_mailtoticket(mail(subject="Wrong project %d" % i), settings)
                   for i in range(2)]

    assert [r.returncode for r in results] == [75, 75]
    assert len(jira.issues()) == before
    assert not list(tmp_path.glob("quarantine/*.eml"))
    [notice] = told(sink, "configuration failure")
    assert "settings key 'jira_project': Jira refuses project 'SUPP'" in \
        notice.get_body(("plain",)).get_content()


@pytest.fixture(scope="module")
def box():
    mailbox = mb.Mailbox()
    mailbox.start()
    try:
        yield mailbox
    finally:
        mailbox.stop()


def test_check_tries_the_imap_login_of_the_fetchmailrc(box, server, settings_file, tmp_path):
    settings = settings_file()
    text = mb.rc_from_example((REPO / "fetchmailrc.example").read_text(), box,
                              mb.example_paths(REPO, sys.executable, settings))
    good = tmp_path / "fetchmailrc"
    good.write_text(text)
    changed = tmp_path / "fetchmailrc-changed"
    changed.write_text(text.replace('password "%s"' % box.password, 'password "changed"'))

    ok = run_mailtoticket(b"", settings, "--check", "--fetchmailrc", str(good))
    refused = run_mailtoticket(b"", settings, "--check", "--fetchmailrc", str(changed))

    assert ok.returncode == 0, ok.stdout
    assert ("OK mailbox 127.0.0.1: login of 'suport' on 127.0.0.1:%d accepted, folder "
            "'mailtoticket' holds" % box.port).encode() in ok.stdout
    assert refused.returncode == 1
    assert b"PROBLEM mailbox 127.0.0.1: 127.0.0.1:%d refused the login of 'suport' " \
        b"(password changed?)" % box.port in refused.stdout


# -- configuration failures at delivery -------------------------------------------

@pytest.mark.parametrize("broken, key", [
    ({"url_gn6": "WSDL404"}, "url_gn6"),
    ({"filtres": ["filtres.reply.FiltreReply", "filtres.nou.FiltreNoou"]}, "filtres"),
    ({"mails_no_ticket": "spam@example.org, noreply@example.org"}, "mails_no_ticket"),
    ({"mail_suport": "suport@upc.edu, helpdesk@upc.edu"}, "mail_suport"),
], ids=["wsdl-404", "unimportable-filter", "list-as-one-string", "one-or-many-as-one-string"])
def test_a_permanent_misconfiguration_waits_and_the_admin_is_told_at_the_first(
        server, settings_file, tmp_path, broken, key):
    if broken.get("url_gn6") == "WSDL404":
        broken = {"url_gn6": server.url.rstrip("/") + "/gN6/NoSuchService?wsdl"}
    before = len(server.tickets())
    with SmtpSink() as sink:
        settings = settings_file(notificar_errors=True, servidor_mail=sink.address,
                                 notificar_errors_to=["admin@upc.edu"], **broken)
        results = [run_mailtoticket(mail(subject="Misconfigured %d" % i), settings)
                   for i in range(2)]
        check = run_mailtoticket(b"", settings, "--check")

    assert [r.returncode for r in results] == [75, 75]
    assert all(r.stdout == b"" for r in results)           # nothing echoed
    assert len(server.tickets()) == before
    assert not (tmp_path / "quarantine").exists() or not list(
        (tmp_path / "quarantine").glob("*.eml"))
    [notice] = told(sink, "configuration failure")          # at the first, once
    assert "'%s'" % key in notice.get_body(("plain",)).get_content()
    log = (tmp_path / "mailtoticket.log").read_text()
    assert "configuration failure: settings key '%s'" % key in log
    assert check.returncode == 1 and ("'%s'" % key).encode() in check.stdout


# -- a root-owned state folder ------------------------------------------------------

def run_as(user, raw, settings, *args):
    """The script as `user` (root runs the tests: the service user is another)."""
    entry = pwd.getpwnam(user)

    def demote():
        os.setgid(entry.pw_gid)
        os.setuid(entry.pw_uid)
    return subprocess.run([sys.executable, str(SCRIPT), "-c", str(settings), *args],
                          input=raw, capture_output=True, timeout=120, cwd="/",
                          preexec_fn=demote, env=dict(os.environ, HOME="/nonexistent"))


def readable_by_others(path):
    """Whether another user can reach `path` (every folder above it o+x)."""
    path = Path(path).resolve()
    return all(p.stat().st_mode & 0o001 for p in [*path.parents] if p != Path("/")) \
        and path.stat().st_mode & 0o004


def test_a_state_folder_the_service_user_cannot_write_is_named_with_its_fix(server):
    if os.geteuid() != 0:
        pytest.skip("needs root to make a root-owned folder for another user")
    if not (readable_by_others(SCRIPT) and readable_by_others(sys.executable)):
        pytest.skip("this clone is not readable by other users (tests/test_deployment_guide.py "
                    "covers the case from a copy)")
    top = Path(tempfile.mkdtemp(prefix="mtt-state-"))
    try:
        top.chmod(0o755)
        (top / "log").mkdir()
        shutil.chown(top / "log", "nobody", "nogroup")
        state = top / "state"
        state.mkdir(mode=0o700)          # as a first run by hand as root leaves it
        (state / "mailtoticket.sqlite").write_bytes(b"")
        with SmtpSink() as sink:
            data = dict(server.client_settings(top), journal=None, quarantine_dir=None,
                        wsdl_cache=None, state_dir=str(state),
                        log_file=str(top / "log" / "mailtoticket.log"),
                        notificar_errors=True, servidor_mail=sink.address,
                        notificar_errors_to=["admin@upc.edu"])
            settings = top / "settings.yaml"
            settings.write_text(yaml.safe_dump(data))
            settings.chmod(0o644)
            results = [run_as("nobody", mail(subject="Root state %d" % i), settings)
                       for i in range(2)]
            check = run_as("nobody", b"", settings, "--check")

        assert [r.returncode for r in results] == [75, 75]
        fix = "chown -R nobody: %s" % state
        stderr = results[0].stderr.decode()
        assert "cannot be written by nobody" in stderr and "owned by root" in stderr
        assert fix in stderr
        assert fix in (top / "log" / "mailtoticket.log").read_text()
        [notice] = told(sink, "configuration failure")
        assert fix in notice.get_body(("plain",)).get_content()
        assert check.returncode == 1
        assert ("PROBLEM state folder: " in check.stdout.decode()) and fix in check.stdout.decode()
    finally:
        for stamp in Path(tempfile.gettempdir()).glob("mailtoticket-65534-*"):
            stamp.unlink()
        shutil.rmtree(top, ignore_errors=True)


# -- the echo of a waiting message ----------------------------------------------------

def test_a_waiting_message_is_not_echoed_unless_asked(server, settings_file):
    raw = mail(subject="Waiting echo")
    with server.failing("outage"):
        quiet = run_mailtoticket(raw, settings_file())
        full = run_mailtoticket(raw, settings_file(escriure_sortida_ajornats=True))

    assert quiet.returncode == full.returncode == 75
    assert quiet.stdout == b""
    assert b"temporary failure, the message stays in the mailbox" in quiet.stderr
    assert full.stdout == raw and header(full) is None


def test_the_sample_settings_tell_somebody_by_default():
    sys.path.insert(0, str(REPO))
    import settings_sample
    defaults = settings_sample.settings
    assert defaults["notificar_errors"] is True
    assert defaults["notificar_errors_to"] and defaults["servidor_mail"]


def test_settings_that_cannot_be_read_at_all_tell_the_defaults_admin(tmp_path):
    """No settings to name an admin: the defaults' (root@localhost, through
    the local mail server) is told, once per window."""
    import socketserver
    import threading
    from smtp_sink import _Handler
    if os.geteuid() != 0:
        pytest.skip("the local mail server's port 25 needs root")

    class LocalMailServer(socketserver.ThreadingTCPServer):
        daemon_threads = allow_reuse_address = True

    try:
        local = LocalMailServer(("127.0.0.1", 25), _Handler)
    except OSError:
        pytest.skip("a mail server already listens on port 25")
    local.messages = []
    threading.Thread(target=local.serve_forever, daemon=True).start()
    broken = tmp_path / "settings.py"
    broken.write_text("settings = {\n    'log_file': 'x.log',\n")   # a bracket left open
    try:
        results = [run_mailtoticket(mail(subject="Unreadable %d" % i), broken)
                   for i in range(2)]
    finally:
        local.shutdown()
        local.server_close()
        for stamp in Path(tempfile.gettempdir()).glob("mailtoticket-0-*"):
            stamp.unlink()

    assert [r.returncode for r in results] == [75, 75]
    assert b"cannot read settings" in results[0].stderr
    notices = [email.message_from_bytes(m, policy=policy.default) for m in local.messages]
    assert len(notices) == 1 and notices[0]["To"] == "root@localhost"
    assert "cannot read settings %s" % broken in notices[0].get_body(("plain",)).get_content()


def test_rejects_are_told_once_per_window_and_all_listed(server, settings_file):
    with SmtpSink() as sink:
        settings = settings_file(notificar_errors=True, servidor_mail=sink.address,
                                 notificar_errors_to=["admin@upc.edu"])
        results = [run_mailtoticket(mail(subject="Spam %d" % i, sender="spam%d@example.net" % i),
                                    settings) for i in range(3)]
        listing = run_mailtoticket(b"", settings, "--quarantine")

    assert [header(r) for r in results] == ["REJECT"] * 3
    [notice] = told(sink, "REJECT")
    assert "--quarantine" in notice.get_body(("plain",)).get_content()
    assert b"3 message(s) in" in listing.stdout
