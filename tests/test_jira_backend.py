"""The real mailtoticket.py with `backend: jira`, against the reference Jira
server (a subprocess on a free port) and a real SMTP sink: new issues,
replies by key and by In-Reply-To, private comments, closed issues,
attachments, Cc watchers, unknown senders, rules setting fields, the
confirmation mail, and the lost answers of every write."""
import base64
import hashlib
import itertools
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import pytest
import yaml

from refservers.jira.control import ReferenceJira
from tests.smtp_sink import SmtpSink
from tests.support import header, mail, run_mailtoticket

JAUME = "5b10ac8d82e05b22cc7d4ef5"
PERE = "5b10ac8d82e05b22cc7d4ef6"
EXTERN = "5b10ac8d82e05b22cc7d4ef7"
_counter = itertools.count()
FILTERS = ["filtres.reply_reobrint.FiltreReplyReobrint", "filtres.nou.FiltreNou",
           "filtres.nou_extern.FiltreNouExtern"]


@pytest.fixture(scope="module")
def jira():
    with ReferenceJira() as srv:
        yield srv


@pytest.fixture(autouse=True)
def _normal_jira(jira):
    jira.set_mode("normal")
    yield


@pytest.fixture(scope="module")
def sink():
    with SmtpSink() as smtp:
        yield smtp


@pytest.fixture
def jira_settings(jira, sink, tmp_path, journal_settings):
    def write(**overrides):
        data = {
            "backend": "jira", "jira_url": jira.url,
            "jira_email": "mailtoticket@upc.edu", "jira_api_token": "api-token-secret",
            "jira_project": "SUP", "jira_reporter": EXTERN, "jira_timeout": 5,
            "temps_maxim_execucio": 30, "filtres": FILTERS,
            "mail_suport": ["suport@upc.edu"], "servidor_mail": sink.address,
            "log_file": str(tmp_path / "mailtoticket.log"), "state_dir": str(tmp_path),
            "log_level": "DEBUG",
        }
        data.update(journal_settings)
        data.update(overrides)
        path = tmp_path / ("settings-%d.yaml" % next(_counter))
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path
    return write


def deliver(raw, settings, *args):
    result = run_mailtoticket(raw, settings, *args)
    assert result.returncode in (0, 75), result.stderr.decode()
    return result


def new_issue(jira, before):
    """The one issue opened since the state `before` (a set of keys)."""
    fresh = [i for i in jira.issues() if i["key"] not in before]
    assert len(fresh) == 1, [i["key"] for i in fresh]
    return fresh[0]


def keys(jira):
    return {i["key"] for i in jira.issues()}


def name(value):
    """A user, priority, component... as the reference state keeps it."""
    if isinstance(value, dict):
        return value.get("name") or value.get("accountId")
    return value


def log_text(settings):
    data = yaml.safe_load(open(settings))
    return open(data["log_file"], encoding="utf-8").read()


# -- new issues and senders

def test_known_sender_opens_an_issue_reported_by_them_with_journal_label(jira, jira_settings):
    settings = jira_settings()
    before = keys(jira)
    result = deliver(mail(subject="Printer on fire", body="Line one.\n\nSecond *para*."),
                     settings)
    assert header(result) == "SUCCESS"
    issue = new_issue(jira, before)
    fields = issue["fields"]
    assert fields["summary"] == "Printer on fire"
    assert fields["issuetype"] == "Task" or fields["issuetype"]["name"] == "Task"
    assert "Second \\*para\\*." in fields["description"]
    assert any(label.startswith("mtt-") for label in fields["labels"])
    assert name(fields["reporter"]) == "jaume.moral"


