"""The demo on Jira: mail.txt through mailtoticket.py with `backend: jira`.

Starts the reference Jira server (refservers/jira) and an SMTP sink on free
loopback ports, writes demo-run-jira/settings-jira.yaml pointing at them, pipes
the sample message through the real script as fetchmail would, prints what
the script echoed, the issue now in Jira and the confirmation mail the
requester got, then stops both. `scripts/demo.sh --jira` runs it.
"""
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from refservers.jira.control import ReferenceJira  # noqa: E402
from smtp_sink import SmtpSink  # noqa: E402
from demo import fresh_folder, pipe_mail_txt, succeeded  # noqa: E402  (scripts/demo.py)


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
    folder = fresh_folder("-jira")   # never the folder of a running demo.sh --serve
    with ReferenceJira(db=str(folder / "jira.sqlite")) as jira, SmtpSink() as sink:
        print("== reference Jira on %s, SMTP sink on %s" % (jira.url, sink.address))
        run = pipe_mail_txt(folder / "settings-jira.yaml", settings_for(jira, sink, folder))
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
    ok = succeeded(run) and issues
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
