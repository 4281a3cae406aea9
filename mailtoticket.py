#!/usr/bin/env python3
"""mailtoticket: one mail on stdin becomes a GN6 ticket, or a comment on one.

Run as fetchmail's MDA (see fetchmailrc.example):

    mailtoticket.py [-c SETTINGS] [--dry-run] [--replay FILE...]
    mailtoticket.py [-c SETTINGS] --check | --status ID | --quarantine

The message is echoed on stdout with an `X-Mailtoticket:` header saying what
happened. Exit 0 acknowledges the message (fetchmail deletes it) and is only
given once the work is durable: the ticket work done and journalled, or the
message kept in the quarantine. Exit 75 means "try again at the next poll".
The names are public: ../shared/settings-contract.md.
"""
import argparse
import logging
import os
import sys

from gateway import echo, logs
from gateway.deadline import Deadline, RunInterrupted
from gateway.errors import PermanentFailure, Rejected, SettingsError, TemporaryFailure
from gateway.outcome import ERROR, REJECT, SKIP, SUCCESS, EX_TEMPFAIL, Outcome, temporary

log = logging.getLogger("mailtoticket")


def main(argv=None):
    # Mail is personal data: whatever the caller's umask, the journal, the
    # quarantine, the WSDL cache and the logs made here are owner-only.
    os.umask(0o077)
    records = logs.setup()
    args = parse_args(argv)
    delivering = not (args.replay or args.check or args.status or args.list_quarantine)
    raw = sys.stdin.buffer.read() if delivering else b""
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
        log.error("%s; message left in the mailbox", e)
        return EX_TEMPFAIL if delivering else 1
    logs.to_file(settings, dry_run=args.dry_run)
    for warning in settings.warnings:
        log.warning("%s", warning)
    if not delivering:
        return admin_command(args, settings, records)
    account = _stderr_account if args.dry_run else None
    result = deliver(raw, settings, records, account=account)
    if account:
        account("outcome: %s %s" % (result.header or "temporary failure (exit 75)",
                                    result.reason))
    if not settings["no_escriure_sortida"]:
        echo.write(sys.stdout.buffer, raw, result.header)
    return result.exit_code


def admin_command(args, settings, records):
    from gateway import admin
    if args.check:
        return admin.check(settings)
    if args.status:
        return admin.status(settings, args.status)
    if args.list_quarantine:
        return admin.quarantine(settings)
    account = _stderr_account if args.dry_run else None
    return replay(args.replay, settings, records, account)