def test_unknown_sender_gets_the_reporter_account_and_keeps_the_address(jira, jira_settings):
    settings = jira_settings(jira_sender_field="customfield_10010")
    before = keys(jira)
    result = deliver(mail(sender="stranger@example.org", subject="Who am I"), settings)
    assert header(result) == "SUCCESS"
    issue = new_issue(jira, before)
    fields = issue["fields"]
    assert name(fields["reporter"]) == "usuari.extern"
    assert "stranger@example.org" in fields["description"]
    assert fields["customfield_10010"] == "stranger@example.org"
    prop = issue["properties"]["mailtoticket"]
    if isinstance(prop, str):
        import json
        prop = json.loads(prop)
    assert prop["sender"] == "stranger@example.org"


def test_rules_set_jira_fields(jira, jira_settings):
    settings = jira_settings(
        valors_defecte=[{"order": ["To"], "match": "xarxa@upc.edu",
                         "defaults": {"components": "Xarxa", "assignee": "5b10ac8d82e05b22cc7d4ef8",
                                      "customfield_10011": "network"}}],
        paraules_clau=[{"paraules": ["urgent"], "defaults": {"priority": "Highest",
                                                            "labels": "urgent"}}],
        jira_labels=["from-mail"])
    before = keys(jira)
    deliver(mail(subject="urgent: no network", to="xarxa@upc.edu"), settings)
    fields = new_issue(jira, before)["fields"]
    assert [name(c) for c in fields["components"]] == ["Xarxa"]
    assert name(fields["priority"]) == "Highest"
    assert "urgent" in fields["labels"] and "from-mail" in fields["labels"]
    assert fields["customfield_10011"] == "network"
    assert name(fields["assignee"]) == "tecnic.suport"


def test_a_rule_naming_an_unknown_field_is_refused_at_load(jira_settings):
    settings = jira_settings(paraules_clau=[{"paraules": ["x"], "defaults": {"equip": "A"}}])
    result = run_mailtoticket(mail(), settings)
    assert result.returncode == 75
    assert "paraules_clau[0]" in result.stderr.decode()


def test_missing_jira_project_is_refused_naming_the_key(jira_settings):
    result = run_mailtoticket(mail(), jira_settings(jira_project=""))
    assert result.returncode == 75
    assert "'jira_project'" in result.stderr.decode()


def test_cc_people_become_watchers(jira, jira_settings):
    settings = jira_settings(afegir_solicitants_addicionals_en_cc=True)
    before = keys(jira)
    deliver(mail(subject="With Pere", Cc="pgarcia@upc.edu, nobody@example.org"), settings)
    issue = new_issue(jira, before)
    assert "pere.garcia" in [name(w) for w in issue["watchers"]]


# -- attachments

def with_files(subject="Files", sender="jaume.moral@upc.edu"):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "suport@upc.edu"
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="test.example")
    msg.set_content("See the picture.")
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20
    msg.add_alternative('<p>Before</p><img src="cid:pic1@x"><p>After</p>', subtype="html")
    msg.get_payload()[1].add_related(png, "image", "png", cid="<pic1@x>", filename="pic.png")
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="report.pdf")
    return bytes(msg), {"pic.png": png, "report.pdf": pdf}


def test_attachments_byte_exact_and_inline_image_shown_where_it_was(jira, jira_settings):
    settings = jira_settings()
    raw, files = with_files()
    before = keys(jira)
    assert header(deliver(raw, settings)) == "SUCCESS"
    issue = new_issue(jira, before)
    got = {a["filename"]: a for a in issue["attachments"]}
    assert set(got) == set(files)
    for name, data in files.items():
        assert got[name]["sha256"] == hashlib.sha256(data).hexdigest()
    description = issue["fields"]["description"]
    assert description.index("Before") < description.index("!pic.png!") \
        < description.index("After")


# -- replies

def test_reply_by_key_in_subject_is_a_public_comment(jira, jira_settings):
    settings = jira_settings()
    before = keys(jira)
    deliver(mail(subject="Mouse broken"), settings)
    key = new_issue(jira, before)["key"]
    result = deliver(mail(subject="Re: [%s] Mouse broken" % key, body="Still broken."),
                     settings)
    assert header(result) == "SUCCESS"
    comments = jira.issue(key)["comments"]
    assert len(comments) == 1
    assert "Still broken." in comments[0]["body"]
    assert not comments[0].get("visibility")


