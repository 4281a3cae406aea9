"""Jira behind the ticket-system interface (backends/base.py).

With backends/jira/people.py, the only modules that import `jirarest/` and
know Jira's vocabulary: issue keys, fields, status categories, visibility,
watchers, transitions, wiki markup. The gateway hands it tickets in the
domain's words (NewTicket: requester, subject, description as HTML...),
and the rules' fields, which on Jira name Jira fields (project,
issuetype, labels, priority, components, assignee, customfield_N); each
write is a Write naming the JiraClient method that performs it.

Exactly once: Jira can be asked what it already has, so a write whose
answer was lost is looked for before it is sent again (`written`, the hook
gateway/writes/journalled.py calls): the issue by the message's journal label, a
comment by the marker on its last line, a file by name and size among the
files added since the lost attempt.

Senders: backends/jira/people.py stands in for GN6's person directory.
The confirmation mail (Jira does not mail outside customers) is composed
by backends/jira/confirmation.py and sent by the gateway.
"""
import logging
import re
import time
from functools import cached_property

from backends.base import PERFORM, Ticket, TicketSystem, Write
from backends.jira import settings as jira_settings

log = logging.getLogger("mailtoticket.jira")

PLACEHOLDER = "DRY-0"
# Fields of an issue the gateway reads.
READ_FIELDS = ["status", "reporter", "labels", "summary"]
# An attachment's address as file_url gives it (Jira Server's own form);
# the wiki conversion shows such an image as !name! again.
ATTACHMENT_URL = re.compile(r"/secure/attachment/(\d+)/([^\"'\s<>]+)")
# A file added this long before the lost attempt still counts as its own
# (the clocks of the gateway and of Jira differ a little).
CLOCK_SLACK = 120
BLANK_LINES = re.compile(r"(?i)(<br\s*/?>\s*){2,}")
# The gateway's own HTML blocks around a text mail (notes, lists of files).
BLOCKS = re.compile(r"(?is)(<p>.*?</p>|<ul>.*?</ul>)")
# HTML made of text: no tag but <br>.
TEXT_LIKE = re.compile(r"(?is)(?:[^<]|<br\s*/?>)*")


def client(settings, deadline):
    """The Jira client of a run: each call's timeout is what is left of the
    run's deadline (at most jira_timeout), and time spent waiting on Jira is
    Jira's, not the message's (gateway/poison.py)."""
    import requests
    from jirarest.client import JiraClient

    class Session(requests.Session):
        def request(self, *args, **kwargs):
            with deadline.waiting_on_bus():
                return super().request(*args, **kwargs)

    per_call = settings["jira_timeout"]
    return JiraClient(settings["jira_url"], session=Session(),
                      email=settings["jira_email"] or None,
                      api_token=settings["jira_api_token"] or None,
                      token=settings["jira_token"] or None,
                      username=settings["jira_username"] or None,
                      password=settings["jira_password"] or None,
                      timeout=lambda: min(per_call, deadline.remaining()))


def _refused_settings(error, settings, project, issuetype):
    """A createIssue refused for the project or issue type the settings
    name (not a rule's) is the settings' fault, the same for every new
    mail: a configuration failure (the mail waits, the admin is told),
    not an ERROR in the quarantine per message."""
    from failures import ConfigurationFailure
    for field, value, key in (("project", project, "jira_project"),
                              ("issuetype", issuetype, "jira_issue_type")):
        if field in error.errors and value == settings[key]:
            raise ConfigurationFailure("Jira refuses %s %r: %s"
                                       % (field, value, error.errors[field]),
                                       value=value) from None


def _split(value):
    return [v for v in re.split(r"[,\s]+", value or "") if v]


