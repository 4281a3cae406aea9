"""The staff web server's start-up, memory and speed, side by side.

    .venv/bin/python bench/web.py [--runs 5] [--messages 30] [--requests 300]

Starts the reference GN6 server, delivers --messages mails through the
real script (a few are quarantined), then measures in one run:
- start-up: `mailtoticket.py web` until /health answers, beside
  `python -c pass` and `python -c "import fastapi, uvicorn"` (medians);
- memory: the server's RSS after start and after --requests API calls,
  beside a bare interpreter's;
- speed: API searches per second over the journal, one client.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from refservers.gn6.control import ReferenceServer  # noqa: E402
from support import mail, run_mailtoticket  # noqa: E402
from web_support import WebServer, add_token, free_port  # noqa: E402


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def timed(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=str(REPO), capture_output=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--messages", type=int, default=30)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, ReferenceServer() as gn6:
        folder = Path(folder)
        port = free_port()
        data = dict(gn6.client_settings(folder), state_dir=str(folder),
                    web={"listen": "127.0.0.1:%d" % port, "open": ["health"]})
        settings = folder / "settings.yaml"
        settings.write_text(yaml.safe_dump(data))
        for n in range(args.messages):
            sender = "stranger%d@example.org" % n if n % 5 == 0 else "jaume.moral@upc.edu"
            run_mailtoticket(mail(subject="Bench %d" % n, sender=sender), settings)
        token = add_token(settings, "bench", "read")
        starts, bare, imports = [], [], []
        for _ in range(args.runs):
            bare.append(timed([sys.executable, "-c", "pass"]))
            imports.append(timed([sys.executable, "-c", "import fastapi, uvicorn"]))
            start = time.perf_counter()
            web = WebServer(settings, port)
            while requests.get(web.url + "/health", timeout=5).status_code not in (200, 503):
                pass
            starts.append(time.perf_counter() - start)
            web.stop()
        web = WebServer(settings, port)
        try:
            idle = rss_kib(web.process.pid)
            headers = {"Authorization": "Bearer " + token}
            session = requests.Session()
            start = time.perf_counter()
            for n in range(args.requests):
                session.get(web.url + "/api/messages", headers=headers,
                            params={"limit": 50, "offset": n % 3}, timeout=30).raise_for_status()
            rate = args.requests / (time.perf_counter() - start)
            busy = rss_kib(web.process.pid)
        finally:
            web.stop()
        base = subprocess.run([sys.executable, "-c", "import os; print(open('/proc/%d/status'"
                               " % os.getpid()).read())"], capture_output=True, text=True)
        bare_rss = next(int(l.split()[1]) for l in base.stdout.splitlines()
                        if l.startswith("VmRSS:"))
    s, b, i = (statistics.median(x) for x in (starts, bare, imports))
    print("web server on %d journal entries, %s" % (args.messages, time.strftime("%Y-%m-%d %H:%M")))
    print("start-up to first /health answer: %.0f ms (python -c pass %.0f ms, "
          "import fastapi+uvicorn %.0f ms; ratio to the import %.2f)" % (s * 1e3, b * 1e3,
                                                                         i * 1e3, s / i))
    print("RSS: %.1f MiB idle, %.1f MiB after %d searches (bare python %.1f MiB; ratio %.2f)"
          % (idle / 1024, busy / 1024, args.requests, bare_rss / 1024, busy / bare_rss))
    print("searches: %.0f per second (50 per page, one client, bearer token)" % rate)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