def test_private_marker_restricts_the_comment_to_the_configured_role(jira, jira_settings):
    settings = jira_settings(jira_private_visibility={"type": "role", "value": "Developers"})
    before = keys(jira)
    deliver(mail(subject="Keyboard"), settings)
    key = new_issue(jira, before)["key"]
    deliver(mail(subject="[PRIVAT] Re: [%s] Keyboard" % key, body="staff only",
                 sender="tecnic.suport@upc.edu"), settings)
    comment = jira.issue(key)["comments"][0]
    visibility = comment["visibility"]
    if isinstance(visibility, str):
        import json
        visibility = json.loads(visibility)
    assert visibility == {"type": "role", "value": "Developers"}


def test_reply_to_a_closed_issue_reopens_it(jira, jira_settings):
    settings = jira_settings()
    jira.load({"issues": [{"key": "SUP-900", "summary": "Old one", "status": "Closed",
                           "reporter": "jaume.moral"}]})
    deliver(mail(subject="Re: [SUP-900] Old one", body="It happens again."), settings)
    issue = jira.issue("SUP-900")
    assert issue["status"] == "Reopened"
    assert "It happens again." in issue["comments"][-1]["body"]


def test_closed_issue_that_cannot_reopen_gets_a_new_linked_issue(jira, jira_settings):
    settings = jira_settings(jira_reopen_transition="No Such Transition")
    jira.load({"issues": [{"key": "SUP-901", "summary": "Gone", "status": "Closed",
                           "reporter": "jaume.moral"}]})
    before = keys(jira)
    result = deliver(mail(subject="Re: [SUP-901] Gone", body="Back again."), settings)
    assert header(result) == "SUCCESS"
    issue = new_issue(jira, before)
    assert issue["fields"]["summary"] == "Re: Gone"
    old = jira.issue("SUP-901")["id"]
    assert [(link["type"], {link["inward"], link["outward"]}) for link in issue["links"]] \
        == [("Relates", {old, issue["id"]})]


# -- the confirmation mail

def test_confirmation_received_and_its_reply_threads_back(jira, jira_settings, sink):
    settings = jira_settings(jira_confirmation=True,
                             jira_confirmation_from="suport@upc.edu")
    before = keys(jira)
    sent = len(sink.messages)
    raw = mail(subject="Screen flickers")
    deliver(raw, settings)
    key = new_issue(jira, before)["key"]
    assert len(sink.messages) == sent + 1
    confirmation = message_from_bytes(sink.messages[-1], policy=policy.default)
    assert confirmation["To"] == "jaume.moral@upc.edu"
    assert key in confirmation["Subject"]
    assert confirmation["Message-ID"].startswith("<%s." % key)
    assert confirmation.get_body(("plain",)).get_content().count(key) >= 1
    assert confirmation.get_body(("html",)) is not None
    # the same message again: no second confirmation, no second issue
    deliver(raw, settings)
    assert len(sink.messages) == sent + 1 and keys(jira) - before == {key}
    # a reply naming only the confirmation's Message-ID threads back
    reply = mail(subject="Re: your request", body="Thanks, more detail.",
                 In_Reply_To=confirmation["Message-ID"])
    assert header(deliver(reply, settings)) == "SUCCESS"
    assert "more detail" in jira.issue(key)["comments"][-1]["body"]


def test_no_confirmation_to_automatic_mail(jira, jira_settings, sink):
    settings = jira_settings(jira_confirmation=True, jira_confirmation_from="suport@upc.edu")
    sent = len(sink.messages)
    before = keys(jira)
    deliver(mail(subject="Cron report", Precedence="bulk"), settings)
    new_issue(jira, before)
    assert len(sink.messages) == sent


# -- sender lists

