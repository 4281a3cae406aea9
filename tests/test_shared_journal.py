"""Several gateways on one mail, sharing a PostgreSQL journal.

Each "host" is a gateway with a state folder of its own (log, quarantine,
WSDL cache) and the same journal: a schema in the session's real
PostgreSQL cluster (tests/postgres_server.py). The ticket system is the GN6
reference server; the mailbox, in the fetchmail test, a real dovecot.
Whatever the faults (a gateway killed at a step, the database restarted or
refusing connections, clocks minutes apart), each message makes one ticket.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import REPO, SCRIPT, header, mail, run_mailtoticket
from test_exactly_once import count, with_attachments
from test_fetchmail_e2e import box  # noqa: F401  (a real dovecot, one per module)

FAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")


@pytest.fixture
def hosts(settings_file, postgres, tmp_path):
    """hosts(**overrides) -> settings of gateways "a" and "b": their own
    folders, one PostgreSQL journal."""
    def make(**overrides):
        shared = dict(postgres.journal_settings(), **overrides)
        return [settings_file(folder=tmp_path / name, **shared) for name in ("a", "b")]
    return make


def until(condition, seconds=30, what="the event"):
    """Wait for `condition()` (polled every 20 ms), at most `seconds`."""
    give_up = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > give_up:
            raise AssertionError("timed out waiting for %s" % what)
        time.sleep(0.02)


def start(settings, raw, env=None):
    proc = subprocess.Popen([sys.executable, str(SCRIPT), "-c", str(settings)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=str(REPO),
                            env=dict(os.environ, **(env or {})))
    proc.stdin.write(raw)
    proc.stdin.close()
    proc.stdin = None       # communicate() then only reads
    return proc


def called(server, op, since):
    return any(c["op"] == op for c in server.calls()[since:])


def waiting_on_a_message_lock(postgres):
    return postgres.rows("public", "SELECT COUNT(*) FROM pg_locks"
                         " WHERE locktype = 'advisory' AND NOT granted")[0][0] > 0


def test_two_gateways_delivering_the_same_messages_at_once_make_one_ticket_each(
        server, hosts):
    a, b = hosts()
    raws = [mail(subject="Shared %d" % i) for i in range(3)]

    # each message twice on each "host": twelve deliveries at once
    procs = [start(settings, b"Received: from imap by %s; racing\n" % name + raw)
             for raw in raws for name, settings in ((b"a", a), (b"b", b)) * 2]
    outputs = [p.communicate(timeout=120)[0] for p in procs]

    assert all(p.returncode == 0 for p in procs)            # each acknowledged, none lost
    assert all(out.startswith(b"X-Mailtoticket: SUCCESS") for out in outputs)
    assert all(count(server, "Shared %d" % i) == 1 for i in range(3))


@pytest.mark.parametrize("step", ["AltaTiquet", "AnnexarFitxerTiquet", "ModificarTiquet"])
def test_a_gateway_killed_at_a_step_leaves_the_message_to_the_other_waiting_one(
        server, hosts, postgres, step):
    a, b = hosts(espera_bloqueig=25)
    files = {"one.bin": b"1" * 40, "two.bin": b"2" * 40}
    subject = "Killed at %s" % step
    raw = with_attachments(subject, files)
    seen = len(server.calls())
    with server.failing("slow", hang_seconds=2):             # every answer late
        first = start(a, raw)
        until(lambda: called(server, step, seen), what="gateway a at %s" % step)
        first.send_signal(signal.SIGSTOP)                    # a stays in the step
    second = start(b, b"Received: from imap by host b; racing\n" + raw)
    until(lambda: waiting_on_a_message_lock(postgres), what="gateway b on the lock")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    out, err = second.communicate(timeout=60)

    assert first.returncode == -signal.SIGKILL
    assert second.returncode == 0, err.decode()[-3000:]
    assert out.startswith(b"X-Mailtoticket: SUCCESS")
    [ticket] = [t for t in server.tickets() if t["assumpte"] == subject]
    # an upload whose answer died with a is sent again (GN6 cannot be asked)
    assert {a["nomFitxer"] for a in ticket["annexos"]} == set(files)
    assert "fileId=" in ticket["descripcio"]


def test_postgresql_restarted_mid_delivery_leaves_the_message_to_be_finished_once(
        server, hosts, postgres):
    a, b = hosts()
    files = {"a.bin": b"a" * 64, "b.bin": b"b" * 64, "c.bin": b"c" * 64}
    raw = with_attachments("Database restarted", files)
    seen = len(server.calls())
    with server.failing("slow", hang_seconds=0.3):
        cut = start(a, raw)
        until(lambda: called(server, "AnnexarFitxerTiquet", seen), what="an upload")
        postgres.restart()
        out, err = cut.communicate(timeout=60)

    again = run_mailtoticket(raw, b)

    assert cut.returncode == 75, err.decode()[-3000:]
    assert out == b""                                    # a waiting message is not echoed
    assert header(again) == "SUCCESS", again.stderr.decode()[-3000:]
    [ticket] = [t for t in server.tickets() if t["assumpte"] == "Database restarted"]
    assert {f["nomFitxer"] for f in ticket["annexos"]} == set(files)


def test_postgresql_refusing_connections_is_exit_75_then_the_message_is_delivered_once(
        server, hosts, postgres, tmp_path):
    a, b = hosts()
    raw = mail(subject="Database down")
    postgres.stop()
    try:
        down = run_mailtoticket(raw, a)
    finally:
        postgres.start()

    back = run_mailtoticket(raw, b)
    again = run_mailtoticket(raw, a)

    assert down.returncode == 75 and down.stdout == b""     # waiting: not echoed
    log = (tmp_path / "a" / "mailtoticket.log").read_text()
    assert "unreachable" in log and "secret" not in log
    assert header(back) == header(again) == "SUCCESS"
    assert count(server, "Database down") == 1


@pytest.mark.skipif(not FAKETIME.exists(), reason="faketime missing (scripts/test.sh installs it)")
def test_two_gateways_five_minutes_apart_keep_one_loop_guard_window(server, hosts):
    a, b = hosts(limit_tiquets_per_remitent=2, finestra_limit_minuts=3)
    ahead = {"LD_PRELOAD": str(FAKETIME), "FAKETIME": "+300"}   # b's clock: 5 min fast
    sender = "anna.puig@gmail.com"

    results = [run_mailtoticket(mail(subject="Skewed %d" % i, sender=sender), settings,
                                env=env)
               for i, (settings, env) in enumerate([(a, None), (b, ahead), (a, None),
                                                    (b, ahead)])]

    # on its own clock b would see a's writes as 5 minutes old, out of the window
    assert [header(r) for r in results] == ["SUCCESS", "SUCCESS", "REJECT", "REJECT"]
    assert sum(count(server, "Skewed %d" % i) for i in range(4)) == 2


def test_a_copied_sqlite_journal_keeps_its_history_on_postgresql(
        server, settings_file, postgres, tmp_path):
    old = settings_file(folder=tmp_path / "old")            # the SQLite journal of old
    done = mail(subject="Done before the move")
    assert header(run_mailtoticket(done, old)) == "SUCCESS"
    files = {"x.bin": b"x" * 30, "y.bin": b"y" * 30}
    half = with_attachments("Half done before the move", files)
    with server.failing("fault", after="AltaTiquet"):       # ticket made, answer lost
        assert run_mailtoticket(half, old).returncode == 75
    settings = settings_file(folder=tmp_path / "new", **postgres.journal_settings())

    copied = subprocess.run([sys.executable, str(SCRIPT), "-c", str(settings),
                             "--copy-journal", str(tmp_path / "old" / "journal.sqlite")],
                            capture_output=True, timeout=60, cwd=str(REPO))
    again = run_mailtoticket(b"Received: from imap by the new host; later\n" + done, settings)
    finished = run_mailtoticket(half, settings)
    recopied = subprocess.run([sys.executable, str(SCRIPT), "-c", str(settings),
                               "--copy-journal", str(tmp_path / "old" / "journal.sqlite")],
                              capture_output=True, timeout=60, cwd=str(REPO))

    assert copied.returncode == 0, copied.stdout + copied.stderr
    assert b"OK entries: 2 row(s)" in copied.stdout
    assert header(again) == "SUCCESS"
    assert "already handled" in (tmp_path / "new" / "mailtoticket.log").read_text()
    assert count(server, "Done before the move") == 1
    assert header(finished) == "SUCCESS", finished.stderr.decode()[-3000:]
    [ticket] = [t for t in server.tickets() if t["assumpte"] == "Half done before the move"]
    assert sorted(f["nomFitxer"] for f in ticket["annexos"]) == ["x.bin", "y.bin"]
    assert recopied.returncode == 0                          # twice adds nothing
    schema = postgres_schema(settings)
    assert postgres.rows(schema, "SELECT COUNT(*) FROM entries")[0][0] == 2


def postgres_schema(settings):
    import yaml
    url = yaml.safe_load(Path(settings).read_text())["journal"]
    return url.rsplit("%3D", 1)[1]


# ------------------------------------------- two hosts' fetchmail, one mailbox

def fetchmail_of(box, settings, name, keep=False):
    """A host's fetchmail: fetchmailrc.example for its settings (with
    `keep` on the host that leaves mail for the other), its own home."""
    from test_fetchmail_e2e import FETCHMAILRC_EXAMPLE, mb
    text = mb.rc_from_example(FETCHMAILRC_EXAMPLE.read_text(), box,
                              mb.example_paths(REPO, sys.executable, settings))
    if keep:
        text = text.replace("\n    nokeep", "\n    keep")
    rc = box.write_rc(text, "fetchmailrc-%s" % name)
    home = Path(settings).parent / "fetchmail-home"
    home.mkdir(mode=0o700, exist_ok=True)
    command = [mb.which("fetchmail"), "-f", str(rc), "--pidfile", str(home / "pid")]
    env = box.fetchmail_env({"HOME": str(home), "FETCHMAILHOME": str(home)})
    return lambda: subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, env=env)


def test_two_hosts_fetchmail_on_one_mailbox_make_one_ticket_per_message(server, hosts, box):
    a, b = hosts()
    box.clear()
    subjects = ["Two hosts %d" % i for i in range(4)]
    box.append(*[mail(subject=s) for s in subjects])
    keeping, deleting = fetchmail_of(box, a, "a", keep=True), fetchmail_of(box, b, "b")

    racing = [keeping(), deleting()]                         # both poll at once
    outputs = [p.communicate(timeout=120)[0] for p in racing]
    again = keeping()                                        # a's next poll: all seen again
    outputs.append(again.communicate(timeout=120)[0])
    last = deleting()
    outputs.append(last.communicate(timeout=120)[0])

    assert [count(server, s) for s in subjects] == [1] * 4, b"\n".join(outputs)[-4000:]
    assert box.messages() == []                              # b took each one away


def test_check_and_status_read_a_postgresql_journal_without_showing_its_password(
        server, hosts):
    a, _ = hosts()
    raw = mail(subject="Status on PostgreSQL", message_id="<status-pg@test.example>")
    assert header(run_mailtoticket(raw, a)) == "SUCCESS"

    check = subprocess.run([sys.executable, str(SCRIPT), "-c", str(a), "--check"],
                           capture_output=True, timeout=60, cwd=str(REPO))
    status = subprocess.run([sys.executable, str(SCRIPT), "-c", str(a), "--status",
                             "status-pg@test.example"], capture_output=True, timeout=60,
                            cwd=str(REPO))

    assert check.returncode == 0, check.stdout
    assert b"OK journal: postgresql://mtt@127.0.0.1:" in check.stdout
    assert b"secret" not in check.stdout + check.stderr
    assert status.returncode == 0, status.stdout
    assert b"outcome:  SUCCESS" in status.stdout
