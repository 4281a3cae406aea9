#!/usr/bin/env python3
"""The journal's cost per delivery, SQLite beside PostgreSQL, in one run.

    .venv/bin/python bench/journal.py [--deliveries 200] [--mda 15]

Starts a real PostgreSQL (Debian's binaries, tests/postgres_server.py) as a
production server runs it (fsync on, TCP on loopback, password login) and
measures, alternating the two engines (A B A B ...) so that drift hits both:

journal      the journal's work of one new-ticket delivery, in-process:
             open the journal (connect, schema check), take the message's
             entry under its lock, the loop-guard count, six steps, the
             ticket's claim, the sender's write, the outcome, release,
             close. Median and mean milliseconds per delivery per engine,
             and PostgreSQL minus SQLite (goal: at most 10 ms).
open journal the same work on a journal opened once (as a long-lived
             service keeps it): the steps alone, no connection per message.
mda          a whole delivery (`mailtoticket.py -c settings` as a process,
             against the GN6 reference server), the median per engine: what
             the MDA pays, psycopg's import included.
drain        NOT MEASURED HERE YET: the backlog drain rate with one, two
             and four service workers on one mailbox needs the service
             (issue 21, `mailtoticket.py serve`); see the marked section.

Figures are printed and written to bench/results/journal.txt (git-ignored).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

GOAL_EXTRA_MS = 10.0


def one_delivery(open_journal, n):
    """The journal calls of a new ticket from a known sender, the journal
    opened for it and closed after (an MDA run)."""
    journal = open_journal()
    delivery_steps(journal, n)
    journal.close()


def delivery_steps(journal, n):
    key = "<bench-%d-%d@upc.edu> %040x" % (os.getpid(), n, n)
    # As gateway/writes/journalled.py commits them (docs/journal.md): the
    # notes ride with the intent, the answer's steps are one commit.
    with journal.entry(key, key.split()[0], 30) as entry:
        entry.note("message", {"from": "jaume.moral@upc.edu", "subject": "bench"})
        journal.sender_writes_within("jaume.moral@upc.edu", 3600)
        entry.note("filtre", {"class": "filtres.nou.FiltreNou", "state": {}})
        entry.record("alta_sent", time.time())
        with journal.together():
            entry.record("ticket", str(100000 + n))
            journal.note_sender_write("jaume.moral@upc.edu")
            journal.claim_ticket(str(100000 + n), key)
        entry.note("parties", ["jaume.moral@upc.edu"])
        entry.finish("SUCCESS", "")


def bench_journal(engines, deliveries, kept_open=False):
    times = {name: [] for name in engines}
    opened = {name: open_journal() for name, open_journal in engines.items()}
    for n in range(deliveries):
        for name, open_journal in engines.items():
            started = time.perf_counter()
            if kept_open:
                delivery_steps(opened[name], deliveries + n)
            else:
                one_delivery(open_journal, n)
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def bench_mda(server, folder, journals, count):
    import yaml
    from support import mail
    settings = {}
    for name, keys in journals.items():
        data = dict(server.client_settings(folder / name), **keys)
        data.update(limit_tiquets_per_remitent=count * 10, log_level="WARNING")
        path = folder / ("%s.yaml" % name)
        path.write_text(yaml.safe_dump(data))
        settings[name] = path
    times = {name: [] for name in journals}
    for n in range(count):
        for name, path in settings.items():
            raw = mail(subject="Bench %s %d" % (name, n))
            started = time.perf_counter()
            done = subprocess.run([sys.executable, str(REPO / "mailtoticket.py"), "-c",
                                   str(path)], input=raw, capture_output=True, timeout=120)
            times[name].append((time.perf_counter() - started) * 1000)
            if not done.stdout.startswith(b"X-Mailtoticket: SUCCESS"):
                raise SystemExit("delivery failed on %s: %s" % (name, done.stderr[-2000:]))
    return times


def report(title, times, lines):
    lines.append(title)
    for name, values in times.items():
        lines.append("  %-11s median %7.2f ms   mean %7.2f ms   (n=%d)"
                     % (name, statistics.median(values), statistics.mean(values),
                        len(values)))
    extra = statistics.median(times["postgresql"]) - statistics.median(times["sqlite"])
    lines.append("  postgresql - sqlite: %+.2f ms per delivery (goal: at most +%.0f ms) %s"
                 % (extra, GOAL_EXTRA_MS, "MET" if extra <= GOAL_EXTRA_MS else "NOT MET"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument("--mda", type=int, default=15, help="whole deliveries per engine")
    args = parser.parse_args()
    from gateway.journal import Journal
    from postgres_server import PostgresServer
    from refservers.gn6.control import ReferenceServer
    lines = ["journal cost per delivery, SQLite and PostgreSQL side by side (%s, %d cores)"
             % (time.strftime("%Y-%m-%d %H:%M"), os.cpu_count())]
    folder = Path(tempfile.mkdtemp(prefix="mtt-bench-journal-"))
    with PostgresServer(durable=True) as pg:
        keys = pg.journal_settings()
        engines = {
            "sqlite": lambda: Journal(str(folder / "journal.sqlite"), "bench", keep_days=0),
            "postgresql": lambda: Journal(keys["journal"], "bench", keep_days=0,
                                          password_file=keys["journal_password_file"]),
        }
        report("journal (in-process, a connection per delivery as an MDA run makes it,"
               " %d deliveries each, fsync on both):" % args.deliveries,
               bench_journal(engines, args.deliveries), lines)
        report("open journal (in-process, the journal kept open as a service keeps it,"
               " %d deliveries each):" % args.deliveries,
               bench_journal(engines, args.deliveries, kept_open=True), lines)
        if args.mda:
            with ReferenceServer() as server:
                report("mda (whole deliveries as processes, %d each):" % args.mda,
                       bench_mda(server, folder, {"sqlite": {},
                                                  "postgresql": pg.journal_settings()},
                                 args.mda), lines)
    # ------------------------------------------------------------------
    # DRAIN (service workers): needs issue 21's service. Once
    # `mailtoticket.py serve` exists: append N messages to one dovecot
    # mailbox (tests/mailbox.py), run the service with 1, 2 and 4 workers
    # on the PostgreSQL journal, time the backlog to empty, and print the
    # rates and their ratios (goal: two workers >= 1.5x one), with the
    # gateway CPU, journal and ticket-system time of each run.
    lines.append("drain (service workers 1/2/4): not measured, needs the service (issue 21)")
    print("\n".join(lines))
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "journal.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