def test_denied_domain_is_skipped_and_nothing_opened(jira, jira_settings):
    settings = jira_settings(remitents_denegats=["example.org"])
    before = keys(jira)
    result = deliver(mail(sender="spammer@mail.example.org"), settings)
    assert header(result) == "SKIP"
    assert keys(jira) == before
    assert "remitents_denegats" in log_text(settings)


def test_allow_list_lets_only_its_senders_through(jira, jira_settings):
    settings = jira_settings(remitents_permesos=["@upc.edu"])
    before = keys(jira)
    assert header(deliver(mail(sender="someone@gmail.com"), settings)) == "SKIP"
    assert keys(jira) == before
    assert header(deliver(mail(subject="Allowed"), settings)) == "SUCCESS"
    new_issue(jira, before)


# -- exactly once after lost answers

@pytest.mark.parametrize("mode", ["drop", "error"])
def test_lost_answer_to_create_leaves_one_issue(jira, jira_settings, mode):
    settings = jira_settings()
    raw = mail(subject="Lost create %s" % mode)
    before = keys(jira)
    jira.set_mode(mode, after="createIssue")
    first = deliver(raw, settings)
    jira.set_mode("normal")
    assert first.returncode == 75
    second = deliver(raw, settings)
    assert header(second) == "SUCCESS"
    issue = new_issue(jira, before)
    assert "mailtoticket" in issue["properties"]


def test_lost_answer_to_comment_leaves_one_comment(jira, jira_settings):
    settings = jira_settings()
    before = keys(jira)
    deliver(mail(subject="Comment target"), settings)
    key = new_issue(jira, before)["key"]
    reply = mail(subject="Re: [%s] x" % key, body="once only")
    with jira.failing("drop", after="addComment"):
        assert deliver(reply, settings).returncode == 75
    assert header(deliver(reply, settings)) == "SUCCESS"
    assert len(jira.issue(key)["comments"]) == 1
    assert "it is on the ticket: not sent again" in log_text(settings)


def test_lost_answer_to_upload_leaves_one_file(jira, jira_settings):
    settings = jira_settings()
    raw, files = with_files(subject="Lost upload")
    before = keys(jira)
    with jira.failing("drop", after="addAttachment"):
        assert deliver(raw, settings).returncode == 75
    assert header(deliver(raw, settings)) == "SUCCESS"
    issue = new_issue(jira, before)
    names = sorted(a["filename"] for a in issue["attachments"])
    assert names == sorted(files)


def test_outage_leaves_the_mail_for_later_and_then_one_issue(jira, jira_settings):
    settings = jira_settings()
    raw = mail(subject="During outage")
    before = keys(jira)
    with jira.failing("outage"):
        assert deliver(raw, settings).returncode == 75
    assert keys(jira) == before
    assert header(deliver(raw, settings)) == "SUCCESS"
    new_issue(jira, before)


def test_dry_run_writes_nothing_and_tells_the_create(jira, jira_settings):
    settings = jira_settings()
    before = keys(jira)
    result = deliver(mail(subject="Only a test"), settings, "--dry-run")
    assert keys(jira) == before
    assert "would create_issue(project='SUP', issuetype='Task'" in result.stderr.decode()


def test_paragraphs_of_a_plain_mail_stay_paragraphs_in_jira(jira, jira_settings):
    settings = jira_settings()
    before = keys(jira)
    deliver(mail(subject="Paragraphs", body="First line.\nSame paragraph.\n\nSecond one."),
            settings)
    description = new_issue(jira, before)["fields"]["description"]
    assert "First line.\nSame paragraph.\n\nSecond one." in description


def test_only_the_jira_back_end_imports_the_jira_client():
    from tests.test_boundaries import crossings
    assert crossings(["mailtoticket.py", "gateway", "filtres"], ("jirarest",),
                     allowed_files={"backends/jira/tickets.py"}) == []


