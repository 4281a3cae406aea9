"""Token logins for real: dovecot's `oauth2` passdb checks every token
against a local authorization server (refservers/oauth2, Authlib) by RFC
7662 introspection, and the service gets and refreshes its tokens there
itself, over HTTPS with the server's test CA (and REQUESTS_CA_BUNDLE set
to something else, as on this machine).

- Microsoft 365 app-only (client credentials), XOAUTH2;
- Google / Microsoft delegated: the one-time consent by
  `serve --authorize`, then the refresh-token flow, OAUTHBEARER;
- a token that expired is replaced; a revoked grant is a configuration
  failure the admin is told about once, and the authorization server is
  not asked again and again.
"""
import json
import os
import stat
import subprocess
import sys

import pytest

from service_support import (REPO, SCRIPT, OAuth2Server, Service, mailbox_entry,  # noqa: F401
                             run_once, service_file, serving, sink, status, wait_for, word)
from support import codes, mail, new_tickets

KNOWN = "jaume.moral@upc.edu"
APP = {"client_id": "m365-app", "client_secret": "app-secret", "user": "suport",
       "scope": "https://outlook.office365.com/.default"}
GOOGLE = {"client_id": "google-app", "client_secret": "google-secret", "user": "gmail",
          "redirect_uri": "http://localhost/", "scope": "https://mail.google.com/"}
LIFETIME = 3    # seconds: tokens expire within a test


@pytest.fixture(scope="module")
def box(oauth):
    yield from serving(introspect=oauth.introspect_url)


@pytest.fixture(scope="module")
def oauth(tmp_path_factory):
    server = OAuth2Server(tmp_path_factory.mktemp("oauth2"), [APP, GOOGLE],
                          expires_in=LIFETIME)
    yield server
    server.stop()


# The machine's own bundle would override a session's `verify`: the
# service must still trust the authorization server's test CA.
ENV = {"REQUESTS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt"}


def app_login(oauth, secret_file):
    return {"user": "suport", "oauth2": {
        "kind": "client_credentials", "token_url": oauth.url + "/token",
        "client_id": APP["client_id"], "client_secret_file": str(secret_file),
        "scope": APP["scope"], "ca_file": str(oauth.ca_file)}}


def google_login(oauth):
    return {"user": "gmail", "oauth2": {
        "kind": "refresh_token", "token_url": oauth.url + "/token",
        "authorize_url": oauth.url + "/authorize", "client_id": GOOGLE["client_id"],
        "client_secret_env": "GOOGLE_SECRET", "scope": GOOGLE["scope"],
        "mechanism": "oauthbearer", "ca_file": str(oauth.ca_file)}}


def requests_of(oauth, grant):
    return oauth.state()["requests"].get(grant, 0)


def expired(oauth, before):
    """Every token issued so far has expired (waited on the server)."""
    return wait_for(lambda: oauth.state()["alive"] == 0, LIFETIME + 5, "the tokens to expire")


def test_m365_app_only_xoauth2_login_and_a_new_token_after_expiry(
        oauth, box, server, settings_file, tmp_path):
    folder, w = "m365-%s" % word(), word()
    before = codes(server)
    secret = tmp_path / "app.secret"
    secret.write_text(APP["client_secret"] + "\n")
    entry = mailbox_entry(box, "m365", settings_file(), folder=folder)
    entry["login"] = app_login(oauth, secret)
    path = service_file(tmp_path, [entry])
    box.append_as("suport", folder, mail("App only %s" % w, KNOWN))
    asked = requests_of(oauth, "client_credentials")

    result = run_once(path, env=ENV)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    assert [t["assumpte"] for t in new_tickets(server, before)] == ["App only %s" % w]
    cache = tmp_path / "service-state" / "tokens" / "m365.json"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600

    expired(oauth, asked)
    box.append_as("suport", folder, mail("After expiry %s" % w, KNOWN))
    result = run_once(path, env=ENV)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    assert len(new_tickets(server, before)) == 2
    assert requests_of(oauth, "client_credentials") == asked + 2
    assert box.folder_of("suport", folder) == []

    # The app's token opens the mailbox it was granted, not another one.
    entry["login"]["user"] = "xarxa"
    path = service_file(tmp_path, [entry])
    result = run_once(path, env=ENV)
    assert result.returncode == 75
    assert "refused the login of xarxa" in status(path)["m365"]["last_error"]


