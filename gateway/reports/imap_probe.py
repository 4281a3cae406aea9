"""Can the mailbox be logged in to? (`--check --fetchmailrc FILE`)

A mailbox password changed on the mail server is the commonest silent
stop: fetchmail fails at every poll and mailtoticket is never run. This
module reads the mailbox's host, port, user, password, TLS and folder the
way fetchmail's run file gives them, and tries the IMAP login itself
(imaplib), so `--check` can say so. The service mode (its own service
file) calls `try_login` with its own values.
"""
import imaplib
import shlex
import socket
import ssl as ssl_module

IMAPS_PORT, IMAP_PORT = 993, 143
# fetchmail keywords that take a value (the ones we read, and the others,
# whose value must not be mistaken for a keyword).
_VALUE = {
    "protocol": "protocol", "proto": "protocol", "service": "port", "port": "port",
    "user": "user", "username": "user", "pass": "password", "password": "password",
    "folder": "folder", "folders": "folder",
    "auth": None, "authenticate": None, "timeout": None, "via": None, "sslproto": None,
    "sslcertfile": None, "sslcertpath": None, "sslfingerprint": None, "sslkey": None,
    "sslcert": None, "mda": None, "smtphost": None, "smtpname": None, "envelope": None,
    "qvirtual": None, "principal": None, "plugin": None, "plugout": None, "limit": None,
    "fetchlimit": None, "batchlimit": None, "expunge": None, "preconnect": None,
    "postconnect": None, "interval": None, "tracepolls": None, "localdomains": None,
    "aka": None, "interface": None, "monitor": None, "lmtp": None, "bsmtp": None,
    "fetchdomains": None, "warnings": None, "properties": None,
}


class ProbeFailed(Exception):
    """The login, the connection or the folder failed: the reason, one line."""


def fetchmailrc_polls(path):
    """The mailboxes a fetchmail run file polls: a list of dicts with host,
    port, protocol, user, password, ssl, folder. Global `set` statements
    and `defaults` are skipped; a `skip` entry is listed too (fetchmail
    polls it when named on its command line)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lexer = shlex.shlex(f.read(), posix=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    polls, current, tokens = [], None, list(lexer)
    i = 0
    while i < len(tokens):
        word = tokens[i]
        low = word.lower()
        if low in ("poll", "skip") and i + 1 < len(tokens):
            current = {"host": tokens[i + 1], "port": None, "protocol": "auto",
                       "user": None, "password": None, "ssl": False, "folder": "INBOX"}
            polls.append(current)
            i += 2
            continue
        if low in ("set", "defaults"):
            current = None
        elif current is not None and low == "ssl":
            current["ssl"] = True
        elif current is not None and low in _VALUE and i + 1 < len(tokens):
            if _VALUE[low]:
                current[_VALUE[low]] = tokens[i + 1]
            i += 1
        i += 1
    for poll in polls:
        poll["port"] = int(poll["port"]) if poll["port"] and poll["port"].isdigit() \
            else (IMAPS_PORT if poll["ssl"] else IMAP_PORT)
    return polls


def try_login(host, port, user, password, use_ssl, folder=None, timeout=15):
    """Log in (and look at `folder`, read-only); a line saying what
    answered, or ProbeFailed with the reason."""
    try:
        if use_ssl:
            imap = imaplib.IMAP4_SSL(host, port, ssl_context=ssl_module.create_default_context(),
                                     timeout=timeout)
        else:
            imap = imaplib.IMAP4(host, port, timeout=timeout)
    except ssl_module.SSLError as e:
        raise ProbeFailed("TLS with %s:%s failed (certificate?): %s" % (host, port, e)) from None
    except (OSError, imaplib.IMAP4.error) as e:   # DNS, refused, timeout
        raise ProbeFailed("cannot reach %s:%s: %s" % (host, port, e)) from None
    try:
        try:
            imap.login(user, password)
        except imaplib.IMAP4.error as e:
            raise ProbeFailed("%s:%s refused the login of %r (password changed?): %s"
                              % (host, port, user, _text(e))) from None
        detail = "login of %r on %s:%s accepted" % (user, host, port)
        if folder:
            status, data = imap.select(_quoted(folder), readonly=True)
            if status != "OK":
                raise ProbeFailed("folder %r: %s" % (folder, _text(data)))
            detail += ", folder %r holds %s message(s)" % (folder, _text(data))
        return detail
    except (OSError, imaplib.IMAP4.error) as e:
        raise ProbeFailed("%s:%s: %s" % (host, port, e)) from None
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error, socket.timeout):
            pass   # the answer is already known


def _quoted(folder):
    return '"%s"' % folder.replace("\\", "\\\\").replace('"', '\\"')


def _text(value):
    if isinstance(value, (list, tuple)):
        value = b" ".join(v for v in value if isinstance(v, bytes)) or value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, Exception) and value.args:
        return _text(value.args[0])
    return str(value)


def check_fetchmailrc(path, timeout=15):
    """[(ok, item, detail)], one per IMAP mailbox the run file polls."""
    try:
        polls = fetchmailrc_polls(path)
    except OSError as e:
        return [(False, "mailbox", "cannot read %s: %s" % (path, e))]
    if not polls:
        return [(False, "mailbox", "%s names no poll entry" % path)]
    lines = []
    for poll in polls:
        item = "mailbox %s" % poll["host"]
        if poll["protocol"].lower() not in ("imap", "auto"):
            lines.append((True, item, "protocol %s: not probed (IMAP only)" % poll["protocol"]))
            continue
        try:
            detail = try_login(poll["host"], poll["port"], poll["user"] or "",
                               poll["password"] or "", poll["ssl"], poll["folder"], timeout)
        except ProbeFailed as e:
            lines.append((False, item, str(e)))
        else:
            lines.append((True, item, detail))
    return lines