HELP_EPILOG = """\
exit codes:
  delivering a message (stdin): 0  done (SUCCESS, SKIP, or kept in the
                                   quarantine as REJECT/ERROR)
                                75 try again later (bus down, credentials
                                   refused, settings unreadable, bad option):
                                   the message stays in the mailbox
  --replay:                     0 every message SUCCESS/SKIP, 1 one still
                                REJECT/ERROR, 75 one hit a temporary failure
  --check, --status, --quarantine: 0 all well / found, 1 a problem / nothing

settings are read from: -c SETTINGS, else $MAILTOTICKET_SETTINGS, else
settings_default.py beside mailtoticket.py (a .py file defining `settings`,
a .yaml file, or a module name). Every key: settings_sample.py.

docs: README.md, docs/deployment.md (install, cron, day to day),
../shared/settings-contract.md (the public interface)
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
    return parser.parse_args(argv)


def deliver(raw, settings, records, account=None, replaying=False):
    """What happened to one message; never raises. Ends with its summary
    line in the log (gateway/summary.py)."""
    import time
    from gateway import summary
    from soa.errors import CredentialsRefused
    started = time.monotonic()
    facts = {}
    deadline = Deadline(settings["temps_maxim_execucio"])
    deadline.arm_alarm()
    try:
        result = handle(raw, settings, deadline, records, account, replaying, facts)
    except CredentialsRefused as e:
        from gateway import alerts
        if not account:
            alerts.credentials_refused(settings, e, raw, records.text())
        result = temporary(str(e))
    except (TemporaryFailure, RunInterrupted) as e:
        log.warning("temporary failure, the message stays in the mailbox: %s", e)
        from gateway import poison
        result = None
        if poison.counts(e, deadline) and not account:
            Deadline.disarm_alarm()
            result = poison.hit(raw, settings, records, e, deadline)
        result = result or temporary(str(e))
    except Exception as e:  # a bug outside the chain: keep the message, say why
        log.exception("internal error")
        result = keep_after_bug(raw, settings, records, e)
    finally:
        Deadline.disarm_alarm()
    summary.line(facts, result, time.monotonic() - started, dry_run=bool(account))
    result.facts = facts
    return result


def handle(raw, settings, deadline, records, account, replaying, facts):
    from gateway import automatic
    from gateway.journal import Journal, message_key
    from gateway.message import Message
    from gateway.senders import Senders
    from gateway.limits import head_only, too_big
    from soa.identitat import GestioIdentitat

    oversize = too_big(raw, settings)   # named by its headers, never parsed whole
    message = Message(head_only(raw) if oversize else raw)
    facts.update(message_id=message.message_id, sender=message.from_address)
    log.info("message %s from %s: %r", message.message_id, message.from_address,
             message.subject)
    senders = Senders(settings, lambda: GestioIdentitat(settings, deadline))
    reason = None if oversize else automatic.skip_reason(message, settings,
                                                         senders.canonical)
    if reason:
        log.info("SKIP: %s", reason)
        return Outcome(SKIP, reason)

    journal = Journal(settings.journal_path, settings.instance, readonly=bool(account),
                      keep_days=settings["dies_journal"])
    key = message_key(raw, message.message_id)
    with journal.entry(key, message.message_id, settings["espera_bloqueig"],
                       deadline) as entry:
        if entry.outcome and not (replaying and entry.outcome in (REJECT, ERROR)):
            facts["state"] = entry.state
            log.info("already handled (%s): nothing done again", entry.outcome)
            return Outcome(entry.outcome, "already handled")
        facts["state"] = entry.state
        try:
            if oversize:
                result = Outcome(REJECT, oversize)
            else:
                result = ticket_work(message, settings, deadline, journal, entry,
                                     senders, account, replaying)
        except TemporaryFailure as e:
            from gateway import alerts
            from soa.errors import CredentialsRefused
            if not account and not isinstance(e, CredentialsRefused):
                alerts.deferred(settings, entry, str(e), raw, records.text())
            raise
        if result.quarantined:
            quarantine(raw, settings, entry, result, records, account)
        if not account:
            entry.finish(result.header, result.reason)
        log.info("%s: %s", result.header, result.reason)
        return result


def ticket_work(message, settings, deadline, journal, entry, senders, account,
                replaying):
    """Run the filter chain; SUCCESS, REJECT or ERROR (temporary failures raise)."""
    from gateway.delivery import Delivery
    from soa.errors import Refusal
    from soa.tiquets import GestioTiquets

    if not message.is_readable():
        return Outcome(REJECT, "unreadable message: no sender, no content, or not mail")
    from gateway import spam
    rejected = spam.rule_reason(message, settings, "REJECT")
    if rejected:
        return Outcome(REJECT, rejected)
    tiquets = GestioTiquets(settings, deadline)
    if account:
        from gateway.admin import probe_gn6
        from gateway.dryrun import DryRunTiquets
        account("GN6: %s" % probe_gn6(settings, deadline))   # --dry-run proves them
        tiquets = DryRunTiquets(tiquets, account)
    sender = resolve_sender(message, settings, senders)
    delivery = Delivery(message, settings, journal, entry, tiquets, senders, sender,
                        dry_run=bool(account), account=account, replaying=replaying)
    delivery.say("sender %s resolved to %s (%s)", sender.address, sender.user,
                 sender.how)
    try:
        filtre = resumed_filter(delivery) or chosen_filter(delivery)
        if filtre is None:
            return Outcome(REJECT, "no filter applies (sender %s, user %s)"
                           % (sender.address, sender.user))
        filtre.filtrar()
        return Outcome(SUCCESS, "handled by %s" % filtre)
    except Refusal as e:
        return Outcome(ERROR, str(e))
    except Rejected as e:
        return Outcome(REJECT, str(e), notice=getattr(e, "notice", None))
    except PermanentFailure as e:
        return Outcome(ERROR, str(e))
    except TemporaryFailure:
        raise
    except Exception as e:  # a bug must not lose the message: keep it, say why
        log.exception("internal error")
        return Outcome(ERROR, "internal error: %s: %s" % (type(e).__name__, e))


def resumed_filter(delivery):
    """The filter an earlier delivery of this message began writing with: it
    finishes the work, whatever the chain would say now."""
    started = delivery.entry.get("filtre")
    if not started or not delivery.entry.has_progress():
        return None  # nothing written yet: the chain decides afresh
    filtre = load_filter(started["class"])(delivery)
    filtre.restore(started["state"])
    delivery.say("resuming %s from an earlier delivery", filtre)
    return filtre


def chosen_filter(delivery):
    """The first filter of the chain that applies, its decision journalled
    before it writes anything."""
    from filtres import rebot
    from gateway.bounces import looks_like_bounce
    first = [rebot.DOTTED] if looks_like_bounce(delivery.message) else []
    for dotted in first + delivery.settings["filtres"]:
        filtre = load_filter(dotted)(delivery)
        if filtre.es_aplicable():
            delivery.say("filter %s applies", filtre)
            state = filtre.state()
            delivery.entry.record("filtre", {"class": dotted, "state": state})
            filtre.restore(state)
            return filtre
    return None


def resolve_sender(message, settings, senders):
    """Reply-To before From; for a new message forwarded by a `reenviaments`
    address, the original sender (never the support mailbox itself)."""
    from gateway.addresses import matches
    sender = senders.sender_of(message)
    forwarders = settings["reenviaments"]
    if forwarders and (matches(sender.address, forwarders) or
                       matches(senders.canonical(message.from_address), forwarders)):
        from filtres.reply import ticket_number
        from gateway.forward import original_sender
        original = senders.canonical(original_sender(message))
        own = [senders.canonical(a) for a in settings["mail_suport"]]
        if original and original not in own and not ticket_number(message, settings):
            log.info("forward from %s: the original sender %s is the requester",
                     sender.address, original)
            return senders.sender_of(message, override=original)
    return sender


def load_filter(dotted):
    import filtres
    try:
        return filtres.load(dotted)
    except (ImportError, AttributeError, ValueError) as e:
        raise SettingsError("settings key 'filtres': cannot load %r: %s" % (dotted, e))


def quarantine(raw, settings, entry, result, records, account):
    """Keep the message (durably, before the exit 0), and tell the admin once."""
    from gateway import notify, quarantine as q
    if account:
        account("would keep the message in the quarantine %s" % settings.quarantine_path)
        return
    path = q.keep(settings.quarantine_path, raw, entry.key, result.header,
                  result.reason, records.text())
    log.warning("%s: %s; kept in %s", result.header, result.reason, path)
    notify.tell_admin_once(settings, entry, result, path, raw, records.text())


def keep_after_bug(raw, settings, records, error):
    import hashlib
    from gateway import quarantine as q
    reason = "internal error: %s: %s" % (type(error).__name__, error)
    try:
        q.keep(settings.quarantine_path, raw, hashlib.sha256(raw).hexdigest(),
               ERROR, reason, records.text())
    except TemporaryFailure as e:
        return temporary("%s (and %s)" % (reason, e))
    return Outcome(ERROR, reason)


def replay(paths, settings, records, account=None):
    """--replay: messages from the quarantine, again, exactly once (with
    --dry-run: what a replay would do, and nothing done). Prints the
    outcome and the ticket each one reached; exit 0 when all went through,
    1 when one is still REJECT/ERROR, 75 when one hit a temporary failure."""
    from gateway import quarantine as q
    from gateway.summary import ticket_of
    code = 0
    for path in paths:
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError as e:
            log.error("cannot read %s: %s", path, e)
            code = EX_TEMPFAIL
            continue
        records.lines.clear()   # each message's quarantine copy gets its own log
        result = deliver(raw, settings, records, account=account, replaying=True)
        ticket = ticket_of(result.facts.get("state") or {})
        print("%s: %s%s %s" % (path, result.header or "TEMPORARY FAILURE",
                               " ticket %s" % ticket if ticket else "", result.reason),
              flush=True)
        if result.header == SUCCESS and not account and \
                in_folder(path, settings.quarantine_path):
            q.mark_replayed(path)
        if result.header is None:
            code = EX_TEMPFAIL
        elif result.quarantined and code == 0:
            code = 1
    return code


def in_folder(path, folder):
    return os.path.isdir(folder) and os.path.samefile(
        os.path.dirname(os.path.abspath(path)), folder)


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
    except Exception:  # e.g. a closed pipe: let the normal exit report it
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


if __name__ == "__main__":
    exit_now(safe_main())