class Jira(TicketSystem):
    """Each write is a Write naming the JiraClient method that performs it."""

    name = "jira"
    rule_fields = jira_settings.RULE_FIELDS
    check_settings = staticmethod(jira_settings.check)
    settings_problems = staticmethod(jira_settings.settings_problems)

    @classmethod
    def instance(cls, settings):
        return "jira|%s|%s" % (settings["jira_url"].rstrip("/"), settings["jira_project"])

    def __init__(self, settings, deadline, writes=PERFORM):
        super().__init__(settings, deadline, writes)
        self.delivery = None

    @cached_property
    def jira(self):
        """The client, built on first use."""
        return client(self.settings, self.deadline)

    def directory(self):
        from backends.jira.people import JiraPeople
        return JiraPeople(self.jira)

    def probe(self):
        return [("Jira", self.probe_credentials)]

    def probe_credentials(self):
        me = self.jira.myself()
        return "credentials accepted (%s)" % (me.get("displayName") or me.get("name"))

    def probe_objects(self):
        """The project (jira_project) and its issue type (jira_issue_type),
        as the account sees them."""
        from jirarest.errors import JiraNotFound
        key, wanted = self.settings["jira_project"], self.settings["jira_issue_type"]
        try:
            project = self.jira.project(key)
        except JiraNotFound:
            return [(False, "jira_project", "no project %r in Jira (or this account may "
                                            "not see it): every new mail would be "
                                            "quarantined" % key)]
        issue_types = project.get("issueTypes") or []
        types = [t.get("name") for t in issue_types]
        lines = [(True, "jira_project", "%s (%s)" % (project.get("key"), project.get("name")))]
        if wanted in types or wanted in [t.get("id") for t in issue_types]:
            lines.append((True, "jira_issue_type", "%r exists in %s" % (wanted, key)))
        else:
            lines.append((False, "jira_issue_type", "%r is not an issue type of %s (it has: "
                          "%s)" % (wanted, key, ", ".join(map(str, types)) or "none")))
        return lines

    # -- the message this back-end works for
    def for_delivery(self, delivery):
        self.delivery = delivery

    @property
    def key(self):
        entry = getattr(self.delivery, "entry", None)
        return entry.key if entry is not None else ""

    def label(self, key=None):
        from jirarest.client import journal_label
        return journal_label(key or self.key)

    def marker(self):
        from jirarest.client import comment_marker
        return comment_marker(self.key)

    # -- reads
    def find(self, codi):
        from jirarest.errors import JiraNotFound
        try:
            issue = self.jira.get_issue(codi, READ_FIELDS)
        except JiraNotFound:
            return None
        fields = issue["fields"]
        reporter = fields.get("reporter") or {}
        requester = self.jira.user_id(reporter) if reporter else None
        email = reporter.get("emailAddress")
        if requester and requester == self.settings["jira_reporter"]:
            email = self._sender_of(issue["key"])   # the outside sender kept on it
        category = ((fields.get("status") or {}).get("statusCategory") or {}).get("key")
        return Ticket(codi=issue["key"], closed=category == "done",
                      requester=requester, email=email)

    def _sender_of(self, codi):
        value = self.jira.get_property(codi, self.settings["jira_property"]) or {}
        return value.get("sender") if isinstance(value, dict) else None

    def opened_since(self, ticket, since, key=None):
        project = ticket.fields.get("project") or self.settings["jira_project"]
        found = self.jira.find_issue_by_label(project, self.label(key))
        if not found:
            return []
        # The lost answer was create's: what follows it was never done.
        self._after_open(found, ticket.email)
        return [found]

    def file_url(self, annex):
        ident, _, name = str(annex).partition(":")
        from urllib.parse import quote
        return "%s/secure/attachment/%s/%s" % (self.settings["jira_url"].rstrip("/"),
                                               ident, quote(name))

    # -- what a lost write left (gateway/writes/journalled.py asks after a lost answer)
    def tells_written(self):
        return True

    def written(self, write, codi, *args, since=None):
        if write == "comment":
            found = self.jira.find_comment(codi, self.marker())
            return True if found else None
        if write == "attach":
            name, size, earlier = args
            mine = [a for a in self.jira.attachments(codi)
                    if a.get("filename") == name and a.get("size") == size
                    and _created(a) >= (since or 0) - CLOCK_SLACK]
            # Files of this message with the same name and size that the
            # journal already counts are not this one.
            mine = [a for a in mine if "%s:%s" % (a["id"], name) not in earlier]
            return "%s:%s" % (mine[0]["id"], name) if mine else None
        return None

    # -- writes
    def perform(self, write):
        values = dict(write.fields)
        data = values.get("content")
        if data is not None:                  # a file, streamed from where it is kept
            with data.open() as stream:
                values["content"] = stream
                return self.jira.upload_attachment(**values)
        return getattr(self.jira, write.what)(**values)

    def open(self, ticket, key=None):
        settings = self.settings
        summary = ticket.subject.strip()[:254] or "(no subject)"
        labels = list(settings["jira_labels"]) + _split(ticket.fields.get("labels"))
        labels.append(self.label(key))
        requester = ticket.requester or settings["jira_reporter"]
        email = ticket.email
        outside = requester == settings["jira_reporter"]
        description = self._wiki(ticket.description, self._images())
        if outside and email:
            from jirarest.wiki import escape
            description = "*From:* %s\n\n%s" % (escape(email), description)
        from jirarest.wiki import fit
        description = fit(description, "_(cut here: Jira's text limit)_")
        custom = {name: value for name, value in ticket.fields.items()
                  if name.startswith("customfield_")}
        if settings["jira_sender_field"] and email:
            custom.setdefault(settings["jira_sender_field"], email)
        project = ticket.fields.get("project") or settings["jira_project"]
        issuetype = ticket.fields.get("issuetype") or settings["jira_issue_type"]
        from jirarest.errors import JiraRefusal
        try:
            issue_key = self.send(Write("create_issue", None, dict(
                project=project, issuetype=issuetype, summary=summary, reporter=requester,
                labels=labels, priority=ticket.priority or None,
                components=_split(ticket.fields.get("components")),
                assignee=ticket.fields.get("assignee") or None, custom_fields=custom,
                description=description), dry=PLACEHOLDER))
        except JiraRefusal as e:
            _refused_settings(e, settings, project, issuetype)
            raise
        self._after_open(issue_key, email)
        return issue_key

    def _after_open(self, key, email):
        """The journal key and sender as an entity property (for people and
        audits), and the link to a closed issue this one follows. Neither
        may cost the issue: a failure is a warning."""
        from failures import Refused, TemporaryFailure
        follows = getattr(self.delivery, "follows_closed", None)
        try:
            self.send(Write("set_property", key, dict(
                key=key, prop=self.settings["jira_property"],
                value={"journal_key": self.key, "sender": email})))
            if follows:
                self.send(Write("link_issues", key, dict(
                    link_type=self.settings["jira_link_type"], inward_key=key,
                    outward_key=follows)))
                log.info("%s linked to closed issue %s (%s)", key, follows,
                         self.settings["jira_link_type"])
        except (TemporaryFailure, Refused) as e:
            log.warning("issue %s: property or link not set: %s", key, e)

    def comment(self, codi, author, text, private, notify):
        from jirarest.client import marked
        body = self._wiki(text, {})
        sender = getattr(getattr(self.delivery, "sender", None), "address", None)
        if sender:
            from jirarest.wiki import escape
            body = "*From:* %s\n\n%s" % (escape(sender), body)
        from jirarest.wiki import fit
        body = marked(fit(body, "_(cut here)_"), self.marker())
        visibility = self.settings["jira_private_visibility"] if private else None
        self.send(Write("add_comment", codi, dict(key=codi, visibility=visibility,
                                                  body=body)))

    def attach(self, codi, author, name, data):
        import mimetypes
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        answer = self.send(Write("upload_attachment", codi, dict(
            key=codi, filename=name, mime=mime, content=data), dry={"id": "0"}))
        return "%s:%s" % (answer["id"], name)

    def add_requester(self, codi, user):
        """A Cc'd person watches the issue."""
        self.send(Write("add_watcher", codi, dict(key=codi, user=user)))

    def reopen(self, codi):
        from jirarest.errors import JiraRefusal
        transition = self.settings["jira_reopen_transition"]
        try:
            if self.send(Write("transition", codi, dict(key=codi, transition=transition),
                               dry=PLACEHOLDER)) == PLACEHOLDER:
                return True
        except JiraRefusal as e:
            log.warning("issue %s not reopened (%s): %s", codi, transition, e)
            return False
        again = self.find(codi)
        return again is not None and not again.closed

    def update(self, codi, fields):
        """The description already shows the images (!name! resolves once the
        file is there) and Jira lists the files itself: nothing to set."""
        log.debug("issue %s: %s not set on Jira (shown by Jira itself)", codi,
                  ", ".join(sorted(fields)))

    # -- the confirmation the gateway mails (gateway/writes/confirmation.py)
    def confirms(self):
        return bool(self.settings["jira_confirmation"])

    def confirmation(self, codi, ticket, address):
        from backends.jira.confirmation import compose
        return compose(self.settings, codi, ticket.subject, address)

