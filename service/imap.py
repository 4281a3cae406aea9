"""One IMAP session of a mailbox (IMAPClient): connect, log in, read the
folder, file a message, wait for new mail.

Timeouts: the connection gets `connect_timeout`; after that every read
waits at most `timeout` seconds for the next bytes. That bounds a server
that keeps the socket open and says nothing (it counts as dead, and the
mailbox reconnects), and it never cuts a large or slow download that is
still moving: there is no timeout on a whole FETCH.

UIDs throughout (IMAPClient's default), one message fetched at a time so
that memory does not grow with the backlog.
"""
import logging
import re
import socket
import ssl

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from imapclient.util import to_unicode

log = logging.getLogger("mailtoticket.service")

# What a broken connection or a server in trouble raises: the mailbox
# reconnects with backoff. A refused login is not among them (LoginRefused).
CONNECTION_ERRORS = (OSError, IMAPClientError, ssl.SSLError, socket.timeout, EOFError)


# How many searches news() makes at most before an IDLE.
NEWS_LOOKS = 3

# The answers (RFC 5530) for a message that another client expunged.
GONE = re.compile(r"\[(EXPUNGEISSUED|NONEXISTENT)\]|no longer exist", re.IGNORECASE)


# The keyword a message carries while it is copied to a folder (servers
# without MOVE): after a lost connection, the next filing looks first.
COPYING = "$MailtoticketCopying"
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)
# The answer (RFC 5530) to creating a folder that exists.
ALREADY = re.compile(r"\[ALREADYEXISTS\]", re.IGNORECASE)


class LoginRefused(Exception):
    """The server refused the credentials (a configuration matter)."""


