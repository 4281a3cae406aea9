#!/usr/bin/env python3
"""Per-message cost of mailtoticket, as ratios measured in one run.

    .venv/bin/python bench/run.py            (or: bash bench/run.sh)

Starts the reference server (refservers.gn6) on loopback, writes a settings
file for it (a .py file, as production deployments use), and measures:

latency      median wall time of one plain-text new-ticket delivery
             (and, beside it, of an Outlook-style HTML one)
             (`mailtoticket.py -c settings.py` as a process: spawn, stdin,
             exit), each time a different message so that each really
             creates a ticket, divided by the median wall time of
             `python -c "import zeep"` in the same venv. The two are run
             alternately (A B A B ...) so that drift hits both alike.
big message  a message carrying a 25 MiB attachment: checked byte-exact on
             the server, and the peak RSS of that mailtoticket process alone
             (os.wait4) divided by the size of the message on stdin.
floor        beside the latency, alternated with it: a process that does
             only what such a delivery cannot do without (load the settings,
             build both zeep clients from the cached WSDLs, make the two
             SOAP calls, exit as a delivery does), over `import zeep`: what
             is left between it and the latency is the project's own cost
             (its imports and its work: parsing, journal, log, echo).
throughput   200 messages delivered one after another (messages/s), beside
             the same figure for `cat` as the MDA (the floor of the pipe),
             the two alternated message by message.

The sender (jaume.moral@upc.edu) is resolved through the directory
(obtenirDadesPersona), so a delivery makes two zeep clients and two SOAP
calls, like most production mail. The loop guard stays on, with a limit
above the number of messages sent. The figures are printed and written to
bench/results/latest.txt (git-ignored). Nothing here is asserted by tests.
"""
import argparse
import base64
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from refservers.gn6.control import ReferenceServer  # noqa: E402

MIB = 1024 * 1024
# Goals (issue 20): a plain delivery at most 1.15 x `import zeep`, an HTML
# one 1.3 x, a 25 MiB attachment's peak RSS 3 x the message size (2 x the aim).
TARGET_LATENCY = 1.15
TARGET_HTML = 1.3
TARGET_RSS = 3.0


def settings_for(server, folder, messages):
    return dict(
        server.client_settings(folder),
        filtres=["filtres.reply.FiltreReply", "filtres.nou.FiltreNou",
                 "filtres.nou_extern.FiltreNouExtern"],
        # The guard stays on; one sender sends every message of the run.
        limit_tiquets_per_remitent=messages + 100)


# ------------------------------------------------------------------ messages

_counter = [0]


def _next_id(tag):
    _counter[0] += 1
    return "%s-%d-%d-%d" % (tag, os.getpid(), int(time.time()), _counter[0])


def _headers(ident):
    """The headers every benchmark mail shares, up to its Content-Type."""
    return ("From: Jaume Moral <jaume.moral@upc.edu>\n"
            "To: Suport Unitat <suport@upc.edu>\n"
            "Subject: La impressora no imprimeix (%s)\n"
            "Date: Sun, 22 Nov 2026 09:15:00 +0100\n"
            "Message-ID: <%s@upc.edu>\n"
            "MIME-Version: 1.0\n" % (ident, ident))


def plain_message(tag="lat"):
    """A plain-text mail, different each time (subject, Message-ID, body)."""
    ident = _next_id(tag)
    return (_headers(ident) +
            "Content-Type: text/plain; charset=utf-8\n"
            "Content-Transfer-Encoding: 8bit\n"
            "\n"
            "Bon dia,\n\n"
            "La impressora de la sala d'actes no imprimeix des d'ahir: surt un\n"
            "error \"paper jam\" però no hi ha cap paper encallat. (%s)\n\n"
            "Gràcies,\nJaume\n" % ident).encode("utf-8")


def html_message(tag="html"):
    """An HTML mail as Outlook writes it (multipart/alternative, the HTML
    with a style block, a signature table), different each time."""
    ident = _next_id(tag)
    html = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
            "charset=utf-8\"><style>p.MsoNormal{margin:0cm;font-family:Calibri}"
            "</style></head><body lang=\"CA\"><div class=\"WordSection1\">"
            "<p class=\"MsoNormal\">Bon dia,</p><p class=\"MsoNormal\">La "
            "impressora de la sala d'actes no imprimeix des d'ahir: surt un error "
            "<b>paper jam</b> però no hi ha cap paper encallat. (%s)</p>"
            "<table><tr><td><p class=\"MsoNormal\">Jaume Moral</p></td><td>"
            "<p class=\"MsoNormal\">Unitat de Sistemes</p></td></tr></table>"
            "</div></body></html>" % ident)
    return (_headers(ident) +
            "Content-Type: multipart/alternative; boundary=\"alt\"\n\n"
            "--alt\nContent-Type: text/plain; charset=utf-8\n\n"
            "Bon dia, la impressora no imprimeix. (%s)\n"
            "--alt\nContent-Type: text/html; charset=utf-8\n\n%s\n--alt--\n"
            % (ident, html)).encode("utf-8")


