"""The service file, its secrets and the routing rules, in-process (no
server): every mistake is refused at start naming its key, secrets come
from where the admin put them, and a message goes to the queue its
recipient names."""
import os
import sys

import pytest
import yaml

from gateway.errors import SettingsError
from service import config, routing, secrets
from tests.support import mail


# A queue's settings as an MDA deployment's (what the settings check needs).
QUEUE = {"url_gn6": "http://127.0.0.1:9/GestioTiquets?wsdl",
         "url_identitat": "http://127.0.0.1:9/Personesv6?wsdl",
         "username_soa": "mailtoticket", "password_soa": "s", "username_gn6": "gn6user",
         "password_gn6": "s", "domini": "suport", "equip_resolutor_nous": "SUPORT_N1",
         "usuari_extern": "usuari.extern", "mail_suport": ["suport@upc.edu"]}
JIRA_QUEUE = {"backend": "jira", "jira_url": "https://jira.example.edu",
              "jira_project": "SUP", "jira_email": "m@example.edu", "jira_api_token": "t",
              "jira_reporter": "5b10ac8d82e05b22cc7d4ef7", "mail_suport": ["suport@upc.edu"]}


def queue_file(path, state, data=QUEUE):
    path.write_text(yaml.safe_dump(dict(data, state_dir=str(state))))
    return path


@pytest.fixture
def settings(tmp_path):
    return queue_file(tmp_path / "queue.yaml", tmp_path / "state")


def write(tmp_path, data):
    path = tmp_path / "service.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def box(queue, **changes):
    entry = {"name": "suport", "server": "imap.example.org",
             "login": {"user": "suport", "password_env": "SUPORT_PASSWORD"},
             "settings": str(queue)}
    entry.update(changes)
    return entry


def refused(tmp_path, data):
    with pytest.raises(SettingsError) as e:
        config.load(write(tmp_path, data))
    return str(e.value)


def test_defaults_and_the_default_state_dir(tmp_path, settings):
    loaded = config.load(write(tmp_path, {"mailboxes": [box(settings)],
                                          "web": {"listen": "127.0.0.1:8025"}}))
    mailbox = loaded.mailboxes[0]
    assert (mailbox.port, mailbox.tls, mailbox.folder) == (993, "implicit", "INBOX")
    assert (mailbox.processed_folder, mailbox.quarantine_folder) == ("Processed", "Quarantine")
    assert loaded.web == {"listen": "127.0.0.1:8025"}          # passed through
    assert loaded.state_dir == str(tmp_path / "state")     # as web/config.py reads it
    assert loaded.status_path.endswith("service-status.json")
    assert mailbox.queue.settings["url_gn6"].endswith("GestioTiquets?wsdl")


@pytest.mark.parametrize("data, named", [
    ({"mailbox": []}, "unknown key 'mailbox'"),
    ({"mailboxes": []}, "'mailboxes': must list at least one"),
    ({"poll_interval": 0}, "'poll_interval': must be a positive number"),
    ({"idle_renew": 1800}, "'idle_renew'"),
    ({"web": "yes"}, "'web': must be a mapping"),
])
def test_wrong_top_level_keys_are_named(tmp_path, settings, data, named):
    full = {"mailboxes": [box(settings)]}
    full.update(data)
    assert named in refused(tmp_path, full)


@pytest.mark.parametrize("changes, named", [
    ({"proccessed_folder": "x"}, "mailboxes[0]: unknown key 'proccessed_folder'"),
    ({"name": "Suport!"}, "mailboxes[0].name"),
    ({"tls": "ssl"}, "mailboxes[suport].tls: 'ssl' is not one of"),
    ({"tls": "none"}, "only allowed for a server on loopback"),
    ({"port": "993"}, "mailboxes[suport].port"),
    ({"ca_file": "/nonexistent/ca.pem"}, "mailboxes[suport].ca_file: no such file"),
    ({"settings": "/nonexistent/queue.py"}, "mailboxes[suport].settings: settings file "
                                            "not found"),
    ({"login": {"user": "suport"}}, "mailboxes[suport].login: give exactly one of password"),
    ({"login": {"user": "s", "password": "a", "password_env": "B"}}, "(found password, "
                                                                     "password_env)"),
    ({"login": {"user": "s", "pasword": "a"}}, "login: unknown key 'pasword'"),
    ({"login": {"user": "s", "password_file": "/nonexistent"}}, "no such file"),
    ({"login": {"user": "s", "oauth2": {"kind": "device"}}}, "oauth2.kind: 'device'"),
    ({"login": {"user": "s", "oauth2": {"kind": "client_credentials",
                                        "provider": "microsoft", "client_id": "c",
                                        "client_secret_env": "S"}}}, "oauth2.tenant"),
    ({"login": {"user": "s", "password": "p", "oauth2": {"kind": "refresh_token"}}},
     "either a password or oauth2"),
    ({"routes": [{"recipient": "xarxa", "settings": "q.yaml"}]}, "routes[0].recipient"),
    ({"routes": [{"recipient": "a@b.c", "queue": "q.yaml"}]}, "unknown key 'queue'"),
])
def test_wrong_mailbox_keys_are_named(tmp_path, settings, changes, named):
    assert named in refused(tmp_path, {"mailboxes": [box(settings, **changes)]})


