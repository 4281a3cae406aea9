"""The staff API over real deliveries: the real script against the
reference GN6 server fills the journal and the quarantine, and the real
`mailtoticket.py web` serves them (docs/web.md)."""
import json
import sqlite3
import time

import pytest
import requests

from refservers.gn6.control import ReferenceServer
from support import run_mailtoticket
from web_support import (Bearer, WebServer, add_token, deliver, first_ticket, free_port,
                         gn6_desk_settings, mail, web_command, write_settings)


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """A GN6 desk with a ticket, a reply on it, three quarantined strangers,
    a web server on it, and a reader and an admin token."""
    folder = tmp_path_factory.mktemp("desk")
    with ReferenceServer(db=str(folder / "gn6.sqlite")) as gn6:
        port, data, settings = gn6_desk_settings(gn6, folder)
        first = mail(subject="Printer broken", message_id="<first@test.example>")
        assert deliver(first, settings) == "SUCCESS"
        codi = first_ticket(gn6, "Printer broken")
        reply = mail(subject="Re: [Tiquet %s] Printer broken" % codi,
                     body="Still broken.", message_id="<reply@test.example>")
        assert deliver(reply, settings) == "SUCCESS"
        for n in (1, 2, 3):
            stranger = mail(subject="Stranger %d" % n, sender="stranger%d@example.org" % n,
                            body="<b>hello</b> <script>alert(1)</script> from %d" % n,
                            message_id="<stranger%d@test.example>" % n)
            assert deliver(stranger, settings) == "REJECT"
        reader = add_token(settings, "rita", "read")
        admin = add_token(settings, "adam", "admin")
        web = WebServer(settings, port)
        try:
            yield type("Desk", (), dict(gn6=gn6, settings=settings, data=data, codi=codi,
                                        web=web, reader=Bearer(reader),
                                        admin=("adam", admin), folder=folder,
                                        reader_token=reader, admin_token=admin))
        finally:
            web.stop()


def quarantined(desk, subject, auth=None):
    found = desk.web.get("/api/quarantine", auth=auth or desk.reader).json()["items"]
    return next((e for e in found if e["subject"] == subject), None)


# -- who may see what -----------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/messages", "/api/quarantine", "/health", "/metrics",
                                  "/api/tickets/1/messages"])
def test_anonymous_requests_are_refused_with_a_basic_challenge(desk, path):
    answer = desk.web.get(path)

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Basic")
    assert "token" in answer.json()["detail"]


@pytest.mark.parametrize("method, path", [
    ("get", "/"), ("get", "/messages"), ("get", "/quarantine"), ("get", "/tickets/1"),
    ("post", "/quarantine/settings.20260101-000000-0123456789abcdef/replay")])
