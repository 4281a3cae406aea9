"""The service (`mailtoticket.py serve`) against a real dovecot started here,
with both reference back-ends behind its queues: what it tickets, where it
files each message, how it routes by recipient, TLS with a CA file, and
that a temporary failure leaves the message for a later pass that
delivers it once.

One dovecot (TLS on, plain on loopback too) for the module; each test uses
its own folder names so tests never see each other's mail.
"""

import subprocess
import sys

import pytest
import yaml

from service_support import (SCRIPT, mailbox_entry, run_once, service_file, serving,  # noqa: F401
                             sink, status, wait_for, word)
from support import mail, new_tickets, codes

KNOWN = "jaume.moral@upc.edu"
UNKNOWN = "nobody@example.com"
JIRA_FILTERS = ["filtres.reply_reobrint.FiltreReplyReobrint", "filtres.nou.FiltreNou",
                "filtres.nou_extern.FiltreNouExtern"]
EXTERN = "5b10ac8d82e05b22cc7d4ef7"


@pytest.fixture(scope="module")
def box():
    yield from serving(tls=True)


def jira_settings(jira, folder):
    data = {"backend": "jira", "jira_url": jira.url, "jira_email": "mailtoticket@upc.edu",
            "jira_api_token": "api-token-secret", "jira_project": "SUP",
            "jira_reporter": EXTERN, "jira_timeout": 5, "temps_maxim_execucio": 30,
            "filtres": JIRA_FILTERS, "mail_suport": ["suport@upc.edu"],
            "log_file": str(folder / "jira.log"), "state_dir": str(folder / "jira-state"),
            "log_level": "DEBUG"}
    path = folder / "jira-settings.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def once(path, expect=0):
    result = run_once(path)
    assert result.returncode == expect, result.stderr.decode()[-4000:]
    return result


def test_once_tickets_each_message_and_files_it_by_outcome(box, server, settings_file,
                                                          tmp_path):
    folder, w = "in-%s" % word(), word()
    before = codes(server)
    box.append_as("suport", folder, mail("Printer %s" % w, KNOWN),
                  mail("Who am I %s" % w, UNKNOWN))
    path = service_file(tmp_path, [mailbox_entry(box, "suport", settings_file(),
                                                 folder=folder)])
    once(path)

    made = new_tickets(server, before)
    assert [t["assumpte"] for t in made] == ["Printer %s" % w]
    assert box.folder_of("suport", folder) == []                 # the inbox is emptied
    assert box.folder_of("suport", "Processed").count("Printer %s" % w) == 1
    assert box.folder_of("suport", "Quarantine").count("Who am I %s" % w) == 1
    health = status(path)["suport"]
    assert health["deliveries"]["SUCCESS"] == 1 and health["deliveries"]["REJECT"] == 1
    assert health["backlog"] == 0 and health["last_error"] is None
    assert health["last_fetch_ok"] is not None

    once(path)                               # the next pass tickets nothing again
    assert len(new_tickets(server, before)) == 1


def test_routes_by_recipient_to_queues_of_both_backends(box, server, jira, settings_file,
                                                        tmp_path):
    """One mailbox for three addresses: Delivered-To routes to the Jira
    queue, a To to the second GN6 queue, the rest to the default queue;
    and a second mailbox (another user) with its own queue's settings."""
    folder, w = "routed-%s" % word(), word()
    before, jira_before = codes(server), {i["key"] for i in jira.issues()}
    default = settings_file(equip_resolutor_nous="SUPORT_N1")
    xarxa = settings_file(equip_resolutor_nous="XARXES")
    box.append_as("suport", folder,
                  mail("Default %s" % w, KNOWN, to="suport@upc.edu"),
                  mail("Network %s" % w, KNOWN, to="Xarxa <suport-xarxa@upc.edu>"),
                  mail("Jira %s" % w, KNOWN, to="suport@upc.edu",
                       Delivered_To="suport-jira@upc.edu"))
    box.append_as("xarxa", folder, mail("Other mailbox %s" % w, KNOWN))
    path = service_file(tmp_path, [
        mailbox_entry(box, "suport", default, folder=folder, routes=[
            {"recipient": "suport-jira@upc.edu", "settings": str(jira_settings(jira, tmp_path))},
            {"recipient": ["suport-xarxa@upc.edu"], "settings": str(xarxa)}]),
        mailbox_entry(box, "xarxa", xarxa, user="xarxa", folder=folder)])
    once(path)

    teams = {t["assumpte"]: t["equipResolutor"] for t in new_tickets(server, before)}
    assert teams == {"Default %s" % w: "SUPORT_N1", "Network %s" % w: "XARXES",
                     "Other mailbox %s" % w: "XARXES"}
    issues = [i for i in jira.issues() if i["key"] not in jira_before]
    assert [i["fields"]["summary"] for i in issues] == ["Jira %s" % w]
    assert box.folder_of("suport", folder) == [] and box.folder_of("xarxa", folder) == []
    assert sorted(status(path)) == ["suport", "xarxa"]


