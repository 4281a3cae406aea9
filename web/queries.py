"""What staff ask, answered from the journal and the quarantine of each
queue. Read-only; no web framework here (`--missing` uses it too).

Identifiers handed out are opaque and checked on the way back in, so that
nothing from a request ever becomes a path or a query of its own:

    message id     "<queue>.<base64url of the journal key>"
    quarantine id  "<queue>.<file stem>" (e.g. "suport.20261201-120000-0123456789abcdef")
"""
import base64
import binascii
import json
import os
import re
import time

from gateway import quarantine as q
from gateway import steps
from gateway.reports.summary import counts, ticket_of

WAITING = "WAITING"
OUTCOMES = ("SUCCESS", "SKIP", "REJECT", "ERROR", WAITING)
DISCARDED = "discarded"
QUEUE_ID = r"[a-z0-9_-]{1,64}"
MESSAGE_ID_RE = re.compile(r"^(%s)\.([A-Za-z0-9_-]{4,4000}={0,2})$" % QUEUE_ID)
FILE_ID_RE = re.compile(r"^(%s)\.(\d{8}-\d{6}-[0-9a-f]{16})$" % QUEUE_ID)
TICKET_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class NotFound(LookupError):
    """An id that names nothing (or could never name anything)."""


class BadRequest(ValueError):
    """A parameter that cannot be right, said in words for the caller."""


# -- ids ---------------------------------------------------------------------

def message_ref(queue, key):
    return "%s.%s" % (queue.name, base64.urlsafe_b64encode(
        key.encode("utf-8", "surrogatepass")).decode().rstrip("="))


def parse_message_ref(config, ref):
    match = MESSAGE_ID_RE.match(ref or "")
    queue = config.queue(match.group(1)) if match else None
    if queue is None:
        raise NotFound("no message %r" % ref)
    data = match.group(2)
    try:
        key = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode(
            "utf-8", "surrogatepass")
    except (binascii.Error, UnicodeDecodeError):
        raise NotFound("no message %r" % ref)
    return queue, key


def parse_file_ref(config, ref):
    """(queue, path of the .eml) of a quarantine id; NotFound otherwise."""
    match = FILE_ID_RE.match(ref or "")
    queue = config.queue(match.group(1)) if match else None
    if queue is None:
        raise NotFound("no quarantined message %r" % ref)
    path = os.path.join(queue.settings.quarantine_path, match.group(2) + ".eml")
    if not os.path.isfile(path):
        raise NotFound("no quarantined message %r" % ref)
    return queue, path


def check_ticket(codi):
    if not TICKET_RE.match(codi or ""):
        raise BadRequest("a ticket is letters, digits, '-' or '_' (at most 64), not %r"
                         % (codi or "")[:80])
    return codi


# -- the journal ---------------------------------------------------------------

def journal_of(queue):
    from gateway.journal import Journal
    settings = queue.settings
    return Journal.of(settings, readonly=True)


def _journal_of(queue):
    settings = queue.settings
    where = settings.journal_path     # a file, or a database URL (docs/journal.md)
    return (where if "://" in where else os.path.realpath(where)), settings.instance


def groups(queues):
    """[(journal-owning queue, [queues sharing that journal])]: several
    settings files of one ticket system with one state folder share a
    journal, and each message says which settings file it went through."""
    found = {}
    for queue in queues:
        found.setdefault(_journal_of(queue), []).append(queue)
    return [(members[0], members) for members in found.values()]


def scope(queue, queues):
    """The settings filter that keeps `queue`'s entries of a shared journal."""
    shared = [q for q in queues if _journal_of(q) == _journal_of(queue)]
    return queue.settings.real_path if len(shared) > 1 else None


def queue_of_row(members, row):
    """The queue a journal row of a (maybe shared) journal belongs to."""
    if len(members) > 1 and row.get("settings"):
        for queue in members:
            if queue.settings.real_path == row["settings"]:
                return queue
    return members[0]


def queues_for(config, name=None):
    if not name:
        return config.queues
    queue = config.queue(name)
    if queue is None:
        raise NotFound("no queue %r (queues: %s)" % (
            name, ", ".join(q.name for q in config.queues)))
    return [queue]


