"""The Jira REST v2 operations the reference server implements.

Each operation takes a `Call` (the store, the logged-in user, the path
parameters, the query and the decoded body) and returns ``(status, body)``;
body is JSON-able, bytes, or None for an empty answer. Refusals raise
`ApiError`, which the HTTP layer writes in Jira's error shape
``{"errorMessages": [...], "errors": {...}}``. Paths, JSON shapes and
status codes follow Atlassian's REST v2 documentation; where Cloud and
Server/Data Center differ (users: accountId vs name), the fixture's
``deployment`` chooses.
"""

import base64
import datetime
import json
import re
from urllib.parse import quote

from .jql import JqlError, Query

NOT_FOUND = "Issue does not exist or you do not have permission to see it."
MAX_RESULTS_CAP = 100
DEFAULT_MAX_RESULTS = 50
MAX_PROPERTY_CHARS = 32768
MAX_TEXT_CHARS = 32767      # Jira's limit for a text field (description, comment body)
TOO_LONG = "The entered text is too long. It exceeds the allowed limit of 32,767 characters."
CREATE_FIELDS = {"project", "issuetype", "summary", "description", "labels", "priority", "components",
                 "assignee", "reporter"}


class ApiError(Exception):
    def __init__(self, status, messages=(), errors=None):
        super().__init__(status, messages, errors)
        self.status = status
        self.body = {"errorMessages": list(messages), "errors": dict(errors or {})}


class Call:
    """One request, as the operations see it."""

    def __init__(self, store, user, base, params, query, body):
        self.store, self.user, self.base = store, user, base
        self.params, self.query, self.body = params, query, body
        self.config = store._cfg()   # read-only here
        self.cloud = self.config["deployment"].lower() == "cloud"

    def arg(self, name, default=None):
        return self.query.get(name, [default])[0]

    def json(self):
        if isinstance(self.body, bytes):
            try:
                return json.loads(self.body.decode("utf-8") or "null")
            except (UnicodeDecodeError, ValueError) as exc:
                raise ApiError(400, ["Unexpected character in the JSON body: %s" % exc]) from None
        return self.body

    def issue(self, key=None):
        issue = self.store.issue(key or self.params["key"])
        if issue is None:
            raise ApiError(404, [NOT_FOUND])
        return issue


# ---- rendering ---------------------------------------------------------------

def user_json(call, user):
    if user is None:
        return None
    if call.cloud:
        out = {"self": "%s/rest/api/2/user?accountId=%s" % (call.base, user["accountId"]),
               "accountId": user["accountId"], "accountType": "atlassian"}
    else:
        out = {"self": "%s/rest/api/2/user?username=%s" % (call.base, quote(user["name"])),
               "name": user["name"], "key": user["name"]}
    if not (call.cloud and user.get("emailHidden")):   # Cloud: the user's privacy choice
        out["emailAddress"] = user["emailAddress"]
    out.update(displayName=user["displayName"], active=bool(user.get("active", True)), timeZone="Europe/Madrid")
    return out


def resolve_user(call, ref):
    """A user from a reference ({"accountId"} on Cloud, {"name"} / {"key"} on Server), or None."""
    if not isinstance(ref, dict):
        return None
    if call.cloud:
        return call.store.user(account_id=ref.get("accountId")) if ref.get("accountId") else None
    name = ref.get("name") or ref.get("key")
    return call.store.user(name=name) if name else None


def status_json(call, name):
    for i, status in enumerate(call.config["statuses"]):
        if status["name"] == name:
            cat = status.get("category", "new")
            return {"self": "%s/rest/api/2/status/%s" % (call.base, status["id"]), "id": status["id"],
                    "name": name, "statusCategory": {"key": cat, "name": {"new": "To Do", "done": "Done"}.get(
                        cat, "In Progress")}}
    return {"id": "", "name": name, "statusCategory": {"key": "new", "name": "To Do"}}


def issuetype_id(project, name):
    return str(10001 + project["issuetypes"].index(name))


def component_id(project, name):
    return str(10100 + project.get("components", []).index(name))


class Redirect:
    """An answer that sends the client elsewhere (303 See Other)."""

    def __init__(self, location):
        self.location = location