def big_message(size):
    """(raw message, attachment bytes): text body plus one base64 file."""
    data = random.Random(20261122).randbytes(size)
    encoded = base64.encodebytes(data)  # 76-character lines, as mailers write
    ident = _next_id("big")
    head = ("From: Jaume Moral <jaume.moral@upc.edu>\n"
            "To: Suport Unitat <suport@upc.edu>\n"
            "Subject: Fitxer gran (%s)\n"
            "Date: Sun, 22 Nov 2026 09:15:00 +0100\n"
            "Message-ID: <%s@upc.edu>\n"
            "MIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=\"=-bench-boundary\"\n"
            "\n"
            "--=-bench-boundary\n"
            "Content-Type: text/plain; charset=utf-8\n"
            "\n"
            "Us envio el fitxer.\n"
            "\n"
            "--=-bench-boundary\n"
            "Content-Type: application/octet-stream; name=\"dades.bin\"\n"
            "Content-Disposition: attachment; filename=\"dades.bin\"\n"
            "Content-Transfer-Encoding: base64\n"
            "\n" % (ident, ident)).encode("ascii")
    return head + encoded + b"\n--=-bench-boundary--\n", data


# ------------------------------------------------------------------ running

class Bench:
    def __init__(self, python, folder, server, messages, yaml=False):
        self.python = python
        self.folder = folder
        self.server = server
        values = settings_for(server, folder, messages)
        if yaml:  # JSON is YAML; read by gateway.settings with PyYAML
            self.settings = folder / "settings.yaml"
            self.settings.write_text(json.dumps(values, indent=1), encoding="utf-8")
        else:
            self.settings = folder / "settings.py"
            self.settings.write_text("settings = %r\n" % values, encoding="utf-8")
        self.command = [python, str(REPO / "mailtoticket.py"), "-c", str(self.settings)]
        self.delivered = 0

    def deliver(self, raw):
        """Wall time of one delivery; fails loudly unless it was a SUCCESS."""
        start = time.perf_counter()
        run = subprocess.run(self.command, input=raw, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=str(self.folder))
        elapsed = time.perf_counter() - start
        self._check(run.returncode, run.stdout[:200], run.stderr)
        self.delivered += 1
        return elapsed

    def _check(self, code, head, stderr):
        if code != 0 or not head.startswith(b"X-Mailtoticket: SUCCESS"):
            raise SystemExit("delivery failed (exit %s): %r\n%s\nlog: %s" % (
                code, head[:120], stderr.decode("utf-8", "replace")[-3000:],
                self.folder / "mailtoticket.log"))

    def floor(self):
        """Wall time of the floor process (see the module's docstring)."""
        start = time.perf_counter()
        subprocess.run([self.python, "-c", _FLOOR, str(REPO), str(self.settings)],
                       check=True, cwd=str(self.folder))
        return time.perf_counter() - start

    def import_zeep(self):
        start = time.perf_counter()
        subprocess.run([self.python, "-c", "import zeep"], check=True)
        return time.perf_counter() - start

    def cat(self, raw):
        start = time.perf_counter()
        run = subprocess.run(["cat"], input=raw, stdout=subprocess.PIPE, check=True)
        elapsed = time.perf_counter() - start
        assert run.stdout == raw
        return elapsed

    def peak_rss(self, raw):
        """(exit code, echoed head, peak RSS in bytes) of one delivery: the
        RSS of that process alone, see _RSS_HELPER."""
        stdin_path = self.folder / "big.eml"
        stdout_path = self.folder / "big.out"
        stdin_path.write_bytes(raw)
        with open(stdin_path, "rb") as stdin, open(stdout_path, "wb") as stdout:
            start = time.perf_counter()
            code, rss = self._spawn_measured(self.command, stdin, stdout)
            self.big_seconds = time.perf_counter() - start
        with open(stdout_path, "rb") as f:
            head = f.read(200)
        stdin_path.unlink()
        stdout_path.unlink()
        return code, head, rss

    def zeep_rss(self):
        return self._spawn_measured([self.python, "-c", "import zeep"],
                                    subprocess.DEVNULL, subprocess.DEVNULL)[1]

    def _spawn_measured(self, command, stdin, stdout):
        report = self.folder / "rss.txt"
        subprocess.run([sys.executable, "-I", "-S", "-c", _RSS_HELPER, str(report)]
                       + command, stdin=stdin, stdout=stdout,
                       stderr=subprocess.DEVNULL, cwd=str(self.folder), check=True)
        code, kib = report.read_text().split()
        report.unlink()
        return int(code), int(kib) * 1024