def test_two_mailboxes_of_one_name_are_refused(tmp_path, settings):
    assert "'suport' is used twice" in refused(
        tmp_path, {"mailboxes": [box(settings), box(settings)]})


def test_a_broken_queue_settings_file_is_named_with_its_key(tmp_path, settings):
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(dict(QUEUE, timeout_soa="soon")))
    text = refused(tmp_path, {"mailboxes": [box(settings, routes=[
        {"recipient": "a@upc.edu", "settings": str(broken)}])]})
    assert "mailboxes[suport].routes[0].settings" in text and "timeout_soa" in text


def test_microsoft_provider_fills_in_the_endpoints_and_scope(tmp_path, settings):
    loaded = config.load(write(tmp_path, {"mailboxes": [box(settings, login={
        "user": "suport@contoso.com", "oauth2": {
            "kind": "client_credentials", "provider": "microsoft", "tenant": "contoso.com",
            "client_id": "app", "client_secret_env": "APP_SECRET"}})]}))
    oauth2 = loaded.mailboxes[0].login["oauth2"]
    assert oauth2["token_url"] == \
        "https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token"
    assert oauth2["scope"] == "https://outlook.office365.com/.default"
    assert oauth2["mechanism"] == "xoauth2"


def test_secrets_from_a_file_an_environment_variable_and_a_command(tmp_path, monkeypatch):
    secret_file = tmp_path / "pw"
    secret_file.write_text("from-file\nsecond line ignored\n")
    monkeypatch.setenv("MTT_PW", "from-env")
    given = [({"password_file": "pw"}, "from-file"), ({"password_env": "MTT_PW"}, "from-env"),
             ({"password_command": "printf 'from-command\\n'"}, "from-command"),
             ({"password": "in-clear"}, "in-clear")]
    for data, value in given:
        secret = secrets.check(str(tmp_path), data, "login", secrets.PASSWORD_KEYS)
        assert secret.read() == value
        assert value not in repr(secret)


def test_a_secret_that_cannot_be_had_is_named(tmp_path, monkeypatch):
    monkeypatch.delenv("MTT_UNSET", raising=False)
    for data, named in [({"password_env": "MTT_UNSET"}, "MTT_UNSET is not set"),
                        ({"password_command": "echo no >&2; exit 3"}, "exited 3: no")]:
        secret = secrets.check(str(tmp_path), data, "mailboxes[x].login",
                               secrets.PASSWORD_KEYS)
        with pytest.raises(SettingsError, match="mailboxes\\[x\\].login"):
            secret.read()
        with pytest.raises(SettingsError, match=named):
            secret.read()


def test_routing_prefers_the_envelope_recipient_then_to_then_cc(tmp_path, settings):
    other = queue_file(tmp_path / "other.yaml", tmp_path / "other")
    web = queue_file(tmp_path / "web.yaml", tmp_path / "web")
    loaded = config.load(write(tmp_path, {"mailboxes": [box(settings, routes=[
        {"recipient": "suport-xarxa@upc.edu", "settings": str(other)},
        {"recipient": ["suport-web@upc.edu", "@web.upc.edu"], "settings": str(web)}])]}))
    mailbox = loaded.mailboxes[0]
    queue = {str(settings): "default", str(other): "xarxa", str(web): "web"}

    def route(raw):
        return queue[routing.queue_for(mailbox, raw)[0].path]

    assert route(mail(to="suport@upc.edu")) == "default"
    assert route(mail(to="Xarxa <SUPORT-XARXA@upc.edu>")) == "xarxa"
    assert route(mail(to="suport@upc.edu", Cc="suport-web@upc.edu")) == "web"
    assert route(mail(to="suport-xarxa@upc.edu", Delivered_To="suport-web@upc.edu")) == "web"
    assert route(mail(to="suport@upc.edu", X_Original_To="helpdesk@web.upc.edu")) == "web"
    assert route(mail(to="suport-web@upc.edu", Cc="suport-xarxa@upc.edu")) == "web"
    assert os.path.basename(routing.queue_for(mailbox, mail())[0].path) == "queue.yaml"