def test_temporary_failure_leaves_the_message_then_one_ticket(box, server, settings_file,
                                                               tmp_path):
    folder, w = "tempfail-%s" % word(), word()
    before = codes(server)
    box.append_as("suport", folder, mail("Outage %s" % w, KNOWN))
    path = service_file(tmp_path, [mailbox_entry(box, "suport", settings_file(),
                                                 folder=folder)])
    server.set_mode("outage")
    try:
        once(path)
    finally:
        server.set_mode("normal")
    assert new_tickets(server, before) == []
    assert box.folder_of("suport", folder) == ["Outage %s" % w]    # left in place
    health = status(path)["suport"]
    assert health["deliveries"]["TEMPORARY"] == 1 and health["backlog"] == 1
    assert health["oldest_waiting"]

    once(path)
    assert [t["assumpte"] for t in new_tickets(server, before)] == ["Outage %s" % w]
    assert box.folder_of("suport", folder) == []


@pytest.mark.parametrize("tls", ["implicit", "starttls"])
def test_tls_checks_the_certificate_against_the_ca_file(box, server, settings_file,
                                                        tmp_path, tls):
    folder, w = "tls-%s" % word(), word()
    before = codes(server)
    box.append_as("suport", folder, mail("Over TLS %s" % w, KNOWN))
    port = box.tls_port if tls == "implicit" else box.port
    entry = mailbox_entry(box, "suport", settings_file(), folder=folder, tls=tls, port=port)

    # Without the test CA the certificate is refused: nothing read.
    path = service_file(tmp_path, [entry])
    once(path, expect=75)
    assert "CERTIFICATE_VERIFY_FAILED" in status(path)["suport"]["last_error"]
    assert box.folder_of("suport", folder) == ["Over TLS %s" % w]

    entry["ca_file"] = str(box.ca_file)
    path = service_file(tmp_path, [entry])
    once(path)
    assert [t["assumpte"] for t in new_tickets(server, before)] == ["Over TLS %s" % w]
    assert box.folder_of("suport", folder) == []


def test_password_from_a_file_and_a_refused_login_is_named(box, server, settings_file,
                                                            tmp_path):
    folder, w = "secret-%s" % word(), word()
    before = codes(server)
    box.append_as("suport", folder, mail("Secret %s" % w, KNOWN))
    secret = tmp_path / "suport.secret"
    secret.write_text("wrong\n")
    entry = mailbox_entry(box, "suport", settings_file(), folder=folder)
    entry["login"] = {"user": "suport", "password_file": str(secret)}
    path = service_file(tmp_path, [entry])
    once(path, expect=75)
    assert "refused the login of suport" in status(path)["suport"]["last_error"]

    secret.write_text("secret\n")                     # fixed: read at the next login
    once(path)
    assert [t["assumpte"] for t in new_tickets(server, before)] == ["Secret %s" % w]


def test_a_wrong_key_is_refused_at_start_naming_it(tmp_path, settings_file):
    path = service_file(tmp_path, [{"name": "suport", "server": "127.0.0.1",
                                    "tls": "none", "proccessed_folder": "Done",
                                    "login": {"user": "u", "password": "p"},
                                    "settings": str(settings_file())}])
    result = run_once(path)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "mailboxes[0]: unknown key 'proccessed_folder'" in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "service-state" / "service-status.json").exists()


def test_check_names_what_works_and_what_does_not(box, server, settings_file, tmp_path):
    good = mailbox_entry(box, "suport", settings_file(), folder="INBOX")
    wrong = mailbox_entry(box, "xarxa", settings_file(), user="xarxa")
    wrong["login"] = {"user": "xarxa", "password": "not-its-password"}
    path = service_file(tmp_path, [good, wrong])
    result = subprocess.run([sys.executable, str(SCRIPT), "serve", "-c", str(path), "--check"],
                            capture_output=True, text=True, timeout=120,
                            stdin=subprocess.DEVNULL)
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "OK mailbox suport (127.0.0.1:%d): logged in as suport" % box.port in out
    assert "PROBLEM mailbox xarxa (127.0.0.1:%d): " % box.port in out
    assert "refused the login of xarxa" in out
    assert "OK GN6" in out and "PROBLEM: 1 problem(s)" in out