def attachment_json(call, att):
    # Cloud's content URL redirects (to its media service); Server's serves the bytes.
    content = "%s/rest/api/2/attachment/content/%d" % (call.base, att["id"]) if call.cloud else \
        "%s/secure/attachment/%d/%s" % (call.base, att["id"], quote(att["filename"]))
    return {"self": "%s/rest/api/2/attachment/%d" % (call.base, att["id"]), "id": str(att["id"]),
            "filename": att["filename"], "author": user_json(call, call.store.user(name=att["author"])),
            "created": att["created"], "size": att["size"], "mimeType": att["mime"], "content": content}


def visible(call, issue, visibility):
    """Can the caller see a comment restricted to `visibility`?"""
    if not visibility:
        return True
    if visibility.get("type") == "group":
        return visibility.get("value") in call.user.get("groups", [])
    project = call.store.project(issue["project"]) or {}
    return call.user["name"] in (project.get("roles") or {}).get(visibility.get("value"), [])


def comment_json(call, comment):
    author = user_json(call, call.store.user(name=comment["author"]))
    out = {"self": "%s/rest/api/2/issue/%d/comment/%d" % (call.base, comment["issue"], comment["id"]),
           "id": str(comment["id"]), "author": author, "body": comment["body"], "updateAuthor": author,
           "created": comment["created"], "updated": comment["created"]}
    if comment["visibility"]:
        out["visibility"] = comment["visibility"]
    return out


def visible_comments(call, issue):
    return [c for c in call.store.comments(issue["id"]) if visible(call, issue, c["visibility"])]


def issue_json(call, issue, wanted=None):
    """An issue as GET /issue answers it; `wanted`: the field names to include (None: all)."""
    project = call.store.project(issue["project"]) or {"key": issue["project"], "id": "", "name": ""}
    f = issue["fields"]
    status = next((s for s in call.config["statuses"] if s["name"] == issue["status"]), {})
    links = []
    for link in call.store.links(issue["id"]):
        ltype = next((t for t in call.config["link_types"] if t["name"] == link["type"]), {"name": link["type"]})
        other_id, side = (link["outward"], "outwardIssue") if link["inward"] == issue["id"] else \
            (link["inward"], "inwardIssue")
        other = call.store.issue(other_id)
        links.append({"id": str(link["id"]), "type": ltype, side: {
            "id": str(other["id"]), "key": other["key"],
            "fields": {"summary": other["fields"].get("summary", ""),
                       "status": status_json(call, other["status"])}}})
    comments = visible_comments(call, issue)
    fields = {
        "summary": f.get("summary", ""),
        "description": f.get("description"),
        "labels": f.get("labels", []),
        "project": {"self": "%s/rest/api/2/project/%s" % (call.base, project.get("id")),
                    "id": str(project.get("id")), "key": project.get("key"), "name": project.get("name")},
        "issuetype": {"id": issuetype_id(project, f["issuetype"]) if f.get("issuetype") in
                      project.get("issuetypes", []) else "", "name": f.get("issuetype"), "subtask": False},
        "status": status_json(call, issue["status"]),
        "resolution": {"name": "Done"} if status.get("category") == "done" else None,
        "priority": {"id": str(call.config["priorities"].index(f["priority"]) + 1), "name": f["priority"]}
        if f.get("priority") in call.config["priorities"] else None,
        "components": [{"id": component_id(project, c), "name": c} for c in f.get("components", [])],
        "assignee": user_json(call, call.store.user(name=f.get("assignee"))) if f.get("assignee") else None,
        "reporter": user_json(call, call.store.user(name=f.get("reporter"))) if f.get("reporter") else None,
        "creator": user_json(call, call.store.user(name=f.get("creator"))) if f.get("creator") else None,
        "created": issue["created"], "updated": issue["updated"],
        "attachment": [attachment_json(call, a) for a in call.store.attachments(issue["id"])],
        "comment": {"comments": [comment_json(call, c) for c in comments], "maxResults": len(comments),
                    "total": len(comments), "startAt": 0},
        "issuelinks": links,
        "watches": {"self": "%s/rest/api/2/issue/%s/watchers" % (call.base, issue["key"]),
                    "watchCount": len(call.store.watchers(issue["id"])),
                    "isWatching": call.user["name"] in call.store.watchers(issue["id"])},
    }
    for name in call.config["custom_fields"]:
        fields[name] = f.get(name)
    if wanted is not None:
        fields = {k: v for k, v in fields.items() if k in wanted}
    return {"expand": "renderedFields,names,schema,operations,editmeta,changelog",
            "id": str(issue["id"]), "self": "%s/rest/api/2/issue/%d" % (call.base, issue["id"]),
            "key": issue["key"], "fields": fields}


