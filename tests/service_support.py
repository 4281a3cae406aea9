"""Test side of the service: a dovecot with several users, TLS or token
logins (tests/mailbox.py's Mailbox, extended), the real
`mailtoticket.py serve` as a subprocess, and bounded waits on what a user
would see (a ticket on the server, a message in a folder, a line in the
status file).
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "mailtoticket.py"

_spec = importlib.util.spec_from_file_location(
    "mailtoticket_tests_mailbox", Path(__file__).with_name("mailbox.py"))
mb = sys.modules.get(_spec.name)
if mb is None:
    mb = importlib.util.module_from_spec(_spec)
    sys.modules[_spec.name] = mb
    _spec.loader.exec_module(mb)

USERS = {"suport": "secret", "xarxa": "xarxa-secret", "gmail": "unused-password"}

TLS_CONF = """
ssl = yes
ssl_cert = <{tmp}/server.pem
ssl_key = <{tmp}/server.key
ssl_min_protocol = TLSv1.2
service imap-login {{
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
"""

# The token passdb first (XOAUTH2/OAUTHBEARER only); password logins fall
# through to the users file. No auth penalty: refused logins are tested.
OAUTH2_PASSDB = """\
auth_mechanisms = plain login xoauth2 oauthbearer
auth_failure_delay = 0
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {tmp}/dovecot-oauth2.conf.ext
}}
"""
NO_PENALTY = """\
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
"""

OAUTH2_EXT = """\
introspection_mode = post
introspection_url = {introspect}
username_attribute = username
active_attribute = active
active_value = true
force_introspection = yes
"""


def make_ca(folder: Path, names=("127.0.0.1", "localhost")) -> Path:
    """A test CA and a server certificate it signed (openssl): ca.pem,
    server.pem, server.key in `folder`. Returns the CA file."""
    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=folder)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "2", "-subj", "/CN=mailtoticket test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
            "-out", "server.csr", "-subj", "/CN=%s" % names[0])
    alt = ",".join(("IP:%s" if n[0].isdigit() else "DNS:%s") % n for n in names)
    (folder / "ext.cnf").write_text("subjectAltName=%s\n" % alt)
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")
    for name in ("server.pem", "server.key"):
        (folder / name).chmod(0o644)
    return folder / "ca.pem"


class ServiceMailbox(mb.Mailbox):
    """The tests' dovecot with the service's users (suport, xarxa), and
    optionally TLS (implicit on tls_port, STARTTLS on port) and the
    `oauth2` passdb asking `introspect` (an RFC 7662 endpoint)."""

    def __init__(self, tls=False, introspect=None):
        super().__init__()
        self.tls_port = mb.free_port() if tls else None
        self.ca_file = make_ca(self.tmp) if tls else None
        self.introspect = introspect

    def config_text(self):
        text = super().config_text()
        if self.tls_port:
            text = text.replace("ssl = no\n", "") + TLS_CONF.format(
                tmp=self.tmp, tls_port=self.tls_port)
        if self.introspect:
            text = text.replace("auth_mechanisms = plain login\n", "")
            text = text.replace("service anvil {\n  chroot =\n}\n", NO_PENALTY)
            text = text.replace("passdb {", OAUTH2_PASSDB.format(tmp=self.tmp) + "passdb {", 1)
            (self.tmp / "dovecot-oauth2.conf.ext").write_text(
                OAUTH2_EXT.format(introspect=self.introspect))
        return text

    def users_text(self):
        return "".join("%s:{PLAIN}%s\n" % item for item in USERS.items())

    def restart(self):
        """dovecot stopped and started again on the same port and mail. Its
        clients' connections end first, as a system dovecot's restart ends
        them (the private instance's imap processes would outlive it)."""
        for user in USERS:
            subprocess.run([mb.which("doveadm"), "-c", str(self.conf), "kick", user],
                           capture_output=True, timeout=15)
        proc, self._proc = self._proc, None
        proc.terminate()            # as `doveadm stop` does, without its two seconds
        proc.wait(15)
        self._proc = subprocess.Popen(
            [mb.which("dovecot"), "-F", "-c", str(self.conf)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(self.tmp / "dovecot.stderr", "ab"))
        wait_for(lambda: self._answers(), 20, "dovecot back")

    def _answers(self):
        import socket
        try:
            with socket.create_connection((self.host, self.port), timeout=1) as s:
                return s.recv(100).startswith(b"* OK")
        except OSError:
            return False

    def imap_as(self, user):
        import imaplib
        c = imaplib.IMAP4(self.host, self.port, timeout=15)
        c.login(user, USERS[user])
        return c

    def append_as(self, user, folder, *messages):
        c = self.imap_as(user)
        try:
            c.create(folder)
            for raw in messages:
                typ, data = c.append(folder, None, None, raw)
                assert typ == "OK", (typ, data)
        finally:
            c.logout()

    def folder_of(self, user, folder):
        """The subjects of `folder` of `user` (not deleted); [] when missing."""
        import email
        import email.policy
        c = self.imap_as(user)
        try:
            if c.select(folder, readonly=True)[0] != "OK":
                return []
            typ, data = c.search(None, "UNDELETED")
            out = []
            for num in data[0].split():
                typ, parts = c.fetch(num, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                head = next(p[1] for p in parts if isinstance(p, tuple))
                out.append(str(email.message_from_bytes(
                    head, policy=email.policy.default)["Subject"]))
            return out
        finally:
            c.logout()


def wait_for(predicate, timeout, what):
    """Poll `predicate` until true (bounded); its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))
        time.sleep(0.05)


def mailbox_entry(box, name, settings, user="suport", folder="INBOX", **extra):
    entry = {"name": name, "server": "127.0.0.1", "port": box.port, "tls": "none",
             "login": {"user": user, "password": USERS[user]},
             "folder": folder, "settings": str(settings)}
    entry.update(extra)
    return entry


def service_file(folder: Path, mailboxes, **top) -> Path:
    data = {"state_dir": str(folder / "service-state"), "poll_interval": 30,
            "log_file": str(folder / "service.log"), "log_level": "DEBUG",
            "mailboxes": mailboxes}
    data.update(top)
    path = folder / "service.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def status(path: Path):
    """The service's status file, by mailbox name ({} until written)."""
    try:
        data = json.loads((Path(path).parent / "service-state" /
                           "service-status.json").read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return {m["name"]: m for m in data["mailboxes"]}


def run_once(path: Path, timeout=120, env=None):
    return subprocess.run([sys.executable, str(SCRIPT), "serve", "-c", str(path), "--once"],
                          capture_output=True, timeout=timeout, cwd=str(REPO),
                          stdin=subprocess.DEVNULL, env=dict(os.environ, **(env or {})))


class Service:
    """`mailtoticket.py serve -c FILE` running in the background; `prefix`
    runs it through a command (`ip netns exec NS`: on another "host")."""

    def __init__(self, path: Path, env=None, prefix=()):
        self.path = Path(path)
        self.stderr = self.path.parent / "service.stderr"
        self.proc = subprocess.Popen(
            [*prefix, sys.executable, str(SCRIPT), "serve", "-c", str(path)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(self.stderr, "ab"), cwd=str(REPO),
            env=dict(os.environ, **(env or {})))

    def log(self):
        return self.stderr.read_text(errors="replace")

    def signal(self, signum):
        self.proc.send_signal(signum)

    def stop(self, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode

    def kill(self):
        self.proc.kill()
        self.proc.wait(10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class ImapProxy:
    """A TCP relay between the service and dovecot that can stop the
    conversation at a command: `hold` (the command never reaches the
    server: the service waits for its answer, to be killed there) or
    `cut` (the command reaches the server, then the connection is lost
    before its answer) or `swallow` (the command reaches the server, whose
    answers are dropped from then on: the service waits, the work done,
    to be killed there). `reached` is set when it happened. With
    `throttle=(bytes, seconds)` (and a command never sent) the server's
    answers trickle: a slow link. With `chatter` the server repeats an
    EXISTS before every tagged answer (RFC 3501 allows it at any time)."""

    def __init__(self, port, command=b" MOVE ", action="hold", throttle=None, hide=(),
                 chatter=False):
        import socket
        import threading
        self.hide = hide            # capabilities struck from the server's answers (b"MOVE")
        self.chatter = chatter      # "* 99 EXISTS" before every tagged answer (allowed)
        self.sent = []              # what the client sent, as it came
        self.target = port
        self.command, self.action = command, action
        self.throttle = throttle    # (bytes, seconds): the server's answers trickle
        self.reached = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        import socket
        import threading
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False),
                             daemon=True).start()

    def _pump(self, source, sink, from_client):
        import socket
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if from_client:
                    self.sent.append(data)
                elif self.hide and b"CAPABILITY" in data:
                    data = _strike(data, self.hide)
                if self.chatter and not from_client:
                    data = TAGGED.sub(b"* 99 EXISTS\r\n", data)
                if from_client and self.command in data and not self.reached.is_set():
                    if self.action == "hold":      # never forwarded, never answered
                        self.reached.set()
                        while source.recv(65536):
                            pass
                        break
                    self.cutting = True            # forwarded; its answer is lost
                elif not from_client and getattr(self, "cutting", False) \
                        and (self.action == "swallow" or not self.reached.is_set()):
                    self.reached.set()
                    if self.action == "swallow":   # done on the server, never heard of
                        continue
                    break
                if not from_client and self.throttle:
                    import time
                    size, pause = self.throttle
                    for at in range(0, len(data), size):
                        sink.sendall(data[at:at + size])
                        time.sleep(pause)
                    continue
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)   # wakes the other direction's recv
                except OSError:
                    pass
                s.close()

    def close(self):
        self.sock.close()


# The start of a tagged answer (imaplib's tags: four letters and a number).
TAGGED = re.compile(rb"(?m)^(?=[A-Z]{4}\d+ (?:OK|NO|BAD) )")


def _strike(data, names):
    """The server's answer without the capabilities `names` (a server that lacks them)."""
    import re
    pattern = rb" (?:%s)(?=[ \]\r])" % b"|".join(re.escape(n) for n in names)
    return b"".join(re.sub(pattern, b"", line) if b"CAPABILITY" in line else line
                    for line in data.splitlines(keepends=True))


class OAuth2Server:
    """refservers/oauth2 as a subprocess: HTTPS token endpoint (certificate
    from `ca_folder`'s test CA), HTTP introspection for dovecot."""

    INTROSPECTION_CLIENT = ("dovecot", "dovecot-secret")

    def __init__(self, folder: Path, clients, expires_in=3600):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.ca_file = make_ca(folder)
        clients = list(clients) + [{"client_id": self.INTROSPECTION_CLIENT[0],
                                    "client_secret": self.INTROSPECTION_CLIENT[1],
                                    "user": None}]
        config = folder / "oauth2.json"
        config.write_text(json.dumps({"clients": clients, "expires_in": expires_in}))
        port_file = folder / "oauth2.port"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "refservers.oauth2", "--config", str(config),
             "--cert", str(folder / "server.pem"), "--key", str(folder / "server.key"),
             "--port-file", str(port_file)],
            cwd=str(REPO), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(folder / "oauth2.log", "wb"))
        ports = wait_for(lambda: port_file.exists() and json.loads(port_file.read_text()),
                         20, "the OAuth2 server")
        self.url = "https://127.0.0.1:%d" % ports["https"]
        self.http_url = "http://127.0.0.1:%d" % ports["http"]

    @property
    def introspect_url(self):
        user, secret = self.INTROSPECTION_CLIENT
        return "http://%s:%s@%s/introspect" % (user, secret, self.http_url[len("http://"):])

    def _session(self):
        import requests
        session = requests.Session()
        session.trust_env = False
        session.verify = str(self.ca_file)
        return session

    def state(self):
        with self._session() as s:
            return s.get(self.url + "/_state", timeout=10).json()

    def revoke(self, token, client_id, client_secret):
        with self._session() as s:
            r = s.post(self.url + "/revoke", data={"token": token},
                       auth=(client_id, client_secret), timeout=10)
            assert r.status_code == 200, r.text

    def consent(self, url):
        """What the browser would be sent back to after consenting at `url`."""
        with self._session() as s:
            r = s.get(url, allow_redirects=False, timeout=10)
            assert r.status_code in (302, 303), r.text
            return r.headers["Location"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


# -- shared by the service's test modules (imported there: pytest finds them)

def word():
    """A fresh token for folder names and subjects."""
    import uuid
    return uuid.uuid4().hex[:8]


def one_mailbox(box, tmp_path, settings, prefix, **top):
    """(folder, service file) for the suport mailbox reading a fresh folder."""
    folder = "%s-%s" % (prefix, word())
    return folder, service_file(tmp_path, [mailbox_entry(box, "suport", settings,
                                                         folder=folder)], **top)


def serving(kind=None, **options):
    """A module's dovecot (ServiceMailbox(**options), or a subclass
    `kind`), started and stopped."""
    mailbox = (kind or ServiceMailbox)(**options)
    mailbox.start()
    try:
        yield mailbox
    finally:
        mailbox.stop()


@pytest.fixture(scope="module")
def box():
    yield from serving()


@pytest.fixture(scope="module")
def sink():
    from tests.smtp_sink import SmtpSink
    with SmtpSink() as smtp:
        yield smtp