# The floor: the settings, both services' clients (WSDLs from the cache the
# warm-up filled) and the two calls a plain delivery makes; then the same
# exit as a delivery (mailtoticket.py exit_now: no interpreter teardown).
_FLOOR = """
import os, sys
sys.path.insert(0, sys.argv[1])
from gateway import settings
from gateway.deadline import Deadline
from soa.identitat import GestioIdentitat
from soa.tiquets import GestioTiquets
values, deadline = settings.load(sys.argv[2]), Deadline(30)
assert GestioIdentitat(values, deadline).obtenir_dades_persona("jaume.moral")
GestioTiquets(values, deadline).alta_tiquet(
    solicitant="jaume.moral", assumpte="floor %d" % os.getpid(), descripcio="floor",
    equipResolutor=values["equip_resolutor_nous"])
os._exit(0)
"""


# ru_maxrss of a process counts the memory of the process it was forked
# from until its exec (vfork shares it outright): a child spawned by this
# (big) bench process would be charged for the bench's own buffers. So a
# tiny Python (no site, a few MB) spawns the measured command and reports
# its wait4() rusage: what that process itself peaked at.
_RSS_HELPER = """
import os, sys
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write("%d %d" % (os.waitstatus_to_exitcode(status), usage.ru_maxrss))
"""