def wanted_fields(spec):
    """The `fields` parameter: None (all) or a set of names; *all / *navigable mean all."""
    if spec is None:
        return None
    names = [s.strip() for s in (spec if isinstance(spec, list) else spec.split(",")) if s.strip()]
    if not names or any(n in ("*all", "*navigable") for n in names):
        return None
    return set(names)


# ---- server information and users -----------------------------------------------

def server_info(call):
    cloud = call.cloud
    return 200, {"baseUrl": call.base, "version": "1001.0.0-SNAPSHOT" if cloud else "9.12.0",
                 "versionNumbers": [1001, 0, 0] if cloud else [9, 12, 0],
                 "deploymentType": "Cloud" if cloud else "Server", "buildNumber": 100000,
                 "serverTitle": "Reference Jira (mailtoticket)"}


def myself(call):
    out = user_json(call, call.user)
    out["groups"] = {"size": len(call.user.get("groups", [])),
                     "items": [{"name": g} for g in call.user.get("groups", [])]}
    return 200, out


def get_project(call):
    """GET /rest/api/2/project/{key}: the project and its issue types."""
    project = call.store.project(call.params["project"])
    if project is None:
        return 404, {"errorMessages": ["No project could be found with key '%s'."
                                       % call.params["project"]], "errors": {}}
    return 200, {"self": "%s/rest/api/2/project/%s" % (call.base, project.get("id")),
                 "id": str(project.get("id")), "key": project.get("key"),
                 "name": project.get("name"),
                 "issueTypes": [{"id": issuetype_id(project, name), "name": name,
                                 "subtask": False} for name in project.get("issuetypes", [])]}


def user_search(call):
    if call.cloud:
        text = call.arg("query")
        if text is None and call.arg("accountId") is None:
            raise ApiError(400, ["One of 'query', 'accountId' or 'property' must be provided."])
    else:
        text = call.arg("username")
        if text is None:
            raise ApiError(400, ["The username query parameter was not provided"])
    start, limit = _paging(call.arg("startAt"), call.arg("maxResults"), default=50, cap=1000)
    text = (text or "").strip().lower()
    found = []
    for user in call.config["users"]:
        if call.arg("accountId") and user["accountId"] != call.arg("accountId"):
            continue
        # Prefix of the display name or the address (Server: or the username).
        values = [user["emailAddress"], user["displayName"]] + ([] if call.cloud else [user["name"]])
        if text and not any(v.lower().startswith(text) for v in values):
            continue
        if not user.get("active", True) and call.arg("includeInactive", "false") != "true":
            continue
        found.append(user_json(call, user))
    return 200, found[start:start + limit]


def _paging(start, limit, default=DEFAULT_MAX_RESULTS, cap=MAX_RESULTS_CAP):
    try:
        start = int(start or 0)
        limit = default if limit in (None, "") else int(limit)
    except (TypeError, ValueError):
        raise ApiError(400, ["startAt and maxResults must be integers"]) from None
    if start < 0:
        raise ApiError(400, ["startAt must be 0 or greater"])
    if limit < 0:
        raise ApiError(400, ["maxResults must be 0 or greater"])
    return start, min(limit, cap)


# ---- issues ------------------------------------------------------------------------

def _named(options, ref, key_of_id=None):
    """The option a {"name"} / {"id"} reference names, or None."""
    if not isinstance(ref, dict):
        return None
    if ref.get("name") in options:
        return ref["name"]
    if ref.get("id") is not None and key_of_id:
        for option in options:
            if key_of_id(option) == str(ref["id"]):
                return option
    return None