def test_anonymous_pages_send_to_the_login_and_do_nothing(desk, method, path):
    answer = getattr(desk.web, method)(path, headers={"Accept": "text/html"},
                                       allow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/login?next=")


def test_a_wrong_token_is_refused_and_tokens_are_stored_hashed(desk):
    assert desk.web.get("/api/messages", auth=Bearer("mtt_nope")).status_code == 401
    assert desk.web.get("/api/messages", auth=("adam", desk.reader_token)).status_code == 401
    stored = (desk.folder / "state" / "web-tokens.json").read_text()
    assert desk.reader_token not in stored and desk.admin_token not in stored
    assert oct((desk.folder / "state" / "web-tokens.json").stat().st_mode & 0o777) == "0o600"
    listed = web_command(desk.settings, "--list-tokens").stdout
    assert "rita" in listed and "admin" in listed and desk.admin_token not in listed


def test_the_reader_may_not_act_on_the_quarantine(desk):
    entry = quarantined(desk, "Stranger 1")

    detail = desk.web.get("/api/quarantine/" + entry["id"], auth=desk.reader).json()
    replay = desk.web.post("/api/quarantine/%s/replay" % entry["id"], auth=desk.reader)

    assert detail["body"] is None and detail["reason"].startswith("no filter applies")
    assert replay.status_code == 403
    assert desk.web.get("/api/missing", auth=desk.reader).status_code == 403


# -- messages -------------------------------------------------------------------

def test_search_by_sender_ticket_outcome_and_message_id(desk):
    by_sender = desk.web.get("/api/messages", auth=desk.reader,
                             params={"sender": "Jaume.Moral@upc.edu"}).json()
    by_ticket = desk.web.get("/api/messages", auth=desk.admin,
                             params={"ticket": desk.codi}).json()
    rejected = desk.web.get("/api/messages", auth=desk.reader,
                            params={"outcome": "REJECT", "limit": 2}).json()
    by_id = desk.web.get("/api/messages", auth=desk.reader,
                         params={"message_id": "first@test.example"}).json()

    assert {m["subject"] for m in by_sender["items"]} >= {"Printer broken",
                                                          "Re: [Tiquet %s] Printer broken"
                                                          % desk.codi}
    assert by_ticket["total"] >= 2 and all(m["ticket"] == desk.codi
                                           for m in by_ticket["items"])
    assert rejected["total"] == 3 and len(rejected["items"]) == 2
    [first] = by_id["items"]
    assert first["outcome"] == "SUCCESS" and first["sender"] == "jaume.moral@upc.edu"


def test_search_by_time_range_and_pages(desk):
    today = time.strftime("%Y-%m-%d")
    page1 = desk.web.get("/api/messages", auth=desk.reader,
                         params={"since": today, "limit": 2}).json()
    page2 = desk.web.get("/api/messages", auth=desk.reader,
                         params={"since": today, "limit": 2, "offset": 2}).json()
    future = desk.web.get("/api/messages", auth=desk.reader,
                          params={"since": "2999-01-01"}).json()

    assert page1["total"] == page2["total"] >= 5
    assert not {m["id"] for m in page1["items"]} & {m["id"] for m in page2["items"]}
    assert future["total"] == 0


def test_one_message_tells_its_steps_writes_and_where_it_is(desk):
    [reply] = desk.web.get("/api/messages", auth=desk.reader,
                           params={"message_id": "<reply@test.example>"}).json()["items"]

    found = desk.web.get("/api/messages/" + reply["id"], auth=desk.reader).json()

    assert found["outcome"] == "SUCCESS" and found["ticket"] == desk.codi
    assert found["comments"] == [desk.codi] and found["comments_done"] == 1
    assert "comment:%s" % desk.codi in [s["name"] for s in found["steps"]]
    assert found["filter"] == "filtres.reply.FiltreReply" and found["attempts"] == 1
    assert found["where"]["place"] == "acknowledged"


def test_a_tickets_mails_come_oldest_first(desk):
    thread = desk.web.get("/api/tickets/%s/messages" % desk.codi, auth=desk.reader).json()

    assert [m["message_id"] for m in thread["items"]][:2] == ["<first@test.example>",
                                                              "<reply@test.example>"]


@pytest.mark.parametrize("path, status", [
    ("/api/messages?limit=100000", 400),
    ("/api/messages?limit=0", 400),
    ("/api/messages?offset=-1", 400),
    ("/api/messages?since=yesterday", 400),
    ("/api/messages?until=2026-13-45", 400),
    ("/api/messages?outcome=LOST", 400),
    ("/api/messages?queue=../../etc", 400),
    ("/api/messages?queue=nosuchqueue", 404),
    ("/api/messages?offset=99999999999999999999999", 400),
    ("/api/messages?limit=1e3", 400),
    ("/api/messages?since=2026-02-30", 400),
    ("/api/missing?days=99999999999999999999", 400),
    ("/api/tickets/%1E/messages", 400),
    ("/api/tickets/%E2%82%AC/messages", 400),
    ("/api/messages/settings.%00%00%00%00", 404),
    ("/api/quarantine/settings.99999999-999999-ffffffffffffffff", 404),
    ("/api/messages/settings.Li4vLi4vZXRjL3Bhc3N3ZA", 404),
    ("/api/messages/..%2F..%2Fetc%2Fpasswd", 404),
    ("/api/quarantine/settings.20260101-000000-..%2F..%2Fsecret", 404),
    ("/api/quarantine/..%2Fsettings.yaml", 404),
    ("/api/quarantine/settings.20260101-000000-0123456789abcdef", 404),
    ("/api/tickets/a%20b%3Bdrop/messages", 400),
    ("/api/nothing", 404),
])
def test_bad_input_gets_a_clear_4xx_and_never_a_traceback(desk, path, status):
    answer = desk.web.get(path, auth=desk.admin)

    assert answer.status_code == status, answer.text
    assert answer.json()["detail"] and "Traceback" not in answer.text


def test_odd_text_searches_find_nothing_rather_than_fail(desk):
    for query in ("sender=%C3%A9%F0%9F%98%80%00x", "message_id=%FF%FE%C0", "ticket=A-1_b"):
        answer = desk.web.get("/api/messages?" + query, auth=desk.reader)
        assert answer.status_code == 200 and answer.json()["total"] == 0, answer.text


@pytest.mark.parametrize("method, path", [("delete", "/api/messages"), ("put", "/health"),
                                          ("post", "/api/messages"), ("get", "/api/missing/1")])
def test_a_wrong_method_is_a_clear_405_or_404(desk, method, path):
    answer = requests.request(method, desk.web.url + path, auth=desk.admin, timeout=30)

    assert answer.status_code in (404, 405) and answer.json()["detail"]


def test_an_oversized_body_is_refused_before_it_is_read_and_nothing_changes(desk):
    entry = quarantined(desk, "Stranger 3")
    huge = b'{"ticket": "' + b"1" * 200000 + b'"}'
    url = desk.web.url + "/api/quarantine/%s/link" % entry["id"]

    said = requests.post(url, data=huge, auth=desk.admin, timeout=30,
                         headers={"Content-Type": "application/json"})
    streamed = requests.post(url, data=iter([huge[i:i + 8192]
                                              for i in range(0, len(huge), 8192)]),
                             auth=desk.admin, timeout=30,
                             headers={"Content-Type": "application/json"})
    form = requests.post(desk.web.url + "/login", data={"token": "x" * 100000}, timeout=30)

    assert [said.status_code, streamed.status_code, form.status_code] == [413, 413, 413]
    assert "larger than" in streamed.json()["detail"]
    assert quarantined(desk, "Stranger 3") is not None


# -- the quarantine: the admin's actions ------------------------------------------

def test_the_quarantine_lists_newest_first_in_pages(desk):
    whole = desk.web.get("/api/quarantine", auth=desk.reader).json()
    second = desk.web.get("/api/quarantine", auth=desk.reader,
                          params={"limit": 1, "offset": 1}).json()

    assert [e["subject"] for e in whole["items"]] == ["Stranger 3", "Stranger 2", "Stranger 1"]
    assert second["total"] == 3 and [e["subject"] for e in second["items"]] == ["Stranger 2"]


def test_the_admin_sees_the_body_as_text_headers_and_reason(desk):
    entry = quarantined(desk, "Stranger 2", desk.admin)

    found = desk.web.get("/api/quarantine/" + entry["id"], auth=desk.admin).json()

    assert "<script>alert(1)</script> from 2" in found["body"]
    assert ["From", "stranger2@example.org"] in found["headers"]
    assert found["outcome"] == "REJECT" and found["from"] == "stranger2@example.org"
    audit = json.loads((desk.folder / "state" / "web-audit.log").read_text()
                       .splitlines()[-1])
    assert (audit["who"], audit["action"], audit["target"]) == ("adam", "read_body",
                                                                 entry["id"])


def test_replay_follows_the_replay_rules_and_leaves_the_quarantine(desk):
    entry = quarantined(desk, "Stranger 1")
    still = desk.web.post("/api/quarantine/%s/replay" % entry["id"], auth=desk.admin)
    assert still.status_code == 200 and still.json()["outcome"] == "REJECT"
    assert quarantined(desk, "Stranger 1") is not None
    write_settings(desk.settings, dict(desk.data, mails_addicionals={
        "stranger1@example.org": "anna.puig"}))

    done = desk.web.post("/api/quarantine/%s/replay" % entry["id"], auth=desk.admin).json()

    assert done["outcome"] == "SUCCESS" and done["ticket"]
    assert desk.gn6.ticket(done["ticket"])["assumpte"] == "Stranger 1"
    assert quarantined(desk, "Stranger 1") is None
    again = desk.web.post("/api/quarantine/%s/replay" % entry["id"], auth=desk.admin)
    assert again.status_code == 404
    message = desk.web.get("/api/messages/" + entry["message"], auth=desk.reader).json()
    assert message["outcome"] == "SUCCESS" and message["where"]["place"] == \
        "quarantine/replayed"
    audit = [json.loads(l) for l in (desk.folder / "state" / "web-audit.log").read_text()
             .splitlines()]
    assert {"who": "adam", "action": "replay"}.items() <= audit[-1].items()


def test_discard_moves_aside_and_keeps_the_file(desk):
    entry = quarantined(desk, "Stranger 2")

    done = desk.web.post("/api/quarantine/%s/discard" % entry["id"], auth=desk.admin).json()

    assert quarantined(desk, "Stranger 2") is None
    kept = desk.folder / "quarantine" / done["moved_to"]
    assert kept.exists() and b"Stranger 2" in kept.read_bytes()
    assert done["kept_days"] == 30
    audit = json.loads((desk.folder / "state" / "web-audit.log").read_text()
                       .splitlines()[-1])
    assert (audit["who"], audit["action"], audit["target"]) == ("adam", "discard",
                                                                 entry["id"])


def test_discarded_files_are_deleted_only_after_the_retention_period(tmp_path):
    import os
    from web.actions import move_aside, prune_discarded
    from web.config import Queue, build
    settings = type("S", (), {"quarantine_path": str(tmp_path)})()
    config = build({"discard_days": 30}, [Queue("q", settings)], [], str(tmp_path / "s"))
    for name in ("old", "new"):
        (tmp_path / ("20260101-000000-%s.eml" % name)).write_bytes(b"x")
        move_aside(str(tmp_path / ("20260101-000000-%s.eml" % name)), "discarded")
    old = tmp_path / "discarded" / "20260101-000000-old.eml"
    os.utime(old, (time.time() - 31 * 86400,) * 2)

    prune_discarded(config)

    assert not old.exists() and (tmp_path / "discarded" / "20260101-000000-new.eml").exists()


def test_link_by_hand_comments_on_the_named_ticket_exactly_once(desk):
    entry = quarantined(desk, "Stranger 3")
    before = len(desk.gn6.ticket(desk.codi)["comentaris"])

    done = desk.web.post("/api/quarantine/%s/link" % entry["id"], auth=desk.admin,
                         json={"ticket": desk.codi})
    again = desk.web.post("/api/messages/%s/link" % entry["message"], auth=desk.admin,
                          json={"ticket": desk.codi})

    assert done.status_code == 200, done.text
    assert again.status_code == 200 and "already" in again.json()["detail"]
    comments = desk.gn6.ticket(desk.codi)["comentaris"]
    assert len(comments) == before + 1 and "from 3" in json.dumps(comments)
    thread = desk.web.get("/api/tickets/%s/messages" % desk.codi, auth=desk.reader).json()
    assert "<stranger3@test.example>" in [m["message_id"] for m in thread["items"]]
    message = desk.web.get("/api/messages/" + entry["message"], auth=desk.reader).json()
    assert message["outcome"] == "SUCCESS" and message["linked"][0]["by"] == "adam"
    assert message["where"]["place"] == "quarantine/linked"
    log = (desk.folder / "state" / "web-audit.log").read_text()
    assert '"who": "adam", "action": "link"' in log


def test_link_to_an_unknown_ticket_is_refused_and_the_message_stays(desk):
    write_settings(desk.settings, desk.data)
    raw = mail(subject="Stranger 4", sender="stranger4@example.org")
    assert deliver(raw, desk.settings) == "REJECT"
    entry = quarantined(desk, "Stranger 4")

    refused = desk.web.post("/api/quarantine/%s/link" % entry["id"], auth=desk.admin,
                            json={"ticket": "999999"})
    bad = desk.web.post("/api/quarantine/%s/link" % entry["id"], auth=desk.admin,
                        json={"ticket": "../1"})

    assert refused.status_code == 409 and "does not exist" in refused.json()["detail"]
    assert bad.status_code == 400
    assert quarantined(desk, "Stranger 4") is not None


def test_a_cross_site_post_is_refused_even_with_credentials(desk):
    entry = quarantined(desk, "Stranger 4")

    answer = desk.web.post("/api/quarantine/%s/discard" % entry["id"], auth=desk.admin,
                           headers={"Origin": "https://evil.example",
                                    "Sec-Fetch-Site": "cross-site"})

    assert answer.status_code == 403 and quarantined(desk, "Stranger 4") is not None


# -- missing tickets, health, metrics --------------------------------------------------

def test_missing_tickets_names_the_journal_record_whose_ticket_is_gone(desk):
    raw = mail(subject="Doomed ticket", message_id="<doomed@test.example>")
    assert deliver(raw, desk.settings) == "SUCCESS"
    [codi] = [t["codi"] for t in desk.gn6.tickets() if t["assumpte"] == "Doomed ticket"]
    with sqlite3.connect(str(desk.folder / "gn6.sqlite")) as db:   # deleted in GN6
        db.execute("DELETE FROM tickets WHERE codi=?", (int(codi),))

    command = run_mailtoticket(b"", desk.settings, "--missing", "7")
    api = desk.web.get("/api/missing", auth=desk.admin, params={"days": 7}).json()

    assert command.returncode == 1, command.stdout
    [line] = [l for l in command.stdout.decode().splitlines() if l.startswith("MISSING ")]
    assert "<doomed@test.example>" in line and "ticket %s unknown" % codi in line
    assert [m["missing_ticket"] for m in api["missing"]] == [codi]
    assert api["checked"] >= 3 and not api["problems"]
    audit = json.loads((desk.folder / "state" / "web-audit.log").read_text()
                       .splitlines()[-1])
    assert (audit["who"], audit["action"], audit["result"]["missing"]) == ("adam", "missing", 1)


def test_health_without_a_service_reports_the_quarantine_as_degraded(desk):
    answer = desk.web.get("/health", auth=desk.reader)
    nagios = desk.web.get("/health?format=nagios", auth=desk.reader)

    assert answer.status_code == 200
    assert answer.json()["status"] == "degraded" and answer.json()["service"] is False
    assert nagios.text.startswith("WARNING - mailtoticket degraded")


def test_health_reads_the_service_status_file_per_mailbox(desk):
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    old = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 3600))
    status = {"updated": now, "pid": 1, "started": old, "mailboxes": [
        {"name": "suport", "server": "imap.example.org", "folder": "INBOX",
         "last_fetch_ok": old, "last_error": "connection refused", "error_since": old,
         "backlog": 4, "oldest_waiting": old, "quarantine_folder_count": 1,
         "token_refresh_failures": 2, "idle": False,
         "deliveries": {"SUCCESS": 7, "REJECT": 1}}]}
    path = desk.folder / "state" / "service-status.json"
    path.write_text(json.dumps(status))
    try:
        failing = desk.web.get("/health", auth=desk.reader)
        metrics = desk.web.get("/metrics", auth=desk.reader).text
    finally:
        path.unlink()

    assert failing.status_code == 503
    [box] = failing.json()["mailboxes"]
    assert box["status"] == "failing" and box["backlog"] == 4
    assert 'mailtoticket_backlog_messages{mailbox="suport"} 4.0' in metrics
    assert 'mailtoticket_token_refresh_failures_total{mailbox="suport"} 2.0' in metrics
    assert 'mailtoticket_mailbox_deliveries_total{mailbox="suport",outcome="SUCCESS"} 7.0' \
        in metrics
    assert_named_as_prometheus_expects(metrics, mailboxes=True)


