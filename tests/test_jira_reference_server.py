"""The reference Jira server itself, over raw HTTP: the JQL subset, Jira's
error shapes and status codes, the control endpoints a test drives."""
import pytest
import requests


@pytest.fixture
def api(jira):
    jira.set_mode("normal")
    session = requests.Session()
    session.auth = (jira.EMAIL, jira.API_TOKEN)
    session.trust_env = False

    def call(method, path, **kw):
        kw.setdefault("timeout", 10)
        return session.request(method, jira.url + path, **kw)
    return call


@pytest.fixture
def dc_api(jira_dc):
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + jira_dc.PAT
    session.trust_env = False

    def call(method, path, **kw):
        kw.setdefault("timeout", 10)
        return session.request(method, jira_dc.url + path, **kw)
    return call


def create(api, summary, **fields):
    body = {"fields": dict({"project": {"key": "SUP"}, "issuetype": {"name": "Task"}, "summary": summary}, **fields)}
    resp = api("POST", "/rest/api/2/issue", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()["key"]


def keys(api, jql, **kw):
    resp = api("POST", "/rest/api/2/search/jql", json=dict({"jql": jql, "fields": ["summary"]}, **kw))
    assert resp.status_code == 200, resp.text
    return [i["key"] for i in resp.json()["issues"]]


def test_jql_subset_operators_and_ordering(api):
    a = create(api, "alpha printer", labels=["jq", "red"], customfield_10011="hardware")
    b = create(api, "beta network", labels=["jq", "blue"], description="cable cut in room 12")
    c = create(api, "gamma printer", labels=["jq"])
    api("POST", "/rest/api/2/issue/%s/comment" % c, json={"body": "Toner replaced, ref #4411"})
    assert keys(api, "labels = jq ORDER BY key ASC") == [a, b, c]
    assert keys(api, "labels = jq") == [c, b, a]   # no ORDER BY: newest first
    assert keys(api, "labels = jq AND labels in (red, blue) ORDER BY key") == [a, b]
    assert keys(api, "labels = jq AND labels not in (red, blue)") == [c]
    assert keys(api, "labels = jq AND summary ~ printer ORDER BY summary DESC") == [c, a]
    assert keys(api, 'labels = jq AND comment ~ "#4411"') == [c]
    assert keys(api, 'labels = jq AND text ~ "room 12"') == [b]
    assert keys(api, "labels = jq AND (labels = red OR labels = blue) AND NOT labels = blue") == [a]
    assert keys(api, "labels = jq AND cf[10011] = hardware") == [a]
    assert keys(api, "labels = jq AND description is EMPTY ORDER BY key") == [a, c]
    assert keys(api, "labels = jq AND status = Open AND issuetype = Task AND project = Suport") == [c, b, a]
    assert keys(api, "key = %s OR issuekey = %s ORDER BY key" % (a, b)) == [a, b]


def test_server_search_pages_by_offset_with_a_total(dc_api):
    for n in range(3):
        create(dc_api, "page %d" % n, labels=["pg"])
    page = dc_api("GET", "/rest/api/2/search", params={"jql": "labels = pg", "maxResults": 1000}).json()
    assert page["maxResults"] == 100 and page["total"] == 3
    page = dc_api("GET", "/rest/api/2/search", params={"jql": "labels = pg ORDER BY key", "startAt": 2}).json()
    assert [i["fields"]["summary"] for i in page["issues"]] == ["page 2"]
    bad = dc_api("GET", "/rest/api/2/search", params={"jql": "labels = pg", "startAt": -1})
    assert bad.status_code == 400 and bad.json()["errorMessages"]
    syntax = dc_api("GET", "/rest/api/2/search", params={"jql": "labels = = pg"})
    assert syntax.status_code == 400 and set(syntax.json()) == {"errorMessages", "errors"}
    assert dc_api("GET", "/rest/api/2/search/jql", params={"jql": "labels = pg"}).status_code == 404


def test_cloud_removed_offset_search_and_pages_by_token(api):
    gone = api("GET", "/rest/api/2/search", params={"jql": "project = SUP"})
    assert gone.status_code == 410 and "search/jql" in gone.json()["errorMessages"][0]
    made = [create(api, "token %d" % n, labels=["tok"]) for n in range(3)]
    first = api("GET", "/rest/api/2/search/jql", params={"jql": "labels = tok ORDER BY key", "maxResults": 2}).json()
    assert first["isLast"] is False and "total" not in first
    assert [set(i) for i in first["issues"]] == [{"id"}, {"id"}]    # ids only unless fields are asked
    rest = api("GET", "/rest/api/2/search/jql", params={"jql": "labels = tok ORDER BY key", "maxResults": 2,
                                                         "nextPageToken": first["nextPageToken"],
                                                         "fields": "summary"}).json()
    assert rest["isLast"] is True and [i["key"] for i in rest["issues"]] == made[2:]
    unbounded = api("GET", "/rest/api/2/search/jql", params={"jql": "ORDER BY created DESC"})
    assert unbounded.status_code == 400 and "Unbounded" in unbounded.json()["errorMessages"][0]


def test_unknown_paths_methods_and_bodies_get_jira_error_shapes(api):
    assert api("GET", "/rest/api/2/nothing").status_code == 404
    wrong_method = api("DELETE", "/rest/api/2/issue")
    assert wrong_method.status_code == 405 and "errorMessages" in wrong_method.json()
    garbled = api("POST", "/rest/api/2/issue", data=b"{not json", headers={"Content-Type": "application/json"})
    assert garbled.status_code == 400 and garbled.json()["errorMessages"]
    adf = api("POST", "/rest/api/2/issue", json={"fields": {
        "project": {"key": "SUP"}, "issuetype": {"name": "Task"}, "summary": "x",
        "description": {"type": "doc", "version": 1, "content": []}}})
    assert adf.status_code == 400 and adf.json()["errors"] == {"description": "Operation value must be a string"}


def test_user_search_parameters_differ_between_cloud_and_server(api, jira):
    assert api("GET", "/rest/api/2/user/search").status_code == 400
    found = api("GET", "/rest/api/2/user/search", params={"query": "pgarcia@upc.edu"}).json()
    assert [u["displayName"] for u in found] == ["Pere Garcia"]
    assert "name" not in found[0]


def test_attachment_above_the_site_limit_is_refused_413(api, jira):
    key = create(api, "big file")
    jira.load({"max_attachment_bytes": 1000})
    try:
        resp = api("POST", "/rest/api/2/issue/%s/attachments" % key, files={"file": ("big.bin", b"x" * 1001)},
                   headers={"X-Atlassian-Token": "no-check"})
    finally:
        jira.load({"max_attachment_bytes": 104857600})
    assert resp.status_code == 413 and resp.json()["errorMessages"]
    assert jira.issue(key)["attachments"] == []


def test_drop_after_a_write_closes_the_connection_and_keeps_the_write(api, jira):
    key = create(api, "dropped")
    jira.set_mode("drop", after="addWatcher")
    with pytest.raises(requests.exceptions.ConnectionError):
        api("POST", "/rest/api/2/issue/%s/watchers" % key, json="5b10ac8d82e05b22cc7d4ef5")
    control = jira.control()
    assert control["triggered"] is True and control["calls"]["addWatcher"] >= 1
    jira.set_mode("normal")
    assert jira.issue(key)["watchers"] == ["jaume.moral"]


def test_fixture_posted_at_run_time_adds_users_and_issues(api, jira):
    jira.load({"users": [{"name": "nova", "emailAddress": "nova@upc.edu", "displayName": "Nova"}],
               "issues": [{"key": "SUP-900", "summary": "Old closed issue", "issuetype": "Task",
                           "status": "Closed", "labels": ["legacy"]}]})
    assert api("GET", "/rest/api/2/user/search", params={"query": "nova@upc.edu"}).json()[0]["displayName"] == "Nova"
    issue = api("GET", "/rest/api/2/issue/SUP-900").json()
    assert issue["fields"]["status"]["statusCategory"]["key"] == "done"
    transitions = api("GET", "/rest/api/2/issue/SUP-900/transitions").json()["transitions"]
    assert [t["name"] for t in transitions] == ["Reopen Issue"]
    assert any(c["op"] == "getIssue" and c["path"] == "/rest/api/2/issue/SUP-900" for c in jira.calls())