def create_issue(call):
    body = call.json()
    if not isinstance(body, dict) or not isinstance(body.get("fields"), dict):
        raise ApiError(400, ["Issue must contain fields"])
    given = body["fields"]
    errors, fields = {}, {}
    pref = given.get("project")
    project = call.store.project(str(pref.get("key") or pref.get("id") or "")) if isinstance(pref, dict) else None
    if project is None:
        errors["project"] = "valid project is required"
        project = {"issuetypes": [], "components": [], "key": ""}
    itype = _named(project.get("issuetypes", []), given.get("issuetype"), lambda n: issuetype_id(project, n))
    if itype is None:
        errors["issuetype"] = "valid issue type is required"
    fields["issuetype"] = itype
    summary = given.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        errors["summary"] = "You must specify a summary of the issue."
    elif len(summary) > 255 or "\n" in summary:
        errors["summary"] = "Summary must be less than 255 characters." if len(summary) > 255 else \
            "The summary is invalid because it contains newline characters."
    fields["summary"] = summary
    description = given.get("description")
    if description is not None and not isinstance(description, str):
        errors["description"] = "Operation value must be a string"
    elif description is not None and len(description) > MAX_TEXT_CHARS:
        errors["description"] = TOO_LONG
    fields["description"] = description
    labels = given.get("labels") or []
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        errors["labels"] = "Operation value must be an array of strings"
    else:
        bad = next((x for x in labels if not x or re.search(r"\s", x) or len(x) > 255), None)
        if bad is not None:
            errors["labels"] = "The label '%s' contains spaces which is invalid." % bad
        fields["labels"] = list(dict.fromkeys(labels))
    if "priority" in given:
        priority = _named(call.config["priorities"], given["priority"],
                          lambda n: str(call.config["priorities"].index(n) + 1))
        if priority is None:
            errors["priority"] = "Specify the Priority (id or name) in the string format"
        fields["priority"] = priority
    else:
        fields["priority"] = call.config.get("default_priority")
    components = []
    for ref in given.get("components") or []:
        comp = _named(project.get("components", []), ref, lambda n: component_id(project, n))
        if comp is None:
            errors["components"] = "Component name '%s' is not valid" % (
                ref.get("name") or ref.get("id") if isinstance(ref, dict) else ref)
        components.append(comp)
    fields["components"] = components
    for role in ("assignee", "reporter"):
        if given.get(role) is not None:
            user = resolve_user(call, given[role])
            if user is None:
                errors[role] = "Specified user does not exist or you do not have required permissions"
            fields[role] = user and user["name"]
    fields.setdefault("reporter", call.user["name"])
    fields["creator"] = call.user["name"]
    for name, value in given.items():
        if name in CREATE_FIELDS:
            continue
        if name in call.config["custom_fields"]:
            fields[name] = value
        else:
            errors[name] = ("Field '%s' cannot be set. It is not on the appropriate screen, or unknown." % name)
    if errors:
        raise ApiError(400, [], errors)
    issue_id, key = call.store.insert_issue(project["key"], fields, call.config["initial_status"])
    return 201, {"id": str(issue_id), "key": key, "self": "%s/rest/api/2/issue/%d" % (call.base, issue_id)}


def get_issue(call):
    return 200, issue_json(call, call.issue(), wanted_fields(call.arg("fields")))


def _view(call, issue):
    """field name -> the strings JQL compares, for one issue."""
    f = issue["fields"]

    def user_values(name):
        user = call.store.user(name=name) if name else None
        return [user["name"], user["accountId"], user["emailAddress"], user["displayName"]] if user else []

    def view(field):
        if field == "project":
            project = call.store.project(issue["project"]) or {}
            return [issue["project"], str(project.get("id", "")), project.get("name", "")]
        if field == "key":
            return [issue["key"]]
        if field == "id":
            return [str(issue["id"])]
        if field == "labels":
            return f.get("labels", [])
        if field == "status":
            status = next((s for s in call.config["statuses"] if s["name"] == issue["status"]), {})
            return [issue["status"], status.get("id", "")]
        if field in ("issuetype", "priority", "summary", "description"):
            return [f.get(field) or ""]
        if field == "component":
            return f.get("components", [])
        if field in ("reporter", "assignee"):
            return user_values(f.get(field))
        if field in ("created", "updated"):
            return [issue[field]]
        comments = [c["body"] for c in visible_comments(call, issue)] if field in ("comment", "text") else []
        if field == "comment":
            return comments
        if field == "text":
            return [f.get("summary") or "", f.get("description") or ""] + comments
        if field.startswith("customfield_"):
            value = f.get(field)
            return [] if value is None else [json.dumps(value) if isinstance(value, (dict, list)) else str(value)]
        m = re.fullmatch(r"issue\.property\[([^\]]+)\](?:\.(.+))?", field, re.I)
        if m:
            value = call.store.property(issue["id"], m.group(1))
            for part in (m.group(2) or "").split("."):
                if part:
                    value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                return []
            return [str(v) for v in value] if isinstance(value, list) else \
                [json.dumps(value) if isinstance(value, dict) else str(value).lower()
                 if isinstance(value, bool) else str(value)]
        return []
    return view


