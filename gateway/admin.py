"""The admin's commands: --check, --status ID, --quarantine.

They read; the only writes are --check's probes of the state folders (a
file created and removed). Exit codes: 0 all well / found, 1 a problem /
nothing found (a delivery's 0-or-75 rule is for the mail server, not for
a person or a monitoring check).
"""
import json
import os
import time

from gateway.errors import SettingsError

OK, PROBLEM = 0, 1


def _say(text):
    print(text, flush=True)


# -- --check -----------------------------------------------------------------

def check(settings, fetchmailrc=None):
    """Settings already loaded and checked by the caller. One line per
    item, "OK ..." or "PROBLEM ...": fit for cron or a Nagios check.
    fetchmailrc: a fetchmail run file whose mailbox login is tried too."""
    lines = Lines(settings)
    for key in settings.unknown:
        lines.problem("settings", "unknown key %r (misspelt? a delivery ignores it)" % key)
    from gateway.settings import required_problems
    for key, text in required_problems(settings):
        lines.problem("settings", "key %r %s" % (key, text))
    if not lines.problems:
        lines.ok("settings", "%s: keys known, required keys set" % (settings.path or "module"))
    system = backend(settings)
    remote = tuple(system.probe())
    from gateway import state_access
    if state_access.problem(settings):   # nothing made as the wrong user (root)
        remote = ()
        writes = ()
    else:
        writes = (("journal", lambda: _usable_journal(settings)),
                  ("quarantine", lambda: _writable_dir(settings.quarantine_path)),
                  ("log_file", lambda: _log_file(settings)))
    for name, probe in (("state folder", lambda: _state_folder(settings)),) + writes + (
                        ("filtres", lambda: _filters(settings)),
                        ("admin mail", lambda: _admin_mail(settings))) + remote:
        lines.probe(name, probe)
    if remote and not lines.failed(remote[0][0]):   # the credentials passed
        try:
            for ok, item, detail in system.probe_objects():
                lines.add(ok, item, detail)
        except Exception as e:  # every problem is a line, never a traceback
            lines.problem(remote[0][0], str(e))
    if fetchmailrc:
        from gateway.reports import imap_probe
        for ok, item, detail in imap_probe.check_fetchmailrc(fetchmailrc):
            lines.add(ok, item, detail)
    _say("%s: %d problem(s)" % ("PROBLEM" if lines.problems else "OK", lines.problems))
    return PROBLEM if lines.problems else OK


class Lines:
    """--check's output: one OK or PROBLEM line per item, counted."""

    def __init__(self, settings=None):
        self.settings = settings
        self.problems = 0
        self.failed_items = set()

    def add(self, ok, item, detail):
        if not ok:
            self.problems += 1
            self.failed_items.add(item)
        _say("%s %s: %s" % ("OK" if ok else "PROBLEM", item, str(detail).replace("\n", " ")))

    def ok(self, item, detail):
        self.add(True, item, detail)

    def problem(self, item, detail):
        self.add(False, item, detail)

    def probe(self, item, probe):
        try:
            detail = probe()
        except Exception as e:  # every problem is a line, never a traceback
            if self.settings is not None:   # the key holding what is not there
                from gateway.reports.alerts import describe
                e = describe(self.settings, e)
            self.problem(item, e)
        else:
            self.ok(item, detail)

    def failed(self, item):
        return item in self.failed_items


def unloadable(error):
    """--check when the settings were refused at load: every problem the
    settings have, one line each (the first refused them)."""
    lines = Lines()
    settings = getattr(error, "settings", None)
    for key in getattr(settings, "unknown", ()):
        lines.problem("settings", "unknown key %r (misspelt? a delivery ignores it)" % key)
    lines.problem("settings", error)
    if settings is not None:
        try:
            from gateway.settings import required_problems
            for key, text in required_problems(settings):
                if "%r" % key not in str(error):
                    lines.problem("settings", "key %r %s" % (key, text))
        except (SettingsError, KeyError, TypeError, AttributeError, ValueError):
            pass   # the settings are wrong in a way the list cannot read: said above
    _say("PROBLEM: %d problem(s)" % lines.problems)
    return PROBLEM


def _filters(settings):
    """Every filter class the chain names can be imported."""
    from gateway.pipeline import load_filter
    for dotted in settings["filtres"]:
        load_filter(dotted)
    return ", ".join(settings["filtres"])


def _state_folder(settings):
    from gateway import state_access
    text = state_access.problem(settings)
    if text:
        raise RuntimeError(text)
    return "%s writable by this user" % settings.state_path


