"""The web server on a service file: its mailboxes and routed queues, the
service's status file, and the processed folder of a real dovecot checked
for mail the journal does not know."""
import json
import time

import pytest
import yaml

import mailbox as mb
from conftest import base_settings
from refservers.gn6.control import ReferenceServer
from support import mail
from web_support import Bearer, WebServer, add_token, deliver, free_port, web_command, \
    write_settings


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    folder = tmp_path_factory.mktemp("service")
    box = mb.Mailbox()        # skips, or fails under CI, without dovecot
    with ReferenceServer() as gn6, box:
        port = free_port()
        main = write_settings(folder / "suport.yaml", dict(
            base_settings(gn6, folder / "suport"), state_dir=str(folder / "suport")))
        xarxa = write_settings(folder / "xarxa.yaml", dict(     # one state folder for both
            base_settings(gn6, folder / "suport"), state_dir=str(folder / "suport"),
            equip_resolutor_nous="XARXES"))
        (folder / "imap.secret").write_text(mb.PASSWORD + "\n")
        service_file = folder / "service.yaml"
        service_file.write_text(yaml.safe_dump({
            "state_dir": str(folder / "state"),
            "web": {"listen": "127.0.0.1:%d" % port},
            "mailboxes": [{
                "name": "suport", "server": "127.0.0.1", "port": box.port, "tls": "none",
                "login": {"user": mb.USER, "password_file": str(folder / "imap.secret")},
                "folder": "INBOX", "processed_folder": "Processed",
                "quarantine_folder": "Quarantine", "idle": True,
                "settings": str(main),
                "routes": [{"recipient": "xarxa@upc.edu", "settings": str(xarxa)}]}]}))
        # as the service hands it over: the bytes IMAP gives (CRLF lines)
        handled = mail(subject="Handled one", message_id="<handled@test.example>",
                       body="Misrouted: this belongs to the switch ticket.").replace(
                           b"\n", b"\r\n")
        routed = mail(subject="Switch down", to="xarxa@upc.edu",
                      message_id="<routed@test.example>")
        assert deliver(handled, main) == "SUCCESS"
        assert deliver(routed, xarxa) == "SUCCESS"
        assert deliver(mail(subject="Who am I", sender="nobody@example.org", to="xarxa@upc.edu"),
                       xarxa) == "REJECT"
        lost = mail(subject="Never journalled", message_id="<lost@test.example>")
        auto = mail(subject="Out of office", sender="anna.puig@upc.edu",
                    Auto_Submitted="auto-replied", message_id="<ooo@test.example>")
        box.append(handled, routed, lost, auto, folder="Processed", seen=True)
        token = add_token(service_file, "adam", "admin")
        web = WebServer(service_file, port)
        try:
            yield type("Service", (), dict(web=web, file=service_file, folder=folder,
                                           auth=Bearer(token), gn6=gn6))
        finally:
            web.stop()


def test_the_service_queues_are_all_searched_and_say_where_the_mail_is(service):
    found = service.web.get("/api/messages", auth=service.auth).json()
    xarxa = service.web.get("/api/messages", auth=service.auth,
                            params={"queue": "xarxa"}).json()
    kept = service.web.get("/api/quarantine", auth=service.auth).json()
    metrics = service.web.get("/metrics", auth=service.auth).text

    assert sorted((m["queue"], m["subject"]) for m in found["items"]) == [
        ("suport", "Handled one"), ("xarxa", "Switch down"), ("xarxa", "Who am I")]
    assert xarxa["total"] == 2
    assert [(e["queue"], e["subject"]) for e in kept["items"]] == [("xarxa", "Who am I")]
    assert 'mailtoticket_quarantine_messages{queue="suport"} 0.0' in metrics
    assert 'mailtoticket_journal_messages{outcome="SUCCESS",queue="xarxa"} 1.0' in metrics
    routed = [m for m in found["items"] if m["subject"] == "Switch down"][0]
    one = service.web.get("/api/messages/" + routed["id"], auth=service.auth).json()
    assert one["where"] == {"place": "processed folder", "quarantine_id": None,
                            "detail": "Processed of mailbox suport"}