def _check_values(call, node):
    """Jira refuses a query naming a project or an issue key that does not exist."""
    if node is None:
        return
    if node[0] in ("and", "or"):
        _check_values(call, node[1])
        _check_values(call, node[2])
    elif node[0] == "not":
        _check_values(call, node[1])
    elif node[0] == "in" and node[1] == "project":
        for value in node[2]:
            if call.store.project(value) is None and not any(
                    p.get("name", "").lower() == value.lower() for p in call.config["projects"]):
                raise ApiError(400, ["The value '%s' does not exist for the field 'project'." % value])
    elif node[0] == "in" and node[1] == "key":
        for value in node[2]:
            if call.store.issue(value) is None:
                raise ApiError(400, ["An issue with key '%s' does not exist for field 'key'." % value])


REMOVED_SEARCH = ("The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
                  "A full migration guideline is available at "
                  "https://developer.atlassian.com/changelog/#CHANGE-2046")


def _search_args(call, names):
    """The search parameters from the JSON body (POST) or the query string (GET)."""
    if call.body:
        body = call.json()
        if not isinstance(body, dict):
            raise ApiError(400, ["A JSON object is expected"])
        return [body.get(n) for n in names]
    return [call.query[n] if n in ("reconcileIssues",) and n in call.query else call.arg(n) for n in names]


def _matching(call, jql):
    """The issues `jql` selects, in its order (newest first without ORDER BY)."""
    try:
        query = Query(jql or "")
    except JqlError as exc:
        raise ApiError(400, [str(exc)]) from None
    _check_values(call, query.where)
    hits = [issue for issue in call.store.all_issues() if query.matches(_view(call, issue))]
    order = query.order or [("key", "desc")]
    for field, direction in reversed(order):
        if field in ("key", "id", "created"):
            hits.sort(key=lambda i: i["id"], reverse=direction == "desc")
        else:
            hits.sort(key=lambda i, fld=field: (_view(call, i)(fld) or [""])[0].lower(),
                      reverse=direction == "desc")
    return query, hits


def search(call):
    """The offset-paged search of Server/Data Center. Jira Cloud removed it
    (410 Gone, CHANGE-2046): Cloud clients use /search/jql."""
    if call.cloud and not call.config.get("legacy_search"):
        raise ApiError(410, [REMOVED_SEARCH])
    jql, start, limit, fields = _search_args(call, ("jql", "startAt", "maxResults", "fields"))
    start, limit = _paging(start, limit)
    _, hits = _matching(call, jql)
    wanted = wanted_fields(fields)
    if wanted is None:
        wanted = set(issue_json(call, hits[0])["fields"]) - {"comment"} if hits else set()
    return 200, {"expand": "names,schema", "startAt": start, "maxResults": limit, "total": len(hits),
                 "issues": [issue_json(call, i, wanted) for i in hits[start:start + limit]]}


def search_jql(call):
    """Jira Cloud's enhanced search: token pages (nextPageToken, isLast, no
    total), only issue ids unless fields are asked for, an unbounded query
    refused, and eventual consistency: an issue younger than the fixture's
    `search_lag_seconds` is not found unless named in reconcileIssues."""
    if not call.cloud:
        raise ApiError(404, ["null for uri: /rest/api/2/search/jql"])
    jql, token, limit, fields, reconcile = _search_args(
        call, ("jql", "nextPageToken", "maxResults", "fields", "reconcileIssues"))
    try:
        start = int(base64.urlsafe_b64decode((token or "").encode()).decode() or 0) if token else 0
    except ValueError:
        raise ApiError(400, ["The nextPageToken is invalid."]) from None
    _, limit = _paging(0, limit)
    query, hits = _matching(call, jql)
    if query.where is None:
        raise ApiError(400, ["Unbounded JQL queries are not allowed here. "
                             "Please add a search restriction to your query."])
    lag = float(call.config.get("search_lag_seconds") or 0)
    if lag:
        if isinstance(reconcile, str):
            reconcile = reconcile.split(",")
        known = {str(r) for r in reconcile or []}
        cutoff = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=lag)
        hits = [i for i in hits if str(i["id"]) in known or
                datetime.datetime.strptime(i["created"], "%Y-%m-%dT%H:%M:%S.000%z") <= cutoff]
    wanted = wanted_fields(fields) if fields else set()
    if wanted is None:
        wanted = set(issue_json(call, hits[0])["fields"]) - {"comment"} if hits else set()
    page = hits[start:start + limit]
    out = {"issues": [issue_json(call, i, wanted) if wanted else {"id": str(i["id"])} for i in page],
           "isLast": start + limit >= len(hits)}
    if not out["isLast"]:
        out["nextPageToken"] = base64.urlsafe_b64encode(str(start + limit).encode()).decode()
    return 200, out


