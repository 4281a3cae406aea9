"""Telling the admin about what waits, not about what is kept.

Two things leave a message in the mailbox (exit 75) in a way only the
admin can end:

- the bus or GN6 refusing our credentials (a settings problem, the same for
  every message): told once per finestra_limit_minuts, whatever the number
  of messages and polls;
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


def credentials_refused(settings, error, raw, log_text):
    """Log it, and mail the admin once per window."""
    log.error("%s: fix the settings; the message stays in the mailbox", error)
    try:
        from gateway.journal import Journal
        journal = Journal(settings.journal_path, settings.instance)
        since = time.time() - settings["finestra_limit_minuts"] * 60
        if journal.noticed_since(CREDENTIALS_TOPIC, since):
            return
        from gateway.reports import notify
        subject = "mailtoticket: credentials refused, mail is waiting"
        text = ("%s.\n\nEvery message waits in the mailbox (exit 75) until the "
                "settings are fixed; none is lost or quarantined. Check them with:\n\n"
                "  mailtoticket.py -c SETTINGS --check\n\n"
                "You are told once per %s minutes.\n"
                % (error, settings["finestra_limit_minuts"]))
        if notify.send(settings, subject, text, raw, log_text):
            journal.note_notice(CREDENTIALS_TOPIC)
    except Exception as e:  # the message stays either way
        log.warning("could not tell the admin: %s", e)


def first_attempt(entry):
    row = entry.journal.execute(
        "SELECT created FROM entries WHERE instance=? AND key=?",
        entry.journal.instance, entry.key).fetchone()
    return row[0] if row else None


def deferred(settings, entry, reason, raw, log_text):
    """A temporary failure of a message the journal knows: report it once
    when it has been waiting too long."""
    hours = settings["avis_ajornament_hores"]
    if not hours or entry.get(steps.DEFERRAL_REPORTED):
        return
    try:
        started = first_attempt(entry)
        if started is None or time.time() - started < hours * 3600:
            return
        waited = (time.time() - started) / 3600
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