def test_server_data_center_with_a_personal_access_token(tmp_path, sink):
    """Jira Server/DC: Bearer token, users named by username."""
    from refservers.jira.__main__ import DEFAULT_FIXTURE
    fixture = yaml.safe_load(DEFAULT_FIXTURE.read_text(encoding="utf-8"))
    fixture["deployment"] = "Server"
    with ReferenceJira(fixture=fixture) as server_dc:
        settings = tmp_path / "dc.yaml"
        settings.write_text(yaml.safe_dump({
            "backend": "jira", "jira_url": server_dc.url, "jira_token": "pat-secret-token",
            "jira_project": "SUP", "jira_reporter": "usuari.extern", "filtres": FILTERS,
            "jira_timeout": 5, "mail_suport": ["suport@upc.edu"],
            "servidor_mail": sink.address, "state_dir": str(tmp_path),
            "log_file": str(tmp_path / "log")}))
        known = run_mailtoticket(mail(subject="On Data Center"), settings)
        unknown = run_mailtoticket(mail(subject="Stranger on DC", sender="x@example.net"),
                                   settings)
        assert header(known) == header(unknown) == "SUCCESS"
        reporters = {i["fields"]["summary"]: name(i["fields"]["reporter"])
                     for i in server_dc.issues()}
        assert reporters == {"On Data Center": "jaume.moral",
                             "Stranger on DC": "usuari.extern"}


def test_wrong_jira_credentials_keep_the_mail_for_later(jira, jira_settings):
    settings = jira_settings(jira_api_token="wrong")
    before = keys(jira)
    result = run_mailtoticket(mail(subject="Bad token"), settings)
    assert result.returncode == 75
    assert keys(jira) == before


def test_check_proves_the_jira_credentials(jira_settings):
    good = run_mailtoticket(b"", jira_settings(), "--check")
    bad = run_mailtoticket(b"", jira_settings(jira_api_token="wrong"), "--check")
    assert good.returncode == 0 and b"OK Jira: credentials accepted" in good.stdout
    assert bad.returncode == 1 and b"PROBLEM Jira" in bad.stdout


def test_an_unknown_senders_reply_to_their_own_issue_is_public_a_strangers_private(
        jira, jira_settings):
    settings = jira_settings()
    before = keys(jira)
    deliver(mail(sender="customer@example.org", subject="Outside request"), settings)
    key = new_issue(jira, before)["key"]
    own = deliver(mail(sender="customer@example.org", subject="Re: [%s] x" % key,
                       body="my own follow-up"), settings)
    other = deliver(mail(sender="someone.else@example.net", subject="Re: [%s] x" % key,
                         body="a stranger writes"), settings)
    assert header(own) == header(other) == "SUCCESS"
    comments = jira.issue(key)["comments"]
    assert [bool(c.get("visibility")) for c in comments] == [False, True]
    assert "customer@example.org" in comments[0]["body"]


def test_a_replys_inline_image_shows_where_it_was_in_the_comment(jira, jira_settings):
    settings = jira_settings()
    before = keys(jira)
    deliver(mail(subject="Screenshot coming"), settings)
    key = new_issue(jira, before)["key"]
    reply, files = with_files(subject="Re: [%s] screenshot" % key)
    assert header(deliver(reply, settings)) == "SUCCESS"
    issue = jira.issue(key)
    body = issue["comments"][0]["body"]
    assert body.index("Before") < body.index("!pic.png!") < body.index("After")
    assert sorted(a["filename"] for a in issue["attachments"]) == sorted(files)


def test_a_quarantined_message_is_replayed_into_one_issue(jira, jira_settings, tmp_path):
    strict = jira_settings(filtres=["filtres.reply.FiltreReply", "filtres.nou.FiltreNou"])
    before = keys(jira)
    first = deliver(mail(sender="newcomer@example.org", subject="Replay me"), strict)
    assert header(first) == "REJECT"
    assert keys(jira) == before
    kept = sorted((tmp_path / "quarantine").glob("*.eml"))
    assert len(kept) == 1
    told = run_mailtoticket(b"", jira_settings(), "--dry-run", "--replay", str(kept[0]))
    assert b"would create_issue(project='SUP', issuetype='Task'" in told.stderr
    assert keys(jira) == before
    replay = run_mailtoticket(b"", jira_settings(), "--replay", str(kept[0]))
    assert replay.returncode == 0, replay.stdout + replay.stderr
    issue = new_issue(jira, before)
    assert issue["key"].encode() in replay.stdout
    assert name(issue["fields"]["reporter"]) == "usuari.extern"