# ---- comments ------------------------------------------------------------------------

def _visibility(call, issue, given):
    if given is None:
        return None
    if not isinstance(given, dict) or given.get("type") not in ("role", "group") or not given.get("value"):
        raise ApiError(400, [], {"commentLevel": "Visibility must have a type (role or group) and a value."})
    value = given["value"]
    if given["type"] == "group":
        if value not in call.config["groups"]:
            raise ApiError(400, [], {"commentLevel": "Group: %s does not exist." % value})
        if value not in call.user.get("groups", []):
            raise ApiError(400, [], {"commentLevel": "You are currently not a member of the group: %s." % value})
    else:
        roles = (call.store.project(issue["project"]) or {}).get("roles") or {}
        if value not in roles:
            raise ApiError(400, [], {"commentLevel": "Role: %s does not exist." % value})
        if call.user["name"] not in roles[value]:
            raise ApiError(400, [], {"commentLevel":
                                     "You are currently not a member of the project role: %s." % value})
    return {"type": given["type"], "value": value}


def add_comment(call):
    issue = call.issue()
    body = call.json()
    if not isinstance(body, dict) or not isinstance(body.get("body"), str) or not body["body"].strip():
        raise ApiError(400, [], {"comment": "Comment body can not be empty!"})
    if len(body["body"]) > MAX_TEXT_CHARS:
        raise ApiError(400, [], {"comment": TOO_LONG})
    visibility = _visibility(call, issue, body.get("visibility"))
    comment = call.store.add_comment(issue["id"], call.user["name"], body["body"], visibility)
    return 201, comment_json(call, comment)


def get_comments(call):
    issue = call.issue()
    start, limit = _paging(call.arg("startAt"), call.arg("maxResults"))
    comments = visible_comments(call, issue)
    if call.arg("orderBy") in ("-created", "-id"):
        comments.reverse()
    return 200, {"startAt": start, "maxResults": limit, "total": len(comments),
                 "comments": [comment_json(call, c) for c in comments[start:start + limit]]}


# ---- attachments ---------------------------------------------------------------------

def _multipart(content_type, body):
    """[(headers dict, content bytes)] of a multipart/form-data body, byte-exact."""
    m = re.search(r'boundary="?([^";]+)"?', content_type or "", re.I)
    if not m or not content_type.lower().startswith("multipart/form-data"):
        raise ApiError(415, ["Content-Type must be multipart/form-data"])
    delimiter = b"\r\n--" + m.group(1).encode("latin-1")
    chunks = (b"\r\n" + body).split(delimiter)
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise ApiError(400, ["Malformed multipart body"])
        headers = {}
        for line in head.split(b"\r\n"):
            name, colon, value = line.partition(b":")
            if colon:
                headers[name.strip().lower().decode("latin-1")] = value.strip().decode("utf-8", "replace")
        parts.append((headers, content))
    return parts


def _part_filename(disposition):
    m = re.search(r"filename\*=(?:UTF-8|utf-8)''([^;]+)", disposition)
    if m:
        from urllib.parse import unquote
        return unquote(m.group(1))
    m = re.search(r'filename="((?:[^"\\]|\\.)*)"', disposition)
    if m:
        name = re.sub(r"\\(.)", r"\1", m.group(1))
        return name.replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")
    return None


def add_attachments(call, headers):
    if (headers.get("X-Atlassian-Token") or "").strip().lower() != "no-check":
        raise ApiError(403, ["XSRF check failed"])
    issue = call.issue()
    limit = int(call.config["max_attachment_bytes"])
    files = []
    for part_headers, content in _multipart(headers.get("Content-Type"), call.body or b""):
        disposition = part_headers.get("content-disposition", "")
        if not re.search(r'(^|;)\s*name="?file"?\s*(;|$)', disposition):
            continue
        name = _part_filename(disposition)
        if not name:
            raise ApiError(400, ["Every file part needs a filename"])
        if len(content) > limit:
            raise ApiError(413, ["The file %s is too large to attach: %d bytes, the limit is %d."
                                 % (name, len(content), limit)])
        files.append((name, part_headers.get("content-type") or "application/octet-stream", content))
    if not files:
        raise ApiError(400, ["No file part named 'file' in the request"])
    out = [call.store.add_attachment(issue["id"], call.user["name"], n, t, c) for n, t, c in files]
    return 200, [attachment_json(call, a) for a in out]


