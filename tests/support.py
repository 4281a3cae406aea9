"""Helpers for tests: build messages, run the real script as a subprocess."""
import os
import subprocess
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "mailtoticket.py"


def mail(subject="Printer broken", sender="jaume.moral@upc.edu",
         body="The printer on floor 2 does not print.\nThanks.", to="suport@upc.edu",
         message_id=None, **headers):
    """A plain-text message as bytes. Extra headers: keyword names with
    underscores for dashes (In_Reply_To="<...>")."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if subject is not None:
        msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = message_id or make_msgid(domain="test.example")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return bytes(msg)


def run_mailtoticket(raw, settings, *args, timeout=120, env=None):
    """Pipe `raw` through mailtoticket.py -c settings; CompletedProcess with
    bytes stdout/stderr."""
    full_env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    full_env.update(env or {})
    command = [sys.executable, str(SCRIPT)]
    if settings is not None:
        command += ["-c", str(settings)]
    return subprocess.run(command + list(args), input=raw, capture_output=True,
                          timeout=timeout, cwd=str(REPO), env=full_env)


def header(result):
    """The X-Mailtoticket value the run echoed (None if none)."""
    first = result.stdout.split(b"\n", 1)[0].rstrip(b"\r")
    if first.startswith(b"X-Mailtoticket: "):
        return first[len(b"X-Mailtoticket: "):].decode()
    return None


def codes(server):
    """The codes of every ticket on the reference server."""
    return {t["codi"] for t in server.tickets()}


def new_tickets(server, before):
    """The tickets on the reference server whose code is not in `before`."""
    return [t for t in server.tickets() if t["codi"] not in before]


class ServedInThread:
    """Mix-in for a socketserver test server: `with Server(...) as srv`
    serves it from a daemon thread (started by __enter__) and shuts it
    down on exit. The class sets `self.thread` to run serve_forever."""

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
