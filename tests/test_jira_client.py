"""The Jira REST client against the real reference Jira server (a subprocess
on a free loopback port): auth modes, every operation a back-end needs,
pagination, the no-check header, and the fault switches (a lost answer
after a write, then the client's look-up finds the write)."""
import base64
import hashlib
import io
import os

import pytest
import requests

from jirarest.client import JiraClient, comment_marker, journal_label, marked
from jirarest.errors import JiraAuthFailure, JiraNotFound, JiraRefusal, JiraUnavailable
from jirarest.wiki import text_to_wiki
from refservers.jira.control import ReferenceJira

JAUME = "5b10ac8d82e05b22cc7d4ef5"
TECNIC = "5b10ac8d82e05b22cc7d4ef8"


@pytest.fixture(autouse=True)
def _healthy(request):
    for name in ("jira", "jira_dc"):
        if name in request.fixturenames:
            request.getfixturevalue(name).set_mode("normal")
    yield


def cloud(jira, **kw):
    return JiraClient(jira.url, email=jira.EMAIL, api_token=jira.API_TOKEN, timeout=kw.pop("timeout", 10), **kw)


def new_issue(client, summary="Printer broken", **kw):
    return client.create_issue("SUP", "Task", summary, kw.pop("description", "It does not print."), **kw)


# ---- authentication ------------------------------------------------------------------

def test_cloud_api_token_over_basic_logs_in_as_the_gateway_account(jira):
    me = cloud(jira).myself()
    assert me["emailAddress"] == "mailtoticket@upc.edu"
    assert "accountId" in me and "name" not in me


def test_server_personal_access_token_over_bearer_logs_in(jira_dc):
    client = JiraClient(jira_dc.url, token=jira_dc.PAT, timeout=10)
    assert client.myself()["name"] == "mailtoticket"
    assert client.deployment == "server"


def test_server_username_and_password_over_basic_logs_in(jira_dc):
    client = JiraClient(jira_dc.url, username=jira_dc.USERNAME,
                        password=jira_dc.PASSWORD, timeout=10)
    assert client.myself()["name"] == "mailtoticket"


def test_wrong_token_is_a_temporary_auth_failure_not_a_refusal(jira):
    client = JiraClient(jira.url, email=jira.EMAIL, api_token="wrong", timeout=10)
    with pytest.raises(JiraAuthFailure) as caught:
        new_issue(client)
    assert caught.value.status == 401 and caught.value.sent is False
    assert isinstance(caught.value, JiraUnavailable)
    assert not any(i["fields"]["summary"] == "Printer broken" and i["fields"].get("creator") is None
                   for i in jira.issues())


def test_request_without_credentials_gets_401_in_jira_error_shape(jira):
    resp = requests.get(jira.url + "/rest/api/2/myself", timeout=10)
    assert resp.status_code == 401
    body = resp.json()
    assert body["errors"] == {} and "not authenticated" in body["errorMessages"][0]
    bearer = requests.get(jira.url + "/rest/api/2/myself", timeout=10,
                          headers={"Authorization": "Bearer not-a-token"})
    assert bearer.status_code == 401


def test_server_info_is_public_and_tells_the_deployment(jira, jira_dc):
    assert requests.get(jira.url + "/rest/api/2/serverInfo", timeout=10).json()["deploymentType"] == "Cloud"
    assert cloud(jira).deployment == "cloud"
    assert requests.get(jira_dc.url + "/rest/api/2/serverInfo",
                        timeout=10).json()["deploymentType"] == "Server"


# ---- users ---------------------------------------------------------------------------

def test_user_is_found_by_exact_email_on_cloud_and_server(jira, jira_dc):
    user = cloud(jira).find_user_by_email("Jaume.Moral@UPC.edu")
    assert user["accountId"] == JAUME
    dc = JiraClient(jira_dc.url, token=jira_dc.PAT, timeout=10)
    assert dc.find_user_by_email("pgarcia@upc.edu")["name"] == "pere.garcia"


def test_unknown_partial_or_inactive_email_finds_no_user(jira):
    client = cloud(jira)
    assert client.find_user_by_email("nobody@example.org") is None
    assert client.find_user_by_email("jaume") is None
    assert client.find_user_by_email("old.user@upc.edu") is None


def test_cloud_user_hiding_her_address_is_still_found_by_it(jira):
    client = cloud(jira)
    anna = client.find_user_by_email("anna.puig@gmail.com")
    assert anna["accountId"] == "5b10ac8d82e05b22cc7d4ef9" and "emailAddress" not in anna