def get_attachment(call):
    att = call.store.attachment(int(call.params["id"]))
    if att is None:
        raise ApiError(404, ["The attachment with id '%s' does not exist" % call.params["id"]])
    return 200, attachment_json(call, att)


def attachment_content(call):
    att = call.store.attachment(int(call.params["id"]), with_bytes=True)
    if att is None:
        raise ApiError(404, ["The attachment with id '%s' does not exist" % call.params["id"]])
    return 200, bytes(att["bytes"])


def attachment_redirect(call):
    att = call.store.attachment(int(call.params["id"]))
    if att is None:
        raise ApiError(404, ["The attachment with id '%s' does not exist" % call.params["id"]])
    return 303, Redirect("%s/secure/attachment/%d/%s" % (call.base, att["id"], quote(att["filename"])))


# ---- workflow, watchers, properties, links ----------------------------------------

def _available(call, issue):
    return [t for t in call.config["transitions"]
            if (t.get("from") and issue["status"] in t["from"]) or
            (not t.get("from") and t["to"] != issue["status"])]


def get_transitions(call):
    issue = call.issue()
    return 200, {"expand": "transitions", "transitions": [
        {"id": t["id"], "name": t["name"], "to": status_json(call, t["to"]), "hasScreen": False,
         "isGlobal": not t.get("from"), "isInitial": False, "isConditional": False}
        for t in _available(call, issue)]}


def do_transition(call):
    issue = call.issue()
    body = call.json()
    wanted = body.get("transition") if isinstance(body, dict) else None
    tid = str(wanted.get("id")) if isinstance(wanted, dict) and wanted.get("id") is not None else None
    if tid is None:
        raise ApiError(400, ["Missing 'transition' identifier"])
    move = next((t for t in _available(call, issue) if t["id"] == tid), None)
    if move is None:
        raise ApiError(400, ["Transition id '%s' is not valid for this issue." % tid])
    call.store.set_status(issue["id"], issue["status"], move["to"])
    return 204, None


def add_watcher(call):
    issue = call.issue()
    who = call.json()
    if not isinstance(who, str) or not who:
        raise ApiError(400, ["The request body must be a JSON string naming the user"])
    user = call.store.user(account_id=who) if call.cloud else call.store.user(name=who)
    if user is None:
        raise ApiError(404, ["The user \"%s\" does not exist" % who])
    call.store.add_watcher(issue["id"], user["name"])
    return 204, None


def get_watchers(call):
    issue = call.issue()
    names = call.store.watchers(issue["id"])
    return 200, {"self": "%s/rest/api/2/issue/%s/watchers" % (call.base, issue["key"]),
                 "isWatching": call.user["name"] in names, "watchCount": len(names),
                 "watchers": [user_json(call, call.store.user(name=n)) for n in names]}


def set_property(call):
    issue = call.issue()
    key = call.params["prop"]
    if not key or len(key) > 255:
        raise ApiError(400, ["The property key must be between 1 and 255 characters long."])
    raw = (call.body or b"").decode("utf-8", "replace")
    value = call.json()
    if len(raw) > MAX_PROPERTY_CHARS:
        raise ApiError(400, ["The property value is too long: the limit is %d characters." % MAX_PROPERTY_CHARS])
    if not raw.strip():
        raise ApiError(400, ["The property value must be valid JSON"])
    created = call.store.set_property(issue["id"], key, json.dumps(value))
    return (201 if created else 200), None


def get_property(call):
    issue = call.issue()
    value = call.store.property(issue["id"], call.params["prop"])
    if value is None and call.params["prop"] not in call.store.properties(issue["id"]):
        raise ApiError(404, ["The property with key '%s' does not exist." % call.params["prop"]])
    return 200, {"key": call.params["prop"], "value": value}


def list_properties(call):
    issue = call.issue()
    return 200, {"keys": [{"self": "%s/rest/api/2/issue/%s/properties/%s" % (call.base, issue["key"], quote(k)),
                           "key": k} for k in call.store.properties(issue["id"])]}


