"""The command line: arguments, settings, the Run, the echo, the exit code.

mailtoticket.py (the name fetchmail, cron and the docs call) only runs
`exit_now(safe_main())` from here: Python compiles a script from source at
every start but caches a module's bytecode, and every MDA delivery starts
a process. The usage is mailtoticket.py's docstring.
"""
import argparse
import gc
import logging
import os
import sys

from gateway import echo, logs
from gateway.errors import SettingsError
from gateway.outcome import EX_TEMPFAIL

log = logging.getLogger("mailtoticket")

# Messages up to this size are delivered with the garbage collector off.
GC_OFF_UP_TO = 1024 * 1024


def main(argv=None):
    # Mail is personal data: whatever the caller's umask, the journal, the
    # quarantine, the WSDL cache and the logs made here are owner-only.
    os.umask(0o077)
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["web"], ["serve"]):   # long-running: the collector on
        gc.enable()
    if argv[:1] == ["web"]:     # the staff web server: docs/web.md (web/cli.py)
        from web.cli import main as web_main
        return web_main(argv[1:])
    if argv[:1] == ["serve"]:   # the long-running service: service/, docs/service.md
        logs.setup()
        from service.main import main as serve
        return serve(argv[1:])
    records = logs.setup()
    args = parse_args(argv)
    delivering = not (args.replay or args.check or args.status or args.list_quarantine
                      or args.missing is not None
                      or args.copy_journal)
    raw = sys.stdin.buffer.read() if delivering else b""
    if delivering and len(raw) <= GC_OFF_UP_TO:
        # A delivery is a short-lived process that makes little cyclic
        # garbage, and its collections mostly re-scan what the imports
        # (zeep, lxml, requests) made: ~12 ms of a ~150 ms run. A big
        # message keeps the collector (its peak memory is a bench goal),
        # and so does every other command (mailtoticket.py turned it off
        # for its imports).
        gc.disable()
    else:
        gc.enable()
    try:
        from gateway import settings as settings_module
        settings = settings_module.load(args.settings)
    except SettingsError as e:
        # Said in log_file when the file told where it is. The message is
        # not echoed: it stays in the mailbox (exit 75), and an echo would
        # land in fetchmail's log (crontab.example) at every poll.
        logs.to_path(getattr(e, "log_file", None))
        for warning in getattr(e, "warnings", ()):
            log.warning("%s", warning)
        if args.check:                  # every problem, one line each
            from gateway import admin
            return admin.unloadable(e)
        if delivering:   # told at the first message, once per window (the
            from gateway.reports import alerts   # defaults' admin when unreadable)
            alerts.configuration_failure(e.settings if getattr(e, "settings", None)
                                         is not None else settings_module.fallback(
                                             args.settings), e, raw, records.text())
        else:
            log.error("%s; message left in the mailbox", e)
        return EX_TEMPFAIL if delivering else 1
    logs.to_file(settings, dry_run=args.dry_run)
    for warning in settings.warnings:
        log.warning("%s", warning)
    from gateway.run import Run
    run = Run(settings, records)
    if args.dry_run:
        run = run.clone(dry_run=True, tell=_stderr_account)
    if not delivering:
        return admin_command(args, run)
    from gateway.pipeline import deliver
    result = deliver(run, raw)
    run.account("outcome: %s %s" % (result.header or "temporary failure (exit 75)",
                                    result.reason))
    if not settings["no_escriure_sortida"] and (
            result.header is not None or settings["escriure_sortida_ajornats"]):
        # A message that waits (exit 75) is not echoed by default: fetchmail
        # would copy all of it into its log at every poll. Its one line,
        # timestamped, is on stderr (docs/settings-reference.md).
        echo.write(sys.stdout.buffer, raw, result.header)
    return result.exit_code


def admin_command(args, run):
    from gateway import admin
    if args.check:
        return admin.check(run.settings, fetchmailrc=args.fetchmailrc)
    if args.status:
        return admin.status(run.settings, args.status)
    if args.list_quarantine:
        return admin.quarantine(run.settings)
    if args.copy_journal:
        from gateway.journals.copy import copy
        return copy(run.settings, args.copy_journal)
    if args.missing is not None:    # journal records the ticket system lacks (web/missing.py)
        from web.missing import command
        return command(run.settings, args.missing)
    from gateway.pipeline import replay
    return replay(run, args.replay)