def test_no_time_left_in_the_run_sends_nothing(jira):
    before = len(jira.calls())
    client = JiraClient(jira.url, email=jira.EMAIL, api_token=jira.API_TOKEN, timeout=lambda: 0)
    with pytest.raises(JiraUnavailable) as caught:
        client.create_issue("SUP", "Task", "too late")
    assert caught.value.sent is False
    assert len(jira.calls()) == before


# ---- issues ----------------------------------------------------------------------------

def test_created_issue_carries_every_field_given(jira):
    client = cloud(jira)
    jaume = client.find_user_by_email("jaume.moral@upc.edu")
    key = client.create_issue("SUP", "Incident", "No network in room 12", "The *cable* is cut.",
                              labels=["mail", "xarxa"], priority="High", components=["Xarxa"],
                              assignee=TECNIC, reporter=jaume,
                              custom_fields={"customfield_10010": "jaume.moral@upc.edu"})
    fields = client.get_issue(key)["fields"]
    assert key.startswith("SUP-")
    assert fields["summary"] == "No network in room 12"
    assert fields["description"] == "The *cable* is cut."
    assert fields["issuetype"]["name"] == "Incident"
    assert fields["labels"] == ["mail", "xarxa"]
    assert fields["priority"]["name"] == "High"
    assert [c["name"] for c in fields["components"]] == ["Xarxa"]
    assert fields["assignee"]["accountId"] == TECNIC
    assert fields["reporter"]["accountId"] == JAUME
    assert fields["customfield_10010"] == "jaume.moral@upc.edu"
    assert client.issue_state(key).status == "Open"


def test_server_deployment_names_users_by_username(jira_dc):
    client = JiraClient(jira_dc.url, token=jira_dc.PAT, timeout=10)
    pere = client.find_user_by_email("pgarcia@upc.edu")
    key = client.create_issue("SUP", "Task", "Server issue", reporter=pere, assignee="tecnic.suport")
    fields = client.get_issue(key)["fields"]
    assert fields["reporter"]["name"] == "pere.garcia"
    assert fields["assignee"]["name"] == "tecnic.suport"
    client.add_watcher(key, "jaume.moral")
    assert [w["name"] for w in client.watchers(key)] == ["jaume.moral"]
    att = client.upload_attachment(key, "log.txt", b"server bytes\r\n", "text/plain")
    assert "/secure/attachment/" in att["content"]
    assert client.download_attachment(att) == b"server bytes\r\n"


def test_invalid_fields_are_refused_with_jira_field_errors(jira):
    client = cloud(jira)
    with pytest.raises(JiraRefusal) as caught:
        client.create_issue("NOPE", "Task", "x", labels=["two words"],
                            custom_fields={"customfield_99999": "?"})
    refusal = caught.value
    assert refusal.status == 400 and not isinstance(refusal, JiraUnavailable)
    assert refusal.errors["project"] == "valid project is required"
    assert "contains spaces" in refusal.errors["labels"]
    assert "customfield_99999" in refusal.errors
    with pytest.raises(JiraRefusal) as caught:
        client.create_issue("SUP", "Task", "")
    assert caught.value.errors == {"summary": "You must specify a summary of the issue."}


def test_missing_issue_is_not_found(jira):
    with pytest.raises(JiraNotFound) as caught:
        cloud(jira).get_issue("SUP-9999")
    assert caught.value.messages == ["Issue does not exist or you do not have permission to see it."]


def test_wiki_description_from_a_mail_is_kept_verbatim(jira):
    client = cloud(jira)
    wiki = text_to_wiki("Hello,\n\n- step one\n- step two\n\n> quoted\n\nSee https://upc.edu/x_y.")
    key = new_issue(client, description=wiki)
    assert client.get_issue(key, ["description"])["fields"]["description"] == wiki
    assert "* step one" in wiki and "{quote}" in wiki and "[https://upc.edu/x_y]" in wiki


# ---- comments ----------------------------------------------------------------------------

def test_private_comment_is_restricted_to_the_role_and_hidden_from_the_customer(jira):
    client = cloud(jira)
    key = new_issue(client)
    client.add_comment(key, "Visible to all")
    private = client.add_comment(key, "Agents only", visibility=("role", "Developers"))
    assert private["visibility"] == {"type": "role", "value": "Developers"}
    by_group = client.add_comment(key, "Group only", visibility=("group", "support-agents"))
    assert by_group["visibility"] == {"type": "group", "value": "support-agents"}
    stored = jira.issue(key)["comments"]
    assert [c["visibility"] for c in stored] == [None, {"type": "role", "value": "Developers"},
                                                 {"type": "group", "value": "support-agents"}]
    customer = JiraClient(jira.url, email="jaume.moral@upc.edu", api_token="jaume-token", timeout=10)
    assert [c["body"] for c in customer.comments(key)] == ["Visible to all"]