UNITS = ("_messages", "_seconds", "_retries")
BOOLEANS = {"mailtoticket_mailbox_error"}


def assert_named_as_prometheus_expects(text, mailboxes=False):
    """Prometheus's naming rules: one prefix, a unit at the end of a gauge's
    or histogram's name, _total only (and always) on a counter."""
    types = dict(line.split()[2:4] for line in text.splitlines()
                 if line.startswith("# TYPE "))
    assert all(name.startswith("mailtoticket_") for name in types), types
    for name, kind in types.items():
        if kind == "counter":
            assert name.endswith("_total"), name
        elif name not in BOOLEANS and not name.endswith(("_gcount", "_gsum")):
            assert not name.endswith("_total") and name.endswith(UNITS), (name, kind)
    assert "mailtoticket_backlog_messages" in types or not mailboxes
    assert "mailtoticket_oldest_waiting_seconds" in types


def test_metrics_count_deliveries_by_queue_and_outcome(desk):
    text = desk.web.get("/metrics", auth=desk.reader).text

    assert 'mailtoticket_journal_messages{outcome="SUCCESS",queue="settings"}' in text
    assert 'mailtoticket_quarantine_messages{queue="settings"}' in text
    assert 'mailtoticket_delivery_seconds_bucket{le="+Inf",queue="settings"}' in text
    assert "mailtoticket_journal_retries{" in text
    assert_named_as_prometheus_expects(text)


