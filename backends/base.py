"""The ticket-system interface, in the domain's words: what a back-end implements.

A back-end is one folder under backends/ and one class, a subclass of
`TicketSystem`, registered by its kind name (backends/__init__.py). The
gateway (gateway/writes/journalled.py) wraps it with the journal's
guarantees; nothing outside the back-end's folder knows its vocabulary.

The class carries everything about its system:

- `check_settings(settings, base)`: its settings section, refused naming
  the key, defaults filled in (runs once at load); `settings_problems`:
  the keys it cannot work without (--check lists them all);
- `rule_fields`: the names a rule (valors_defecte, paraules_clau) may set;
- `instance(settings)`: which system a journal entry belongs to;
- `__init__(settings, deadline, writes)`: its client, built on first use;
- `probe()`: the read-only calls `--check` (and a dry run) make;
  `probe_objects()`: what the system says of the objects the settings name;
- `directory()`: the person directory senders are resolved with;
- the reads and writes below, in the domain's words (`NewTicket`);
- optional capabilities, declared here with defaults: `for_delivery`,
  `opened`, `tells_written` and `written`, `confirms` and `confirmation`.

Every write is described once as data (`Write`) and handed to `send()`:
the run's `writes` mode performs it (`Perform`: `perform(write)`) or, in
a dry run, tells it and takes the write's `dry` value as the answer
(`Describe`). What a dry run shows is therefore what a delivery sends.

Failures follow failures.py: a TemporaryFailure (with `sent` when the
request may have been carried out all the same) or a Refused (the system's
final no).
"""
import logging

log = logging.getLogger("mailtoticket.writes")


class Ticket:
    """What the gateway reads of a ticket: its number, whether it is
    closed, its requester's user name and address (None when unknown)."""

    __slots__ = ("codi", "closed", "requester", "email")

    def __init__(self, codi, closed, requester, email):
        self.codi = codi
        self.closed = closed
        self.requester = requester
        self.email = email

    def __repr__(self):
        return "Ticket(%r, closed=%r, requester=%r)" % (self.codi, self.closed,
                                                        self.requester)


# The settings name a new ticket's fields as upstream did (GN6's AltaTiquet
# parameters: settings_sample.py); these are the domain's words for them.
DOMAIN_NAMES = {"solicitant": "requester", "emailSolicitant": "email",
                "assumpte": "subject", "descripcio": "description",
                "equipResolutor": "team", "urgencia": "priority",
                "enviarMissatgeCreacio": "notify"}


class NewTicket:
    """A ticket to open: requester (a user of the system), email (the
    requester's address), subject, description (HTML), team, priority,
    notify (whether the system mails the requester), and `fields`: what
    the settings' rules set beyond those, named as the back-end names them."""

    __slots__ = ("requester", "email", "subject", "description", "team", "priority",
                 "notify", "fields")

    def __init__(self, requester=None, email="", subject="", description="", team="",
                 priority="", notify=True, fields=None):
        self.requester = requester
        self.email = email or ""
        self.subject = subject or ""
        self.description = description or ""
        self.team = team or ""
        self.priority = priority or ""
        self.notify = notify
        self.fields = dict(fields or {})

    @classmethod
    def from_settings(cls, params):
        """From a mapping named as the settings name it (a filter's
        parameters: solicitant, assumpte, equipResolutor, urgencia, a rule's
        own fields...); a rule's `priority` and `team` are the domain's."""
        values, fields = {}, {}
        for name, value in params.items():
            if name in DOMAIN_NAMES:
                values[DOMAIN_NAMES[name]] = value
            elif name in ("priority", "team"):   # a rule may name them so
                values[name] = value
            else:
                fields[name] = value
        if "notify" in values:
            values["notify"] = values["notify"] not in ("N", False)
        if values.get("priority") is None:
            values.pop("priority", None)
        return cls(fields=fields, **values)

    def __repr__(self):
        return "NewTicket(requester=%r, subject=%r)" % (self.requester, self.subject)


class Write:
    """One write, as data: `what` (the system's own name for it: an
    operation, a REST call), `ticket` (None for a new one), `fields` (what
    is sent, in the order it is shown), `dry` (the answer a dry run takes)."""

    __slots__ = ("what", "ticket", "fields", "dry")

    def __init__(self, what, ticket, fields, dry=None):
        self.what = what
        self.ticket = ticket
        self.fields = fields
        self.dry = dry

    def describe(self):
        """One line: what would be sent (files shown by their size)."""
        shown = ", ".join("%s=%s" % (name, _shown(value))
                          for name, value in self.fields.items() if value not in ("", None))
        return "%s(%s)" % (self.what, shown)

    def __repr__(self):
        return "Write(%s)" % self.describe()