def search(config, queue=None, message_id=None, sender=None, ticket=None, outcome=None,
           since=None, until=None, limit=50, offset=0):
    """{"total", "items"}: the journal entries matching every filter, newest
    first, over the queues asked for."""
    if outcome and outcome not in OUTCOMES:
        raise BadRequest("outcome is one of %s" % ", ".join(OUTCOMES))
    if ticket:
        check_ticket(ticket)
    if since is not None and until is not None and since >= until:
        raise BadRequest("'since' must be before 'until'")
    total, found = 0, []
    if queue:
        asked = queues_for(config, queue)[0]
        searched = [(asked, [asked], scope(asked, config.queues))]
    else:
        searched = [(owner, members, None) for owner, members in groups(config.queues)]
    for owner, members, settings in searched:
        n, rows = journal_of(owner).find_entries(
            message_id=message_id, sender=sender, ticket=ticket, outcome=outcome,
            since=since, until=until, limit=offset + limit, offset=0, settings=settings)
        total += n
        found += [(queue_of_row(members, row), row) for row in rows]
    found.sort(key=lambda pair: -pair[1]["created"])
    return {"total": total, "offset": offset, "limit": limit,
            "items": [summary(each, row) for each, row in found[offset:offset + limit]]}


def summary(queue, row, state=None):
    state = state if state is not None else journal_of(queue).state_of(row["key"])
    return {"id": message_ref(queue, row["key"]), "queue": queue.name,
            "message_id": row["message_id"], "sender": row["sender"],
            "subject": row["subject"], "outcome": row["outcome"] or WAITING,
            "reason": row["reason"], "ticket": ticket_of(state),
            "first": iso(row["created"]), "last": iso(row["updated"])}


def message(config, ref):
    """One message: what the journal knows, step by step, and where it is."""
    queue, key = parse_message_ref(config, ref)
    journal = journal_of(queue)
    row = journal.entry_by_key(key)
    if row is None:
        raise NotFound("no message %r" % ref)
    state = journal.state_of(key)
    comments, files = counts(state)
    found = summary(queue, row, state)
    found.update(
        attempts=state.get(steps.ATTEMPTS, 1),
        filter=(state.get(steps.FILTRE) or {}).get("class"),
        steps=[step_view(name, value) for name, value in sorted(state.items())
               if name not in (steps.FILTRE, steps.MESSAGE, steps.ATTEMPTS)],
        comments=sorted({name.split(":")[1] for name in state if steps.is_comment(name)}),
        files=[{"ticket": name.split(":")[1], "name": name.split(":", 3)[3]}
               for name in sorted(state) if steps.is_attachment(name)],
        comments_done=comments, files_done=files,
        linked=[dict(value, ticket=name.split(":", 1)[1]) for name, value in state.items()
                if name.startswith(steps.LINKED + ":") and isinstance(value, dict)],
        where=where_now(config, queue, key, row["outcome"]))
    return found


def step_view(name, value):
    """A step as staff read it: its name, whether it is a write still
    waiting for its answer, and its time when it records one."""
    pending = name.endswith(steps.INTENT)
    when = iso(value) if pending or name == steps.OPEN_SENT else None
    shown = value if isinstance(value, (str, int, float, bool)) or value is None \
        else json.dumps(value, ensure_ascii=False)[:500]
    return {"name": name, "value": shown, "pending": pending, "time": when}


def where_now(config, queue, key, outcome):
    """Where the mail is now: the quarantine (and the file's id), a folder
    of the quarantine it was moved to, the mailbox (waiting), or acknowledged."""
    folder = queue.settings.quarantine_path
    found = q.existing(folder, key)
    if found:
        return {"place": "quarantine", "quarantine_id": file_ref(queue, found)}
    for sub in (q.REPLAYED, "linked", DISCARDED):
        if q.existing(os.path.join(folder, sub), key):
            return {"place": "quarantine/%s" % sub, "quarantine_id": None}
    if outcome is None:
        return {"place": "mailbox", "detail": "waiting for the next delivery attempt"}
    box = next((b for b in config.mailboxes if queue in b.queues), None)
    if box is not None:
        return {"place": "processed folder", "detail": "%s of mailbox %s" % (
            box.processed_folder or "the processed folder", box.name)}
    return {"place": "acknowledged",
            "detail": "handed back to the mail server with exit 0 (MDA deployment)"}


def thread(config, codi):
    """Every message that opened, commented on or was linked to a ticket,
    oldest first."""
    check_ticket(codi)
    found = []
    for owner, members in groups(config.queues):
        _, rows = journal_of(owner).find_entries(ticket=codi, limit=1000)
        found += [(row["created"], summary(queue_of_row(members, row), row)) for row in rows]
    found.sort(key=lambda pair: pair[0])
    return {"ticket": codi, "items": [item for _, item in found]}


