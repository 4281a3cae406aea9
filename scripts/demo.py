"""The demo: mail.txt through mailtoticket.py against the reference server.

Starts the reference GN6 + identity server on a free loopback port, writes
a settings file pointing at it (demo-run/settings.yaml), pipes the sample
message through the real script as fetchmail would, prints what the script
echoed and the ticket now on the server, and stops the server.

With --serve it only starts the server and writes demo-run/settings.yaml,
then waits (Ctrl-C stops it): the README's "By hand" commands run against
it from another terminal.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from refservers.gn6.control import ReferenceServer  # noqa: E402


def settings_for(server, folder):
    return dict(server.client_settings(folder),
                filtres=["filtres.reply.FiltreReply", "filtres.nou.FiltreNou",
                         "filtres.nou_extern.FiltreNouExtern"])


def serve(folder):
    import signal
    import threading
    with ReferenceServer(db=folder / "gn6.sqlite") as server:
        settings = folder / "settings.yaml"
        settings.write_text(json.dumps(settings_for(server, folder), indent=2))
        print("== reference server on %s; settings in %s" % (server.url, settings))
        print("== ready: try .venv/bin/python mailtoticket.py -c %s --check   "
              "(Ctrl-C stops the server)" % settings, flush=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


def fresh_folder():
    """demo-run/ (or $MAILTOTICKET_DEMO_DIR), emptied."""
    import os
    folder = Path(os.environ.get("MAILTOTICKET_DEMO_DIR") or REPO / "demo-run")
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