def test_the_example_service_file_loads_as_shipped(tmp_path):
    """service.yaml.example, with its paths moved into a test folder (and
    nothing else changed), is a valid service file."""
    from tests.support import REPO
    text = (REPO / "service.yaml.example").read_text()
    for prefix in ("/etc/mailtoticket/", "/opt/mailtoticket/", "/var/lib/mailtoticket/",
                   "/var/log/mailtoticket/"):
        text = text.replace(prefix, str(tmp_path) + "/")
    for name in ("settings.py", "xarxa.py", "m365.py", "gmail.py"):
        (tmp_path / name).write_text("settings = %r\n" % dict(QUEUE, state_dir=str(tmp_path)))
    queue_file(tmp_path / "web-jira.yaml", tmp_path, JIRA_QUEUE)
    for name in ("suport.secret", "m365-app.secret"):
        (tmp_path / name).write_text("s\n")
    path = tmp_path / "service.yaml"
    path.write_text(text)
    loaded = config.load(path)
    assert [m.name for m in loaded.mailboxes] == ["suport", "m365", "gmail"]
    assert len(loaded.mailboxes[0].routes) == 2
    assert loaded.mailboxes[2].login["oauth2"]["token_url"] == "https://oauth2.googleapis.com/token"


def test_the_run_deadline_interrupts_a_delivery_thread_as_the_alarm_does_the_mda():
    """The service delivers from threads, where SIGALRM cannot reach: the
    deadline's back-stop interrupts a stuck thread all the same, so the
    poison rule (gateway/poison.py) applies there too."""
    import threading
    from gateway.deadline import Deadline, RunInterrupted
    caught = []

    def stuck():
        deadline = Deadline(0.2)
        deadline.arm_alarm(grace=0.1)
        try:
            while True:
                pass
        except RunInterrupted:
            caught.append(True)
        finally:
            Deadline.disarm_alarm()

    thread = threading.Thread(target=stuck)
    thread.start()
    thread.join(10)
    assert not thread.is_alive() and caught == [True]


def test_every_key_the_service_reads_is_documented_and_in_the_example():
    """docs/service.md documents every key, and service.yaml.example shows
    each (set or commented): a key added to the code and not to them fails."""
    from service import tokens
    from tests.support import REPO
    docs = (REPO / "docs" / "service.md").read_text()
    example = (REPO / "service.yaml.example").read_text()
    keys = [*config.TOP, *config.MAILBOX, *config.LOGIN, *config.ROUTE, *tokens.OAUTH2]
    assert [k for k in keys if "`%s`" % k not in docs] == []
    assert [k for k in keys if "%s:" % k not in example] == []


def test_the_shipped_systemd_unit_is_valid_and_runs_the_service_unprivileged(tmp_path):
    """mailtoticket.service as shipped (its /opt paths pointed at this
    clone): systemd-analyze finds nothing wrong; notify, reload by SIGHUP,
    restart on failure, its own user, state in /var/lib/mailtoticket."""
    import shutil
    import subprocess
    from tests.support import REPO
    text = (REPO / "mailtoticket.service").read_text()
    lines = set(text.splitlines())
    assert {"Type=notify", "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure",
            "User=mailtoticket", "StateDirectory=mailtoticket"} <= lines
    assert "serve -c /etc/mailtoticket/service.yaml" in text
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze missing (Debian's systemd package)")
    unit = tmp_path / "mailtoticket.service"
    unit.write_text(text.replace("/opt/mailtoticket/.venv/bin/python", sys.executable)
                    .replace("/opt/mailtoticket/", str(REPO) + "/"))
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                          text=True, timeout=60)
    said = [line for line in (done.stdout + done.stderr).splitlines()
            if "mailtoticket.service" in line]
    assert done.returncode == 0 and said == [], done.stdout + done.stderr