def _admin_mail(settings):
    """Whether somebody would be told, and the mail server answers."""
    if not settings["notificar_errors"]:   # the admin's choice, not a fault
        return "off: nobody is mailed about quarantined or waiting mail (notificar_errors)"
    if not settings["notificar_errors_to"]:
        raise RuntimeError("notificar_errors is on but notificar_errors_to is empty: "
                           "nobody is told")
    import smtplib
    host, _, port = settings["servidor_mail"].partition(":")
    try:
        with smtplib.SMTP(host, int(port or 25), timeout=10) as smtp:
            code, answer = smtp.noop()
    except (OSError, smtplib.SMTPException) as e:
        raise RuntimeError("servidor_mail %s does not answer: %s"
                           % (settings["servidor_mail"], e)) from None
    return "%s through %s (it answered %d)" % (", ".join(settings["notificar_errors_to"]),
                                               settings["servidor_mail"], code)


def _writable_dir(folder):
    os.makedirs(folder, exist_ok=True)
    probe = os.path.join(folder, ".check-%d" % os.getpid())
    with open(probe, "w"):
        pass
    os.remove(probe)
    return "%s writable" % folder


def _usable_journal(settings):
    from gateway.journal import Journal, redacted
    Journal.of(settings).close()
    return "%s usable" % redacted(settings.journal_path)


def _log_file(settings):
    if not settings["log_file"]:
        return "none (stderr only)"
    path = settings.resolve_path(settings["log_file"])
    with open(path, "a", encoding="utf-8"):
        pass
    return "%s writable" % path


def _deadline(settings):
    from gateway.deadline import Deadline
    return Deadline(settings["temps_maxim_execucio"])


def backend(settings):
    """The configured back-end (backends/), its writes never made here."""
    import backends
    return backends.kind_of(settings)(settings, _deadline(settings))


# -- --status ----------------------------------------------------------------

def status(settings, wanted):
    """What the journal knows about a Message-ID or a ticket number."""
    from gateway.journal import Journal, is_url
    if not is_url(settings.journal_path) and not os.path.exists(settings.journal_path):
        _say("no journal at %s" % settings.journal_path)
        return PROBLEM
    journal = Journal.of(settings, readonly=True)
    ids = sorted({wanted, wanted.strip("<>"), "<%s>" % wanted.strip("<>")})
    rows = journal.messages_about(ids, wanted.lstrip("#"))
    if not rows:
        _say("nothing in the journal for %s" % wanted)
        return PROBLEM
    from gateway.reports.summary import counts, ticket_of
    for key, message_id, outcome, reason, created, updated in rows:
        state = journal.state_of(key)
        comments, attachments = counts(state)
        steps = sorted(s for s in state if s not in ("filtre", "attempts", "message",
                                                     "deferred"))
        _say("message-id: %s" % (message_id or "-"))
        _say("  outcome:  %s%s" % (outcome or "not finished (waiting for a redelivery)",
                                   " (%s)" % reason if reason else ""))
        _say("  ticket:   %s" % (ticket_of(state) or "-"))
        _say("  filter:   %s" % ((state.get("filtre") or {}).get("class") or "-"))
        _say("  steps:    %s" % (", ".join(steps) or "-"))
        _say("  done:     %d comment(s), %d attachment(s)" % (comments, attachments))
        _say("  attempts: %d" % state.get("attempts", 1))
        _say("  first:    %s" % _when(created))
        _say("  last:     %s" % _when(updated))
    return OK


def _when(stamp):
    return time.strftime("%Y-%m-%d %H:%M:%S %z", time.localtime(stamp)) if stamp else "-"


# -- --quarantine ------------------------------------------------------------

def quarantine(settings):
    """The quarantined messages, newest first, one line each."""
    folder = settings.quarantine_path
    try:
        names = [n for n in os.listdir(folder) if n.endswith(".eml")]
    except FileNotFoundError:
        names = []
    entries = []
    for name in names:
        path = os.path.join(folder, name)
        try:
            with open(path[:-4] + ".json", encoding="utf-8") as f:
                info = json.load(f)
        except (OSError, ValueError):
            info = {}
        head = _headers(path)
        try:
            kept = os.stat(path).st_mtime_ns    # finer than the recorded time
        except OSError:
            kept = 0
        entries.append((kept, info.get("time") or name[:15], head, info, path))
    entries.sort(key=lambda e: (e[0], e[1], e[4]), reverse=True)
    for _, when, head, info, path in entries:
        _say("%s  %s  %r  %s  %s  %s" % (
            when[:19].replace("T", " "), head.get("from") or "-", head.get("subject") or "",
            info.get("outcome") or "?", (info.get("reason") or "").replace("\n", " ")[:200],
            path))
    _say("%d message(s) in %s" % (len(entries), folder))
    return OK


def _headers(path):
    """From and Subject, decoded, reading only the head of the file."""
    from email.parser import BytesHeaderParser
    from email.policy import default
    try:
        with open(path, "rb") as f:
            head = f.read(64 * 1024).split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
        msg = BytesHeaderParser(policy=default).parsebytes(head + b"\n\n")
        return {"from": str(msg.get("From", "")), "subject": str(msg.get("Subject", ""))}
    except Exception as e:  # any file the quarantine holds: say, never a traceback
        return {"subject": "(headers unreadable: %s: %s)" % (type(e).__name__, e)}
