#!/usr/bin/env python3
"""Start-up cost of a Jira client: plain HTTP (jirarest, on requests) vs the
`jira` library (what Ticket Manager uses).

    .venv/bin/python bench/jira_client.py [--runs 15] [--jira-python PATH]

mailtoticket is a fetchmail MDA: one process per message, so what a client
costs before its first answer is paid on every mail. Each figure is the
median wall time of a fresh process (spawn to exit), the processes of all
kinds run alternately (A B C A B C ...) so that drift hits all alike:

  python          `python -c pass` (the floor, per interpreter)
  import          `import requests`, `import jirarest.client`, `import jira`
  first call      import + client + GET /myself + create one issue, against
                  the reference Jira (refservers.jira) on loopback

The `jira` library is not a dependency of mailtoticket. If the interpreter
running this script cannot import it, give one that can with --jira-python
(e.g. a throwaway venv: `python3 -m venv /tmp/jv && /tmp/jv/bin/pip install
jira==3.10.5`); without one, only the requests side is measured, and the
output says so. Nothing here is asserted by tests.
"""
import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from refservers.jira.control import ReferenceJira  # noqa: E402

FIRST_CALL_JIRAREST = """
import sys
sys.path.insert(0, {repo!r})
from jirarest.client import JiraClient
c = JiraClient({url!r}, email={email!r}, api_token={token!r}, timeout=10)
c.myself()
c.create_issue("SUP", "Task", "bench jirarest")
"""

FIRST_CALL_JIRA = """
from jira import JIRA
j = JIRA(server={url!r}, basic_auth=({email!r}, {token!r}), timeout=10)
j.myself()
j.create_issue(fields={{"project": {{"key": "SUP"}}, "issuetype": {{"name": "Task"}}, "summary": "bench jira"}})
"""


def timed(cmd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, cwd=str(REPO))
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (" ".join(cmd[:3]), proc.stderr.decode(errors="replace")[-2000:]))
    return elapsed


def can_import(python, module):
    return subprocess.run([python, "-c", "import %s" % module], capture_output=True).returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--jira-python", default=None, help="an interpreter that can import the jira library")
    args = ap.parse_args()

    jira_python = args.jira_python or sys.executable
    have_jira = can_import(jira_python, "jira")
    with ReferenceJira() as server:
        fmt = dict(repo=str(REPO), url=server.url, email=server.EMAIL, token=server.API_TOKEN)
        kinds = {
            "python (floor)": [sys.executable, "-c", "pass"],
            "import requests": [sys.executable, "-c", "import requests"],
            "import jirarest.client": [sys.executable, "-c",
                                       "import sys; sys.path.insert(0, %r); import jirarest.client" % str(REPO)],
            "first call jirarest": [sys.executable, "-c", FIRST_CALL_JIRAREST.format(**fmt)],
        }
        if have_jira:
            if jira_python != sys.executable:
                kinds["python (floor, jira's interpreter)"] = [jira_python, "-c", "pass"]
            kinds["import jira"] = [jira_python, "-c", "import jira"]
            kinds["first call jira"] = [jira_python, "-c", FIRST_CALL_JIRA.format(**fmt)]
        samples = {k: [] for k in kinds}
        for cmd in kinds.values():      # warm the page cache once
            timed(cmd)
        for _ in range(args.runs):
            for name, cmd in kinds.items():
                samples[name].append(timed(cmd))

    print("median wall time of a fresh process, %d runs each (%s)" % (args.runs, sys.version.split()[0]))
    for name, values in samples.items():
        print("  %-36s %7.1f ms" % (name, statistics.median(values) * 1000))
    if have_jira:
        ratio = statistics.median(samples["first call jira"]) / statistics.median(samples["first call jirarest"])
        print("first call: the jira library takes %.2fx the time of jirarest" % ratio)
    else:
        print("the jira library is not importable by %s: only requests/jirarest were measured "
              "(give --jira-python to compare)" % jira_python)


if __name__ == "__main__":
    main()
