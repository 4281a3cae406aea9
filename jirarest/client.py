"""A small Jira REST v2 client: what a mail gateway's back-end needs, nothing more.

Plain HTTP through one `requests` session (bench/jira_client.py compares
its start-up with the `jira` library's). Every call has a timeout; no call
is ever retried here (a retried POST could double a comment), and each
failure is one of two kinds (see `errors`): temporary (`JiraUnavailable`,
with `sent` telling whether the write may have happened) or refused
(`JiraRefusal`).

Exactly-once support: an issue can carry a label derived from the
message's journal key (`journal_label`) and an entity property with the key
itself; a comment can end with a marker (`comment_marker`); attachments can
be listed. After a lost answer a caller looks (`find_issue_by_label`,
`find_comment`, `find_attachment`) before it writes again.

Both deployments: Jira Cloud (e-mail + API token, Basic; users named by
accountId) and Jira Server / Data Center (personal access token, Bearer, or
username + password; users named by username). The deployment is read once
from serverInfo when a user reference is first needed, or given.
"""

import hashlib
import json
from collections import namedtuple
from urllib.parse import quote

import requests

from .errors import JiraAuthFailure, JiraNotFound, JiraNotThere, JiraRefusal, JiraUnavailable

DEFAULT_TIMEOUT = 30.0
PAGE_SIZE = 50
USER_AGENT = "mailtoticket-jirarest/1"

IssueState = namedtuple("IssueState", "key status category resolved labels")


def journal_label(journal_key, prefix="mtt-"):
    """The label that names the message `journal_key` on its issue: short,
    without spaces (Jira refuses labels with spaces) and searchable with
    plain JQL on every Jira (entity properties need an indexing app)."""
    return prefix + hashlib.sha256(journal_key.encode("utf-8")).hexdigest()[:20]


def comment_marker(journal_key):
    """A marker a comment ends with, so a redelivery can find it."""
    return "mtt:" + hashlib.sha256(journal_key.encode("utf-8")).hexdigest()[:20]


def marked(body, marker):
    """`body` with `marker` on a last, discreet line (Jira wiki markup)."""
    return "%s\n\n{color:#97a0af}%s{color}" % (body.rstrip(), marker)