def test_a_misrouted_message_is_linked_from_the_processed_folder_once(service):
    found = service.web.get("/api/messages", auth=service.auth).json()["items"]
    handled = [m for m in found if m["subject"] == "Handled one"][0]
    switch = [m for m in found if m["subject"] == "Switch down"][0]["ticket"]
    before = len(service.gn6.ticket(switch)["comentaris"])

    linked = service.web.post("/api/messages/%s/link" % handled["id"], auth=service.auth,
                              json={"ticket": switch})
    again = service.web.post("/api/messages/%s/link" % handled["id"], auth=service.auth,
                             json={"ticket": switch})

    assert linked.status_code == 200, linked.text
    assert again.status_code == 200 and "already" in again.json()["detail"]
    comments = service.gn6.ticket(switch)["comentaris"]
    assert len(comments) == before + 1 and "belongs to the switch" in json.dumps(comments)
    one = service.web.get("/api/messages/" + handled["id"], auth=service.auth).json()
    assert one["linked"][0]["ticket"] == switch and one["where"]["place"] == "processed folder"


def test_missing_names_processed_mail_with_no_journal_record(service):
    command = web_command(service.file, "--missing", "7")
    api = service.web.get("/api/missing", auth=service.auth, params={"days": 7}).json()

    assert command.returncode == 1, command.stdout + command.stderr
    [line] = [l for l in command.stdout.splitlines() if l.startswith("MISSING ")]
    assert "<lost@test.example>" in line and "Processed of mailbox suport" in line
    [lost] = [m for m in api["missing"] if m["kind"] == "unjournalled"]
    assert lost["message_id"] == "<lost@test.example>" and api["skipped"] == 1
    assert not api["problems"]


def test_health_follows_the_service_status_file(service):
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    status = {"updated": now, "pid": 1, "started": now, "mailboxes": [
        {"name": "suport", "server": "127.0.0.1", "folder": "INBOX", "last_fetch_ok": now,
         "last_error": None, "error_since": None, "backlog": 0, "oldest_waiting": None,
         "quarantine_folder_count": 0, "token_refresh_failures": 0, "idle": True,
         "deliveries": {"SUCCESS": 2}}]}
    (service.folder / "state").mkdir(exist_ok=True)
    (service.folder / "state" / "service-status.json").write_text(json.dumps(status))

    [kept] = service.web.get("/api/quarantine", auth=service.auth).json()["items"]
    assert service.web.get("/health?format=nagios", auth=service.auth).text.startswith(
        "WARNING - mailtoticket degraded: queue xarxa: 1 message(s) in the quarantine")
    service.web.post("/api/quarantine/%s/discard" % kept["id"], auth=service.auth)
    ok = service.web.get("/health?format=nagios", auth=service.auth)
    status["mailboxes"][0].update(last_error="login refused", error_since=now)
    (service.folder / "state" / "service-status.json").write_text(json.dumps(status))
    degraded = service.web.get("/health", auth=service.auth)
    status["mailboxes"] = []
    (service.folder / "state" / "service-status.json").write_text(json.dumps(status))
    forgotten = service.web.get("/health", auth=service.auth)

    assert ok.status_code == 200 and ok.text.startswith("OK - mailtoticket ok")
    assert degraded.status_code == 200 and degraded.json()["status"] == "degraded"
    assert "login refused" in degraded.json()["mailboxes"][0]["problems"][0]
    assert forgotten.status_code == 503
    assert "not in the service's status file" in forgotten.json()["mailboxes"][0]["problems"][0]


def test_the_service_can_run_the_server_in_a_thread_and_stop_it(service):
    import threading
    import requests
    from web.app import Server
    from web.config import from_service
    mapping = yaml.safe_load(service.file.read_text())
    port = free_port()
    mapping["web"] = {"listen": "127.0.0.1:%d" % port, "open": ["health"]}
    server = Server(from_service(mapping, base=str(service.folder)), log_level="warning")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        give_up = time.monotonic() + 30
        while not server.started and time.monotonic() < give_up:
            time.sleep(0.02)
        answer = requests.get("http://127.0.0.1:%d/health" % port, timeout=10)
    finally:
        server.stop()
        thread.join(timeout=10)

    assert answer.status_code in (200, 503) and answer.json()["service"] is True
    assert not thread.is_alive()