def tls_context(ca_file=None):
    context = ssl.create_default_context(cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class Session:
    def __init__(self, mailbox, timeouts, token_source=None):
        self.mailbox = mailbox
        self.connect_timeout, self.timeout = timeouts
        self.token_source = token_source
        self.client = None
        self.keywords = False       # the folder takes keywords (PERMANENTFLAGS \*)
        self.passed = set()         # the UIDs the pass took (its first search)
        self.seen = []              # the UIDs of the last search

    # -- connection
    def open(self):
        box = self.mailbox
        from imapclient import SocketTimeout
        timeout = SocketTimeout(connect=self.connect_timeout, read=self.timeout)
        context = tls_context(box.ca_file) if box.tls != "none" else None
        client = IMAPClient(box.server, port=box.port, ssl=box.tls == "implicit",
                            ssl_context=context, timeout=timeout)
        try:
            _keepalive(client.socket())
            if box.tls == "starttls":
                client.starttls(context)
            self._login(client)
        except BaseException:
            _close(client)
            raise
        self.client = client
        return self

    def _login(self, client):
        login = self.mailbox.login
        user = login["user"]
        try:
            if login["oauth2"] is not None:
                self._token_login(client, user, login["oauth2"]["mechanism"])
            elif login["mechanism"] == "plain":
                client.plain_login(user, login["password"].read())
            else:
                client.login(user, login["password"].read())
        except client.Error as e:
            raise LoginRefused("%s refused the login of %s: %s"
                               % (self.mailbox.server, user, to_unicode(str(e))))

    def _token_login(self, client, user, mechanism):
        """A refused access token (revoked, or expired early) is dropped and
        a fresh one tried once; the grant's own refusal ends it."""
        for attempt in (1, 2):
            token = self.token_source.token()
            try:
                if mechanism == "oauthbearer":
                    client.oauthbearer_login(user, token)
                else:
                    client.oauth2_login(user, token)
                return
            except client.Error:
                if attempt == 2:
                    raise
                self.token_source.forget()

    def close(self):
        client, self.client = self.client, None
        if client is not None:
            _close(client)

    def capable(self, name):
        return self.client.has_capability(name)

    # -- folders
    def ensure_folders(self):
        box = self.mailbox
        for folder in (box.folder, box.processed_folder, box.quarantine_folder):
            if folder and not self.client.folder_exists(folder):
                try:
                    self.client.create_folder(folder)
                except self.client.Error as e:
                    # another client (a second service on this mailbox) made it meanwhile
                    if not ALREADY.search(str(e)) and not self.client.folder_exists(folder):
                        raise
                    continue
                log.info("mailbox %s: created folder %s", box.name, folder)

    def select(self):
        """Select the folder to read; its UIDVALIDITY."""
        info = self.client.select_folder(self.mailbox.folder)
        self.announced()            # the SELECT's count: the pass's first search reads them
        self.passed = None
        self.keywords = b"\\*" in (info.get(b"PERMANENTFLAGS") or ())
        return info.get(b"UIDVALIDITY")

    def uids(self):
        found = self.seen = sorted(self.client.search(["UNDELETED"]))
        if self.passed is None:
            self.passed = set(found)
        return found

    def fetch(self, uid):
        """The message's bytes (None: it vanished, another client expunged it)."""
        data = self.client.fetch([uid], ["BODY.PEEK[]"]).get(uid)
        if not data:
            return None
        return data.get(b"BODY[]")

    def oldest(self, uids):
        """INTERNALDATE of the first of `uids` (the oldest waiting)."""
        if not uids:
            return None
        data = self.client.fetch([uids[0]], ["INTERNALDATE"]).get(uids[0]) or {}
        return data.get(b"INTERNALDATE")

    def count(self, folder):
        if not folder or not self.client.folder_exists(folder):
            return None
        return self.client.folder_status(folder, ["MESSAGES"])[b"MESSAGES"]

    def file(self, uids, folder):
        """Move the messages to `folder` (None: delete them): MOVE where
        offered, else COPY + \\Deleted + UID EXPUNGE of these UIDs only
        (plain EXPUNGE when UIDPLUS is missing too). One command for
        several: a server's MOVE costs about the same for one or fifty."""
        try:
            self._file(uids, folder)
        except self.client.Error as e:
            if not GONE.search(str(e)):
                raise
            if len(uids) > 1:     # one of them is gone: the others one by one
                for uid in uids:
                    self.file([uid], folder)
                return
            # Another client expunged it meanwhile: its delivery is done and
            # journalled, there is nothing left to file.
            log.info("mailbox %s: message %s was expunged by another client before "
                     "it could be filed: %s", self.mailbox.name, uids[0], e)

    def _file(self, uids, folder):
        client = self.client
        if folder and client.has_capability("MOVE"):
            client.move(uids, folder)
            return
        if folder:
            copy = self._not_copied(uids, folder)
            if copy and self.keywords:
                client.add_flags(copy, [COPYING])
            if copy:
                client.copy(copy, folder)
        client.delete_messages(uids)
        if client.has_capability("UIDPLUS"):
            client.uid_expunge(uids)
        else:
            client.expunge()

    def _not_copied(self, uids, folder):
        """Those of `uids` not yet in `folder`. A message marked COPYING
        was being filed when a connection ended: COPY may have reached the
        server before its delete did, so `folder` is searched for its
        Message-ID first (osTicket's copies piling up in the done folder)."""
        client = self.client
        flags = client.get_flags(uids) if self.keywords else {}
        marked = [u for u in uids if COPYING.encode() in flags.get(u, ())]
        if not marked:
            return uids
        heads = client.fetch(marked, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
        ids = {}
        for uid, data in heads.items():
            found = MESSAGE_ID.search(data.get(b"BODY[HEADER.FIELDS (MESSAGE-ID)]") or b"")
            if found:
                ids[uid] = found.group(1).decode("ascii", "replace")
        there = set()
        if ids:
            client.select_folder(folder, readonly=True)
            try:
                there = {uid for uid, message_id in ids.items()
                         if client.search(["HEADER", "Message-ID", message_id])}
            finally:
                client.select_folder(self.mailbox.folder)
        if there:
            log.info("mailbox %s: %d message(s) already copied to %s before a connection "
                     "ended: not copied again", self.mailbox.name, len(there), folder)
        return [u for u in uids if u not in there]

    # -- waiting
    def announced(self):
        """Whether the server announced new messages (EXISTS) since the
        last look. (imaplib keeps those responses: IMAPClient 4.1 has no
        public way to them.)"""
        return bool(self.client._imap.untagged_responses.pop("EXISTS", None))

    def news(self):
        """Whether mail came during the pass that it did not take: found
        by its last search, or told (EXISTS) with the answer to one of its
        commands, which a search did not include yet and the IDLE after it
        never tells again. A server that repeats EXISTS with its answers
        (allowed) is searched again NEWS_LOOKS times at most."""
        if self.passed is None:
            return False
        if not self.passed.issuperset(self.seen):
            return True
        for _ in range(NEWS_LOOKS):
            if not self.announced():
                return False
            if not self.passed.issuperset(self.uids()):
                return True
        return False

    def idle(self, seconds, stop):
        """IDLE for at most `seconds` (renewed by the caller before servers
        drop it), in short steps so that `stop` (an Event) is seen soon.
        True when the server said something (new mail, an expunge), or
        at once when mail came during the pass (news())."""
        client = self.client
        if self.news():
            return True
        client.idle()
        try:
            left = seconds
            while left > 0 and not stop.is_set():
                step = min(left, 1.0)
                if client.idle_check(timeout=step):
                    return True
                left -= step
            return False
        finally:
            client.idle_done()


def _keepalive(sock):
    """TCP keepalives: a connection that died without a word (a NAT's
    table, a cable) is noticed within about two minutes even in IDLE,
    where silence is normal and `timeout` does not apply."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for name, value in (("TCP_KEEPIDLE", 60), ("TCP_KEEPINTVL", 15), ("TCP_KEEPCNT", 4)):
        if hasattr(socket, name):     # Linux; elsewhere the system's defaults
            sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, name), value)


def _close(client):
    try:
        client.logout()
    except CONNECTION_ERRORS + (AttributeError,):   # already gone: nothing to close
        try:
            client.shutdown()
        except CONNECTION_ERRORS + (AttributeError,):
            pass


def session_for(entry, base, state_dir, timeouts):
    """An unopened Session of a service file's mailbox entry (the mapping
    as written), for a reader outside the service's loop (web/folders.py):
    the service's own checks, TLS, password sources and OAuth2 tokens (the
    same cache, state_dir/tokens/NAME.json). SettingsError names a wrong key."""
    from service import config, tokens
    box = config.mailbox_access(base, entry)
    oauth2 = box.login["oauth2"]
    return Session(box, timeouts, tokens.source(oauth2, state_dir, box.name) if oauth2 else None)