def test_health_and_metrics_open_without_login_only_by_setting(desk, tmp_path):
    port = free_port()
    opened = write_settings(tmp_path / "open.yaml", dict(
        desk.data, web={"listen": "127.0.0.1:%d" % port, "open": ["health", "metrics"],
                        "tokens_file": str(desk.folder / "state" / "web-tokens.json")}))
    web = WebServer(opened, port)
    try:
        assert web.get("/health").status_code == 200
        assert web.get("/metrics").status_code == 200
        assert web.get("/api/messages").status_code == 401
    finally:
        web.stop()


def test_a_bad_web_setting_is_named_at_once(tmp_path, desk):
    bad = write_settings(tmp_path / "bad.yaml", dict(desk.data, web={"open": ["api"]}))

    done = web_command(bad, "--list-tokens")

    assert done.returncode == 1 and "web.open" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_message_waiting_after_an_outage_is_found_counted_and_placed(desk):
    from support import header
    desk.gn6.set_mode("outage")
    try:
        waiting = run_mailtoticket(mail(subject="During the outage"), desk.settings)
    finally:
        desk.gn6.set_mode("normal")
    assert waiting.returncode == 75 and header(waiting) is None

    [found] = desk.web.get("/api/messages", auth=desk.reader,
                           params={"outcome": "WAITING"}).json()["items"]
    one = desk.web.get("/api/messages/" + found["id"], auth=desk.reader).json()
    metrics = desk.web.get("/metrics", auth=desk.reader).text

    assert found["subject"] == "During the outage"
    assert one["where"]["place"] == "mailbox" and "deferred" in [s["name"] for s in one["steps"]]
    assert 'mailtoticket_bus_error_messages{kind="unavailable",queue="settings"} 1.0' in metrics
    assert 'mailtoticket_waiting_messages{queue="settings"} 1.0' in metrics


