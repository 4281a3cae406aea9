"""The other half of the missing-tickets check: messages in a mailbox's
processed folder (the service files every handled message there) that no
journal of the mailbox's queues knows.

Read-only IMAP (EXAMINE, BODY.PEEK): the folder is never changed. A
message is known by its Message-ID, or, without one, by its journal key
(the whole message is fetched for it). Automatic mail the gateway skips
before journalling (auto-replies, mails_no_ticket, the support address's
own) is counted apart, not reported.

The mailbox is opened as the service opens it (service/imap.py's
Session, the entry checked by service/config.py): the same TLS, password
sources and mechanisms, and OAuth2 logins (Microsoft 365, Google) with
the service's own token source and cache (state_dir/tokens/NAME.json).
"""
import datetime
import email.utils
import time

from gateway.errors import SettingsError

BATCH = 200
TIMEOUT = 30


class FolderProblem(Exception):
    pass


def connect(box):
    """The service's Session of web Mailbox `box`, opened (FolderProblem:
    why not). Close it with .close()."""
    from service.imap import CONNECTION_ERRORS, LoginRefused, session_for
    try:
        session = session_for(box.raw, box.base, box.state_dir, (TIMEOUT, TIMEOUT))
        return session.open()
    except (SettingsError, LoginRefused) as e:    # a wrong key; a refused login or grant
        raise FolderProblem(str(e))
    except CONNECTION_ERRORS as e:
        raise FolderProblem("%s:%s: %s: %s" % (box.raw.get("server"), box.raw.get("port"),
                                               type(e).__name__, e))


def _select(session, folder):
    """The processed folder, read-only (EXAMINE)."""
    if not session.client.folder_exists(folder):
        raise FolderProblem("no folder %s" % folder)
    session.client.select_folder(folder, readonly=True)


def unjournalled(config, days, now=None):
    """{"checked", "skipped", "missing": [...], "problems": [...]} over every
    mailbox that names a processed folder."""
    from email.parser import BytesHeaderParser
    from email.policy import default
    from gateway.journal import message_key
    from service.imap import CONNECTION_ERRORS
    from web import queries
    since = (now or time.time()) - days * 86400
    found = {"checked": 0, "skipped": 0, "missing": [], "problems": []}
    for box in config.mailboxes:
        if not box.processed_folder:
            continue
        try:
            session = connect(box)
        except FolderProblem as e:
            found["problems"].append("mailbox %s: %s" % (box.name, e))
            continue
        try:
            _select(session, box.processed_folder)
            client = session.client
            day = datetime.date.fromtimestamp(since - 86400)
            uids = client.search(["SINCE", day])
            journals = [(q, queries.journal_of(q)) for q in box.queues]
            for start in range(0, len(uids), BATCH):
                batch = client.fetch(uids[start:start + BATCH], ["BODY.PEEK[HEADER]"])
                for uid, data in sorted(batch.items()):
                    head = data.get(b"BODY[HEADER]") or b""
                    parsed = BytesHeaderParser(policy=default).parsebytes(head)
                    stamp = _date(parsed)
                    if stamp is not None and stamp < since:
                        continue
                    found["checked"] += 1
                    message_id = (str(parsed.get("Message-ID") or "")).strip()
                    if message_id:
                        known = any(j.find_entries(message_id=message_id, limit=1)[0]
                                    for _, j in journals)
                    else:
                        raw = (client.fetch([uid], ["BODY.PEEK[]"]).get(uid) or {}).get(
                            b"BODY[]", b"")
                        key = message_key(raw, None)
                        known = any(j.entry_by_key(key) for _, j in journals)
                    if known:
                        continue
                    if _skipped(head, box.queues[0].settings):
                        found["skipped"] += 1
                        continue
                    found["missing"].append({
                        "kind": "unjournalled", "mailbox": box.name,
                        "folder": box.processed_folder, "uid": str(uid),
                        "message_id": message_id or None,
                        "sender": str(parsed.get("From") or ""),
                        "subject": str(parsed.get("Subject") or ""),
                        "first": queries.iso(stamp) if stamp else None,
                        "why": "in %s of mailbox %s with no journal record"
                               % (box.processed_folder, box.name)})
        except CONNECTION_ERRORS + (FolderProblem,) as e:
            found["problems"].append("mailbox %s: %s" % (box.name, e))
        finally:
            session.close()
    return found


def fetch_by_message_id(box, message_id):
    """The raw message with that Message-ID in the mailbox's processed
    folder (the newest, if several), or None. Read-only."""
    from service.imap import CONNECTION_ERRORS
    session = connect(box)
    try:
        _select(session, box.processed_folder)
        client = session.client
        wanted = message_id.strip()
        for uid in reversed(sorted(client.search(["HEADER", "Message-ID",
                                                  wanted.strip("<>")]))):
            raw = (client.fetch([uid], ["BODY.PEEK[]"]).get(uid) or {}).get(b"BODY[]")
            head = raw.split(b"\r\n\r\n", 1)[0] if raw else b""
            if raw and wanted.encode() in head:
                return raw
        return None
    except CONNECTION_ERRORS as e:
        raise FolderProblem("%s: %s" % (type(e).__name__, e))
    finally:
        session.close()


def _date(parsed):
    try:
        when = email.utils.parsedate_to_datetime(str(parsed.get("Date") or ""))
        return when.timestamp() if when.tzinfo else time.mktime(when.timetuple())
    except (TypeError, ValueError, IndexError):
        return None


def _skipped(head, settings):
    """Whether the gateway skips this mail before journalling it."""
    from mail.message import Message
    from rules import automatic
    try:
        return bool(automatic.skip_reason(Message(head), settings,
                                          lambda a: (a or "").strip().lower() or None))
    except Exception as e:  # a rule that needs more than the head: report the message
        import logging
        logging.getLogger("mailtoticket.web").info(
            "skip rules on a processed message's head: %s: %s", type(e).__name__, e)
        return False
