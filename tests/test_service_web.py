"""The staff web server served by the service: `serve -c FILE` with a
`web:` mapping runs it in its own process (/health and the dashboard
show the live status, SIGTERM ends both, SIGHUP brings it back), and the
web's processed-folder work (the missing-tickets check, linking a mail
from the processed folder) logs in as the service does, OAuth2 included:
here a Microsoft 365 app-only mailbox on dovecot's `oauth2` passdb.
"""
import signal
import socket

import pytest
import requests
import yaml

from service_support import (OAuth2Server, Service, mailbox_entry, service_file,  # noqa: F401
                             serving, wait_for, word)
from support import codes, mail, new_tickets
from web_support import Bearer, add_token, free_port

KNOWN = "jaume.moral@upc.edu"
APP = {"client_id": "m365-app", "client_secret": "app-secret", "user": "suport",
       "scope": "https://outlook.office365.com/.default"}
# The machine's own bundle would override a session's `verify` (see test_service_oauth2.py).
ENV = {"REQUESTS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt"}


@pytest.fixture(scope="module")
def oauth(tmp_path_factory):
    server = OAuth2Server(tmp_path_factory.mktemp("oauth2"), [APP])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def box(oauth):
    yield from serving(introspect=oauth.introspect_url)


def m365(box, oauth, tmp_path, settings, folder, processed):
    secret = tmp_path / "app.secret"
    secret.write_text(APP["client_secret"] + "\n")
    entry = mailbox_entry(box, "m365", settings, folder=folder, processed_folder=processed)
    entry["login"] = {"user": "suport", "oauth2": {
        "kind": "client_credentials", "token_url": oauth.url + "/token",
        "client_id": APP["client_id"], "client_secret_file": str(secret),
        "scope": APP["scope"], "ca_file": str(oauth.ca_file)}}
    return entry


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_the_service_serves_health_and_the_dashboard_and_sigterm_stops_both(
        oauth, box, server, settings_file, tmp_path):
    folder, w, port = "web-%s" % word(), word(), free_port()
    before = codes(server)
    path = service_file(tmp_path, [m365(box, oauth, tmp_path, settings_file(), folder,
                                        "Done-" + w)],
                        web={"listen": "127.0.0.1:%d" % port})
    auth = Bearer(add_token(path, "anna", "read"))
    box.append_as("suport", folder, mail("Printer broken %s" % w, KNOWN))

    with Service(path, env=ENV) as service:
        wait_for(lambda: new_tickets(server, before), 60, "the ticket")
        url = "http://127.0.0.1:%d" % port

        def fetched():
            if not listening(port):
                return None
            found = requests.get(url + "/health", auth=auth, timeout=10).json()
            [m] = found["mailboxes"]
            return found if m["last_fetch_ok"] and found["queues"][0]["waiting"] == 0 \
                else None
        health = wait_for(fetched, 60, "the health of a fetched mailbox")
        page = requests.get(url + "/", auth=auth, timeout=10)
        anonymous = requests.get(url + "/health", timeout=10)

        assert health["status"] == "ok" and health["service"] is True
        assert health["mailboxes"][0]["name"] == "m365"
        assert health["mailboxes"][0]["token_refresh_failures"] == 0
        assert page.status_code == 200 and "m365" in page.text and "ok" in page.text
        assert anonymous.status_code == 401

        # SIGHUP: the server is made again from the file (/health opened to all)
        data = yaml.safe_load(path.read_text())
        data["web"]["open"] = ["health"]
        path.write_text(yaml.safe_dump(data))
        service.signal(signal.SIGHUP)
        wait_for(lambda: "reloaded" in service.log(), 30, "the reload")
        assert wait_for(lambda: listening(port) and requests.get(
            url + "/health", timeout=10).status_code == 200, 30,
            "the reloaded server, /health open")

        assert service.stop() == 0
    assert not listening(port), "the staff web server outlived the service"
    assert "Traceback" not in service.log()


def test_missing_tickets_and_linking_read_an_oauth2_mailboxs_processed_folder(
        oauth, box, server, settings_file, tmp_path):
    folder, w, port = "link-%s" % word(), word(), free_port()
    processed = "Done-" + w
    before = codes(server)
    path = service_file(tmp_path, [m365(box, oauth, tmp_path, settings_file(), folder,
                                        processed)],
                        web={"listen": "127.0.0.1:%d" % port})
    auth = Bearer(add_token(path, "adam", "admin"))
    box.append_as("suport", processed, mail("Never journalled %s" % w, KNOWN,
                                            message_id="<lost-%s@test.example>" % w))
    box.append_as("suport", folder, mail("Switch down %s" % w, KNOWN),
                  mail("Misrouted %s" % w, KNOWN, body="This belongs to the switch ticket."))

    with Service(path, env=ENV) as service:
        wait_for(lambda: len(new_tickets(server, before)) == 2 and
                 len(box.folder_of("suport", processed)) == 3, 60, "two tickets, filed")
        url = "http://127.0.0.1:%d" % port
        wait_for(lambda: listening(port), 30, "the staff web server")
        missing = requests.get(url + "/api/missing", params={"days": 7}, auth=auth,
                               timeout=60).json()
        found = requests.get(url + "/api/messages", auth=auth, timeout=10).json()["items"]
        [misrouted] = [m for m in found if m["subject"] == "Misrouted %s" % w]
        [switch] = [m["ticket"] for m in found if m["subject"] == "Switch down %s" % w]
        linked = requests.post(url + "/api/messages/%s/link" % misrouted["id"], auth=auth,
                               json={"ticket": switch}, timeout=120)
        assert service.stop() == 0

    assert missing["problems"] == []
    assert [(m["kind"], m["message_id"]) for m in missing["missing"]] == [
        ("unjournalled", "<lost-%s@test.example>" % w)]
    assert linked.status_code == 200, linked.text
    comments = server.ticket(switch)["comentaris"]
    assert any("belongs to the switch" in str(c) for c in comments)
    assert "Traceback" not in service.log()