def test_comment_restricted_to_a_role_the_account_is_not_in_is_refused(jira):
    client = cloud(jira)
    key = new_issue(client)
    with pytest.raises(JiraRefusal) as caught:
        client.add_comment(key, "x", visibility=("role", "Users"))
    assert "not a member of the project role: Users" in caught.value.errors["commentLevel"]
    with pytest.raises(JiraRefusal):
        client.add_comment(key, "x", visibility=("group", "no-such-group"))
    assert jira.issue(key)["comments"] == []


def test_comments_are_listed_across_pages_in_order(jira):
    client = cloud(jira)
    key = new_issue(client)
    for n in range(7):
        client.add_comment(key, "comment %d" % n)
    assert [c["body"] for c in client.comments(key, page_size=3)] == ["comment %d" % n for n in range(7)]
    page = requests.get(jira.url + "/rest/api/2/issue/%s/comment" % key, params={"startAt": 5, "maxResults": 3},
                        auth=(jira.EMAIL, jira.API_TOKEN), timeout=10).json()
    assert (page["startAt"], page["total"], len(page["comments"])) == (5, 7, 2)


# ---- attachments ---------------------------------------------------------------------

def test_streamed_attachment_is_byte_exact_on_the_issue(jira, tmp_path):
    client = cloud(jira)
    key = new_issue(client)
    data = os.urandom(3 * 1024 * 1024) + b"\r\n--boundary\r\n\r\n\x00" + bytes(range(256))
    path = tmp_path / "scan.bin"
    path.write_bytes(data)
    with open(path, "rb") as f:
        att = client.upload_attachment(key, "factura març \"2026\".pdf", f, "application/pdf")
    assert att["filename"] == "factura març \"2026\".pdf" and att["size"] == len(data)
    stored = jira.issue(key)["attachments"][0]
    assert stored["sha256"] == hashlib.sha256(data).hexdigest()
    assert jira.attachment_bytes(stored["id"]) == data
    listed = client.attachments(key)[0]
    assert client.download_attachment(listed) == data
    # Cloud's content URL redirects to the media service, which the client follows.
    hop = requests.get(listed["content"], auth=(jira.EMAIL, jira.API_TOKEN), allow_redirects=False, timeout=10)
    assert hop.status_code == 303 and "/secure/attachment/" in hop.headers["Location"]
    assert client.upload_attachment(key, "empty.txt", b"", "text/plain")["size"] == 0


def test_upload_without_the_no_check_header_is_refused_403(jira):
    client = cloud(jira)
    key = new_issue(client)
    resp = requests.post(jira.url + "/rest/api/2/issue/%s/attachments" % key, files={"file": ("a.txt", b"x")},
                         auth=(jira.EMAIL, jira.API_TOKEN), timeout=10)
    assert resp.status_code == 403 and "XSRF check failed" in resp.text
    assert jira.issue(key)["attachments"] == []


# ---- workflow, watchers, links, properties ----------------------------------------------

def test_closed_issue_is_reopened_by_its_transition(jira):
    client = cloud(jira)
    key = new_issue(client)
    client.transition(key, "Close Issue")
    state = client.issue_state(key)
    assert (state.status, state.category, state.resolved) == ("Closed", "done", True)
    assert [t["name"] for t in client.transitions(key)] == ["Reopen Issue"]
    client.transition(key, "3")
    state = client.issue_state(key)
    assert (state.status, state.category, state.resolved) == ("Reopened", "new", False)
    assert jira.issue(key)["transitions"] == [{"from_status": "Open", "to_status": "Closed"},
                                              {"from_status": "Closed", "to_status": "Reopened"}]


def test_transition_not_available_from_the_status_is_refused(jira):
    client = cloud(jira)
    key = new_issue(client)
    with pytest.raises(JiraRefusal):
        client.transition(key, "Reopen Issue")
    resp = requests.post(jira.url + "/rest/api/2/issue/%s/transitions" % key, json={"transition": {"id": "3"}},
                         auth=(jira.EMAIL, jira.API_TOKEN), timeout=10)
    assert resp.status_code == 400
    assert resp.json()["errorMessages"] == ["Transition id '3' is not valid for this issue."]
    assert client.issue_state(key).status == "Open"


def test_cc_people_become_watchers_once(jira):
    client = cloud(jira)
    key = new_issue(client)
    pere = client.find_user_by_email("pgarcia@upc.edu")
    client.add_watcher(key, pere)
    client.add_watcher(key, pere)
    client.add_watcher(key, JAUME)
    assert jira.issue(key)["watchers"] == ["pere.garcia", "jaume.moral"]
    with pytest.raises(JiraNotFound):
        client.add_watcher(key, "no-such-account")


