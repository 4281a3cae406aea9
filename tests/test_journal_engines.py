"""The journal's engines in-process: schema versions, the choice of engine
by the setting's form, what an admin reads in the log."""
import sqlite3
import time
import subprocess
import sys

import pytest

from gateway.errors import SettingsError, TemporaryFailure
from gateway.journal import LATEST, Journal, redacted
from support import REPO

# The journal as versions before schema versions made it.
UNVERSIONED = """
CREATE TABLE entries (instance TEXT NOT NULL, key TEXT NOT NULL, message_id TEXT,
    state TEXT NOT NULL DEFAULT '{}', outcome TEXT, reason TEXT,
    created REAL NOT NULL, updated REAL NOT NULL, PRIMARY KEY (instance, key));
CREATE TABLE tickets (instance TEXT NOT NULL, codi TEXT NOT NULL, key TEXT NOT NULL,
    PRIMARY KEY (instance, codi));
CREATE TABLE sender_writes (instance TEXT NOT NULL, sender TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE notices (instance TEXT NOT NULL, topic TEXT NOT NULL, created REAL NOT NULL);
INSERT INTO entries VALUES ('gn6', '<old@x> d', '<old@x>', '{"ticket": "1234"}',
    'SUCCESS', '', 1.0, 2.0);
INSERT INTO tickets VALUES ('gn6', '1234', '<old@x> d');
"""


def journal_location(engine, tmp_path, request):
    """(location, password file) of a fresh journal on the engine."""
    if engine == "sqlite":
        return str(tmp_path / "journal.sqlite"), None
    keys = request.getfixturevalue("postgres").journal_settings()
    return keys["journal"], keys["journal_password_file"]


def test_a_journal_from_before_schema_versions_is_upgraded_in_place(tmp_path):
    path = tmp_path / "journal.sqlite"
    sqlite3.connect(str(path)).executescript(UNVERSIONED)

    journal = Journal(str(path), "gn6", keep_days=0)

    assert journal.state_of("<old@x> d") == {"ticket": "1234"}
    assert journal.ticket_of_message("<old@x>") == "1234"
    assert journal.deadline_hit("poison", "slow") == (1, 0)     # a table it lacked
    db = sqlite3.connect(str(path))
    assert db.execute("SELECT version FROM journal_version").fetchall() == [(LATEST,)]
    indexes = {name for (name,) in db.execute("SELECT name FROM sqlite_master"
                                               " WHERE type='index'")}
    assert {"notices_by_topic", "entries_by_updated"} <= indexes


def test_a_postgresql_journal_at_version_1_moves_to_the_latest(postgres):
    schema = postgres.new_schema()
    with postgres.connect() as db:
        db.execute("SET search_path = %s" % schema)
        db.execute("CREATE TABLE journal_version (version INTEGER NOT NULL)")
        db.execute("INSERT INTO journal_version VALUES (1)")
        from gateway.journal import MIGRATIONS
        for statement in MIGRATIONS[0][1]:
            db.execute(statement.format(float="DOUBLE PRECISION"))
        db.execute("INSERT INTO entries VALUES ('gn6', 'k', '<m@x>', '{}', 'SUCCESS', '',"
                   " 1.0, 2.0)")
    settings = postgres.journal_settings(schema)

    journal = Journal(settings["journal"], "gn6", keep_days=0,
                      password_file=settings["journal_password_file"])

    assert journal.entry_row("k") == ("{}", "SUCCESS", "")
    assert postgres.rows(schema, "SELECT version FROM journal_version") == [(LATEST,)]
    assert postgres.rows(schema, "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = %s"
                         " AND indexname = 'notices_by_topic'", schema) == [(1,)]


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_journal_newer_than_the_code_is_a_temporary_failure_naming_the_fix(
        engine, tmp_path, request):
    if engine == "sqlite":
        location, password = str(tmp_path / "journal.sqlite"), None
        Journal(location, "gn6").close()
        db = sqlite3.connect(location)
        with db:
            db.execute("UPDATE journal_version SET version = 99")
    else:
        postgres = request.getfixturevalue("postgres")
        settings = postgres.journal_settings()
        location, password = settings["journal"], settings["journal_password_file"]
        Journal(location, "gn6", password_file=password).close()
        with postgres.connect() as db:
            db.execute("UPDATE %s.journal_version SET version = 99" % location.rsplit("%3D")[1])

    with pytest.raises(TemporaryFailure, match="version 99.*upgrade mailtoticket"):
        Journal(location, "gn6", password_file=password)


def test_two_journals_on_one_database_lock_one_message_between_them(postgres):
    settings = postgres.journal_settings()
    one, two = (Journal(settings["journal"], "gn6",
                        password_file=settings["journal_password_file"]) for _ in range(2))
    with one.entry("k", "<m@x>", wait=5):
        with pytest.raises(TemporaryFailure, match="still running"):
            with two.entry("k", "<m@x>", wait=0.2):
                pass
        with two.entry("other", "<o@x>", wait=0.2):     # another message: no wait
            pass
    with two.entry("k", "<m@x>", wait=0.2) as entry:      # released with the delivery
        assert entry.outcome is None


