#!/usr/bin/env python3
"""The service beside fetchmail + the MDA, measured side by side in one run.

    .venv/bin/python bench/service.py [--count 1000] [--sample 60] [--latency 10]

Needs root, dovecot-imapd and fetchmail (as the end-to-end tests). Starts
the reference GN6 server and a private dovecot (refservers/dovecot.py),
and measures on this machine:

drain        a backlog of --count new-ticket messages in a real mailbox:
             `mailtoticket.py serve` (started after the APPENDs, stopped
             when the last one is filed) against fetchmail polling the same
             dovecot with mailtoticket.py as its MDA. fetchmail + the MDA
             drains a --sample of the backlog (the slow side: ~4 messages/s)
             and its time is scaled to --count, as said in the output.
idle         APPEND -> ticket with the service waiting in IMAP IDLE:
             --latency messages one at a time (the ticket counted when the
             service has filed it, so after the ticket exists).
memory       the service's RSS (VmRSS) after its first 50 messages (every
             module imported, every client made) and after the whole
             backlog: growth per message.

Each message has its own subject and Message-ID (each is a new ticket),
from two senders resolved through the directory, as in bench/run.py.
Prints the figures; nothing here is asserted by tests.
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from refservers.dovecot import PrivateDovecot, program  # noqa: E402
from refservers.gn6.control import ReferenceServer  # noqa: E402

SENDERS = ("jaume.moral@upc.edu", "anna.puig@gmail.com")


def message(i, tag):
    msg = EmailMessage()
    msg["From"] = SENDERS[i % 2]
    msg["To"] = "suport@upc.edu"
    msg["Subject"] = "Bench %s %05d: the printer on floor %d" % (tag, i, i % 7)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="bench.example")
    msg.set_content("The printer on floor %d does not print.\nMessage %d.\n" % (i % 7, i))
    return bytes(msg)


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def delivered(status_file):
    try:
        data = json.loads(status_file.read_text())
    except (FileNotFoundError, ValueError):
        return 0, False
    box = data["mailboxes"][0]
    return sum(box["deliveries"].values()), box["idle"]


def wait(predicate, seconds, what, step=0.02, proc=None):
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise SystemExit("the service exited (%s) before %s" % (proc.returncode, what))
        if time.monotonic() > deadline:
            raise SystemExit("gave up waiting for %s" % what)
        time.sleep(step)


def service_side(work, server, dovecot, settings, count, latency_runs):
    folder = "service"
    dovecot.append("suport", folder, (message(i, "svc") for i in range(count)))
    service_file = work / "service.yaml"
    service_file.write_text(json.dumps({
        "state_dir": str(work / "service-state"), "log_level": "WARNING",
        "mailboxes": [{"name": "suport", "server": "127.0.0.1", "port": dovecot.port,
                       "tls": "none", "folder": folder,
                       "login": {"user": "suport", "password": "secret"},
                       "settings": str(settings)}]}))
    status_file = work / "service-state" / "service-status.json"
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(REPO / "mailtoticket.py"), "serve", "-c",
                             str(service_file)], stdin=subprocess.DEVNULL,
                            stderr=open(work / "service.stderr", "wb"))
    try:
        warm = wait(lambda: delivered(status_file)[0] >= min(50, count) and
                    rss_kib(proc.pid), 600, "the first 50", proc=proc)
        wait(lambda: delivered(status_file)[0] >= count, 3600, "the backlog", 0.01, proc)
        drain = time.monotonic() - started
        after = rss_kib(proc.pid)
        done = delivered(status_file)[0]
        outcomes = json.loads(status_file.read_text())["mailboxes"][0]["deliveries"]
        tickets = len(server.tickets())
        left = dovecot.count("suport", folder)
        wait(lambda: delivered(status_file)[1], 30, "IDLE")
        latencies = []
        for i in range(latency_runs):
            before = delivered(status_file)[0]
            t0 = time.monotonic()
            dovecot.append("suport", folder, [message(i, "idle")])
            wait(lambda: delivered(status_file)[0] > before, 30, "the IDLE ticket", 0.002)
            latencies.append(time.monotonic() - t0)
        final = rss_kib(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    return {"drain": drain, "count": done, "left": left, "outcomes": outcomes,
            "tickets": tickets, "rss_warm": warm, "rss_after": after,
            "rss_final": final, "latencies": latencies}


def fetchmail_side(work, dovecot, settings, sample):
    folder = "fetchmail"
    dovecot.append("suport", folder, (message(i, "fm") for i in range(sample)))
    home = work / "fetchmail-home"
    home.mkdir(mode=0o700)
    rc = work / "fetchmailrc"
    rc.write_text(
        'poll 127.0.0.1 service %d proto imap auth password:\n'
        '  username "suport" password "secret" folder "%s"\n'
        '  mda "%s %s -c %s"\n  fetchall nokeep\n  sslproto \'\'\n'
        % (dovecot.port, folder, sys.executable, REPO / "mailtoticket.py", settings))
    rc.chmod(0o600)
    env = dict(os.environ, HOME=str(home), FETCHMAILHOME=str(home), LC_ALL="C",
               FETCHMAILUSER="root")
    started = time.monotonic()
    run = subprocess.run([program("fetchmail"), "-f", str(rc), "--pidfile",
                          str(home / "pid")], env=env, capture_output=True, timeout=3600)
    elapsed = time.monotonic() - started
    left = dovecot.count("suport", folder)
    if run.returncode not in (0, 1) or left:
        raise SystemExit("fetchmail failed (%d, %d left): %s" % (
            run.returncode, left, run.stderr.decode(errors="replace")[-2000:]))
    return {"elapsed": elapsed, "sample": sample}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="the backlog (service side)")
    parser.add_argument("--sample", type=int, default=60,
                        help="messages fetchmail + the MDA drain (scaled to --count)")
    parser.add_argument("--latency", type=int, default=10, help="APPEND -> ticket runs")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mailtoticket-bench-service-"))
    with ReferenceServer(db=work / "gn6.sqlite") as server, \
            PrivateDovecot({"suport": "secret"}) as dovecot:
        settings = work / "settings.py"
        data = dict(server.client_settings(work),
                    limit_tiquets_per_remitent=10 * (args.count + args.sample + 100),
                    log_level="WARNING")
        settings.write_text("settings = %r\n" % data)
        svc = service_side(work, server, dovecot, settings, args.count, args.latency)
        fm = fetchmail_side(work, dovecot, settings, args.sample)
    per_message = fm["elapsed"] / fm["sample"]
    scaled = per_message * args.count
    lat = sorted(svc["latencies"])
    growth = (svc["rss_after"] - svc["rss_warm"]) / max(1, args.count - 50)
    lines = [
        "mailtoticket service bench, %s, %s cores, Python %s" % (
            time.strftime("%Y-%m-%d %H:%M"), os.cpu_count(), sys.version.split()[0]),
        "drain    service: %d messages in %.1f s (%.1f msg/s, start-up included; %d left)"
        % (svc["count"], svc["drain"], svc["count"] / svc["drain"], svc["left"]),
        "         outcomes %s; tickets on the server: %d" % (
            " ".join("%s %d" % item for item in svc["outcomes"].items() if item[1]),
            svc["tickets"]),
        "         fetchmail + MDA: a sample of %d in %.1f s (%.2f msg/s), scaled to %d: %.0f s"
        % (fm["sample"], fm["elapsed"], 1 / per_message, args.count, scaled),
        "         ratio: the service drains %.1fx faster (goal >= 10x, aim 20x)"
        % (scaled / svc["drain"]),
        "idle     APPEND -> ticket filed: median %.2f s, max %.2f s over %d (goal < 2 s)"
        % (statistics.median(lat), lat[-1], len(lat)) if lat else "idle     (not run)",
        "memory   RSS after 50 messages %.1f MiB, after %d %.1f MiB, after the IDLE runs "
        "%.1f MiB: %+.2f KiB per message" % (
            svc["rss_warm"] / 1024, svc["count"], svc["rss_after"] / 1024,
            svc["rss_final"] / 1024, growth),
    ]
    print("\n".join(lines))
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "service.txt").write_text("\n".join(lines) + "\n")
    import shutil
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