def test_new_issue_linked_to_the_closed_one_shows_on_both(jira):
    client = cloud(jira)
    old, new = new_issue(client, "old"), new_issue(client, "new")
    client.link_issues("Relates", new, old)
    assert client.get_issue(old, ["issuelinks"])["fields"]["issuelinks"][0]["inwardIssue"]["key"] == new
    assert client.get_issue(new, ["issuelinks"])["fields"]["issuelinks"][0]["outwardIssue"]["key"] == old
    with pytest.raises(JiraNotFound):
        client.link_issues("No such type", new, old)


def test_entity_property_round_trip_and_missing_property_is_none(jira):
    client = cloud(jira)
    key = new_issue(client)
    assert client.get_property(key, "mailtoticket") is None
    auth = (jira.EMAIL, jira.API_TOKEN)
    url = jira.url + "/rest/api/2/issue/%s/properties/mailtoticket" % key
    assert requests.put(url, json={"journal": "a"}, auth=auth, timeout=10).status_code == 201
    assert requests.put(url, json={"journal": "a"}, auth=auth, timeout=10).status_code == 200
    client.set_property(key, "mailtoticket", {"journal": "<m1@x>", "sender": "a@b.c"})
    assert client.get_property(key, "mailtoticket") == {"journal": "<m1@x>", "sender": "a@b.c"}
    with pytest.raises(JiraNotFound):
        client.get_property("SUP-9999", "mailtoticket")


# ---- search ------------------------------------------------------------------------------

@pytest.mark.parametrize("deployment", ["cloud", "server"])
def test_search_pages_through_every_match(deployment, request):
    srv = request.getfixturevalue("jira" if deployment == "cloud" else "jira_dc")
    client = cloud(srv) if deployment == "cloud" else JiraClient(srv.url, token=srv.PAT, timeout=10)
    keys = [new_issue(client, "batch %d" % n, labels=["batch7"]) for n in range(7)]
    found = client.search("project = SUP AND labels = batch7 ORDER BY key ASC", page_size=3)
    assert [i["key"] for i in found] == keys
    assert [i["fields"]["summary"] for i in found] == ["batch %d" % n for n in range(7)]
    assert len(client.search("labels = batch7", page_size=3, limit=4)) == 4
    searched = [c["path"] for c in srv.calls() if c["op"] in ("search", "searchJql")]
    assert set(searched) == {"/rest/api/2/search/jql" if deployment == "cloud" else "/rest/api/2/search"}


def test_cloud_search_index_lag_hides_a_new_issue_until_it_catches_up(jira):
    """Jira Cloud's enhanced search is eventually consistent: a look-up a
    moment after a lost answer may miss the issue (the gateway's redelivery
    comes a poll later)."""
    client = cloud(jira)
    label = journal_label("<lagging@mail.example>")
    jira.load({"search_lag_seconds": 3600})
    try:
        key = new_issue(client, labels=[label])
        assert client.find_issue_by_label("SUP", label) is None
    finally:
        jira.load({"search_lag_seconds": 0})
    assert client.find_issue_by_label("SUP", label) == key


def test_issue_is_found_by_journal_label_and_by_property(jira):
    client = cloud(jira)
    label = journal_label("<abc@mail.example>")
    key = new_issue(client, labels=[label])
    client.set_property(key, "mailtoticket", {"journal": "<abc@mail.example>"})
    assert client.find_issue_by_label("SUP", label) == key
    assert client.find_issue_by_property("SUP", "mailtoticket", "journal", "<abc@mail.example>") == key
    assert client.find_issue_by_label("SUP", journal_label("<other@mail.example>")) is None


def test_bad_jql_is_refused_with_jira_message(jira):
    client = cloud(jira)
    with pytest.raises(JiraRefusal) as caught:
        client.search("projekt = SUP")
    assert "Field 'projekt' does not exist" in caught.value.messages[0]
    with pytest.raises(JiraRefusal) as caught:
        client.search("key = SUP-9999")
    assert caught.value.messages == ["An issue with key 'SUP-9999' does not exist for field 'key'."]
    with pytest.raises(JiraRefusal) as caught:
        client.search("project = NOPE")
    assert "does not exist for the field 'project'" in caught.value.messages[0]


# ---- faults: look before writing again -----------------------------------------------