def test_a_sqlite_journal_never_loads_psycopg(tmp_path):
    code = ("import sys; from gateway.journal import Journal; "
            "Journal(%r, 'gn6').entry('k', None, 1).__enter__(); "
            "print('psycopg' in sys.modules)" % str(tmp_path / "j.sqlite"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=str(REPO), timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_a_journal_url_of_no_known_engine_is_a_settings_error_naming_the_key(tmp_path):
    from gateway import settings as settings_module
    path = tmp_path / "settings.yaml"
    path.write_text("journal: mysql://user@db/mailtoticket\nurl_gn6: http://x\n")
    with pytest.raises(SettingsError, match="'journal'.*mysql://"):
        settings_module.load(str(path))


def test_a_journal_url_password_never_reaches_the_log():
    assert redacted("postgresql://mtt:s3cret@db:5432/journal") == \
        "postgresql://mtt:***@db:5432/journal"
    assert redacted("postgresql://mtt@db/journal") == "postgresql://mtt@db/journal"


def test_a_delivery_waits_for_the_lock_longer_than_one_statement_may_last(postgres):
    import hashlib
    import gateway.journals.postgres as engine
    settings = postgres.journal_settings()
    journal = Journal(settings["journal"], "gn6", keep_days=0,
                      password_file=settings["journal_password_file"])
    number = int.from_bytes(hashlib.sha256(b"a message").digest()[:8], "big", signed=True)
    engine.STATEMENT_SECONDS, saved = 1, engine.STATEMENT_SECONDS
    try:
        journal.engine._bounds()                          # statements: 1 s at most
        with postgres.connect() as other_gateway:
            other_gateway.execute("SELECT pg_advisory_lock(%s)", (number,))
            started = time.monotonic()
            with pytest.raises(TemporaryFailure, match="still running"):
                journal.engine.lock("a message", 2.5)     # the wait's bound, not 1 s
            waited = time.monotonic() - started
        journal.engine.lock("a message", 2.5).release()   # freed with that session
    finally:
        engine.STATEMENT_SECONDS = saved
    assert waited >= 2.4


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_the_staff_queries_read_the_same_on_both_engines(engine, tmp_path, request):
    location, password = journal_location(engine, tmp_path, request)
    journal = Journal(location, "gn6", keep_days=0, password_file=password)
    for n, (sender, outcome) in enumerate([("Anna@x.org", "SUCCESS"), ("joan@x.org", None),
                                           ("anna@x.org", "REJECT")]):
        with journal.entry("k%d" % n, "<m%d@x>" % n, wait=1) as entry:
            entry.note("message", {"from": sender, "subject": "S%d" % n,
                                   "settings": "/etc/mtt/suport.py"})
            if outcome:
                entry.record("ticket", "T%d" % n)
                journal.claim_ticket("T%d" % n, entry.key)
                entry.finish(outcome, "why")
            else:
                entry.note("deferred", {"error": "BusDown", "reason": "503"})
    with journal.entry("k9", "<m9@x>", wait=1) as entry:
        entry.note("message", {"from": "x@y.z", "subject": "other", "settings": "/other.py"})

    total, rows = journal.find_entries(sender="ANNA@x.org", settings="/etc/mtt/suport.py")
    assert total == 2 and [r["key"] for r in rows] == ["k2", "k0"]
    assert rows[0]["subject"] == "S2" and rows[0]["outcome"] == "REJECT"
    assert journal.find_entries(ticket="T0")[1][0]["message_id"] == "<m0@x>"
    assert journal.find_entries(outcome="WAITING", limit=1, offset=1)[0] == 2
    assert journal.entry_by_key("k1")["sender"] == "joan@x.org"
    assert journal.outcome_counts(settings="/etc/mtt/suport.py") == {
        "SUCCESS": 1, "REJECT": 1, "WAITING": 1}
    assert sorted(t[3] for t in journal.entry_times()) == [1, 1, 1, 1]
    assert journal.waiting(settings="/other.py")[0] == 1
    assert journal.deferrals() == [{"error": "BusDown", "reason": "503"}]


def test_a_new_sqlite_journal_another_connection_is_writing_is_waited_for_not_refused(
        tmp_path):
    # SQLite refuses a switch to WAL that meets a writer at once ("database
    # is locked"), whatever its busy timeout: the first deliveries on a new
    # journal, all switching it at once, met that.
    import threading
    path = tmp_path / "journal.sqlite"
    other = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE IF NOT EXISTS other_write (x)")
    threading.Timer(0.5, lambda: other.execute("COMMIT")).start()

    journal = Journal(str(path), "gn6", keep_days=0)

    assert journal.engine.db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert journal.deadline_hit("k", "slow") == (1, 0)


def test_several_deliveries_at_once_on_a_new_sqlite_journal_all_go_through(
        server, settings_file):
    from support import SCRIPT, mail
    settings = settings_file()
    raws = [mail(subject="First at once %d" % i) for i in range(6)]
    procs = [subprocess.Popen([sys.executable, str(SCRIPT), "-c", str(settings)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, cwd=str(REPO)) for _ in raws]
    outputs = [p.communicate(raw, timeout=120) for p, raw in zip(procs, raws)]

    assert [p.returncode for p in procs] == [0] * 6, [e[-2000:] for _, e in outputs]
    assert all(out.startswith(b"X-Mailtoticket: SUCCESS") for out, _ in outputs)
    titles = [t["assumpte"] for t in server.tickets()]
    assert all(titles.count("First at once %d" % i) == 1 for i in range(6))


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_message_another_delivery_holds_is_message_busy_at_once_with_no_wait(
        engine, tmp_path, request):
    # the service's case (service/main.py LOCK_WAIT): left to the holder, not waited for
    from gateway.journal import MessageBusy
    location, password = journal_location(engine, tmp_path, request)
    holder, other = (Journal(location, "gn6", password_file=password) for _ in range(2))
    with holder.entry("k", "<m@x>", wait=5):
        started = time.monotonic()
        with pytest.raises(MessageBusy, match="still running"):
            with other.entry("k", "<m@x>", wait=0):
                pass
        assert time.monotonic() - started < 0.5


def test_a_service_thread_keeps_one_postgresql_session_for_its_deliveries(postgres):
    # the service's KeptJournals (service/main.py ServiceRun): one backend per
    # delivery thread across deliveries, each message's lock let go at its end
    import threading
    from gateway.journal import KeptJournals
    settings = postgres.journal_settings()
    app = "kept%d" % time.monotonic_ns()
    location = settings["journal"] + "&application_name=" + app

    def make():
        return Journal(location, "gn6", password_file=settings["journal_password_file"])

    def backends():
        with postgres.connect() as db:
            return [pid for (pid,) in db.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (app,))]

    kept = KeptJournals()
    both = threading.Barrier(2)

    def deliver(key):
        try:
            with kept.get(make).entry(key, "<%s@x>" % key, wait=0) as entry:
                entry.finish("SUCCESS")
        finally:
            kept.done()

    def worker(n):
        for i in range(3):
            deliver("m%d-%d" % (n, i))
            if i == 0:
                both.wait(10)   # both threads connected before either goes on

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(backends()) == 2      # two threads, six deliveries
    other = make()                   # another session takes each message's lock at once
    for key in ["m%d-%d" % (n, i) for n in range(2) for i in range(3)]:
        with other.entry(key, "<%s@x>" % key, wait=0) as entry:
            assert entry.outcome == "SUCCESS"

    # a delivery that ends still holding its lock: the session is closed, not kept
    held = kept.get(make).entry("stuck", "<stuck@x>", wait=0)
    held.__enter__()
    kept.done()
    with other.entry("stuck", "<stuck@x>", wait=2):
        pass

    # a session the server dropped (a restart): that delivery fails (75),
    # the next one connects anew
    earlier = set(backends())
    deliver("before")
    deliver("again")
    [pid] = set(backends()) - earlier    # this thread's one session
    with postgres.connect() as db:
        db.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(TemporaryFailure):
        deliver("during")
    deliver("after")
    assert pid not in backends() and len(backends()) == len(earlier) + 1
    kept.close()                     # a reload, a stop
    assert backends() == [other.engine.db.info.backend_pid]
    other.close()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_step_written_with_others_is_kept_whole_or_not_at_all_whatever_its_text(
        engine, tmp_path, request):
    # Several statements are one commit (PostgreSQL: bound by the client and
    # sent as one query): quotes, backslashes, semicolons and non-ASCII text
    # come back as written, and a failing statement takes the others with it.
    location, password = journal_location(engine, tmp_path, request)
    journal = Journal(location, "gn6", keep_days=0, password_file=password)
    awkward = {"subject": "O'Brien \\ \"quoted\"; DROP TABLE entries; -- ? %s %% é ☃",
               "n": 1.5, "none": None}
    with journal.entry("k", "<m'1@x>", wait=1) as entry:
        entry.note("message", awkward)
        entry.record("ticket", "T'1")
    assert journal.state_of("k")["message"] == awkward
    assert journal.entry_row("k") is not None

    with pytest.raises(TemporaryFailure):
        journal._write(("INSERT INTO tickets (instance, codi, key) VALUES (?,?,?)",
                        ("gn6", "T2", "k")),
                       ("INSERT INTO no_such_table VALUES (?)", (1,)))
    assert journal.owner_of("T2") is None
    with journal.entry("k2", "<m2@x>", wait=1) as entry:   # the session goes on
        entry.finish("SUCCESS")
    assert journal.entry_row("k2")[1] == "SUCCESS"