def measure(args):
    lines = []

    def say(text=""):
        print(text, flush=True)
        lines.append(text)

    folder = Path(tempfile.mkdtemp(prefix="mailtoticket-bench-"))
    summary = []
    try:
        with ReferenceServer(db=folder / "server" / "gn6.sqlite3") as server:
            bench = Bench(args.python, folder, server,
                          2 * args.runs + args.messages + args.warmup + 1,
                          yaml=args.yaml)
            say("mailtoticket benchmark, %s" % time.strftime("%Y-%m-%d %H:%M:%S"))
            say("machine: %s, %d CPUs, Python %s (%s)" % (
                platform.platform(), os.cpu_count() or 0, platform.python_version(),
                args.python))
            say("settings: %s (%s); sender resolved via the directory; reference "
                "server %s" % (bench.settings.name, "YAML, read with PyYAML" if args.yaml
                               else "a .py file, as in production", server.url))
            say()
            # Warm-up: bytecode caches, WSDL cache, the server's first tickets.
            for _ in range(args.warmup):
                bench.deliver(plain_message("warm"))
                bench.import_zeep()
            if args.runs:
                summary.append(latency(bench, args.runs, say))
            if args.big_mib:
                summary.append(big(bench, server, args.big_mib, say))
            if args.messages:
                summary.append(throughput(bench, args.messages, say))
            tickets = len(server.tickets())
            if tickets < bench.delivered:
                raise SystemExit("only %d tickets on the server for %d deliveries"
                                 % (tickets, bench.delivered))
            say("summary: %s; %d tickets created" % ("; ".join(summary), tickets))
    finally:
        if args.keep:
            print("bench folder kept: %s" % folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    results = REPO / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "latest.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("written to %s" % (results / "latest.txt"))
    return 0


def latency(bench, runs, say):
    zeep_times, mtt_times, html_times, floor_times = [], [], [], []
    for _ in range(runs):
        zeep_times.append(bench.import_zeep())
        floor_times.append(bench.floor())
        mtt_times.append(bench.deliver(plain_message("lat")))
        html_times.append(bench.deliver(html_message("html")))
    zeep_med = statistics.median(zeep_times)
    mtt_med = statistics.median(mtt_times)
    ratio = mtt_med / zeep_med
    # Each delivery over the `import zeep` run just before it: drift and
    # bursts of load on the machine hit both of a pair alike.
    paired = statistics.median(m / z for m, z in zip(mtt_times, zeep_times))
    say("latency (plain-text new ticket, %d runs each, alternated)" % runs)
    say("  mailtoticket.py delivery   median %7.1f ms  (min %.1f, max %.1f)" % (
        mtt_med * 1000, min(mtt_times) * 1000, max(mtt_times) * 1000))
    say("  python -c 'import zeep'    median %7.1f ms  (min %.1f, max %.1f)" % (
        zeep_med * 1000, min(zeep_times) * 1000, max(zeep_times) * 1000))
    html_med = statistics.median(html_times)
    floor_med = statistics.median(floor_times)
    say("  floor (settings, 2 clients, 2 calls) median %5.1f ms  = %.2f x import zeep"
        % (floor_med * 1000, floor_med / zeep_med))
    say("  HTML new ticket delivery   median %7.1f ms  (min %.1f, max %.1f)  "
        "= %.2f x import zeep, %.2f x plain text" % (
            html_med * 1000, min(html_times) * 1000, max(html_times) * 1000,
            html_med / zeep_med, html_med / mtt_med))
    html_paired = statistics.median(h / z for h, z in zip(html_times, zeep_times))
    say("  HTML RATIO     %.2f   (target <= %.1f)  %s   [median of the %d pair "
        "ratios: %.2f]" % (html_med / zeep_med, TARGET_HTML,
                           "ok" if html_med / zeep_med <= TARGET_HTML else "OVER", runs,
                           html_paired))
    say("  LATENCY RATIO  %.2f   (target <= %.2f)  %s   [median of the %d pair "
        "ratios: %.2f]" % (ratio, TARGET_LATENCY,
                           "ok" if ratio <= TARGET_LATENCY else "OVER", runs, paired))
    say()
    return "latency %.2f (<= %.2f), HTML %.2f (<= %.1f)" % (
        ratio, TARGET_LATENCY, html_med / zeep_med, TARGET_HTML)


def big(bench, server, mib, say):
    raw, data = big_message(int(mib * MIB))
    before = {t["codi"] for t in server.tickets()}
    code, head, rss = bench.peak_rss(raw)
    bench._check(code, head, b"")
    bench.delivered += 1
    new = [t for t in server.tickets() if t["codi"] not in before]
    annexes = [a for t in new for a in t["annexos"]]
    if len(new) != 1 or len(annexes) != 1:
        raise SystemExit("big message: expected 1 ticket with 1 attachment, got %r" % new)
    exact = server.annex_bytes(annexes[0]["codiAnnex"]) == data
    ratio = rss / len(raw)
    base_rss = bench.zeep_rss()
    say("big message (%s MiB attachment, %.1f MB on stdin)" % (_num(mib), len(raw) / 1e6))
    say("  attachment on the server   %s" % (
        "byte-exact (%d bytes)" % len(data) if exact else "DIFFERENT"))
    say("  peak RSS of mailtoticket   %7.1f MB  (python -c 'import zeep': %.1f MB)"
        % (rss / 1e6, base_rss / 1e6))
    say("  wall time of that delivery %7.2f s" % bench.big_seconds)
    say("  RSS RATIO  %.2f x message size   (target <= %.1f)  %s   [%.2f x the "
        "attachment]" % (ratio, TARGET_RSS, "ok" if ratio <= TARGET_RSS and exact
                         else "OVER", rss / len(data)))
    say()
    if not exact:
        raise SystemExit("the attachment stored on the server differs")
    return "RSS %.2f (<= %.1f)" % (ratio, TARGET_RSS)


def throughput(bench, messages, say):
    mtt_total = cat_total = 0.0
    for _ in range(messages):
        raw = plain_message("tput")
        cat_total += bench.cat(raw)
        mtt_total += bench.deliver(raw)
    mtt_rate = messages / mtt_total
    cat_rate = messages / cat_total
    say("throughput (%d messages one after another, alternated with cat)" % messages)
    say("  mailtoticket.py  %8.2f messages/s" % mtt_rate)
    say("  cat (the pipe)   %8.2f messages/s" % cat_rate)
    say("  THROUGHPUT  %.2f msg/s vs %.2f msg/s for cat (%.1f%% of the floor)" % (
        mtt_rate, cat_rate, 100 * mtt_rate / cat_rate))
    say()
    return "throughput %.2f msg/s vs cat %.2f msg/s" % (mtt_rate, cat_rate)


def _num(value):
    return ("%g" % value)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=31,
                        help="latency: deliveries and `import zeep` runs, each (31; "
                             "0 skips the latency)")
    parser.add_argument("--messages", type=int, default=200,
                        help="throughput: messages delivered (200; 0 skips it)")
    parser.add_argument("--big-mib", type=float, default=25,
                        help="big message: attachment size in MiB (25; 0 skips it)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up deliveries (2)")
    parser.add_argument("--yaml", action="store_true",
                        help="settings as YAML instead of a .py file (PyYAML's cost)")
    parser.add_argument("--python", default=sys.executable,
                        help="the venv's python (default: this one)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (log, journal, server db)")
    return measure(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
