"""SQLite state of the reference Jira server.

Everything a client could later observe lives here (issues, comments,
attachment bytes, watchers, entity properties, links, and the log of REST
calls), so that a test can stop the server and start it again on the same
file and find the same world. The site's configuration (users, credentials,
projects, workflow, link types...) comes from the fixture and is kept as
one JSON document in the same file.

One connection shared by the request threads, serialised by a lock; every
change is committed before the method returns, so an answer is only ever
sent for a committed change and "the server died right after the write"
really leaves the write done.
"""

import datetime
import hashlib
import json

from refservers.common.store import SQLiteStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS issues (
    id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE NOT NULL, project TEXT NOT NULL,
    fields TEXT NOT NULL, status TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, issue INTEGER NOT NULL, author TEXT NOT NULL,
    body TEXT NOT NULL, visibility TEXT, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, issue INTEGER NOT NULL, author TEXT NOT NULL,
    filename TEXT NOT NULL, mime TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS watchers (
    issue INTEGER NOT NULL, user TEXT NOT NULL, PRIMARY KEY (issue, user));
CREATE TABLE IF NOT EXISTS properties (
    issue INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (issue, key));
CREATE TABLE IF NOT EXISTS links (
    id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL,
    inward INTEGER NOT NULL, outward INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS transitions_done (
    id INTEGER PRIMARY KEY AUTOINCREMENT, issue INTEGER NOT NULL, from_status TEXT, to_status TEXT);
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL);
"""

# What a fixture may say, with the defaults of an empty one.
CONFIG_DEFAULTS = {
    "deployment": "Cloud", "users": [], "credentials": [], "groups": [], "projects": [],
    "priorities": ["Medium"], "default_priority": "Medium", "custom_fields": {},
    "statuses": [{"id": "1", "name": "Open", "category": "new"}], "initial_status": "Open",
    "transitions": [], "link_types": [], "max_attachment_bytes": 10 * 1024 * 1024,
    # Cloud only: /rest/api/2/search answers 410 unless legacy_search; the
    # /search/jql index shows a new issue only search_lag_seconds later.
    "legacy_search": False, "search_lag_seconds": 0,
}


class FixtureError(ValueError):
    """A fixture (file or POST /_fixture) that cannot be loaded."""


def now():
    """Jira's timestamp format: 2026-11-30T03:36:26.000+0000."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


class Store(SQLiteStore):
    """The server's whole state in one SQLite file (refservers/common/store.py)."""

    SCHEMA = SCHEMA

    def __init__(self, path):
        super().__init__(path)
        self._config = None

    # ---- configuration ------------------------------------------------------

    def initialise(self, fixture):
        """Load the start-up fixture, once per database file."""
        with self.tx() as db:
            if db.execute("SELECT 1 FROM meta WHERE key='config'").fetchone():
                return False
            self.load_fixture(fixture)
            return True

    def load_fixture(self, fixture):
        """Merge a fixture into the configuration: top-level lists of named
        things (users, projects...) are merged by name, other keys replaced;
        `issues` are created (or updated by key)."""
        if not isinstance(fixture, dict):
            raise FixtureError("a fixture is a mapping")
        with self.tx() as db:
            config = self.config()
            for name, value in fixture.items():
                if name == "issues":
                    continue
                if name not in CONFIG_DEFAULTS:
                    raise FixtureError("unknown fixture key %r" % name)
                if name in ("users", "projects") and config.get(name):
                    ident = "name" if name == "users" else "key"
                    merged = {item[ident]: item for item in config[name]}
                    merged.update({item[ident]: item for item in value or []})
                    value = list(merged.values())
                config[name] = value
            for user in config["users"]:
                if not user.get("name"):
                    raise FixtureError("a user needs a name: %r" % (user,))
                user.setdefault("accountId", hashlib.sha1(user["name"].encode()).hexdigest()[:24])
                user.setdefault("displayName", user["name"])
                user.setdefault("emailAddress", "")
                user.setdefault("groups", [])
                user.setdefault("active", True)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('config', ?)", (json.dumps(config),))
            self._config = config
            for issue in fixture.get("issues") or []:
                self._load_issue(db, issue)

    def config(self):
        """A private copy of the site's configuration."""
        return json.loads(json.dumps(self._cfg()))

    def _cfg(self):
        """The configuration itself: read-only for callers (lookups per request)."""
        with self.tx() as db:
            if self._config is None:
                row = db.execute("SELECT value FROM meta WHERE key='config'").fetchone()
                self._config = dict(CONFIG_DEFAULTS, **(json.loads(row[0]) if row else {}))
            return self._config

    def _load_issue(self, db, issue):
        key = str(issue.get("key") or "")
        fields = {k: v for k, v in issue.items() if k not in ("key", "status")}
        status = issue.get("status") or self._cfg()["initial_status"]
        row = db.execute("SELECT id, fields FROM issues WHERE key=?", (key,)).fetchone() if key else None
        if row:
            merged = dict(json.loads(row["fields"]), **fields)
            db.execute("UPDATE issues SET fields=?, status=?, updated=? WHERE id=?",
                       (json.dumps(merged), status, now(), row["id"]))
            return
        project = key.split("-")[0] if key else str(issue.get("project") or "")
        if not project:
            raise FixtureError("a fixture issue needs a key or a project: %r" % (issue,))
        self.insert_issue(project, fields, status, key=key or None)

    # ---- users and credentials --------------------------------------------

    def user(self, name=None, account_id=None):
        for user in self._cfg()["users"]:
            if (name is not None and user["name"] == name) or \
               (account_id is not None and user["accountId"] == account_id):
                return user
        return None

    def authenticate(self, scheme, principal, secret):
        """The user a credential logs in as, or None."""
        for cred in self._cfg()["credentials"]:
            if scheme == "basic" and cred.get("basic") == principal and str(cred.get("secret")) == secret:
                return self.user(name=cred.get("user"))
            if scheme == "bearer" and cred.get("bearer") == secret:
                return self.user(name=cred.get("user"))
        return None

    def project(self, key_or_id):
        for project in self._cfg()["projects"]:
            if key_or_id in (project.get("key"), str(project.get("id"))):
                return project
        return None

    # ---- issues ------------------------------------------------------------

    def insert_issue(self, project, fields, status, key=None):
        """A new issue numbered after the project's last one; (id, key)."""
        with self.tx() as db:
            if key is None:
                numbers = [int(r[0].rsplit("-", 1)[1]) for r in
                           db.execute("SELECT key FROM issues WHERE project=?", (project,))]
                key = "%s-%d" % (project, max(numbers, default=0) + 1)
            stamp = now()
            cur = db.execute("INSERT INTO issues (key, project, fields, status, created, updated)"
                             " VALUES (?, ?, ?, ?, ?, ?)", (key, project, json.dumps(fields), status, stamp, stamp))
            return cur.lastrowid, key

    def issue(self, key_or_id):
        """The issue row as a dict (fields decoded), or None."""
        with self.tx() as db:
            if str(key_or_id).isdigit():
                row = db.execute("SELECT * FROM issues WHERE id=?", (int(key_or_id),)).fetchone()
            else:
                row = db.execute("SELECT * FROM issues WHERE key=?", (str(key_or_id).upper(),)).fetchone()
            return self._issue_dict(row) if row else None

    def all_issues(self):
        with self.tx() as db:
            return [self._issue_dict(r) for r in db.execute("SELECT * FROM issues ORDER BY id")]

    @staticmethod
    def _issue_dict(row):
        d = dict(row)
        d["fields"] = json.loads(d["fields"])
        return d

    def set_status(self, issue_id, old, new):
        with self.tx() as db:
            db.execute("UPDATE issues SET status=?, updated=? WHERE id=?", (new, now(), issue_id))
            db.execute("INSERT INTO transitions_done (issue, from_status, to_status) VALUES (?, ?, ?)",
                       (issue_id, old, new))

    def touch(self, db, issue_id):
        db.execute("UPDATE issues SET updated=? WHERE id=?", (now(), issue_id))

    # ---- comments, attachments, watchers, properties, links ----------------

    def add_comment(self, issue_id, author, body, visibility):
        with self.tx() as db:
            cur = db.execute("INSERT INTO comments (issue, author, body, visibility, created) VALUES (?, ?, ?, ?, ?)",
                             (issue_id, author, body, json.dumps(visibility) if visibility else None, now()))
            self.touch(db, issue_id)
            return self.comment(cur.lastrowid)

    def comment(self, comment_id):
        with self.tx() as db:
            row = db.execute("SELECT * FROM comments WHERE id=?", (comment_id,)).fetchone()
            return self._comment_dict(row) if row else None

    def comments(self, issue_id):
        with self.tx() as db:
            return [self._comment_dict(r) for r in
                    db.execute("SELECT * FROM comments WHERE issue=? ORDER BY id", (issue_id,))]

    @staticmethod
    def _comment_dict(row):
        d = dict(row)
        d["visibility"] = json.loads(d["visibility"]) if d["visibility"] else None
        return d

    def add_attachment(self, issue_id, author, filename, mime, data):
        with self.tx() as db:
            cur = db.execute(
                "INSERT INTO attachments (issue, author, filename, mime, size, sha256, bytes, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (issue_id, author, filename, mime, len(data), hashlib.sha256(data).hexdigest(), data, now()))
            self.touch(db, issue_id)
            return self.attachment(cur.lastrowid)

    def attachment(self, attachment_id, with_bytes=False):
        cols = "*" if with_bytes else "id, issue, author, filename, mime, size, sha256, created"
        with self.tx() as db:
            row = db.execute("SELECT %s FROM attachments WHERE id=?" % cols, (attachment_id,)).fetchone()
            return dict(row) if row else None

    def attachments(self, issue_id):
        with self.tx() as db:
            return [dict(r) for r in db.execute(
                "SELECT id, issue, author, filename, mime, size, sha256, created FROM attachments"
                " WHERE issue=? ORDER BY id", (issue_id,))]

    def add_watcher(self, issue_id, user_name):
        with self.tx() as db:
            db.execute("INSERT OR IGNORE INTO watchers VALUES (?, ?)", (issue_id, user_name))

    def watchers(self, issue_id):
        with self.tx() as db:
            return [r[0] for r in db.execute("SELECT user FROM watchers WHERE issue=? ORDER BY rowid", (issue_id,))]

    def set_property(self, issue_id, key, value):
        """Store a property value (JSON text); True if it is new."""
        with self.tx() as db:
            old = db.execute("SELECT 1 FROM properties WHERE issue=? AND key=?", (issue_id, key)).fetchone()
            db.execute("INSERT OR REPLACE INTO properties VALUES (?, ?, ?)", (issue_id, key, value))
            return old is None

    def property(self, issue_id, key):
        with self.tx() as db:
            row = db.execute("SELECT value FROM properties WHERE issue=? AND key=?", (issue_id, key)).fetchone()
            return json.loads(row[0]) if row else None

    def properties(self, issue_id):
        with self.tx() as db:
            return {r[0]: json.loads(r[1]) for r in
                    db.execute("SELECT key, value FROM properties WHERE issue=? ORDER BY key", (issue_id,))}

    def add_link(self, type_name, inward_id, outward_id):
        with self.tx() as db:
            return db.execute("INSERT INTO links (type, inward, outward) VALUES (?, ?, ?)",
                              (type_name, inward_id, outward_id)).lastrowid

    def links(self, issue_id):
        with self.tx() as db:
            return [dict(r) for r in db.execute(
                "SELECT * FROM links WHERE inward=? OR outward=? ORDER BY id", (issue_id, issue_id))]

    # ---- call log and inspection -------------------------------------------

    def log_call(self, op, method, path):
        with self.tx() as db:
            db.execute("INSERT INTO calls (op, method, path) VALUES (?, ?, ?)", (op, method, path))

    def calls(self):
        with self.tx() as db:
            return [dict(r) for r in db.execute("SELECT op, method, path FROM calls ORDER BY id")]

    def call_counts(self):
        with self.tx() as db:
            return {r[0]: r[1] for r in db.execute("SELECT op, COUNT(*) FROM calls GROUP BY op")}

    def state(self):
        """Everything, for tests: issues with comments, attachment metadata,
        watchers, properties, links and the transitions they went through."""
        out = []
        for issue in self.all_issues():
            iid = issue["id"]
            with self.tx() as db:
                moves = [dict(r) for r in db.execute(
                    "SELECT from_status, to_status FROM transitions_done WHERE issue=? ORDER BY id", (iid,))]
            out.append(dict(issue, comments=self.comments(iid), attachments=self.attachments(iid),
                            watchers=self.watchers(iid), properties=self.properties(iid),
                            links=self.links(iid), transitions=moves))
        return {"issues": out}
