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
from test_exactly_once import count, deliver_at_once, with_attachments

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

    procs, outputs = deliver_at_once(a, raws * 2)            # both "hosts" at once
    procs_b, outputs_b = deliver_at_once(b, raws)

    assert all(p.returncode in (0, 75) for p in procs + procs_b)
    assert all(count(server, "Shared %d" % i) == 1 for i in range(3))


@pytest.mark.parametrize("step", ["AltaTiquet", "AnnexarFitxerTiquet", "ModificarTiquet"])
def test_a_gateway_killed_at_a_step_leaves_the_message_to_the_other_waiting_one(
        server, hosts, postgres, step):
    a, b = hosts(espera_bloqueig=25)
    files = {"one.bin": b"1" * 40, "two.bin": b"2" * 40}
    subject = "Killed at %s" % step
    raw = with_attachments(subject, files)
    seen = len(server.calls())
    with server.failing("slow", hang_seconds=0.3):          # every answer late
        first = start(a, raw)
        until(lambda: called(server, step, seen), what="gateway a at %s" % step)
        second = start(b, b"Received: from imap by host b; racing\n" + raw)
        until(lambda: waiting_on_a_message_lock(postgres), what="gateway b on the lock")
        first.send_signal(signal.SIGKILL)                    # in the middle of the step
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
    assert out == raw                                    # echoed untouched: not acknowledged
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

    assert down.returncode == 75 and down.stdout == raw
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