def link_issues(call):
    body = call.json()
    if not isinstance(body, dict):
        raise ApiError(400, ["A JSON object is expected"])
    tref = body.get("type") or {}
    ltype = next((t for t in call.config["link_types"]
                  if t["name"] == tref.get("name") or t["id"] == str(tref.get("id"))), None)
    if ltype is None:
        raise ApiError(404, ["No issue link type with name '%s' found." % (tref.get("name") or tref.get("id"))])
    ends = []
    for side in ("inwardIssue", "outwardIssue"):
        ref = body.get(side) or {}
        issue = call.store.issue(ref.get("key") or ref.get("id") or "")
        if issue is None:
            raise ApiError(404, ["Issue Does Not Exist"])
        ends.append(issue)
    call.store.add_link(ltype["name"], ends[0]["id"], ends[1]["id"])
    comment = body.get("comment")
    if isinstance(comment, dict) and comment.get("body"):
        visibility = _visibility(call, ends[1], comment.get("visibility"))
        call.store.add_comment(ends[1]["id"], call.user["name"], comment["body"], visibility)
    return 201, None


# Route table: method, path pattern, operation name (for /_calls and the
# fault switch), function, whether it writes.
_K = r"(?P<key>[A-Za-z][A-Za-z0-9_]*-\d+|\d+)"
ROUTES = [
    ("GET", r"/rest/api/2/serverInfo", "serverInfo", server_info),
    ("GET", r"/rest/api/2/myself", "myself", myself),
    ("GET", r"/rest/api/2/user/search", "findUsers", user_search),
    ("GET", r"/rest/api/2/project/(?P<project>[^/]+)", "getProject", get_project),
    ("POST", r"/rest/api/2/issue", "createIssue", create_issue),
    ("GET", r"/rest/api/2/issue/%s" % _K, "getIssue", get_issue),
    ("GET", r"/rest/api/2/search", "search", search),
    ("POST", r"/rest/api/2/search", "search", search),
    ("GET", r"/rest/api/2/search/jql", "searchJql", search_jql),
    ("POST", r"/rest/api/2/search/jql", "searchJql", search_jql),
    ("POST", r"/rest/api/2/issue/%s/comment" % _K, "addComment", add_comment),
    ("GET", r"/rest/api/2/issue/%s/comment" % _K, "getComments", get_comments),
    ("POST", r"/rest/api/2/issue/%s/attachments" % _K, "addAttachment", add_attachments),
    ("GET", r"/rest/api/2/attachment/(?P<id>\d+)", "getAttachment", get_attachment),
    ("GET", r"/secure/attachment/(?P<id>\d+)/[^/]*", "getAttachmentContent", attachment_content),
    ("GET", r"/rest/api/2/attachment/content/(?P<id>\d+)", "getAttachmentContent", attachment_redirect),
    ("GET", r"/rest/api/2/issue/%s/transitions" % _K, "getTransitions", get_transitions),
    ("POST", r"/rest/api/2/issue/%s/transitions" % _K, "doTransition", do_transition),
    ("POST", r"/rest/api/2/issue/%s/watchers" % _K, "addWatcher", add_watcher),
    ("GET", r"/rest/api/2/issue/%s/watchers" % _K, "getWatchers", get_watchers),
    ("GET", r"/rest/api/2/issue/%s/properties" % _K, "listProperties", list_properties),
    ("PUT", r"/rest/api/2/issue/%s/properties/(?P<prop>[^/]+)" % _K, "setProperty", set_property),
    ("GET", r"/rest/api/2/issue/%s/properties/(?P<prop>[^/]+)" % _K, "getProperty", get_property),
    ("POST", r"/rest/api/2/issueLink", "linkIssues", link_issues),
]
ROUTES = [(m, re.compile(p + r"/?"), op, fn) for m, p, op, fn in ROUTES]
ANONYMOUS = {"serverInfo"}
NEEDS_HEADERS = {"addAttachment"}


def route(method, path):
    """(operation name, function, path parameters) or None; (None, ...) for a
    known path with another method (405)."""
    known = False
    for m, pattern, op, fn in ROUTES:
        match = pattern.fullmatch(path)
        if match:
            if m == method:
                return op, fn, match.groupdict()
            known = True
    return (None, None, None) if known else None