def _shown(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "<%d bytes>" % len(value)
    return repr(value)     # FileData shows its size


class FileData:
    """A file's content, read when a write sends it (never held twice):
    `open()` gives a binary file object, `size` its length in bytes."""

    __slots__ = ("open", "size")

    def __init__(self, opener, size):
        self.open = opener
        self.size = size

    def read(self):
        with self.open() as f:
            return f.read()

    def __repr__(self):
        return "<%d bytes>" % self.size


# -- the two modes of writing (a mode is an object, not a flag) ----------------

class Perform:
    """The real run: each write is performed (and logged at DEBUG, in the
    words a dry run uses)."""

    def send(self, write, perform):
        log.debug("write: %s", write.describe())
        return perform(write)


class Describe:
    """--dry-run: each write is told (`tell`), not performed; its `dry`
    value stands for the answer."""

    def __init__(self, tell):
        self.tell = tell

    def send(self, write, perform):
        self.tell("would %s" % write.describe())
        return write.dry


PERFORM = Perform()


class TicketSystem:
    """One ticket system. Subclass it in backends/KIND/, register it in
    backends/__init__.py (or with backends.register) and set `backend: KIND`."""

    name = None            # the kind, as the settings key `backend` names it
    rule_fields = ()       # the names a rule may set (a container)
    # Its settings keys and their defaults, when settings_sample.py does not
    # list them (GN6's and Jira's are there, documented with the others).
    defaults = {}

    # -- the kind: settings, identity ---------------------------------------
    @classmethod
    def check_settings(cls, settings, base):
        """Refuse what cannot work (SettingsError naming the key) and fill
        in defaults; `base` is settings_sample's mapping."""

    @classmethod
    def settings_problems(cls, settings):
        """[(key, what is wrong)]: keys it cannot work without, missing or
        misshapen. A delivery refuses the settings at the first (a
        configuration failure naming the key); --check lists them all."""
        return []

    @classmethod
    def instance(cls, settings):
        """Which system this is (journal entries are kept per instance)."""
        return cls.name

    @classmethod
    def long_lived(cls):
        """This process delivers many messages (`mailtoticket.py serve`):
        the kind may keep what it builds (clients, parsed WSDLs) from one
        message to the next. Called again (a reload), it builds them anew.
        An MDA run never calls it."""

    def __init__(self, settings, deadline, writes=PERFORM):
        self.settings = settings
        self.deadline = deadline
        self.writes = writes

    # -- for --check and the dry run -----------------------------------------
    def probe(self):
        """[(item, check)]: each check makes one read-only call and returns
        a line for the admin (or raises). `--check` prints one OK/PROBLEM
        line per item; a dry run makes them before telling its writes."""
        return []

    def probe_objects(self):
        """[(ok, item, detail)]: what the system says of the objects the
        settings name (a project, an issue type), asked by --check once the
        first probe passed."""
        return []

    def directory(self):
        """The person directory: llista_persones(address) -> [user],
        obtenir_dades_persona(cn) -> data or None (rules/senders.py)."""
        return NoDirectory()

    # -- reads
    def find(self, codi):
        """The ticket with that number, or None."""
        raise NotImplementedError

    def opened_since(self, ticket, since, key):
        """Numbers of the tickets an open(ticket, key) whose answer was
        lost may have made, opened since the date `since` (GN6: same
        requester, address and subject; Jira: the label made of `key`)."""
        raise NotImplementedError

    def file_url(self, annex):
        """The address of an attached file, for links in a description."""
        raise NotImplementedError

    # -- writes (each builds a Write and returns self.send(write))
    def send(self, write):
        return self.writes.send(write, self.perform)

    def perform(self, write):
        """Carry out a write this back-end described; its answer."""
        raise NotImplementedError

    def open(self, ticket, key):
        """Open a NewTicket; its number. `key`: the message's journal key,
        for a back-end that can tag the ticket with it (GN6 cannot)."""
        raise NotImplementedError

    def comment(self, codi, author, text, private, notify):
        """Add a comment (HTML) by `author`; `private`: staff only;
        `notify`: the system mails the requester."""
        raise NotImplementedError

    def attach(self, codi, author, name, data):
        """Attach a file (FileData); the annex's id (for `file_url`)."""
        raise NotImplementedError

    def add_requester(self, codi, user):
        raise NotImplementedError

    def reopen(self, codi):
        """Ask the system to reopen a closed ticket; whether it is open now
        (a system may refuse silently, past its reopening deadline)."""
        raise NotImplementedError

    def update(self, codi, fields):
        """Set fields of a ticket: `description` (HTML), `due` (a
        datetime.date), or a rule's field as the back-end names it."""
        raise NotImplementedError

    # -- optional capabilities (the defaults do nothing) ----------------------
    def for_delivery(self, delivery):
        """Told the message (gateway/delivery.py) it works for, before any
        write: a back-end that tags its writes with the message uses it."""

    def opened(self, codi, ticket):
        """Called once the ticket `codi` is the message's (also when a
        redelivery found it after a lost answer)."""

    def tells_written(self):
        """Whether `written` can tell what a lost write left (the system
        can be asked); False: it always answers None."""
        return False

    def written(self, write, codi, *args, since=None):
        """What an earlier delivery's write left on the system though its
        answer was lost (since the time `since`), or None when it is not
        there or the system cannot be asked. `write`: "comment" (args: none)
        or "attach" (args: name, size, the annexes the journal already
        counts). A system that answers makes those writes exactly once."""
        return None

    def confirms(self):
        """Whether the gateway mails the requester a confirmation of a new
        ticket (the system does not mail them itself)."""
        return False

    def confirmation(self, codi, ticket, address):
        """That confirmation (an email.message.EmailMessage to `address`),
        asked only when `confirms()`."""
        raise NotImplementedError


class NoDirectory:
    """A person directory that knows nobody."""

    def llista_persones(self, address):
        return []

    def obtenir_dades_persona(self, cn):
        return None
