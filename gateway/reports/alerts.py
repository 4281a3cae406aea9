"""Telling the admin about what waits, not about what is kept.

Three things leave a message in the mailbox (exit 75) in a way only the
admin can end:

- the bus or GN6 refusing our credentials (a settings problem, the same for
  every message): told once per finestra_limit_minuts, whatever the number
  of messages and polls;
- a configuration failure (a key of the wrong shape, a filter that cannot
  be imported, a WSDL address that answers 404, a state folder the service
  user cannot write): told at the first message, once per window, the key
  named;
- a message still waiting avis_ajornament_hores after its first attempt
  (the journal knows when that was): told once for that message.

Both go by mail (notificar_errors) and as an ERROR line in the log. Neither
may turn a temporary failure into something else: a failure here only
costs a log line.
"""
import logging
import time

from gateway import steps

log = logging.getLogger("mailtoticket.alerts")

CREDENTIALS_TOPIC = "credentials"
CONFIGURATION_TOPIC = "configuration"


def credentials_refused(settings, error, raw, log_text):
    """Log it, and mail the admin once per window."""
    log.error("%s: fix the settings; the message stays in the mailbox", error)
    once_per_window(
        settings, CREDENTIALS_TOPIC, "mailtoticket: credentials refused, mail is waiting",
        "%s.\n\nEvery message waits in the mailbox (exit 75) until the settings are "
        "fixed; none is lost or quarantined. Check them with:\n\n"
        "  mailtoticket.py -c SETTINGS --check\n\n"
        "You are told once per %s minutes.\n" % (error, settings["finestra_limit_minuts"]),
        raw, log_text)


def configuration_failure(settings, error, raw, log_text):
    """A permanent misconfiguration (gateway/errors.py SettingsError, a
    WSDL address that answers 404...): logged naming the key, and the
    admin mailed at the first message, once per window. The message stays
    in the mailbox (exit 75) and goes through once the settings are fixed."""
    text = describe(settings, error)
    log.error("configuration failure: %s; the message stays in the mailbox until "
              "the settings are fixed", text)
    import hashlib   # each distinct mistake is told; the same one once per window
    topic = "%s:%s" % (CONFIGURATION_TOPIC, hashlib.sha256(text.encode()).hexdigest()[:16])
    once_per_window(
        settings, topic, "mailtoticket: configuration failure, mail is waiting",
        "The settings are wrong, the same way for every message:\n\n  %s\n\n"
        "Every message waits in the mailbox (exit 75) until they are fixed; none is "
        "lost or quarantined. Check them with:\n\n  mailtoticket.py -c %s --check\n\n"
        "You are told once per %s minutes.\n"
        % (text, settings.path or "SETTINGS", settings["finestra_limit_minuts"]),
        raw, log_text)


def describe(settings, error):
    """The failure with the settings key(s) that hold the value it names."""
    text = str(error)
    value = getattr(error, "value", None)
    if value is None or "settings key" in text:
        return text
    keys = sorted(k for k, v in settings.items() if v == value)
    return "settings key %s: %s" % (" / ".join(repr(k) for k in keys), text) if keys \
        else text


def once_per_window(settings, topic, subject, text, raw, log_text):
    """Mail the admin about `topic` unless they were told within
    finestra_limit_minuts. The journal remembers it; when the journal
    itself is what cannot be written (a state folder owned by root), a
    stamp file in the temporary folder does. A failure here only costs a
    log line: the message stays in the mailbox either way."""
    try:
        window = settings["finestra_limit_minuts"] * 60
        try:
            if getattr(settings, "unreadable", False):   # no state folder of its own
                raise RuntimeError("the settings cannot be read")
            memory = _JournalMemory(settings)
        except Exception as e:  # the journal is unusable: what we are telling about, maybe
            log.info("journal unusable for the notice's memory (%s): a stamp file instead", e)
            memory = _StampMemory(settings)
        if memory.told_within(topic, window):
            log.info("the admin was already told about %s", topic)
            return
        from gateway.reports import notify
        if notify.send(settings, subject, text, raw, log_text):
            memory.note(topic)
    except Exception as e:  # the message stays either way
        log.warning("could not tell the admin: %s", e)


class _JournalMemory:
    def __init__(self, settings):
        from gateway import state_access
        from gateway.journal import Journal
        state_access.require_writable(settings)
        self.journal = Journal.of(settings)

    def told_within(self, topic, seconds):
        return self.journal.noticed_within(topic, seconds)

    def note(self, topic):
        self.journal.note_notice(topic)


class _StampMemory:
    """A file per topic and settings, its mtime the last notice."""

    def __init__(self, settings):
        import hashlib
        import os
        import tempfile
        tag = hashlib.sha256(("%s|%s|%s" % (settings.path, settings.get("url_gn6"),
                                             settings.get("jira_url"))).encode())
        self.prefix = os.path.join(tempfile.gettempdir(), "mailtoticket-%d-%s-"
                                   % (os.getuid(), tag.hexdigest()[:16]))

    def told_within(self, topic, seconds):
        import os
        try:
            return os.stat(self.prefix + topic).st_mtime >= time.time() - seconds
        except OSError:
            return False

    def note(self, topic):
        import os
        fd = os.open(self.prefix + topic, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        os.utime(self.prefix + topic)


def deferred(settings, entry, reason, raw, log_text):
    """A temporary failure of a message the journal knows: report it once
    when it has been waiting too long."""
    hours = settings["avis_ajornament_hores"]
    if not hours or entry.get(steps.DEFERRAL_REPORTED):
        return
    try:
        started = entry.journal.first_attempt(entry.key)
        # the first attempt is on the journal's clock (another host's, maybe)
        now = entry.journal.now()
        if started is None or now - started < hours * 3600:
            return
        waited = (now - started) / 3600
        log.error("message %s has been waiting %.1f hours since its first attempt "
                  "(%s); last reason: %s", entry.message_id, waited,
                  time.strftime("%Y-%m-%d %H:%M", time.localtime(started)), reason)
        from gateway.reports import notify
        notify.send(settings, "mailtoticket: a message has waited %.0f hours" % waited,
                    "Message %s has been retried for %.1f hours (first attempt %s).\n\n"
                    "Last reason: %s\n\nSee: mailtoticket.py -c SETTINGS --status '%s'\n"
                    % (entry.message_id, waited, time.ctime(started), reason,
                       entry.message_id), raw, log_text)
        entry.record(steps.DEFERRAL_REPORTED, time.time())
    except Exception as e:
        log.warning("could not report the long wait: %s", e)
