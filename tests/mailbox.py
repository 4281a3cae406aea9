"""A real IMAP mailbox (a private Debian dovecot) and a real fetchmail, on loopback.

Used by the end-to-end tests: ``Mailbox`` starts a dovecot instance that
listens on 127.0.0.1 on a free port, with everything (configuration, mail,
sockets, logs) under a private temporary directory, so nothing of the
machine's own dovecot (if any) is touched. Messages go in with ``imaplib``
(APPEND), the folder is read back the same way, and ``Mailbox.fetchmail``
runs fetchmail once against it.

``rc_from_example`` turns the project's ``fetchmailrc.example`` (the
production shape: SSL on, a real-looking host) into a run file for this
mailbox, changing only the host, the port, the credentials, the paths and
turning SSL off (loopback has no certificate): every other line, the
``mda`` line above all, is the example's own.

Every wait is bounded. Missing programs skip the tests on a developer's
machine, but fail them under CI (``CI`` set), where the test script installs
them.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import imaplib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

# The private instance's configuration (the service's demo and bench use it too).
from refservers.dovecot import CONF as DOVECOT_CONF

USER = "suport"
PASSWORD = "secret"
FOLDER = "mailtoticket"

# What fetchmailrc.example says, and what rc_from_example replaces it with.
EXAMPLE_HOST = "imap.unitat.example.edu"
EXAMPLE_PORT = "993"
EXAMPLE_USER = "suport.unitat"
EXAMPLE_PASSWORD = "CHANGE-ME"
EXAMPLE_PREFIX = "/opt/mailtoticket"

# fetchmail's exit codes (fetchmail(1), "EXIT CODES").
FETCHMAIL_GOT_MAIL = 0
FETCHMAIL_NO_MAIL = 1


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(why: str) -> None:
    """Skip on a developer's machine; fail under CI, whose test script
    installs what these tests need."""
    if under_ci():
        pytest.fail(why + " -- CI must provide it", pytrace=False)
    pytest.skip(why)


def require(*programs: str) -> None:
    """Skip (developer machine) or fail (CI) when a program is missing."""
    missing = [p for p in programs if shutil.which(p) is None
               and not Path("/usr/sbin", p).exists()]
    if missing:
        unavailable("missing program(s): %s (apt-get install fetchmail dovecot-imapd procmail)"
                    % ", ".join(missing))


def which(program: str) -> str:
    found = shutil.which(program)
    if found:
        return found
    for d in ("/usr/sbin", "/sbin", "/usr/bin"):
        p = Path(d, program)
        if p.exists():
            return str(p)
    raise FileNotFoundError(program)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_dir(prefix: str) -> Path:
    """A fresh directory others (dovecot's ``nobody``) can traverse."""
    d = Path(tempfile.mkdtemp(prefix=prefix))
    d.chmod(0o755)
    return d


class Mailbox:
    """A private dovecot with one user (suport/secret) and its folders."""

    host = "127.0.0.1"
    user = USER
    password = PASSWORD

    def __init__(self) -> None:
        require("dovecot", "doveadm", "fetchmail")
        if os.geteuid() != 0:
            # the private dovecot hands the mail to "nobody", as the recipe does
            unavailable("the IMAP tests run a private dovecot and need root")
        self.tmp = private_dir("mailtoticket-imap-")
        self.port = free_port()
        self.conf = self.tmp / "dovecot.conf"
        self.log = self.tmp / "dovecot.log"
        self.home = self.tmp / "fetchmail-home"   # fetchmail's HOME and pid file
        self._proc: subprocess.Popen | None = None

    # ---------------------------------------------------------------- life
    def start(self, timeout: float = 20) -> "Mailbox":
        for sub in ("run", "state"):
            (self.tmp / sub).mkdir(mode=0o755)
            (self.tmp / sub).chmod(0o755)
        mail = self.tmp / "mail"
        mail.mkdir()
        shutil.chown(mail, "nobody", "nogroup")
        self.home.mkdir(mode=0o700)
        users = self.tmp / "users"
        users.write_text(self.users_text())
        users.chmod(0o644)
        self.conf.write_text(self.config_text())
        # -F: foreground, so this object owns the process and can always end it.
        self._proc = subprocess.Popen(
            [which("dovecot"), "-F", "-c", str(self.conf)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(self.tmp / "dovecot.stderr", "wb"))
        deadline = time.monotonic() + timeout
        while True:
            if self._proc.poll() is not None:
                raise RuntimeError("dovecot exited (%s):\n%s" % (
                    self._proc.returncode, self.diagnostics()))
            try:
                with socket.create_connection((self.host, self.port), timeout=2) as s:
                    s.settimeout(2)
                    if s.recv(100).startswith(b"* OK"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("dovecot did not answer on %s:%s within %ss:\n%s"
                                   % (self.host, self.port, timeout, self.diagnostics()))
            time.sleep(0.1)
        with self.imap() as c:
            c.create(FOLDER)
        return self

    def users_text(self) -> str:
        """The passwd-file (a subclass adds users)."""
        return "%s:{PLAIN}%s\n" % (USER, PASSWORD)

    def config_text(self) -> str:
        """dovecot.conf (a subclass adds TLS or token logins)."""
        return DOVECOT_CONF.format(tmp=self.tmp, port=self.port)

    def stop(self, timeout: float = 15) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            # SIGTERM to the master we hold: dovecot stops as `doveadm stop`
            # stops it, without doveadm's own two seconds.
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> "Mailbox":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def diagnostics(self) -> str:
        out = []
        for name in ("dovecot.log", "dovecot.stderr"):
            p = self.tmp / name
            if p.exists():
                out.append("--- %s\n%s" % (name, p.read_text(errors="replace")[-4000:]))
        return "\n".join(out)

    # ---------------------------------------------------------------- IMAP
    @contextlib.contextmanager
    def imap(self, timeout: float = 15):
        c = imaplib.IMAP4(self.host, self.port, timeout=timeout)
        try:
            c.login(USER, PASSWORD)
            yield c
        finally:
            with contextlib.suppress(Exception):
                c.logout()

    def append(self, *messages: bytes, folder: str = FOLDER, seen: bool = False) -> None:
        """APPEND raw messages to the folder (\\Seen: as a person who read
        them in the inbox and moved them there)."""
        flags = r"(\Seen)" if seen else None
        with self.imap() as c:
            c.create(folder)   # NO [ALREADYEXISTS] when it is there: fine
            for raw in messages:
                typ, data = c.append(folder, flags, None, raw)
                assert typ == "OK", (typ, data)

    def messages(self, folder: str = FOLDER) -> list[bytes]:
        """The folder's messages (not marked deleted), raw, in order."""
        with self.imap() as c:
            typ, _ = c.select(folder, readonly=True)
            if typ != "OK":
                return []
            typ, data = c.search(None, "UNDELETED")
            assert typ == "OK", data
            out = []
            for num in data[0].split():
                typ, parts = c.fetch(num, "(BODY.PEEK[])")
                assert typ == "OK", parts
                out.append(next(p[1] for p in parts if isinstance(p, tuple)))
            return out

    def subjects(self, folder: str = FOLDER) -> list[str]:
        return [str(email.message_from_bytes(m, policy=email.policy.default)["Subject"])
                for m in self.messages(folder)]

    def clear(self, folder: str = FOLDER) -> None:
        """Empty the folder (between tests)."""
        with self.imap() as c:
            if c.select(folder)[0] == "OK":
                typ, data = c.search(None, "ALL")
                if data and data[0]:
                    c.store(b",".join(data[0].split()).decode(), "+FLAGS", r"(\Deleted)")
                c.expunge()

    # ----------------------------------------------------------- fetchmail
    def write_rc(self, text: str, name: str = "fetchmailrc") -> Path:
        rc = self.tmp / name
        rc.write_text(text)
        rc.chmod(0o600)   # fetchmail refuses a run file others can read
        return rc

    def fetchmail(self, rc: Path, *args: str, timeout: float = 300,
                  env: dict | None = None) -> subprocess.CompletedProcess:
        """Run fetchmail once on this run file; the exit code is not checked
        (0: got mail, 1: no mail, see fetchmail(1))."""
        return subprocess.run(
            [which("fetchmail"), "-f", str(rc),
             "--pidfile", str(self.home / "fetchmail.pid"), *args],
            stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
            env=self.fetchmail_env(env))

    def fetchmail_env(self, extra: dict | None = None) -> dict:
        env = dict(os.environ)
        env.update({
            "HOME": str(self.home),            # no ~/.fetchmail.pid clash
            "FETCHMAILHOME": str(self.home),
            # fetchmail as root runs the MDA as the user named here
            "FETCHMAILUSER": pwd.getpwuid(os.getuid()).pw_name,
            "LC_ALL": "C",
        })
        env.update(extra or {})
        return env


# ------------------------------------------------------- fetchmailrc.example

def _split_comment(line: str) -> tuple[str, str]:
    """Split a fetchmailrc line into (code, comment), quotes respected."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == "\\":
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i], line[i:]
    return line, ""


def _sub_once(pattern: str, repl: str, text: str, what: str) -> str:
    new, n = re.subn(pattern, lambda m: repl, text)
    if n != 1:
        raise AssertionError("fetchmailrc.example: expected exactly one %s (%r), found %d"
                             % (what, pattern, n))
    return new


def substitute_paths(text: str, paths: dict[str, str]) -> str:
    """Replace the example's install paths (longest first: the venv python
    and the settings file before the /opt/mailtoticket prefix)."""
    for old in sorted(paths, key=len, reverse=True):
        text = text.replace(old, paths[old])
    return text


def example_paths(repo: Path, python: str, settings: Path) -> dict[str, str]:
    return {
        EXAMPLE_PREFIX + "/.venv/bin/python": python,
        EXAMPLE_PREFIX + "/settings.py": str(settings),
        EXAMPLE_PREFIX: str(repo),
    }


def rc_from_example(example: str, mailbox: Mailbox, paths: dict[str, str]) -> str:
    """The example's run file for ``mailbox``: host, port, credentials and
    paths changed, SSL off; nothing else."""
    code_lines, comments = [], []
    for line in example.splitlines():
        code, comment = _split_comment(line)
        code_lines.append(code)
        comments.append(comment)
    code = "\n".join(code_lines)
    code = _sub_once(r"(?<=\bpoll )%s\b" % re.escape(EXAMPLE_HOST), mailbox.host, code, "host")
    code = _sub_once(r"\b(?<=service )%s\b" % EXAMPLE_PORT, str(mailbox.port), code, "port")
    code = _sub_once(r'(?<=\busername )"%s"' % re.escape(EXAMPLE_USER),
                     '"%s"' % mailbox.user, code, "username")
    code = _sub_once(r'(?<=\bpassword )"%s"' % re.escape(EXAMPLE_PASSWORD),
                     '"%s"' % mailbox.password, code, "password")
    # SSL off: loopback dovecot has no certificate. Tokens, not substrings.
    code = _sub_once(r"(?<!\S)sslcertck(?!\S)", "", code, "sslcertck")
    code = _sub_once(r"(?<!\S)ssl(?!\S)", "sslproto ''", code, "ssl")
    if EXAMPLE_PREFIX not in code:
        raise AssertionError("fetchmailrc.example: no %s path to substitute" % EXAMPLE_PREFIX)
    code = substitute_paths(code, paths)
    if EXAMPLE_PREFIX in code:
        raise AssertionError("fetchmailrc.example: a path was left unsubstituted:\n" + code)
    out = [c + k for c, k in zip(code.split("\n"), comments)]
    return "\n".join(out) + "\n"


def mda_command(rc_text: str) -> str:
    """The command of the single ``mda "..."`` option of a run file."""
    code = "\n".join(_split_comment(line)[0] for line in rc_text.splitlines())
    found = re.findall(r'\bmda\s+"((?:[^"\\]|\\.)*)"', code)
    if len(found) != 1:
        raise AssertionError("expected one mda line, found %r" % found)
    return found[0].replace('\\"', '"').replace("\\\\", "\\")


def delivered_with(fetchmail_output: str) -> list[str]:
    """The MDA commands that ``fetchmail -v -v`` says it delivered with."""
    return re.findall(r"about to deliver with: (.*)", fetchmail_output)