def today_counts(config):
    """{queue: {outcome: count}} since local midnight."""
    midnight = time.mktime(time.localtime()[:3] + (0, 0, 0, 0, 0, -1))
    return {queue.name: journal_of(queue).outcome_counts(
        midnight, settings=scope(queue, config.queues)) for queue in config.queues}


# -- the quarantine ------------------------------------------------------------

def file_ref(queue, path):
    return "%s.%s" % (queue.name, os.path.basename(path)[:-4])


def quarantine_files(queues):
    """[(queue, path)] of the quarantined messages (the files a --replay
    takes), each folder read once; a file of a folder several queues share
    belongs to the queue its journal entry went through."""
    folders = {}
    for queue in queues:
        folders.setdefault(os.path.realpath(queue.settings.quarantine_path), []).append(queue)
    found = []
    for folder, members in folders.items():
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith(".eml"))
        except FileNotFoundError:
            continue
        for name in names:
            path = os.path.join(members[0].settings.quarantine_path, name)
            if not FILE_ID_RE.match("%s.%s" % (members[0].name, name[:-4])):
                continue
            owner = members[0]
            if len(members) > 1 and _info(path).get("key"):
                row = journal_of(owner).entry_by_key(_info(path)["key"]) or {}
                owner = queue_of_row(members, row)
            found.append((owner, path))
    return found


def quarantine_list_of(config, queue):
    return [path for owner, path in quarantine_files(config.queues) if owner is queue]


def quarantine_list(config, queue=None, limit=None, offset=0):
    """{"total", "items"}: newest first (as --quarantine), one page of it."""
    asked = queues_for(config, queue)
    found = [(owner, path) for owner, path in quarantine_files(config.queues)
             if owner in asked]
    found.sort(key=lambda pair: (_kept_at(pair[1]), pair[1]), reverse=True)
    page = found[offset:None if limit is None else offset + limit]
    return {"total": len(found), "items": [quarantine_item(q, path) for q, path in page]}


def _kept_at(path):
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return 0


def quarantine_item(queue, path):
    info = _info(path)
    head = _headers(path)
    return {"id": file_ref(queue, path), "queue": queue.name,
            "outcome": info.get("outcome"), "reason": info.get("reason"),
            "time": info.get("time") or iso(os.stat(path).st_mtime),
            "from": head.get("From"), "subject": head.get("Subject"),
            "message_id": head.get("Message-ID"),
            "message": message_ref(queue, info["key"]) if info.get("key") else None}


def quarantine_entry(config, ref, with_body=False):
    queue, path = parse_file_ref(config, ref)
    from mail.message import Message
    with open(path, "rb") as f:
        raw = f.read()
    parsed = Message(raw)
    body = parsed.text_body() if with_body else None
    if with_body and not body.strip():
        from mail.htmltext import html_to_text
        body = "\n".join(html_to_text(html) for html in parsed.html_bodies())
    found = quarantine_item(queue, path)
    found.update(headers=[[name, str(value)] for name, value in _all_headers(raw)],
                 defects=[str(d) for d in parsed.defects],
                 log=_info(path).get("log") or "", size=len(raw),
                 body=body if with_body else None)
    return found


def _info(path):
    try:
        with open(path[:-4] + ".json", encoding="utf-8") as f:
            info = json.load(f)
        return info if isinstance(info, dict) else {}
    except (OSError, ValueError):
        return {}


def _head_bytes(path):
    with open(path, "rb") as f:
        data = f.read(256 * 1024)
    return re.split(rb"\r?\n\r?\n", data, 1)[0] + b"\n\n"


def _all_headers(raw_or_path):
    from email.parser import BytesHeaderParser
    from email.policy import default
    head = raw_or_path if isinstance(raw_or_path, bytes) else _head_bytes(raw_or_path)
    if isinstance(raw_or_path, bytes):
        head = re.split(rb"\r?\n\r?\n", head[:256 * 1024], 1)[0] + b"\n\n"
    parsed = BytesHeaderParser(policy=default).parsebytes(head)
    out = []
    for name, value in parsed.raw_items():
        try:
            out.append((name, str(parsed.policy.header_fetch_parse(name, value))))
        except Exception:  # a header the email package cannot decode: shown raw
            out.append((name, str(value)))
    return out


def _headers(path):
    try:
        found = {}
        for name, value in _all_headers(path):
            found.setdefault(name.title() if name.lower() != "message-id" else "Message-ID",
                             value)
        return found
    except OSError:
        return {}


def iso(stamp):
    if stamp is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(stamp))


class Forbidden(PermissionError):
    """Logged in, but not allowed to do that."""
