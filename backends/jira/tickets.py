"""Jira behind the ticket-system interface (backends/base.py).

The only gateway module that imports `jirarest/` and knows Jira's
vocabulary: issue keys, fields, status categories, visibility, watchers,
transitions, wiki markup. The filters hand it tickets in the gateway's
words (solicitant, emailSolicitant, assumpte, descripcio as HTML, and the
rules' fields, which on Jira name Jira fields: project, issuetype, labels,
priority, components, assignee, customfield_N); it maps them.

Exactly once: Jira can be asked what it already has, so a write whose
answer was lost is looked for before it is sent again (`written`, the hook
gateway/writes/journalled.py calls): the issue by the message's journal label, a
comment by the marker on its last line, a file by name and size among the
files added since the lost attempt.

Senders: `JiraPeople` stands in for GN6's person directory: an address is
a user when Jira has exactly one active user with it (accountId on Cloud,
username on Server/DC).
"""
import logging
import re
import time

from backends.base import Ticket, TicketSystem

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


def backend(settings, deadline, tell=None):
    """The Jira back-end of a run; with `tell` (--dry-run), one that proves
    the credentials with a read, then tells its writes instead."""
    jira = client(settings, deadline)
    if tell is not None:
        me = jira.myself()
        tell("Jira: credentials accepted (%s)" % (me.get("displayName") or me.get("name")))
    return JiraTickets(jira, settings, tell=tell)


def directory(settings, deadline):
    return JiraPeople(client(settings, deadline))


def probe(settings, deadline):
    me = client(settings, deadline).myself()
    return "credentials accepted (%s)" % (me.get("displayName") or me.get("name"))


class JiraPeople:
    """The person directory gateway/senders.py asks, answered by Jira."""

    def __init__(self, jira):
        self.jira = jira

    def llista_persones(self, address):
        user = self.jira.find_user_by_email(address)
        return [self.jira.user_id(user)] if user else []

    def obtenir_dades_persona(self, cn):
        return None   # Jira has no commonName to look a local part up by


def _split(value):
    return [v for v in re.split(r"[,\s]+", value or "") if v]


class JiraTickets(TicketSystem):
    """tell: None to write; for --dry-run, a callable told each write."""

    def __init__(self, jira, settings, tell=None):
        self.jira = jira
        self.settings = settings
        self.tell = tell
        self.delivery = None

    # -- the message this back-end works for (hook of gateway/writes/journalled.py)
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

    def _told(self, text):
        if self.tell is None:
            return False
        self.tell("would %s" % text)
        return True

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

    def opened_since(self, fields, since, key=None):
        if self.tell is not None:
            return []
        project = fields.get("project") or self.settings["jira_project"]
        found = self.jira.find_issue_by_label(project, self.label(key))
        if not found:
            return []
        # The lost answer was create's: what follows it was never done.
        self._after_open(found, fields.get("emailSolicitant") or "")
        return [found]

    def file_url(self, annex):
        ident, _, name = str(annex).partition(":")
        from urllib.parse import quote
        return "%s/secure/attachment/%s/%s" % (self.settings["jira_url"].rstrip("/"),
                                               ident, quote(name))

    # -- what a lost write left (gateway/writes/journalled.py asks after a lost answer)
    def written(self, write, codi, *args, since=None):
        """The value of a write an earlier delivery sent without getting the
        answer, if Jira has it; None if it is not there."""
        if self.tell is not None:
            return None
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
    def open(self, fields, key=None):
        settings = self.settings
        summary = (fields.get("assumpte") or "").strip()[:254] or "(no subject)"
        labels = list(settings["jira_labels"]) + _split(fields.get("labels"))
        labels.append(self.label(key))
        requester = fields.get("solicitant") or settings["jira_reporter"]
        email = fields.get("emailSolicitant") or ""
        outside = requester == settings["jira_reporter"]
        description = self._wiki(fields.get("descripcio") or "", self._images())
        if outside and email:
            from jirarest.wiki import escape
            description = "*From:* %s\n\n%s" % (escape(email), description)
        from jirarest.wiki import fit
        description = fit(description, "_(cut here: Jira's text limit)_")
        custom = {name: value for name, value in fields.items()
                  if name.startswith("customfield_")}
        if settings["jira_sender_field"] and email:
            custom.setdefault(settings["jira_sender_field"], email)
        project = fields.get("project") or settings["jira_project"]
        issuetype = fields.get("issuetype") or settings["jira_issue_type"]
        if self._told("create a %s in %s: summary %r, reporter %s, labels %s%s" % (
                issuetype, project, summary, requester, ",".join(labels),
                "".join(", %s=%r" % kv for kv in sorted(custom.items())))):
            return PLACEHOLDER
        issue_key = self.jira.create_issue(
            project, issuetype, summary, description, labels=labels,
            priority=fields.get("priority") or None,
            components=_split(fields.get("components")),
            assignee=fields.get("assignee") or None, reporter=requester,
            custom_fields=custom)
        self._after_open(issue_key, email)
        return issue_key

    def _after_open(self, key, email):
        """The journal key and sender as an entity property (for people and
        audits), and the link to a closed issue this one follows. Neither
        may cost the issue: a failure is a warning."""
        from failures import Refused, TemporaryFailure
        follows = getattr(self.delivery, "follows_closed", None)
        try:
            self.jira.set_property(key, self.settings["jira_property"],
                                   {"journal_key": self.key, "sender": email})
            if follows:
                self.jira.link_issues(self.settings["jira_link_type"], key, follows)
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
        if self._told("comment on %s%s: %d characters" % (
                codi, " (restricted to %s %s)" % (visibility["type"], visibility["value"])
                if visibility else "", len(body))):
            return
        self.jira.add_comment(codi, body, visibility=visibility)

    def attach(self, codi, author, name, data_base64):
        import base64
        data = base64.b64decode(data_base64)
        if self._told("upload %s (%d bytes) to %s" % (name, len(data), codi)):
            return "0:" + name
        import io
        import mimetypes
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        answer = self.jira.upload_attachment(codi, name, io.BytesIO(data), mime)
        return "%s:%s" % (answer["id"], name)

    def add_requester(self, codi, user):
        """A Cc'd person watches the issue."""
        if self._told("add watcher %s to %s" % (user, codi)):
            return
        self.jira.add_watcher(codi, user)

    def reopen(self, codi):
        from jirarest.errors import JiraRefusal
        transition = self.settings["jira_reopen_transition"]
        if self._told("take transition %r on %s" % (transition, codi)):
            return True
        try:
            self.jira.transition(codi, transition)
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

    # -- the confirmation (hook of gateway/writes/journalled.py, once the issue is the message's)
    def opened(self, codi, fields):
        if self.settings["jira_confirmation"] and self.delivery is not None:
            from gateway.writes import confirmation
            confirmation.send_once(self.delivery, codi, fields, self.tell)

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