def test_a_cloud_user_hiding_the_address_is_still_the_reporter(jira, jira_settings):
    settings = jira_settings()
    before = keys(jira)
    deliver(mail(sender="anna.puig@gmail.com", subject="Hidden address"), settings)
    assert name(new_issue(jira, before)["fields"]["reporter"]) == "anna.puig"


def test_a_mail_server_down_costs_the_confirmation_not_the_issue(jira, jira_settings):
    import socket
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    settings = jira_settings(jira_confirmation=True, jira_confirmation_from="suport@upc.edu",
                             servidor_mail="127.0.0.1:%d" % port)
    before = keys(jira)
    result = deliver(mail(subject="No SMTP"), settings)
    assert header(result) == "SUCCESS"
    new_issue(jira, before)
    assert "confirmation of SUP-" in log_text(settings) and "not sent" in log_text(settings)


@pytest.mark.parametrize("overrides, key", [
    ({"backend": "redmine"}, "'backend'"),
    ({"jira_url": "desk.atlassian.net"}, "'jira_url'"),
    ({"jira_api_token": ""}, "'jira_token'"),
    ({"jira_private_visibility": {"type": "team", "value": "x"}}, "'jira_private_visibility'"),
    ({"jira_labels": ["two words"]}, "'jira_labels'"),
    ({"jira_sender_field": "Sender"}, "'jira_sender_field'"),
    ({"jira_key_regex": "[A-Z]+-[0-9]+"}, "'jira_key_regex'"),
    ({"jira_confirmation": True}, "'jira_confirmation_from'"),
    ({"jira_confirmation_subject": "{nope}"}, "'jira_confirmation_subject'"),
])
def test_a_wrong_jira_setting_keeps_the_mail_and_names_the_key(jira_settings, overrides, key):
    result = run_mailtoticket(mail(), jira_settings(**overrides))
    assert result.returncode == 75
    assert key in result.stderr.decode()
    assert result.stdout == b""


def test_status_by_issue_key_shows_the_message_and_its_confirmation(jira, jira_settings):
    settings = jira_settings(jira_confirmation=True, jira_confirmation_from="suport@upc.edu")
    before = keys(jira)
    deliver(mail(subject="Status please", message_id="<status-jira@test.example>"), settings)
    key = new_issue(jira, before)["key"]
    shown = run_mailtoticket(b"", settings, "--status", key)
    assert shown.returncode == 0
    out = shown.stdout.decode()
    assert "<status-jira@test.example>" in out and key in out and "confirmation" in out


def test_a_plain_mails_lists_and_quotes_read_as_such_in_jira(jira, jira_settings):
    settings = jira_settings()
    before = keys(jira)
    deliver(mail(subject="Structure", body="Steps:\n\n- one\n- two\n\n> what you said\n\nBye"),
            settings)
    description = new_issue(jira, before)["fields"]["description"]
    assert "* one\n* two" in description
    assert "{quote}\nwhat you said\n{quote}" in description


def test_the_jira_demo_files_mail_txt_and_mails_the_confirmation(tmp_path):
    import subprocess
    import sys
    from tests.support import REPO
    demo = subprocess.run([sys.executable, str(REPO / "scripts" / "demo_jira.py")],
                          capture_output=True, timeout=120, cwd=str(REPO),
                          env=dict(__import__("os").environ, MAILTOTICKET_DEMO_DIR=str(tmp_path)))
    out = demo.stdout.decode()
    assert demo.returncode == 0, out + demo.stderr.decode()
    assert "X-Mailtoticket: SUCCESS" in out and "Subject: [SUP-1]" in out