def test_answer_lost_after_create_then_the_label_finds_the_one_issue(jira):
    client = cloud(jira)
    label = journal_label("<lost-create@mail.example>")
    jira.set_mode("drop", after="createIssue")
    with pytest.raises(JiraUnavailable) as caught:
        new_issue(client, labels=[label])
    assert caught.value.sent is True
    jira.set_mode("normal")
    key = client.find_issue_by_label("SUP", label)
    assert key is not None
    assert [i["key"] for i in jira.issues() if label in i["fields"]["labels"]] == [key]


def test_answer_lost_after_comment_then_the_marker_finds_it(jira):
    client = cloud(jira)
    key = new_issue(client)
    marker = comment_marker("<lost-comment@mail.example>")
    assert client.find_comment(key, marker) is None
    with jira.failing("error", after="addComment"):
        with pytest.raises(JiraUnavailable) as caught:
            client.add_comment(key, marked("Thanks, it works now.", marker))
        assert caught.value.status == 500 and caught.value.sent
    found = client.find_comment(key, marker)
    assert found["body"].startswith("Thanks, it works now.")
    assert len(jira.issue(key)["comments"]) == 1


def test_answer_lost_after_upload_then_the_attachment_is_found(jira):
    client = cloud(jira)
    key = new_issue(client)
    data = b"%PDF-1.4 lost answer\r\n"
    with jira.failing("outage", after="addAttachment"):
        with pytest.raises(JiraUnavailable) as caught:
            client.upload_attachment(key, "report.pdf", io.BytesIO(data))
        assert caught.value.status == 503 and caught.value.sent
    found = client.find_attachment(key, "report.pdf", size=len(data))
    assert found is not None and client.download_attachment(found) == data
    assert len(jira.issue(key)["attachments"]) == 1


def test_outage_before_the_write_is_temporary_and_writes_nothing(jira):
    client = cloud(jira)
    before = len(jira.issues())
    with jira.failing("outage", before="createIssue"):
        with pytest.raises(JiraUnavailable) as caught:
            new_issue(client)
    assert caught.value.status == 503
    assert len(jira.issues()) == before


def test_rate_limited_call_is_temporary_not_sent_and_says_when_to_retry(jira):
    client = cloud(jira)
    before = len(jira.issues())
    with jira.failing("ratelimit"):
        with pytest.raises(JiraUnavailable) as caught:
            new_issue(client)
    assert (caught.value.status, caught.value.sent, caught.value.retry_after) == (429, False, 7)
    assert len(jira.issues()) == before


def test_text_longer_than_jira_takes_is_refused_and_fit_makes_it_pass(jira):
    from jirarest.wiki import fit
    client = cloud(jira)
    huge = "\n".join("line %d" % n for n in range(6000))
    with pytest.raises(JiraRefusal) as caught:
        new_issue(client, description=huge)
    assert "exceeds the allowed limit of 32,767" in caught.value.errors["description"]
    key = new_issue(client, description=fit(huge, "(cut: see mail.txt)"))
    assert client.get_issue(key, ["description"])["fields"]["description"].endswith("(cut: see mail.txt)")
    with pytest.raises(JiraRefusal):
        client.add_comment(key, huge)


def test_hanging_jira_is_cut_by_the_client_timeout(jira):
    client = cloud(jira, timeout=0.5)
    with jira.failing("hang", hang_seconds=30):
        with pytest.raises(JiraUnavailable) as caught:
            client.myself()
    assert "timed out" in str(caught.value)


def test_unreachable_jira_is_temporary_and_surely_not_sent(tmp_path):
    with ReferenceJira(db=tmp_path / "gone.sqlite3") as srv:
        url = srv.url
    client = JiraClient(url, email="a@b.c", api_token="t", timeout=2)
    with pytest.raises(JiraUnavailable) as caught:
        client.create_issue("SUP", "Task", "x")
    assert caught.value.sent is False


def test_issues_survive_a_restart_of_the_server(tmp_path):
    with ReferenceJira(db=tmp_path / "jira.sqlite3") as srv:
        client = cloud(srv)
        key = new_issue(client, labels=["durable"])
        client.add_comment(key, "kept")
        srv.restart()
        client = cloud(srv)
        assert client.get_issue(key, ["labels"])["fields"]["labels"] == ["durable"]
        assert [c["body"] for c in client.comments(key)] == ["kept"]


def test_basic_header_is_what_cloud_documents(jira):
    """email:token, base64, in a Basic header: what curl -u sends."""
    token = base64.b64encode(b"mailtoticket@upc.edu:api-token-secret").decode()
    resp = requests.get(jira.url + "/rest/api/2/myself", headers={"Authorization": "Basic " + token}, timeout=10)
    assert resp.status_code == 200 and resp.json()["displayName"] == "Mail to ticket"
