"""The demo: mail.txt through mailtoticket.py against the reference server.

Starts the reference GN6 + identity server on a free loopback port, writes
a settings file pointing at it (demo-run/settings.yaml), pipes the sample
message through the real script as fetchmail would, prints what the script
echoed and the ticket now on the server, and stops the server.

With --serve it starts the server and an SMTP sink standing in for the
admin's mail server, writes demo-run/settings.yaml (the default filter
chain: an unknown sender's mail is REJECTed into the quarantine, and the
admin told) and demo-run/settings-extern.yaml (the fix: the same with
FiltreNouExtern, which tickets unknown senders), prints every mail the
admin gets, and waits (Ctrl-C stops it): the README's "By hand" commands
run against it from another terminal.

Each demo has its own folder (demo-run/, demo-run-jira/: $MAILTOTICKET_DEMO_DIR
moves them) and holds a lock beside it while it runs: a demo never empties
a folder another running demo uses.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from refservers.gn6.control import ReferenceServer  # noqa: E402


def settings_for(server, folder, sink=None):
    """The default filter chain (reply, new): unknown senders are REJECTed."""
    settings = dict(server.client_settings(folder), notificar_errors=False)
    if sink is not None:   # the admin's mail, caught by the sink
        settings.update(notificar_errors=True, servidor_mail=sink.address,
                        notificar_errors_to=["admin@upc.edu"])
    return settings


def serve(folder):
    import signal
    import threading
    sys.path.insert(0, str(REPO / "tests"))
    from smtp_sink import SmtpSink
    with ReferenceServer(db=folder / "gn6.sqlite") as server, SmtpSink() as sink:
        settings = folder / "settings.yaml"
        data = settings_for(server, folder, sink)
        settings.write_text(json.dumps(data, indent=2))
        extern = dict(data, filtres=data.get("filtres") or [
            "filtres.reply.FiltreReply", "filtres.nou.FiltreNou",
            "filtres.nou_extern.FiltreNouExtern"])
        (folder / "settings-extern.yaml").write_text(json.dumps(extern, indent=2))
        print("== reference server on %s, the admin's mail server (a sink) on %s; "
              "settings in %s" % (server.url, sink.address, settings))
        print("== ready: try .venv/bin/python mailtoticket.py -c %s --check   "
              "(Ctrl-C stops the server)" % settings, flush=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        shown = 0
        try:
            while not stop.wait(0.5):
                for raw in sink.messages[shown:]:
                    print("== mail to the admin: %s" % _subject(raw), flush=True)
                shown = len(sink.messages)
        except KeyboardInterrupt:
            pass
    return 0


def _subject(raw):
    from email import message_from_bytes, policy
    return str(message_from_bytes(raw, policy=policy.default)["Subject"])


_held = []   # the demo's folder lock, held until the process exits


def fresh_folder(suffix=""):
    """demo-run<suffix>/ (the base moved by $MAILTOTICKET_DEMO_DIR),
    emptied, and locked for as long as this demo runs: a folder another
    running demo holds is never emptied (the demo stops instead)."""
    import fcntl
    import os
    base = os.environ.get("MAILTOTICKET_DEMO_DIR") or str(REPO / "demo-run")
    folder = Path(base.rstrip("/") + suffix)
    lock = open(str(folder) + ".lock", "a")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        sys.exit("== %s is in use by another running demo: stop it first (Ctrl-C), "
                 "or set MAILTOTICKET_DEMO_DIR to another folder" % folder)
    _held.append(lock)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


def pipe_mail_txt(settings_path, settings):
    """Write `settings`, pipe mail.txt through the real script as fetchmail
    would, print what it echoed; the finished process."""
    settings_path.write_text(json.dumps(settings, indent=2))
    command = [sys.executable, str(REPO / "mailtoticket.py"), "-c", str(settings_path)]
    print("== cat mail.txt | %s" % " ".join(command))
    run = subprocess.run(command, input=(REPO / "mail.txt").read_bytes(),
                         capture_output=True, timeout=90)
    sys.stdout.write(run.stdout.decode("utf-8", "replace"))
    if run.stderr:
        sys.stdout.write("-- stderr:\n" + run.stderr.decode("utf-8", "replace"))
    print("== exit code %d" % run.returncode)
    return run


def succeeded(run):
    return run.returncode == 0 and run.stdout.startswith(b"X-Mailtoticket: SUCCESS")


def main():
    folder = fresh_folder()
    if sys.argv[1:] == ["--serve"]:
        return serve(folder)
    with ReferenceServer(db=folder / "gn6.sqlite") as server:
        print("== reference server on %s" % server.url)
        run = pipe_mail_txt(folder / "settings.yaml", settings_for(server, folder))
        print("== tickets on the server")
        tickets = server.tickets()
        for ticket in tickets:
            print(json.dumps({k: ticket[k] for k in (
                "codi", "assumpte", "estat", "solicitant", "emailSolicitant",
                "equipResolutor", "urgencia", "dataCreacio", "descripcio")},
                indent=2, ensure_ascii=False))
        print("== settings, log and journal are in %s" % folder)
    ok = succeeded(run) and tickets
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
