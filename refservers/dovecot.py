"""A private dovecot on loopback for the service's demo and benchmark
(`scripts/demo.sh --service`, `bench/service.py`): Debian's dovecot-imapd
in the foreground, everything under one temporary folder, users from a
passwd-file, a free port. Standard library only. (The tests' own,
with TLS and token logins: tests/mailbox.py, tests/service_support.py.)
Needs root: the mail is handed to `nobody`, as the real-mailbox recipe does.
"""
import imaplib
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

# A private instance on loopback (tests/mailbox.py uses it as well).
CONF = """\
# private dovecot for mailtoticket's tests, demo and bench (generated)
protocols = imap
listen = 127.0.0.1
base_dir = {tmp}/run
state_dir = {tmp}/state
log_path = {tmp}/dovecot.log
info_log_path = {tmp}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{tmp}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {tmp}/users
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={tmp}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
default_login_user = nobody
default_internal_user = nobody
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def program(name):
    found = shutil.which(name) or next(
        (str(Path(d, name)) for d in ("/usr/sbin", "/sbin") if Path(d, name).exists()), None)
    if not found:
        raise RuntimeError("%s is missing: apt-get install dovecot-imapd" % name)
    return found


class PrivateDovecot:
    host = "127.0.0.1"

    def __init__(self, users):
        self.users = dict(users)
        self.tmp = Path(tempfile.mkdtemp(prefix="mailtoticket-dovecot-"))
        self.tmp.chmod(0o755)
        self.port = free_port()
        self.conf = self.tmp / "dovecot.conf"
        self.proc = None

    def __enter__(self):
        for sub in ("run", "state"):
            (self.tmp / sub).mkdir(mode=0o755)
        (self.tmp / "mail").mkdir()
        shutil.chown(self.tmp / "mail", "nobody", "nogroup")
        (self.tmp / "users").write_text(
            "".join("%s:{PLAIN}%s\n" % item for item in self.users.items()))
        (self.tmp / "users").chmod(0o644)
        self.conf.write_text(CONF.format(tmp=self.tmp, port=self.port))
        self.proc = subprocess.Popen([program("dovecot"), "-F", "-c", str(self.conf)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError("dovecot did not start: see %s" % (self.tmp / "dovecot.log"))
            time.sleep(0.05)

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()   # as `doveadm stop` does, without its two seconds
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def imap(self, user):
        c = imaplib.IMAP4(self.host, self.port, timeout=30)
        c.login(user, self.users[user])
        return c

    def append(self, user, folder, messages):
        c = self.imap(user)
        try:
            c.create(folder)
            for raw in messages:
                typ, data = c.append(folder, None, None, raw)
                if typ != "OK":
                    raise RuntimeError("APPEND refused: %r" % data)
        finally:
            c.logout()

    def count(self, user, folder):
        c = self.imap(user)
        try:
            typ, data = c.status(folder, "(MESSAGES)")
            if typ != "OK":
                return 0
            return int(data[0].decode().rsplit("MESSAGES", 1)[1].strip(" )"))
        finally:
            c.logout()