def test_a_broken_token_file_is_a_503_not_a_traceback(desk, tmp_path):
    port = free_port()
    broken = tmp_path / "tokens.json"
    broken.write_text("{not json")
    settings = write_settings(tmp_path / "broken.yaml", dict(
        desk.data, web={"listen": "127.0.0.1:%d" % port, "tokens_file": str(broken)}))
    web = WebServer(settings, port)
    try:
        answer = web.get("/api/messages", auth=("adam", desk.admin_token))
        said = web.output()
    finally:
        web.stop()

    assert answer.status_code == 503 and "token file" in answer.json()["detail"]
    assert "Traceback" not in answer.text and "tokens.json unreadable" in said


def test_a_removed_token_is_refused_at_once(desk):
    token = add_token(desk.settings, "temp", "read")
    assert desk.web.get("/api/quarantine", auth=Bearer(token)).status_code == 200

    removed = web_command(desk.settings, "--remove-token", "temp")
    unknown = web_command(desk.settings, "--remove-token", "temp")

    assert removed.returncode == 0 and unknown.returncode == 1
    assert "no token named 'temp'" in unknown.stderr
    assert desk.web.get("/api/quarantine", auth=Bearer(token)).status_code == 401


def test_health_maps_ok_degraded_failing_to_200_200_503_for_a_load_balancer(desk, tmp_path):
    """A fresh desk is ok; a message in its quarantine makes it degraded;
    a journal that cannot be read makes it failing. The server writes
    nothing but into its state folder meanwhile."""
    port, state = free_port(), tmp_path / "state"
    data = {k: v for k, v in desk.data.items() if k not in ("journal", "quarantine_dir")}
    settings = write_settings(tmp_path / "fresh.yaml", dict(
        data, state_dir=str(state), log_file=str(state / "mailtoticket.log"),
        web={"listen": "127.0.0.1:%d" % port, "open": ["health"]}))
    before = set(tmp_path.rglob("*"))
    web = WebServer(settings, port)
    try:
        seen = [(web.get("/health").status_code,
                 web.get("/health?format=nagios").text.split(" - ")[0])]
        raw = mail(subject="Stranger 9", sender="stranger9@example.org")
        assert deliver(raw, settings) == "REJECT"
        seen.append((web.get("/health").status_code,
                     web.get("/health?format=nagios").text.split(" - ")[0]))
        journal = next(state.rglob("*.sqlite"))
        journal.rename(journal.with_suffix(".moved"))
        journal.mkdir()                 # where the journal was, a folder: unreadable
        failing = web.get("/health")
        seen.append((failing.status_code,
                     web.get("/health?format=nagios").text.split(" - ")[0]))
    finally:
        web.stop()

    assert seen == [(200, "OK"), (200, "WARNING"), (503, "CRITICAL")]
    assert failing.json()["status"] == "failing"
    assert "journal unreadable" in failing.json()["queues"][0]["problems"][0]
    written = {p for p in set(tmp_path.rglob("*")) - before if not p.is_dir()}
    outside = [p for p in written if state not in p.parents
               and p != tmp_path / "fresh.yaml.web.log"]
    assert written and not outside, outside


