"""The other half of the missing-tickets check: messages in a mailbox's
processed folder (the service files every handled message there) that no
journal of the mailbox's queues knows.

Read-only IMAP (EXAMINE, BODY.PEEK): the folder is never changed. A
message is known by its Message-ID, or, without one, by its journal key
(the whole message is fetched for it). Automatic mail the gateway skips
before journalling (auto-replies, mails_no_ticket, the support address's
own) is counted apart, not reported.

The login is read from the mailbox's entry of the service file: `server`,
`port`, `tls` (implicit | starttls | none), `ca_file`, `login.user` and
one of `login.password`, `password_file`, `password_env`. A mailbox that
logs in with OAuth2 is named as a problem here (the service's own IMAP
session is the place for that: docs/web.md).
"""
import email.utils
import imaplib
import os
import re
import ssl
import time

BATCH = 200
TIMEOUT = 30


class FolderProblem(Exception):
    pass


def _password(login):
    if login.get("password"):
        return str(login["password"])
    if login.get("password_file"):
        try:
            with open(os.path.expanduser(str(login["password_file"])), encoding="utf-8") as f:
                return f.readline().rstrip("\r\n")
        except OSError as e:
            raise FolderProblem("cannot read login.password_file: %s" % e)
    if login.get("password_env") and os.environ.get(str(login["password_env"])):
        return os.environ[str(login["password_env"])]
    raise FolderProblem("no password this check can use (login.password, password_file "
                        "or password_env; OAuth2 logins are checked by the service)")


def connect(box):
    login = box.get("login") or {}
    if not isinstance(login, dict) or not login.get("user"):
        raise FolderProblem("no login.user")
    if login.get("oauth2"):
        raise FolderProblem("OAuth2 login: the processed folder is checked by the service")
    password = _password(login)
    tls = box.get("tls") or "implicit"
    server = str(box.get("server") or "")
    port = int(box.get("port") or (993 if tls == "implicit" else 143))
    context = ssl.create_default_context(cafile=box.get("ca_file"))
    try:
        if tls == "implicit":
            imap = imaplib.IMAP4_SSL(server, port, ssl_context=context, timeout=TIMEOUT)
        else:
            imap = imaplib.IMAP4(server, port, timeout=TIMEOUT)
            if tls == "starttls":
                imap.starttls(context)
        imap.login(str(login["user"]), password)
    except (OSError, imaplib.IMAP4.error) as e:
        raise FolderProblem("%s:%d: %s" % (server, port, e))
    return imap


def _quoted(folder):
    return '"%s"' % folder.replace("\\", "\\\\").replace('"', '\\"')


def _fetched(data):
    """{uid: bytes} of a UID FETCH answer."""
    found = {}
    for item in data:
        if isinstance(item, tuple):
            match = re.search(rb"UID (\d+)", item[0])
            if match:
                found[match.group(1).decode()] = item[1]
    return found


def unjournalled(config, days, now=None):
    """{"checked", "skipped", "missing": [...], "problems": [...]} over every
    mailbox that names a processed folder."""
    from email.parser import BytesHeaderParser
    from email.policy import default
    from gateway.journal import message_key
    from web import queries
    since = (now or time.time()) - days * 86400
    found = {"checked": 0, "skipped": 0, "missing": [], "problems": []}
    for box in config.mailboxes:
        if not box.processed_folder:
            continue
        try:
            imap = connect(box.raw)
        except FolderProblem as e:
            found["problems"].append("mailbox %s: %s" % (box.name, e))
            continue
        try:
            kind, _ = imap.select(_quoted(box.processed_folder), readonly=True)
            if kind != "OK":
                raise FolderProblem("no folder %s" % box.processed_folder)
            day = time.strftime("%d-%b-%Y", time.gmtime(since - 86400))
            kind, data = imap.uid("SEARCH", None, "SINCE", day)
            uids = data[0].split() if kind == "OK" and data and data[0] else []
            journals = [(q, queries.journal_of(q)) for q in box.queues]
            for start in range(0, len(uids), BATCH):
                batch = b",".join(uids[start:start + BATCH]).decode()
                kind, data = imap.uid("FETCH", batch, "(BODY.PEEK[HEADER])")
                for uid, head in _fetched(data).items():
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
                        raw = _fetched(imap.uid("FETCH", uid, "(BODY.PEEK[])")[1]).get(uid, b"")
                        key = message_key(raw, None)
                        known = any(j.entry_by_key(key) for _, j in journals)
                    if known:
                        continue
                    if _skipped(head, box.queues[0].settings):
                        found["skipped"] += 1
                        continue
                    found["missing"].append({
                        "kind": "unjournalled", "mailbox": box.name,
                        "folder": box.processed_folder, "uid": uid,
                        "message_id": message_id or None,
                        "sender": str(parsed.get("From") or ""),
                        "subject": str(parsed.get("Subject") or ""),
                        "first": queries.iso(stamp) if stamp else None,
                        "why": "in %s of mailbox %s with no journal record"
                               % (box.processed_folder, box.name)})
        except (OSError, imaplib.IMAP4.error, FolderProblem) as e:
            found["problems"].append("mailbox %s: %s" % (box.name, e))
        finally:
            try:
                imap.logout()
            except (OSError, imaplib.IMAP4.error):
                pass
    return found


def fetch_by_message_id(box, message_id):
    """The raw message with that Message-ID in the mailbox's processed
    folder (the newest, if several), or None. Read-only."""
    imap = connect(box.raw)
    try:
        kind, _ = imap.select(_quoted(box.processed_folder), readonly=True)
        if kind != "OK":
            raise FolderProblem("no folder %s" % box.processed_folder)
        wanted = message_id.strip()
        kind, data = imap.uid("SEARCH", None, "HEADER", "Message-ID",
                              _quoted(wanted.strip("<>")))
        uids = data[0].split() if kind == "OK" and data and data[0] else []
        for uid in reversed(uids):
            raw = _fetched(imap.uid("FETCH", uid.decode(), "(BODY.PEEK[])")[1]).get(
                uid.decode())
            head = raw.split(b"\r\n\r\n", 1)[0] if raw else b""
            if raw and wanted.encode() in head:
                return raw
        return None
    except (OSError, imaplib.IMAP4.error) as e:
        raise FolderProblem(str(e))
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


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