class JiraClient:
    """One Jira site, one account.

    base_url: the site (https://example.atlassian.net, or a Server's base
    with its context path). Credentials: email + api_token (Cloud), token
    (Server/DC personal access token, Bearer) or username + password.
    timeout: seconds for each call (connect and each read); a callable
    returning seconds is asked before every call (a whole-run deadline).
    deployment: "cloud" or "server", or None to ask serverInfo when needed.
    """

    def __init__(self, base_url, *, email=None, api_token=None, token=None, username=None, password=None,
                 timeout=DEFAULT_TIMEOUT, deployment=None, session=None, verify=True):
        self.base_url = base_url          # as given (a 404 for serverInfo names it)
        self.base = base_url.rstrip("/")
        self._answered = False            # some call has had Jira's answer
        self.session = session or requests.Session()
        self.session.trust_env = False if self.base.startswith(("http://127.", "http://localhost")) else True
        self.session.verify = verify
        self.session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
        if token:
            self.session.headers["Authorization"] = "Bearer " + token
        elif email and api_token:
            self.session.auth = (email, api_token)
        elif username and password:
            self.session.auth = (username, password)
        else:
            raise ValueError("give email + api_token (Cloud), token (Server/DC PAT) or username + password")
        self._timeout = timeout
        self._deployment = deployment.lower() if deployment else None

    # ---- plumbing -----------------------------------------------------------------

    def timeout(self):
        seconds = self._timeout() if callable(self._timeout) else self._timeout
        if seconds is None or seconds <= 0:
            raise JiraUnavailable("no time left for a Jira call", sent=False)
        return seconds

    def _call(self, operation, method, path, *, expect=(200,), json_body=None, params=None, data=None,
              headers=None, raw=False, follow=False):
        """One HTTP exchange: Jira's decoded JSON answer (None if empty), or raw bytes."""
        url = path if path.startswith("http") else self.base + path
        try:
            resp = self.session.request(method, url, json=json_body, params=params, data=data,
                                        headers=headers, timeout=self.timeout(), allow_redirects=follow)
        except requests.exceptions.RequestException as exc:
            raise JiraUnavailable("%s: Jira did not answer: %s" % (operation, _reason(exc)),
                                  sent=_maybe_sent(exc)) from None
        status = resp.status_code
        if status in expect:
            if raw:
                self._answered = True
                return resp.content
            if not resp.content:
                self._answered = True
                return None
            try:
                answer = resp.json()
            except ValueError:
                if not self._answered:
                    # Never a JSON answer from this address: a web page
                    # (a portal, a login page) where the settings say Jira is.
                    raise JiraNotThere(self.base_url, "HTTP %d for %s is %s, not Jira's JSON"
                                       % (status, url, resp.headers.get("Content-Type")
                                          or "no JSON")) from None
                raise JiraUnavailable("%s: HTTP %d but the answer is not JSON" % (operation, status),
                                      status=status) from None
            self._answered = True
            return answer
        messages, errors = _error_body(resp)
        detail = "; ".join(messages + ["%s: %s" % kv for kv in sorted(errors.items())]) or resp.reason
        if status in (301, 308) and not follow:
            # Moved for good (http:// to https://, a new host or context
            # path): every call will be sent there; the address is wrong.
            raise JiraNotThere(self.base_url, "HTTP %d: %s moved to %s"
                               % (status, url, resp.headers.get("Location", "?")))
        if status in (401, 403):
            # 403 "XSRF check failed" is this client's bug, not the account's.
            if status == 403 and "XSRF" in resp.text:
                raise JiraRefusal(operation, status, messages or [resp.text.strip()], errors)
            raise JiraAuthFailure("%s: HTTP %d %s" % (operation, status, detail), sent=False, status=status)
        if status == 429 or status >= 500 or status in (408, 502, 503, 504) or 300 <= status < 400:
            # A 5xx may come after the write (a proxy that lost the answer):
            # only a rate limit or a redirect surely means "not done".
            sent = status != 429 and not 300 <= status < 400
            retry = resp.headers.get("Retry-After", "")
            raise JiraUnavailable("%s: HTTP %d %s" % (operation, status, detail), sent=sent, status=status,
                                  retry_after=int(retry) if retry.isdigit() else None)
        if status == 404:
            self._jira_is_there(operation, detail)
            raise JiraNotFound(operation, status, messages, errors)
        raise JiraRefusal(operation, status, messages, errors)

    def _jira_is_there(self, operation, detail):
        """After a 404: JiraNotThere when no Jira answers at the base URL
        (a wrong address in the settings, not a missing issue or project).
        serverInfo exists on every Jira: a 404 for it settles it; for
        another call it is asked once, unless a call has already had
        Jira's answer. When it cannot be asked, the 404 stands."""
        if operation == "serverInfo":
            raise JiraNotThere(self.base_url, "HTTP 404 for %s%s: %s"
                               % (self.base, "/rest/api/2/serverInfo", detail))
        if not self._answered:
            try:
                self.server_info()
            except (JiraUnavailable, JiraRefusal):  # not conclusive: the 404 stands
                pass

    # ---- site and users --------------------------------------------------------------

    def server_info(self):
        return self._call("serverInfo", "GET", "/rest/api/2/serverInfo")

    def myself(self):
        return self._call("myself", "GET", "/rest/api/2/myself")

    @property
    def deployment(self):
        """"cloud" or "server" (Data Center says "Server" too)."""
        if self._deployment is None:
            kind = (self.server_info() or {}).get("deploymentType", "Server")
            self._deployment = "cloud" if kind.lower() == "cloud" else "server"
        return self._deployment

    def project(self, key):
        """The project as this account sees it, with its issueTypes
        (JiraNotFound when there is none)."""
        return self._call("getProject", "GET", "/rest/api/2/project/%s" % quote(key))

    def find_user_by_email(self, email):
        """The one active user whose address is `email` (any case), or None.

        The search matches prefixes, so an answer counts only if its address
        is exactly `email`. On Cloud a user may hide the address (the answer
        then has none): such a user is taken only when they are the single
        active human the search returned, and never when another result
        shows a different address."""
        wanted = (email or "").strip().lower()
        if not wanted:
            return None
        param = "query" if self.deployment == "cloud" else "username"
        found = [u for u in self._call("findUsers", "GET", "/rest/api/2/user/search",
                                       params={param: wanted, "maxResults": 50}) or []
                 if u.get("active", True) and u.get("accountType", "atlassian") == "atlassian"]
        exact = [u for u in found if (u.get("emailAddress") or "").lower() == wanted]
        if len(exact) == 1:
            return exact[0]
        if not exact and len(found) == 1 and not found[0].get("emailAddress") and self.deployment == "cloud":
            return found[0]
        return None

    def user_ref(self, user):
        """How this deployment names a user in a field: {"accountId"} / {"name"}.
        `user`: a user dict from find_user_by_email, or the id string itself."""
        return {"accountId" if self.deployment == "cloud" else "name": self.user_id(user)}

    def user_id(self, user):
        if isinstance(user, dict):
            return user.get("accountId") if self.deployment == "cloud" else user.get("name") or user.get("key")
        return str(user)

    # ---- issues ------------------------------------------------------------------------

    def create_issue(self, project, issuetype, summary, description=None, *, labels=(), priority=None,
                     components=(), assignee=None, reporter=None, custom_fields=None):
        """Open an issue; its key. project: key; issuetype, priority,
        components: names; assignee, reporter: user dicts or ids;
        custom_fields: {"customfield_10010": value}."""
        fields = {"project": {"key": project}, "issuetype": {"name": issuetype}, "summary": summary}
        if description is not None:
            fields["description"] = description
        if labels:
            fields["labels"] = list(labels)
        if priority:
            fields["priority"] = {"name": priority}
        if components:
            fields["components"] = [{"name": c} for c in components]
        if assignee:
            fields["assignee"] = self.user_ref(assignee)
        if reporter:
            fields["reporter"] = self.user_ref(reporter)
        fields.update(custom_fields or {})
        answer = self._call("createIssue", "POST", "/rest/api/2/issue", json_body={"fields": fields},
                            expect=(201,))
        return answer["key"]

    def get_issue(self, key, fields=None):
        """The issue's JSON (fields: a list of names to fetch, None: all)."""
        params = {"fields": ",".join(fields)} if fields else None
        return self._call("getIssue", "GET", "/rest/api/2/issue/%s" % quote(key), params=params)

    def issue_state(self, key):
        """Status, status category (new / indeterminate / done), resolved, labels."""
        issue = self.get_issue(key, ["status", "resolution", "labels"])
        f = issue["fields"]
        return IssueState(issue["key"], f["status"]["name"], f["status"]["statusCategory"]["key"],
                          f.get("resolution") is not None, f.get("labels") or [])

    def search(self, jql, fields=("summary", "status", "labels"), page_size=PAGE_SIZE, limit=None):
        """Every issue matching `jql` (all pages, or the first `limit`).

        Jira Cloud removed the offset-paged /search (410 Gone): there the
        enhanced /search/jql is used (token pages, eventually consistent:
        an issue created a moment ago may not be found yet). Server and
        Data Center keep /search with startAt/total."""
        cloud = self.deployment == "cloud"
        out, start, token = [], 0, None
        while True:
            body = {"jql": jql, "maxResults": page_size, "fields": list(fields)}
            if cloud:
                if token:
                    body["nextPageToken"] = token
                page = self._call("search", "POST", "/rest/api/2/search/jql", json_body=body)
            else:
                body["startAt"] = start
                page = self._call("search", "POST", "/rest/api/2/search", json_body=body)
            issues = page.get("issues") or []
            out.extend(issues)
            start += len(issues)
            if limit and len(out) >= limit:
                return out[:limit]
            if cloud:
                token = page.get("nextPageToken")
                if page.get("isLast", True) or not token or not issues:
                    return out
            elif not issues or start >= page.get("total", 0):
                return out

    def find_issue_by_label(self, project, label):
        """The key of the oldest issue of `project` carrying `label`, or None."""
        found = self.search('project = "%s" AND labels = "%s" ORDER BY created ASC'
                            % (_jql_escape(project), _jql_escape(label)), fields=("labels",), limit=1)
        return found[0]["key"] if found else None

    def find_issue_by_property(self, project, prop, path, value):
        """Same by entity property (needs the property indexed: an app on
        Cloud and Server; the reference server always indexes)."""
        found = self.search('project = "%s" AND issue.property[%s].%s = "%s" ORDER BY created ASC'
                            % (_jql_escape(project), prop, path, _jql_escape(str(value))),
                            fields=("labels",), limit=1)
        return found[0]["key"] if found else None

    # ---- comments ------------------------------------------------------------------------

    def add_comment(self, key, body, visibility=None):
        """Comment on an issue; the comment's JSON. visibility: None (public),
        ("role", "Developers") or ("group", "support-agents")."""
        payload = {"body": body}
        if visibility:
            kind, value = visibility if isinstance(visibility, (tuple, list)) else \
                (visibility["type"], visibility["value"])
            payload["visibility"] = {"type": kind, "value": value}
        return self._call("addComment", "POST", "/rest/api/2/issue/%s/comment" % quote(key),
                          json_body=payload, expect=(201,))

    def comments(self, key, page_size=PAGE_SIZE):
        """All comments this account may see, oldest first (all pages)."""
        out, start = [], 0
        while True:
            page = self._call("getComments", "GET", "/rest/api/2/issue/%s/comment" % quote(key),
                              params={"startAt": start, "maxResults": page_size, "orderBy": "created"})
            items = page.get("comments") or []
            out.extend(items)
            start += len(items)
            if not items or start >= page.get("total", 0):
                return out

    def find_comment(self, key, marker):
        """The first comment whose body contains `marker`, or None."""
        return next((c for c in self.comments(key) if marker in (c.get("body") or "")), None)

    # ---- attachments ---------------------------------------------------------------------

    def upload_attachment(self, key, filename, content, mime="application/octet-stream"):
        """Attach a file (bytes or a binary file object, streamed from it);
        the attachment's JSON."""
        from requests_toolbelt.multipart.encoder import MultipartEncoder
        encoder = MultipartEncoder(fields={"file": (filename, content, mime)})
        answer = self._call("addAttachment", "POST", "/rest/api/2/issue/%s/attachments" % quote(key),
                            data=encoder, headers={"Content-Type": encoder.content_type,
                                                   "X-Atlassian-Token": "no-check"})
        return answer[0]

    def attachments(self, key):
        return self.get_issue(key, ["attachment"])["fields"].get("attachment") or []

    def find_attachment(self, key, filename, size=None):
        """An attachment of this name (and size) already on the issue, or None."""
        return next((a for a in self.attachments(key) if a["filename"] == filename
                     and (size is None or a["size"] == size)), None)

    def download_attachment(self, attachment):
        """The attachment's bytes. Cloud's content URL redirects to its media
        service: followed (requests drops the credentials on another host)."""
        return self._call("getAttachmentContent", "GET", attachment["content"], raw=True, follow=True)

    # ---- watchers, workflow, links, properties --------------------------------------

    def add_watcher(self, key, user):
        self._call("addWatcher", "POST", "/rest/api/2/issue/%s/watchers" % quote(key),
                   data=json.dumps(self.user_id(user)), headers={"Content-Type": "application/json"},
                   expect=(204,))

    def watchers(self, key):
        return self._call("getWatchers", "GET", "/rest/api/2/issue/%s/watchers" % quote(key))["watchers"]

    def transitions(self, key):
        return self._call("getTransitions", "GET", "/rest/api/2/issue/%s/transitions" % quote(key))["transitions"]

    def transition(self, key, transition):
        """Move the issue through a transition named by id or by name."""
        available = self.transitions(key)
        move = next((t for t in available if t["id"] == str(transition)), None) or \
            next((t for t in available if t["name"].lower() == str(transition).lower()), None)
        if move is None:
            raise JiraRefusal("doTransition", 400, ["Transition '%s' is not available for %s (available: %s)"
                                                    % (transition, key, ", ".join(t["name"] for t in available))])
        self._call("doTransition", "POST", "/rest/api/2/issue/%s/transitions" % quote(key),
                   json_body={"transition": {"id": move["id"]}}, expect=(204,))
        return move

    def link_issues(self, link_type, inward_key, outward_key, comment=None):
        payload = {"type": {"name": link_type}, "inwardIssue": {"key": inward_key},
                   "outwardIssue": {"key": outward_key}}
        if comment:
            payload["comment"] = {"body": comment}
        self._call("linkIssues", "POST", "/rest/api/2/issueLink", json_body=payload, expect=(201,))

    def set_property(self, key, prop, value):
        self._call("setProperty", "PUT", "/rest/api/2/issue/%s/properties/%s" % (quote(key), quote(prop, safe="")),
                   data=json.dumps(value).encode("utf-8"), headers={"Content-Type": "application/json"},
                   expect=(200, 201))

    def get_property(self, key, prop):
        """The property's value, or None if the issue has no such property."""
        try:
            return self._call("getProperty", "GET", "/rest/api/2/issue/%s/properties/%s"
                              % (quote(key), quote(prop, safe="")))["value"]
        except JiraNotFound as exc:
            if any("property" in m.lower() for m in exc.messages):
                return None
            raise


def _jql_escape(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _error_body(resp):
    try:
        body = resp.json()
    except ValueError:
        return ([resp.text.strip()[:300]] if resp.text.strip() else []), {}
    if not isinstance(body, dict):
        return [], {}
    messages = [str(m) for m in body.get("errorMessages") or []]
    errors = body.get("errors") if isinstance(body.get("errors"), dict) else {}
    return messages, {str(k): str(v) for k, v in errors.items()}


def _reason(exc):
    if isinstance(exc, requests.exceptions.Timeout):
        return "timed out"
    return str(exc)[:300]


def _maybe_sent(exc):
    """False only when the request surely never reached Jira (no connection)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return False
    if isinstance(exc, requests.exceptions.ConnectionError):
        text = repr(exc.args[0] if exc.args else exc)
        return not any(s in text for s in ("NewConnectionError", "Connection refused", "NameResolutionError",
                                           "Failed to resolve"))
    return True
