"""`scripts/demo.sh --service`: the long-running service on a local dovecot.

Starts the reference GN6 server and a private dovecot (needs root and
Debian's dovecot-imapd), puts mail.txt in the mailbox, starts
`mailtoticket.py serve`, waits for the ticket, then appends a second
message while the service waits in IMAP IDLE and times it to its ticket.
Prints the tickets, the folders and the status file; stops everything.
Everything stays in demo-run/ (the service file, settings, logs).
"""
import json
import signal
import subprocess
import sys
import time
from email.utils import make_msgid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from refservers.dovecot import PrivateDovecot  # noqa: E402
from refservers.gn6.control import ReferenceServer  # noqa: E402
from scripts.demo import fresh_folder, settings_for  # noqa: E402


def wait(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("== gave up waiting for %s" % what)
        time.sleep(0.05)


def second_message():
    raw = (REPO / "mail.txt").read_bytes()
    head, _, body = raw.partition(b"\n\n")
    lines = [line for line in head.split(b"\n")
             if not line.lower().startswith((b"message-id:", b"subject:"))]
    lines += [b"Subject: The projector in room A2 does not start either",
              b"Message-ID: " + make_msgid(domain="demo.example").encode()]
    return b"\n".join(lines) + b"\n\n" + body


def main():
    folder = fresh_folder()
    with ReferenceServer(db=folder / "gn6.sqlite") as server, \
            PrivateDovecot({"suport": "secret"}) as dovecot:
        settings = folder / "settings.yaml"
        settings.write_text(json.dumps(settings_for(server, folder), indent=2))
        (folder / "suport.secret").write_text("secret\n")
        service_file = folder / "service.yaml"
        service_file.write_text(json.dumps({
            "state_dir": str(folder / "service-state"), "log_file": str(folder / "service.log"),
            "mailboxes": [{"name": "suport", "server": "127.0.0.1", "port": dovecot.port,
                           "tls": "none", "folder": "mailtoticket",
                           "login": {"user": "suport", "password_file": "suport.secret"},
                           "settings": "settings.yaml"}]}, indent=2))
        print("== reference GN6 on %s, dovecot on 127.0.0.1:%d" % (server.url, dovecot.port))
        print("== %s" % service_file)
        print(service_file.read_text())
        dovecot.append("suport", "mailtoticket", [(REPO / "mail.txt").read_bytes()])
        command = [sys.executable, str(REPO / "mailtoticket.py"), "serve", "-c",
                   str(service_file)]
        print("== %s" % " ".join(command), flush=True)
        service = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        status_file = folder / "service-state" / "service-status.json"
        try:
            wait(lambda: len(server.tickets()) == 1, 60, "the first ticket")
            print("== mail.txt is ticket %s" % server.tickets()[0]["codi"], flush=True)
            wait(lambda: status_file.exists() and json.loads(status_file.read_text())
                 ["mailboxes"][0]["idle"], 30, "IDLE")
            started = time.monotonic()
            dovecot.append("suport", "mailtoticket", [second_message()])
            wait(lambda: len(server.tickets()) == 2, 30, "the second ticket")
            print("== a second message APPENDed while idle: a ticket %.2f s later"
                  % (time.monotonic() - started), flush=True)
            wait(lambda: dovecot.count("suport", "mailtoticket") == 0, 30, "the inbox emptied")
        finally:
            service.send_signal(signal.SIGTERM)
            code = service.wait(60)
        print("== service stopped (SIGTERM), exit %d" % code)
        for ticket in server.tickets():
            print("   ticket %s: %s (%s)" % (ticket["codi"], ticket["assumpte"],
                                           ticket["solicitant"]))
        for name in ("mailtoticket", "Processed", "Quarantine"):
            print("   folder %-13s %d message(s)" % (name, dovecot.count("suport", name)))
        print("== %s" % status_file)
        print(status_file.read_text())
        print("== service file, settings, logs and journal are in %s" % folder)
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