# -- markup
    def _images(self):
        """Content-ID -> file name of the message's inline images."""
        if self.delivery is None:
            return {}
        to_upload, _ = self.delivery.attachments
        return {a.content_id.strip("<>"): a.name for a in to_upload if a.content_id}

    def _wiki(self, html_text, images):
        """The gateway's HTML as wiki markup; images pointing at this issue's
        files (file_url) and cid: images shown as !name!."""
        from urllib.parse import unquote
        from jirarest.wiki import html_to_wiki
        images = dict(images)

        def local(match):
            cid = "mtt-attachment-%s" % match.group(1)
            images[cid] = unquote(match.group(2))
            return "cid:" + cid
        base = re.escape(self.settings["jira_url"].rstrip("/"))
        html_text = re.sub(base + ATTACHMENT_URL.pattern, local, html_text)
        parts = BLOCKS.split(html_text)
        if all(TEXT_LIKE.fullmatch(part) for part in parts[::2]):
            # A plain-text mail (lines ending in <br>) between the gateway's
            # own paragraphs and lists: its lists, quotes (>) and paragraphs
            # read as the text's own in Jira.
            from jirarest.wiki import text_to_wiki
            wiki = [html_to_wiki(part, images) if i % 2 else
                    text_to_wiki(_text_of(part), images) for i, part in enumerate(parts)]
            return "\n\n".join(w for w in wiki if w.strip())
        # A blank line between <br> lines is a paragraph in Jira too.
        html_text = BLANK_LINES.sub("<p></p>", html_text)
        return html_to_wiki(html_text, images)


def _text_of(part):
    import html
    return html.unescape(re.sub(r"(?i)<br\s*/?>\n?", "\n", part))


def _created(attachment):
    """An attachment's creation time, seconds since the epoch (0 if unknown)."""
    import datetime
    value = attachment.get("created") or ""
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.datetime.strptime(value, fmt).timestamp()
        except ValueError:
            continue
    return 0 if not value else time.time()
