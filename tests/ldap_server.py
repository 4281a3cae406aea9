"""A real OpenLDAP server (Debian's slapd) on loopback, for the LDAP tests.

Started from a throw-away slapd.conf in a temporary folder, on a free port,
with the rootdn as the bind user; entries are added with ldap3 as an admin
would add them. Skips the tests if slapd is not installed (scripts/test.sh
installs it when run as root).
"""
import shutil
import socket
import subprocess
import time
from pathlib import Path

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SUFFIX = "dc=externs,dc=example"
ROOT_DN = "cn=admin," + SUFFIX
ROOT_PW = "ldap-secret"

CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile {folder}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{rootdn}"
rootpw {rootpw}
directory {folder}/db
"""


def available():
    return Path(SLAPD).exists() and Path("/etc/ldap/schema/core.schema").exists()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Slapd:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.port = free_port()
        self.url = "ldap://127.0.0.1:%d" % self.port
        self.process = None

    def start(self):
        (self.folder / "db").mkdir(parents=True, exist_ok=True)
        conf = self.folder / "slapd.conf"
        conf.write_text(CONF.format(folder=self.folder, suffix=SUFFIX, rootdn=ROOT_DN,
                                    rootpw=ROOT_PW))
        log = open(self.folder / "slapd.log", "wb")
        # -d 0: stay in the foreground (the test owns the process), log nothing.
        self.process = subprocess.Popen([SLAPD, "-f", str(conf), "-h", self.url + "/",
                                         "-d", "0"], stdout=log, stderr=log)
        for _ in range(200):
            if self.process.poll() is not None:
                raise RuntimeError("slapd exited: %s" % (self.folder / "slapd.log").read_text())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        self.add(SUFFIX, ["dcObject", "organization"], {"o": "Externs", "dc": "externs"})
        return self

    def connection(self):
        from ldap3 import Connection, Server
        return Connection(Server(self.url), ROOT_DN, ROOT_PW, auto_bind=True,
                          raise_exceptions=True)

    def add(self, dn, classes, attributes):
        with self.connection() as conn:
            conn.add(dn, classes, attributes)

    def person(self, cn, mail, ou=None):
        if ou:
            self.add("ou=%s,%s" % (ou, SUFFIX), ["organizationalUnit"], {"ou": ou})
            dn = "cn=%s,ou=%s,%s" % (cn, ou, SUFFIX)
        else:
            dn = "cn=%s,%s" % (cn, SUFFIX)
        self.add(dn, ["inetOrgPerson"], {"cn": cn, "sn": cn, "mail": mail})

    def settings(self):
        return {"LDAP_SERVER_URL": self.url, "LDAP_BIND_USER": ROOT_DN,
                "LDAP_PASSWORD": ROOT_PW, "LDAP_BASE_SEARCH": SUFFIX}

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