def test_once_from_cron_tells_the_admin_once_about_a_mailbox_failing_too_long(
        server, settings_file, sink, tmp_path):
    """Each `--once` is a new process: the failure's start and the notice
    carry over in the status file, so cron's runs tell the admin once, when
    the mailbox has failed for alert_after, not at every run nor never."""
    from service_support import mb
    closed = mb.free_port()                                   # nothing listens there
    settings = settings_file(notificar_errors=True, notificar_errors_to=["admin@upc.edu"],
                             servidor_mail=sink.address)
    entry = {"name": "gone", "server": "127.0.0.1", "port": closed, "tls": "none",
             "login": {"user": "suport", "password": "secret"}, "settings": str(settings)}
    path = service_file(tmp_path, [entry], alert_after=1, connect_timeout=2)
    told = len(sink.messages)
    first = run_once(path)
    assert first.returncode == 75 and len(sink.messages) == told      # not yet
    since = status(path)["gone"]["error_since"]
    # cron's next runs, until the failure is alert_after old: then told
    wait_for(lambda: run_once(path).returncode == 75 and len(sink.messages) > told, 15,
             "the admin's mail")
    for _ in range(2):                                                # and never again
        assert run_once(path).returncode == 75
    assert status(path)["gone"]["error_since"] == since
    assert len(sink.messages) == told + 1
    assert b"mailbox gone not fetched" in sink.messages[-1]


def test_a_mail_with_many_attachments_neither_stops_fetching_nor_loses_one(
        box, server, settings_file, tmp_path):
    """Zammad's "a mail with many attachments stops fetching altogether":
    here it is one ticket with every file, and the mail after it is
    fetched in the same pass."""
    from email.message import EmailMessage
    folder, w = "many-%s" % word(), word()
    before = codes(server)
    many = EmailMessage()
    many["From"], many["To"] = KNOWN, "suport@upc.edu"
    many["Subject"], many["Message-ID"] = "Sixty files %s" % w, "<many-%s@test.example>" % w
    many.set_content("The logs of every switch.")
    for n in range(60):
        many.add_attachment(("switch %d log\n" % n).encode() * 200, maintype="text",
                            subtype="plain", filename="switch-%02d.txt" % n)
    box.append_as("suport", folder, many.as_bytes(), mail("After them %s" % w, KNOWN))
    path = service_file(tmp_path, [mailbox_entry(box, "suport", settings_file(),
                                                 folder=folder)])
    once(path)

    made = {t["assumpte"]: t for t in new_tickets(server, before)}
    assert sorted(made) == ["After them %s" % w, "Sixty files %s" % w]
    files = sorted(a["nomFitxer"] for a in server.ticket(made["Sixty files %s" % w]["codi"])
                   ["annexos"])
    assert files == ["switch-%02d.txt" % n for n in range(60)]
    assert box.folder_of("suport", folder) == []


def test_an_mda_deployments_settings_py_is_a_queue_unchanged(box, server, tmp_path):
    """The settings.py an MDA deployment pipes mail through (upstream's
    shape: a module with a `settings` dict) is named as a queue as it is:
    the script and the service both ticket with it."""
    from conftest import base_settings
    from support import header, run_mailtoticket
    folder, w = "py-%s" % word(), word()
    before = codes(server)
    settings = tmp_path / "settings.py"
    settings.write_text("# an upstream deployment's settings file\nsettings = %r\n"
                        % base_settings(server, tmp_path))
    by_mda = run_mailtoticket(mail("Through fetchmail %s" % w, KNOWN), settings)
    assert by_mda.returncode == 0 and header(by_mda).startswith("SUCCESS"), by_mda.stderr
    box.append_as("suport", folder, mail("Through the service %s" % w, KNOWN))
    once(service_file(tmp_path, [mailbox_entry(box, "suport", settings, folder=folder)]))

    assert sorted(t["assumpte"] for t in new_tickets(server, before)) == [
        "Through fetchmail %s" % w, "Through the service %s" % w]
    assert box.folder_of("suport", folder) == []


def test_the_service_demo_tickets_its_two_messages_one_through_idle():
    """`bash scripts/demo.sh --service` (its Python half, the venv being
    this one): two tickets, the second one APPENDed while the service
    waits in IDLE, the folders and the status file shown, exit 0."""
    from support import REPO
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "demo_service.py")],
                          capture_output=True, text=True, timeout=180, cwd=str(REPO),
                          stdin=subprocess.DEVNULL)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    assert "a second message APPENDed while idle: a ticket" in out
    assert "The projector in room A2 does not start either" in out
    assert "folder Processed     2 message(s)" in out
    assert '"SUCCESS": 2' in out and "service stopped (SIGTERM), exit 0" in out
