"""The staff API over a PostgreSQL journal (docs/journal.md): the same
queries as on SQLite (search, one message, a ticket's mails, health,
metrics, missing) answered by the real cluster of tests/postgres_server.py
after real deliveries into the reference GN6 server."""
import time

import pytest

from refservers.gn6.control import ReferenceServer
from support import header, run_mailtoticket
from web_support import (Bearer, WebServer, add_token, deliver, first_ticket,
                         gn6_desk_settings, mail, write_settings)


@pytest.fixture(scope="module")
def desk(tmp_path_factory, postgres):
    folder = tmp_path_factory.mktemp("pg-desk")
    schema = postgres.new_schema()
    with ReferenceServer(db=str(folder / "gn6.sqlite")) as gn6:
        port, data, _ = gn6_desk_settings(gn6, folder)
        data.update(postgres.journal_settings(schema))
        settings = write_settings(folder / "settings.yaml", data)
        assert deliver(mail(subject="Printer broken", message_id="<pg-first@test.example>"),
                       settings) == "SUCCESS"
        codi = first_ticket(gn6, "Printer broken")
        assert deliver(mail(subject="Re: [Tiquet %s] Printer broken" % codi,
                            body="Still broken.", message_id="<pg-reply@test.example>"),
                       settings) == "SUCCESS"
        assert deliver(mail(subject="Stranger", sender="stranger@example.org",
                            message_id="<pg-stranger@test.example>"), settings) == "REJECT"
        gn6.set_mode("outage")
        try:
            waiting = run_mailtoticket(mail(subject="During the outage"), settings)
        finally:
            gn6.set_mode("normal")
        assert waiting.returncode == 75 and header(waiting) is None
        token = add_token(settings, "adam", "admin")
        web = WebServer(settings, port)
        try:
            yield type("Desk", (), dict(gn6=gn6, codi=codi, web=web, auth=Bearer(token),
                                        postgres=postgres, schema=schema))
        finally:
            web.stop()


def get(desk, path, **params):
    answer = desk.web.get(path, auth=desk.auth, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_journal_searched_is_the_postgresql_one(desk):
    [(count,)] = desk.postgres.rows(desk.schema, "SELECT COUNT(*) FROM entries")

    assert count == 4 and get(desk, "/api/messages")["total"] == 4


def test_search_on_postgresql_by_sender_ticket_outcome_id_and_time(desk):
    today = time.strftime("%Y-%m-%d")

    by_sender = get(desk, "/api/messages", sender="STRANGER@example.org")
    by_ticket = get(desk, "/api/messages", ticket=desk.codi)
    by_id = get(desk, "/api/messages", message_id="pg-first@test.example")
    waiting = get(desk, "/api/messages", outcome="WAITING")
    page = get(desk, "/api/messages", since=today, limit=3, offset=3)
    future = get(desk, "/api/messages", since="2999-01-01")

    assert [m["subject"] for m in by_sender["items"]] == ["Stranger"]
    assert by_sender["items"][0]["outcome"] == "REJECT"
    assert {m["message_id"] for m in by_ticket["items"]} == {"<pg-first@test.example>",
                                                           "<pg-reply@test.example>"}
    assert by_id["items"][0]["ticket"] == desk.codi
    assert [m["subject"] for m in waiting["items"]] == ["During the outage"]
    assert page["total"] == 4 and len(page["items"]) == 1 and future["total"] == 0


def test_one_message_on_postgresql_tells_its_steps_and_where_it_is(desk):
    [reply] = get(desk, "/api/messages", message_id="<pg-reply@test.example>")["items"]
    [late] = get(desk, "/api/messages", outcome="WAITING")["items"]

    found = get(desk, "/api/messages/" + reply["id"])
    waiting = get(desk, "/api/messages/" + late["id"])

    assert found["outcome"] == "SUCCESS" and found["comments"] == [desk.codi]
    assert "comment:%s" % desk.codi in [s["name"] for s in found["steps"]]
    assert waiting["where"]["place"] == "mailbox"
    assert "deferred" in [s["name"] for s in waiting["steps"]]


def test_a_tickets_mails_on_postgresql_come_oldest_first(desk):
    thread = get(desk, "/api/tickets/%s/messages" % desk.codi)

    assert [m["message_id"] for m in thread["items"]] == ["<pg-first@test.example>",
                                                         "<pg-reply@test.example>"]


def test_health_metrics_and_missing_read_the_postgresql_journal(desk):
    health = get(desk, "/health")
    metrics = desk.web.get("/metrics", auth=desk.auth).text
    missing = get(desk, "/api/missing", days=1)

    [queue] = health["queues"]
    assert queue["waiting"] == 1 and queue["quarantine_size"] == 1
    assert 'mailtoticket_journal_messages{outcome="SUCCESS",queue="settings"} 2.0' in metrics
    assert 'mailtoticket_waiting_messages{queue="settings"} 1.0' in metrics
    assert 'mailtoticket_bus_error_messages{kind="unavailable",queue="settings"} 1.0' in metrics
    assert missing["checked"] >= 2 and missing["missing"] == [] and not missing["problems"]


def test_the_dashboard_counts_today_from_the_postgresql_journal(desk):
    import re
    page = desk.web.get("/", auth=desk.auth, headers={"Accept": "text/html"})

    assert page.status_code == 200
    counted = dict(re.findall(r'outcome=(\w+)&amp;since=[\d-]+">(\d+)</a>', page.text))
    assert counted == {"SUCCESS": "2", "SKIP": "0", "REJECT": "1", "ERROR": "0",
                       "WAITING": "1"}