HELP_EPILOG = """\
exit codes:
  delivering a message (stdin): 0  done (SUCCESS, SKIP, or kept in the
                                   quarantine as REJECT/ERROR)
                                75 try again later (bus down, credentials
                                   refused, a configuration failure, bad
                                   option): the message stays in the
                                   mailbox; the admin is mailed when a
                                   person must act (notificar_errors_to)
  --replay:                     0 every message SUCCESS/SKIP, 1 one still
                                REJECT/ERROR, 75 one hit a temporary failure
  --check, --status, --quarantine, --copy-journal:
                                0 all well / found, 1 a problem / nothing
  --missing DAYS:               0 nothing missing, 1 some, 75 the ticket
                                system could not be asked
  web: the staff web server and its tokens (mailtoticket.py web --help)

settings are read from: -c SETTINGS, else $MAILTOTICKET_SETTINGS, else
settings_default.py beside mailtoticket.py (a .py file defining `settings`,
a .yaml file, or a module name). Every key: settings_sample.py.

the service (fetches its mailboxes itself, IMAP IDLE, OAuth2 logins):
  mailtoticket.py serve -c SERVICE_FILE [--once | --check]     (docs/service.md)

docs: README.md, docs/deployment.md (install, cron, logrotate, day to day),
docs/settings-reference.md (the public interface, every settings key),
docs/gn6-contract.md (the GN6 services)
"""


class _Parser(argparse.ArgumentParser):
    """A mistyped option exits 75, not argparse's 2: a mail server bounces
    the mail to its sender on any code but 0 and 75."""

    def error(self, message):
        log.error("%s (see --help); the message stays in the mailbox", message)
        sys.exit(EX_TEMPFAIL)


def parse_args(argv):
    parser = _Parser(
        description="Turn the mail on stdin into a GN6 ticket or comment.",
        epilog=HELP_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-c", dest="settings", metavar="SETTINGS",
                        help="settings: a .py or .yaml file, or a module name")
    parser.add_argument("--dry-run", action="store_true",
                        help="read only: tell on stderr what would be done "
                             "(the GN6 credentials are checked too)")
    commands = parser.add_mutually_exclusive_group()
    commands.add_argument("--replay", nargs="+", metavar="FILE",
                          help="process messages kept in the quarantine again; "
                               "prints the ticket each one reached")
    commands.add_argument("--check", action="store_true",
                          help="check the settings, the state folders and one "
                               "authenticated read of each service")
    commands.add_argument("--status", metavar="ID",
                          help="what the journal knows of a Message-ID or ticket number")
    commands.add_argument("--quarantine", dest="list_quarantine", action="store_true",
                          help="list the quarantined messages, newest first")
    # --check's mailbox login (gateway/reports/imap_probe.py)
    parser.add_argument("--fetchmailrc", metavar="FILE",
                        help="with --check: try the IMAP login of the mailbox this "
                             "fetchmail run file polls")
    commands.add_argument("--missing", type=int, metavar="DAYS",
                          help="journal records of the last DAYS days whose ticket or "
                               "comment the ticket system does not know")
    # -- the journal's move to another engine (gateway/journals/copy.py)
    commands.add_argument("--copy-journal", metavar="JOURNAL",
                          help="copy an existing journal (an SQLite file) into the "
                               "journal the settings name (docs/journal.md)")
    return parser.parse_args(argv)


def _stderr_account(text):
    import time
    sys.stderr.write("%s mailtoticket --dry-run: %s\n"
                     % (time.strftime("%Y-%m-%d %H:%M:%S"), text))
    sys.stderr.flush()


def exit_now(code):
    """Exit without the interpreter's teardown, which frees zeep's and
    lxml's objects one by one (~30 ms of a ~200 ms run). By now every
    journal write is committed, the quarantine fsynced and the message
    echoed; the log and the standard streams are flushed here. Under a
    tracer or profiler (coverage, cProfile) the normal exit is kept, so
    that they can write their results."""
    if not isinstance(code, int) or sys.gettrace() is not None \
            or sys.getprofile() is not None:
        sys.exit(code)
    try:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: let the normal exit report it
        sys.exit(code)
    os._exit(code)


def safe_main():
    """main(), and a bug outside it is still 75 for a delivery: any other
    code makes a mail server bounce the message to its sender."""
    try:
        return main()
    except SystemExit:
        raise
    except BaseException as e:
        log.critical("internal error, the message stays in the mailbox: %s: %s",
                     type(e).__name__, e, exc_info=True)
        return EX_TEMPFAIL

