"""The admin's commands: --check, --status ID, --quarantine.

They read; the only writes are --check's probes of the state folders (a
file created and removed). Exit codes: 0 all well / found, 1 a problem /
nothing found (a delivery's 0-or-75 rule is for the mail server, not for
a person or a monitoring check).
"""
import json
import os
import time

OK, PROBLEM = 0, 1


def _say(text):
    print(text, flush=True)


# -- --check -----------------------------------------------------------------

def check(settings):
    """Settings already loaded and checked by the caller. One line per
    item, "OK ..." or "PROBLEM ...": fit for cron or a Nagios check."""
    problems = 0
    remote = tuple(backend(settings).probe())
    for name, probe in (("journal", lambda: _writable_file(settings.journal_path)),
                        ("quarantine", lambda: _writable_dir(settings.quarantine_path)),
                        ("log_file", lambda: _log_file(settings))) + remote:
        try:
            detail = probe()
        except Exception as e:  # every problem is a line, never a traceback
            problems += 1
            _say("PROBLEM %s: %s" % (name, str(e).replace("\n", " ")))
        else:
            _say("OK %s: %s" % (name, detail))
    _say("%s: %d problem(s)" % ("PROBLEM" if problems else "OK", problems))
    return PROBLEM if problems else OK


def _writable_dir(folder):
    os.makedirs(folder, exist_ok=True)
    probe = os.path.join(folder, ".check-%d" % os.getpid())
    with open(probe, "w"):
        pass
    os.remove(probe)
    return "%s writable" % folder


def _writable_file(path):
    from gateway.journal import Journal
    Journal(path, "check", keep_days=0)
    return "%s usable" % path


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
    from gateway.journal import Journal
    if not os.path.exists(settings.journal_path):
        _say("no journal at %s" % settings.journal_path)
        return PROBLEM
    journal = Journal(settings.journal_path, settings.instance, readonly=True)
    ids = {wanted, wanted.strip("<>"), "<%s>" % wanted.strip("<>")}
    marks = ",".join("?" * len(ids))
    rows = journal.execute(
        "SELECT key, message_id, state, outcome, reason, created, updated FROM entries"
        " WHERE instance=? AND (message_id IN (%s) OR key IN (SELECT key FROM tickets"
        " WHERE instance=? AND codi=?)) ORDER BY created" % marks,
        settings.instance, *ids, settings.instance, wanted.lstrip("#")).fetchall()
    if not rows:
        _say("nothing in the journal for %s" % wanted)
        return PROBLEM
    from gateway.reports.summary import counts, ticket_of
    for key, message_id, state, outcome, reason, created, updated in rows:
        state = journal.state_of(key)
        comments, attachments = counts(state)
        steps = sorted(s for s in state if s not in ("filtre", "attempts"))
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
