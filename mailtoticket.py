#!/usr/bin/env python3
"""mailtoticket: one mail on stdin becomes a GN6 ticket, or a comment on one.

Run as fetchmail's MDA (see fetchmailrc.example):

    mailtoticket.py [-c SETTINGS] [--dry-run] [--replay FILE...]

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
    args = parse_args(argv)
    records = logs.setup()
    raw = b"" if args.replay else sys.stdin.buffer.read()
    try:
        from gateway import settings as settings_module
        settings = settings_module.load(args.settings)
    except SettingsError as e:
        log.error("%s; message left in the mailbox", e)
        if not args.replay:
            echo.write(sys.stdout.buffer, raw, None)
        return EX_TEMPFAIL
    logs.to_file(settings)
    account = _stderr_account if args.dry_run else None
    if args.replay:
        return replay(args.replay, settings, records, account)
    result = deliver(raw, settings, records, account=account)
    if account:
        account("outcome: %s %s" % (result.header or "temporary failure (exit 75)",
                                    result.reason))
    if not settings["no_escriure_sortida"]:
        echo.write(sys.stdout.buffer, raw, result.header)
    return result.exit_code


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Turn the mail on stdin into a GN6 ticket or comment.")
    parser.add_argument("-c", dest="settings", metavar="SETTINGS",
                        help="settings: a .py or .yaml file, or a module name")
    parser.add_argument("--dry-run", action="store_true",
                        help="read only: tell on stderr what would be done")
    parser.add_argument("--replay", nargs="+", metavar="FILE",
                        help="process messages kept in the quarantine again")
    return parser.parse_args(argv)


def deliver(raw, settings, records, account=None, replaying=False):
    """What happened to one message; never raises."""
    deadline = Deadline(settings["temps_maxim_execucio"])
    deadline.arm_alarm()
    try:
        return handle(raw, settings, deadline, records, account, replaying)
    except (TemporaryFailure, RunInterrupted) as e:
        log.warning("temporary failure, the message stays in the mailbox: %s", e)
        from gateway import poison
        if poison.counts(e, deadline) and not account:
            Deadline.disarm_alarm()
            quarantined = poison.hit(raw, settings, records, e, deadline)
            if quarantined:
                return quarantined
        return temporary(str(e))
    except Exception as e:  # a bug outside the chain: keep the message, say why
        log.exception("internal error")
        return keep_after_bug(raw, settings, records, e)
    finally:
        Deadline.disarm_alarm()


def handle(raw, settings, deadline, records, account, replaying):
    from gateway import automatic
    from gateway.journal import Journal, message_key
    from gateway.message import Message
    from gateway.senders import Senders
    from gateway.limits import head_only, too_big
    from soa.identitat import GestioIdentitat

    oversize = too_big(raw, settings)   # named by its headers, never parsed whole
    message = Message(head_only(raw) if oversize else raw)
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
            log.info("already handled (%s): nothing done again", entry.outcome)
            return Outcome(entry.outcome, "already handled")
        if oversize:
            result = Outcome(REJECT, oversize)
        else:
            result = ticket_work(message, settings, deadline, journal, entry, senders,
                                 account, replaying)
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
    tiquets = GestioTiquets(settings, deadline)
    if account:
        from gateway.dryrun import DryRunTiquets
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
    for dotted in delivery.settings["filtres"]:
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
    --dry-run: what a replay would do, and nothing done)."""
    from gateway import quarantine as q
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
        print("%s: %s %s" % (path, result.header or "TEMPORARY FAILURE", result.reason))
        if result.header == SUCCESS and not account and \
                in_folder(path, settings.quarantine_path):
            q.mark_replayed(path)
        if result.header is None:
            code = EX_TEMPFAIL
    return code


def in_folder(path, folder):
    return os.path.isdir(folder) and os.path.samefile(
        os.path.dirname(os.path.abspath(path)), folder)


def _stderr_account(text):
    sys.stderr.write("mailtoticket --dry-run: %s\n" % text)
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


if __name__ == "__main__":
    exit_now(main())
