"""A real PostgreSQL for the tests and the benchmarks: Debian's binaries, a
cluster in a temporary folder, run as an unprivileged user (PostgreSQL
refuses root), TCP on a free loopback port, password logins (scram).

    with PostgresServer() as pg:
        settings.update(pg.journal_settings())   # a fresh schema each call
        pg.stop(); pg.start()                    # refusing, then back
"""
import grp
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

def _newest_bin():
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"),
                   key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


# Debian's postgresql-NN binaries (not on PATH); MAILTOTICKET_PG_BIN overrides.
BIN = Path(os.environ.get("MAILTOTICKET_PG_BIN") or _newest_bin())
USER = "mtt"
DATABASE = "journal"


def available():
    return (BIN / "postgres").exists()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self, durable=False, runas="nobody", listen=("127.0.0.1",), admit=()):
        """durable=False: fsync off (tests); True: as a production server
        flushes (the benchmarks). listen: the addresses it listens on;
        admit: networks (CIDR) whose password logins it takes besides
        loopback's (a gateway in another network namespace)."""
        self.durable = durable
        self.listen, self.admit = listen, admit
        self.runas = pwd.getpwnam(runas) if os.geteuid() == 0 else None
        self.folder = Path(tempfile.mkdtemp(prefix="mtt-pg-"))
        self.data = self.folder / "data"
        self.password_file = self.folder / "password"
        self.port = free_port()
        self.proc = None
        self._schemas = itertools.count()

    # -- the cluster
    def _as_owner(self):
        if self.runas is None:
            return {}
        group = grp.getgrgid(self.runas.pw_gid).gr_name
        return {"user": self.runas.pw_name, "group": group, "extra_groups": []}

    def init(self):
        self.password_file.write_text("secret-%d\n" % os.getpid())
        if self.runas is not None:
            for path in (self.folder, self.password_file):
                os.chown(path, self.runas.pw_uid, self.runas.pw_gid)
        subprocess.run([str(BIN / "initdb"), "-D", str(self.data), "-U", USER,
                        "--pwfile", str(self.password_file), "--auth=scram-sha-256",
                        "--no-sync", "-E", "UTF8", "--locale=C"],
                       check=True, capture_output=True, timeout=60, **self._as_owner())
        with open(self.data / "pg_hba.conf", "a") as hba:
            hba.writelines("host all all %s scram-sha-256\n" % net for net in self.admit)
        self.start()
        with self.connect("postgres") as db:
            db.execute("CREATE DATABASE %s" % DATABASE)

    def start(self):
        command = [str(BIN / "postgres"), "-D", str(self.data), "-p", str(self.port),
                   "-c", "listen_addresses=%s" % ",".join(self.listen),
                   "-c", "unix_socket_directories=",
                   "-c", "max_connections=100", "-c", "shared_buffers=16MB"]
        if not self.durable:
            command += ["-c", "fsync=off", "-c", "full_page_writes=off"]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                     stderr=open(self.folder / "server.log", "ab"),
                                     **self._as_owner())
        self.wait_ready()

    def wait_ready(self, seconds=30):
        import psycopg
        give_up = time.monotonic() + seconds
        while True:
            try:
                psycopg.connect(**self.params("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if self.proc.poll() is not None or time.monotonic() > give_up:
                    raise RuntimeError("PostgreSQL did not start: %s"
                                       % (self.folder / "server.log").read_text()[-2000:])
                time.sleep(0.02)

    def stop(self):
        """Fast shutdown: sessions are cut, the port refuses connections."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(timeout=30)
        self.proc = None

    def restart(self):
        self.stop()
        self.start()

    def __enter__(self):
        self.init()
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- clients
    def params(self, database=DATABASE):
        return {"host": "127.0.0.1", "port": self.port, "user": USER, "dbname": database,
                "password": self.password_file.read_text().strip()}

    def connect(self, database=DATABASE):
        import psycopg
        return psycopg.connect(**self.params(database), autocommit=True)

    def url(self, schema=None, host="127.0.0.1"):
        url = "postgresql://%s@%s:%d/%s" % (USER, host, self.port, DATABASE)
        if schema:
            url += "?options=-csearch_path%%3D%s" % schema
        return url

    def new_schema(self):
        """A schema of its own: one test's journal, apart from the others'."""
        name = "t%d_%d" % (os.getpid(), next(self._schemas))
        with self.connect() as db:
            db.execute("CREATE SCHEMA %s" % name)
        return name

    def journal_settings(self, schema=None, host="127.0.0.1"):
        """Settings keys for a journal in a fresh schema (or `schema`),
        reached at `host` (one of the addresses it listens on)."""
        return {"journal": self.url(schema or self.new_schema(), host),
                "journal_password_file": str(self.password_file)}

    def rows(self, schema, sql, *args):
        with self.connect() as db:
            db.execute("SET search_path = %s" % schema)
            return db.execute(sql, args).fetchall()
