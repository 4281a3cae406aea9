"""Can the user running mailtoticket write its state folder?

The classic first-day mistake: mailtoticket (or fetchmail) is run once by
hand as root, and the journal, its locks or the quarantine are created
owned by root; from then on every delivery by the service user fails. That
is a configuration failure, not a temporary one: said at once, naming the
folder, its owner and the command that fixes it (gateway/reports/alerts.py tells
the admin). Cheap enough for every delivery: a stat of the folder and of
its top-level entries.
"""
import os

from gateway.errors import ConfigurationFailure


def _user(uid):
    try:
        import pwd
        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


def problem(settings):
    """None, or a sentence naming what the running user cannot write in
    the state folder, its owner and the fix; or, run as root on a state
    folder another user owns, that it must run as that user (as root it
    would leave files the service user cannot write)."""
    owner = _root_on_foreign_state(settings)
    if owner:
        return ("mailtoticket runs as root, but the state folder %s belongs to %s: run it "
                "as that user (runuser -u %s -- ...); as root it would leave files %s "
                "cannot write" % (settings.state_path, owner, owner, owner))
    journal_dir = os.path.dirname(os.path.abspath(settings.journal_path))
    # folder -> whether its entries are looked at too (the journal, its
    # lock files, the WSDL cache; not each quarantined message)
    folders = {settings.state_path: True, journal_dir: True,
               settings.journal_path + ".locks": True}
    folders.setdefault(settings.quarantine_path, False)
    blocked = []
    for folder, entries_too in folders.items():
        if not os.path.isdir(folder):
            continue
        if not os.access(folder, os.W_OK | os.X_OK):
            blocked.append(folder)
            continue
        if not entries_too:
            continue
        try:
            entries = list(os.scandir(folder))
        except OSError:
            blocked.append(folder)
            continue
        blocked += [e.path for e in entries if not os.access(e.path, os.W_OK)]
    if not blocked:
        return None
    me = _user(os.geteuid())
    try:
        owner = _user(os.stat(blocked[0]).st_uid)
    except OSError:
        owner = "?"
    top = settings.state_path if os.path.isdir(settings.state_path) else journal_dir
    return ("the state folder %s cannot be written by %s, the user running mailtoticket: "
            "%s is owned by %s (was it run by hand as root?). Fix, as root: "
            "chown -R %s: %s" % (top, me, blocked[0], owner, me, top))


def _root_on_foreign_state(settings):
    if os.geteuid() != 0:
        return None
    try:
        uid = os.stat(settings.state_path).st_uid
    except OSError:
        return None
    return _user(uid) if uid != 0 else None


def require_writable(settings):
    """Raise a ConfigurationFailure naming the folder and the fix."""
    text = problem(settings)
    if text:
        raise ConfigurationFailure(text)
