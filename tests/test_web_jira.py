"""The staff API over a Jira desk: real deliveries into the reference Jira,
a message linked by hand to an issue (once), and --missing asking Jira
about each comment by its marker."""
import pytest

from refservers.jira.control import ReferenceJira
from smtp_sink import SmtpSink
from support import run_mailtoticket
from web_support import Bearer, WebServer, add_token, deliver, free_port, mail, write_settings

FILTERS = ["filtres.reply_reobrint.FiltreReplyReobrint", "filtres.nou.FiltreNou"]


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("jira-desk")
    with ReferenceJira() as jira, SmtpSink() as sink:
        port = free_port()
        data = {"backend": "jira", "jira_url": jira.url, "jira_email": "mailtoticket@upc.edu",
                "jira_api_token": "api-token-secret", "jira_project": "SUP",
                "jira_reporter": "5b10ac8d82e05b22cc7d4ef7", "jira_timeout": 5,
                "temps_maxim_execucio": 30, "filtres": FILTERS,
                "mail_suport": ["suport@upc.edu"], "servidor_mail": sink.address,
                "log_file": str(folder / "mailtoticket.log"), "state_dir": str(folder),
                "web": {"listen": "127.0.0.1:%d" % port}}
        settings = write_settings(folder / "jira-desk.yaml", data)
        before = {i["key"] for i in jira.issues()}
        assert deliver(mail(subject="VPN down", message_id="<vpn@test.example>"),
                       settings) == "SUCCESS"
        [key] = [i["key"] for i in jira.issues() if i["key"] not in before]
        assert deliver(mail(subject="Re: [%s] VPN down" % key, body="Still down."),
                       settings) == "SUCCESS"
        assert deliver(mail(subject="About the VPN", sender="outsider@example.org",
                            body="Mine is down too."), settings) == "REJECT"
        token = add_token(settings, "adam", "admin")
        web = WebServer(settings, port)
        try:
            yield type("Desk", (), dict(jira=jira, key=key, web=web, auth=Bearer(token),
                                        settings=settings, data=data, folder=folder))
        finally:
            web.stop()


def test_a_jira_issues_mails_and_a_link_by_hand_made_once(desk):
    entry = quarantined(desk, "About the VPN")
    before = len(desk.jira.issue(desk.key)["comments"])

    linked = desk.web.post("/api/quarantine/%s/link" % entry["id"], auth=desk.auth,
                           json={"ticket": desk.key})
    again = desk.web.post("/api/messages/%s/link" % entry["message"], auth=desk.auth,
                          json={"ticket": desk.key})

    assert linked.status_code == 200, linked.text
    assert again.status_code == 200 and "already" in again.json()["detail"]
    comments = desk.jira.issue(desk.key)["comments"]
    assert len(comments) == before + 1 and "Mine is down too." in comments[-1]["body"]
    thread = desk.web.get("/api/tickets/%s/messages" % desk.key, auth=desk.auth).json()
    assert [m["subject"] for m in thread["items"]] == [
        "VPN down", "Re: [%s] VPN down" % desk.key, "About the VPN"]


def quarantined(desk, subject):
    found = desk.web.get("/api/quarantine", auth=desk.auth).json()["items"]
    return next((e for e in found if e["subject"] == subject), None)


def test_missing_asks_jira_for_every_issue_and_comment(desk):
    done = run_mailtoticket(b"", desk.settings, "--missing", "1")

    out = done.stdout.decode()
    assert done.returncode == 0, out + done.stderr.decode()
    assert out.splitlines()[-1].startswith("OK: 3 write(s) checked")


def test_replay_and_discard_on_jira_follow_the_replay_rules(desk):
    for subject in ("Projector dead", "Spam offer"):
        assert deliver(mail(subject=subject, sender="newcomer@example.org",
                            body="About: %s." % subject), desk.settings) == "REJECT"
    entry, spam = quarantined(desk, "Projector dead"), quarantined(desk, "Spam offer")
    url = "/api/quarantine/%s/" % entry["id"]
    still = desk.web.post(url + "replay", auth=desk.auth).json()
    write_settings(desk.settings, dict(desk.data, mails_addicionals={
        "newcomer@example.org": "5b10ac8d82e05b22cc7d4ef6"}))   # Pere Garcia
    try:
        done = desk.web.post(url + "replay", auth=desk.auth).json()
    finally:
        write_settings(desk.settings, desk.data)
    discarded = desk.web.post("/api/quarantine/%s/discard" % spam["id"], auth=desk.auth)

    assert still["outcome"] == "REJECT" and done["outcome"] == "SUCCESS", done
    assert desk.jira.issue(done["ticket"])["fields"]["summary"] == "Projector dead"
    assert quarantined(desk, "Projector dead") is None
    assert discarded.status_code == 200 and quarantined(desk, "Spam offer") is None
    assert (desk.folder / "quarantine" / discarded.json()["moved_to"]).exists()
    audit = (desk.folder / "web-audit.log").read_text()
    assert '"who": "adam", "action": "replay"' in audit and '"action": "discard"' in audit


def test_missing_names_a_jira_comment_that_was_deleted(desk):
    import sqlite3
    thread = desk.web.get("/api/tickets/%s/messages" % desk.key, auth=desk.auth).json()
    reply = next(m for m in thread["items"] if m["subject"].startswith("Re: "))
    with sqlite3.connect(str(desk.jira.db)) as db:
        [(issue,)] = db.execute("SELECT id FROM issues WHERE key=?", (desk.key,)).fetchall()
        db.execute("DELETE FROM comments WHERE issue=? AND body LIKE ?",
                   (issue, "%Still down.%"))

    done = run_mailtoticket(b"", desk.settings, "--missing", "1")
    api = desk.web.get("/api/missing", auth=desk.auth, params={"days": 1}).json()

    out = done.stdout.decode()
    assert done.returncode == 1, out + done.stderr.decode()
    [line] = [l for l in out.splitlines() if l.startswith("MISSING ")]
    assert reply["message_id"] in line and desk.key in line
    assert [m["message_id"] for m in api["missing"]] == [reply["message_id"]]