def test_google_consent_then_refresh_then_revoked_grant_told_once(
        oauth, box, server, settings_file, sink, tmp_path):
    folder, w = "gmail-%s" % word(), word()
    before = codes(server)
    settings = settings_file(notificar_errors=True, notificar_errors_to=["admin@upc.edu"],
                             servidor_mail=sink.address)
    entry = mailbox_entry(box, "gmail", settings, user="gmail", folder=folder)
    entry["login"] = google_login(oauth)
    path = service_file(tmp_path, [entry], reconnect_max=1)
    env = dict(ENV, GOOGLE_SECRET=GOOGLE["client_secret"])

    # Before any consent: named, nothing fetched.
    result = run_once(path, env=env)
    assert result.returncode == 75
    assert "--authorize" in status(path)["gmail"]["last_error"]

    # The one-time consent: the URL printed, the address the browser comes back to pasted.
    consent = subprocess.Popen(
        [sys.executable, str(SCRIPT), "serve", "-c", str(path), "--authorize", "gmail"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=str(REPO),
        env=dict(os.environ, **env), text=True)
    url = next(line.strip() for line in consent.stdout if "/authorize?" in line)
    out, err = consent.communicate(oauth.consent(url) + "\n", timeout=30)
    assert consent.returncode == 0, out + err
    cache = tmp_path / "service-state" / "tokens" / "gmail.json"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert json.loads(cache.read_text())["refresh_token"]

    box.append_as("gmail", folder, mail("Gmail %s" % w, KNOWN))
    result = run_once(path, env=env)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    assert [t["assumpte"] for t in new_tickets(server, before)] == ["Gmail %s" % w]

    # Expired: the refresh token gets a new access token (and a rotated refresh token).
    refreshes = requests_of(oauth, "refresh_token")
    expired(oauth, None)
    box.append_as("gmail", folder, mail("Refreshed %s" % w, KNOWN))
    result = run_once(path, env=env)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    assert requests_of(oauth, "refresh_token") == refreshes + 1
    assert len(new_tickets(server, before)) == 2

    # The grant revoked at the authorization server: told once, not a retry storm.
    token = json.loads(cache.read_text())
    oauth.revoke(token["refresh_token"], GOOGLE["client_id"], GOOGLE["client_secret"])
    expired(oauth, None)
    box.append_as("gmail", folder, mail("Waiting %s" % w, KNOWN))
    told = len(sink.messages)
    with Service(path, env=env) as service:
        error = wait_for(lambda: status(path).get("gmail", {}).get("last_error"), 20,
                         "the refusal")
        assert "invalid_grant" in error
        wait_for(lambda: len(sink.messages) > told, 10, "the admin's mail")
        asked = requests_of(oauth, "refresh_token")
        first = status(path)["gmail"]["error_since"]
        updated = os.stat(tmp_path / "service-state" / "service-status.json").st_mtime_ns
        wait_for(lambda: os.stat(tmp_path / "service-state" / "service-status.json")
                 .st_mtime_ns != updated, 10, "another attempt")
        assert service.proc.poll() is None
    assert requests_of(oauth, "refresh_token") == asked       # not asked again
    mails = sink.messages[told:]
    assert len(mails) == 1, mails
    assert b"refuses the service's login" in mails[0] and b"--authorize gmail" in mails[0]
    assert status(path)["gmail"]["error_since"] == first
    assert status(path)["gmail"]["token_refresh_failures"] >= 1
    assert box.folder_of("gmail", folder) == ["Waiting %s" % w]     # waits, not lost


def test_check_logs_in_to_every_mailbox_and_names_each_problem(
        oauth, box, server, settings_file, tmp_path):
    """`serve --check`: one line per mailbox, after a failing one too: the
    token login that works, a secret the authorization server refuses, a
    server that does not answer; exit 1."""
    from web_support import free_port
    good_secret, bad_secret = tmp_path / "app.secret", tmp_path / "wrong.secret"
    good_secret.write_text(APP["client_secret"] + "\n")
    bad_secret.write_text("not-the-secret\n")
    settings = settings_file()
    wrong = mailbox_entry(box, "wrongsecret", settings)
    wrong["login"] = app_login(oauth, bad_secret)
    good = mailbox_entry(box, "m365", settings)
    good["login"] = app_login(oauth, good_secret)
    down = mailbox_entry(box, "down", settings, port=free_port())
    path = service_file(tmp_path, [wrong, down, good])

    result = subprocess.run([sys.executable, str(SCRIPT), "serve", "-c", str(path), "--check"],
                            capture_output=True, text=True, timeout=120, cwd=str(REPO),
                            stdin=subprocess.DEVNULL, env=dict(os.environ, **ENV))
    lines = {line.split(" (")[0]: line for line in result.stdout.splitlines()
             if line.startswith(("OK mailbox", "PROBLEM mailbox"))}

    assert result.returncode == 1, result.stdout + result.stderr
    assert sorted(lines) == ["OK mailbox m365", "PROBLEM mailbox down",
                             "PROBLEM mailbox wrongsecret"]
    assert "logged in as suport (OAuth2 client_credentials)" in lines["OK mailbox m365"]
    assert "invalid_client" in lines["PROBLEM mailbox wrongsecret"]
    assert "ConnectionRefusedError" in lines["PROBLEM mailbox down"]
    assert "PROBLEM: 2 problem(s)" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
