"""The demo on Jira: mail.txt through mailtoticket.py with `backend: jira`.

Starts the reference Jira server (refservers/jira) and an SMTP sink on free
loopback ports, writes demo-run/settings-jira.yaml pointing at them, pipes
the sample message through the real script as fetchmail would, prints what
the script echoed, the issue now in Jira and the confirmation mail the
requester got, then stops both. `scripts/demo.sh --jira` runs it.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from refservers.jira.control import ReferenceJira  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402


def settings_for(jira, sink, folder):
    return {
        "backend": "jira",
        "jira_url": jira.url,
        "jira_email": "mailtoticket@upc.edu", "jira_api_token": "api-token-secret",
        "jira_project": "SUP", "jira_issue_type": "Task",
        "jira_reporter": "5b10ac8d82e05b22cc7d4ef7",       # usuari.extern's accountId
        "jira_sender_field": "customfield_10010",
        "jira_confirmation": True, "jira_confirmation_from": "suport@upc.edu",
        "servidor_mail": sink.address,
        "filtres": ["filtres.reply_reobrint.FiltreReplyReobrint", "filtres.nou.FiltreNou",
                    "filtres.nou_extern.FiltreNouExtern"],
        "mail_suport": ["suport@upc.edu"],
        "log_file": str(folder / "mailtoticket.log"),
        "state_dir": str(folder),
    }


def main():
    folder = Path(os.environ.get("MAILTOTICKET_DEMO_DIR") or REPO / "demo-run")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    message = (REPO / "mail.txt").read_bytes()
    with ReferenceJira(db=str(folder / "jira.sqlite")) as jira, SmtpSink() as sink:
        print("== reference Jira on %s, SMTP sink on %s" % (jira.url, sink.address))
        settings = folder / "settings-jira.yaml"
        settings.write_text(json.dumps(settings_for(jira, sink, folder), indent=2))
        command = [sys.executable, str(REPO / "mailtoticket.py"), "-c", str(settings)]
        print("== cat mail.txt | %s" % " ".join(command))
        run = subprocess.run(command, input=message, capture_output=True, timeout=90)
        sys.stdout.write(run.stdout.decode("utf-8", "replace"))
        if run.stderr:
            sys.stdout.write("-- stderr:\n" + run.stderr.decode("utf-8", "replace"))
        print("== exit code %d" % run.returncode)
        print("== issues in Jira")
        issues = jira.issues()
        for issue in issues:
            print(json.dumps({"key": issue["key"], "status": issue["status"],
                              "fields": issue["fields"],
                              "attachments": [a["filename"] for a in issue["attachments"]]},
                             indent=2, ensure_ascii=False))
        print("== mail the SMTP sink received (%d)" % len(sink.messages))
        for mail in sink.messages:
            print(mail.decode("utf-8", "replace"))
        print("== settings, log and journal are in %s" % folder)
    ok = run.returncode == 0 and run.stdout.startswith(b"X-Mailtoticket: SUCCESS") and issues
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