def test_the_server_listens_on_loopback_unless_told_and_warns_when_it_is_not(tmp_path):
    from web.config import build, exposure_warning
    default = build({}, [], [], str(tmp_path))
    public = build({"listen": "0.0.0.0:8443"}, [], [], str(tmp_path))
    behind = build({"listen": "[::1]:8025"}, [], [], str(tmp_path))

    assert (default.host, default.port) == ("127.0.0.1", 8025)
    assert exposure_warning(default) is None and exposure_warning(behind) is None
    said = exposure_warning(public)
    assert "0.0.0.0:8443 is not loopback" in said and "reverse proxy" in said
    assert "web.secure_cookies" in said


@pytest.mark.parametrize("path, status", [
    ("/messages/..%2F..%2Fetc%2Fpasswd", 404),
    ("/messages/settings.Li4vLi4vZXRjL3Bhc3N3ZA", 404),
    ("/quarantine/settings.20260101-000000-..%2F..%2Fsecret", 404),
    ("/tickets/a%20b%3Bdrop", 400),
    ("/tickets/%E2%82%AC", 400),
    ("/messages?since=2026-02-30", 400),
    ("/messages?page=0", 400),
    ("/messages?page=99999999999999999999", 400),
    ("/messages?queue=nosuchqueue", 404),
])
def test_bad_input_on_the_pages_is_an_error_page_never_a_traceback(desk, path, status):
    answer = desk.web.get(path, auth=desk.admin, headers={"Accept": "text/html"})

    assert answer.status_code == status, answer.text[:300]
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "Traceback" not in answer.text and "<main" in answer.text
