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


class Loopback:
    """A web server on loopback answering every request with
    answer(path) -> (status, headers, body): the wrong host a setting names."""

    def __init__(self, answer):
        self.answer = answer

    def __enter__(self):
        import http.server
        import threading
        answer = self.answer

        class Handler(http.server.BaseHTTPRequestHandler):
            def reply(self):
                status, headers, body = answer(self.path)
                self.send_response(status)
                for name, value in dict(headers, **{"Content-Length": str(len(body))}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = reply

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def not_jira(where):
    """404 to everything, as the wrong host (or a proxy without the Jira
    route) does; or a permanent redirect to https, as a site that left
    plain http."""
    if where == "http-moved-to-https":
        return Loopback(lambda path: (301, {"Location": "https://jira.example.edu" + path}, b""))
    if where == "a-web-page-there":
        return Loopback(lambda path: (200, {"Content-Type": "text/html"}, PAGES["a-web-page"]))
    return Loopback(lambda path: (404, {"Content-Type": "text/html"},
                                  b"<html><body>Not Found</body></html>"))


@pytest.mark.parametrize("where", ["wrong-context-path", "no-jira-at-the-address",
                                   "http-moved-to-https", "a-web-page-there"])
def test_a_jira_url_where_no_jira_answers_waits_and_the_admin_is_told(jira, tmp_path, where):
    before = len(jira.issues())
    with not_jira(where) as other, SmtpSink() as sink:
        url = jira.url + "/jira" if where == "wrong-context-path" else other.url
        settings = jira_settings(jira, tmp_path, jira_url=url, notificar_errors=True,
                                 servidor_mail=sink.address,
                                 notificar_errors_to=["admin@upc.edu"])
        results = [run_mailtoticket(mail(subject="Wrong Jira %d" % i), settings)
                   for i in range(2)]
        check = run_mailtoticket(b"", settings, "--check")

    said = "settings key 'jira_url': no Jira answers at %s" % url
    assert [r.returncode for r in results] == [75, 75]
    assert all(r.stdout == b"" and b"Traceback" not in r.stderr for r in results)
    assert len(jira.issues()) == before
    assert not list(tmp_path.glob("quarantine/*.eml"))
    [notice] = told(sink, "configuration failure")           # at the first, once
    assert said in notice.get_body(("plain",)).get_content()
    if where == "http-moved-to-https":                       # where it went, for the fix
        assert "moved to https://jira.example.edu/rest/api/2/" in \
            notice.get_body(("plain",)).get_content()
    assert ("configuration failure: %s" % said) in (tmp_path / "mailtoticket.log").read_text()
    assert check.returncode == 1
    assert ("PROBLEM Jira: %s" % said).encode() in check.stdout


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
    # last in the chain, after the filter that takes the mail: the same failure
    ({"filtres": ["filtres.reply.FiltreReply", "filtres.nou.FiltreNou",
                  "filtres.nou_extern.FiltreNouExtern2"]}, "filtres"),
    ({"mails_no_ticket": "spam@example.org, noreply@example.org"}, "mails_no_ticket"),
    ({"mail_suport": "suport@upc.edu, helpdesk@upc.edu"}, "mail_suport"),
], ids=["wsdl-404", "unimportable-filter", "unimportable-filter-last", "list-as-one-string",
        "one-or-many-as-one-string"])
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
    if key == "filtres":                                    # and the class it cannot load
        assert b"PROBLEM filtres: " in check.stdout
        assert broken["filtres"][-1].encode() in check.stdout


PAGES = {
    "a-web-page": b"<!DOCTYPE html>\n<html lang=ca><head><meta charset=utf-8>"
                  b"<title>Bus SOA</title></head><body><p>Benvinguts<br></body></html>",
    "an-xml-page": b"<html><body><p>GestioTiquets is running</p></body></html>",
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_wsdl_address_answering_a_page_that_is_no_wsdl_waits_and_the_admin_is_told(
        server, settings_file, tmp_path, page):
    before = len(server.tickets())
    with Loopback(lambda path: (200, {"Content-Type": "text/html"}, PAGES[page])) as portal, \
            SmtpSink() as sink:
        url = portal.url + "/gN6/GestioTiquetsv6"             # ?wsdl left out
        settings = settings_file(notificar_errors=True, servidor_mail=sink.address,
                                 notificar_errors_to=["admin@upc.edu"], url_gn6=url)
        results = [run_mailtoticket(mail(subject="Web page %d" % i), settings)
                   for i in range(2)]
        check = run_mailtoticket(b"", settings, "--check")

    said = "settings key 'url_gn6': the address %s answers with something that is not " \
        "a WSDL" % url
    assert [r.returncode for r in results] == [75, 75]
    assert all(r.stdout == b"" and b"Traceback" not in r.stderr for r in results)
    assert len(server.tickets()) == before
    [notice] = told(sink, "configuration failure")           # at the first, once
    assert said in notice.get_body(("plain",)).get_content()
    assert said in (tmp_path / "mailtoticket.log").read_text()
    assert check.returncode == 1 and ("PROBLEM GN6: %s" % said).encode() in check.stdout


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
    assert defaults["avis_ajornament_hores"] > 0       # a message waiting too long is told
    assert defaults["finestra_limit_minuts"] > 0       # once per window, not never


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
