"""The pipeline: what happens to one message, from its bytes to its Outcome.

    deliver(run, raw) -> Outcome        one message (never raises)
    replay(run, paths) -> exit code     --replay: quarantined files again

mailtoticket.py is the command line around these two. The order of work:
the message is parsed (never fails: mail/message.py), skipped if it is
automatic mail, else its journal entry is taken (under its lock) and the
filter chain runs on a Delivery (gateway/delivery.py) whose ticket system
journals every write (gateway/writes/journalled.py). What the run's mode changes
(dry run, replay) is decided by the Run (gateway/run.py), nowhere here.

Imports are made where a message first needs them: a skipped message never
pays for SOAP, a plain one never for the quarantine.
"""
import logging
import time

from gateway.deadline import Deadline, RunInterrupted
from gateway.errors import PermanentFailure, Rejected, SettingsError, TemporaryFailure
from gateway.journal import MessageBusy
from gateway.outcome import (ERROR, REJECT, SKIP, SUCCESS, EX_TEMPFAIL, Outcome, elsewhere,
                             temporary)
from failures import ConfigurationFailure, CredentialsRefused, Refused

log = logging.getLogger("mailtoticket")


def deliver(run, raw):
    """What happened to one message; never raises. Ends with its summary
    line in the log (gateway/reports/summary.py)."""
    started = time.monotonic()
    facts = {}
    deadline = Deadline(run.settings["temps_maxim_execucio"])
    deadline.arm_alarm()
    try:
        result = handle(run, raw, deadline, facts)
    except CredentialsRefused as e:
        run.credentials_refused(e, raw)
        result = temporary(str(e))
    except ConfigurationFailure as e:   # the settings name what is not there
        run.configuration_failure(e, raw)
        result = temporary(str(e))
    except MessageBusy as e:
        log.info("%s: the message is left to it", e)
        result = elsewhere(str(e))
    except (TemporaryFailure, RunInterrupted) as e:
        log.warning("temporary failure, the message stays in the mailbox: %s", e)
        result = run.poisoned(raw, e, deadline) or temporary(str(e))
    except Exception as e:  # a bug outside the chain: keep the message, say why
        log.exception("internal error")
        result = run.keep_after_bug(raw, e)
    finally:
        Deadline.disarm_alarm()
    run.summary(facts, result, time.monotonic() - started)
    result.facts = facts
    return result


class Defects:
    """What the message side could not read (mail/message.py `defects`: it
    never raises, it records), each logged once at WARNING: before the
    quarantine copies the log, and at the end for those found later."""

    def __init__(self):
        self.message = None
        self.told = 0

    def tell(self):
        found = self.message.defects if self.message is not None else []
        for defect in found[self.told:]:
            log.warning("defect in the message: %s", defect)
        self.told = len(found)


def handle(run, raw, deadline, facts):
    defects = Defects()
    try:
        return _handle(run, raw, deadline, facts, defects)
    finally:
        defects.tell()


def _handle(run, raw, deadline, facts, defects):
    from rules import automatic
    from gateway.delivery import Delivery
    from gateway.journal import message_key
    from mail.limits import head_only, too_big
    from mail.message import Message
    from rules.senders import Senders

    settings = run.settings
    oversize = too_big(raw, settings)   # named by its headers, never parsed whole
    message = Message(head_only(raw) if oversize else raw)
    delivery = Delivery(run, message, deadline)
    defects.message = message
    facts.update(message_id=message.message_id, sender=message.from_address)
    log.info("message %s from %s: %r", message.message_id, message.from_address,
             message.subject)
    delivery.senders = Senders(settings, run.directory(deadline))
    reason = None if oversize else automatic.skip_reason(message, settings,
                                                         delivery.senders.canonical)
    if reason:
        log.info("SKIP: %s", reason)
        return Outcome(SKIP, reason)

    delivery.journal = run.journal()
    key = message_key(raw, message.message_id)
    with delivery.journal.entry(key, message.message_id, run.lock_wait(),
                                deadline) as entry:
        delivery.entry = entry
        facts["state"] = entry.state
        if not entry.state:     # a new entry: who, what and which queue, for staff (web/)
            from gateway.steps import MESSAGE
            entry.note(MESSAGE, {"from": message.from_address,
                                 "subject": (message.subject or "")[:300],
                                 "date": message.header("Date"),
                                 "settings": getattr(settings, "real_path", None)})
        if entry.outcome and not run.handles_again(entry.outcome):
            return run.already_handled(entry)
        try:
            result = Outcome(REJECT, oversize) if oversize else ticket_work(delivery)
        except TemporaryFailure as e:
            note_deferral(entry, e)
            run.deferred(entry, e, raw)
            raise
        defects.tell()                  # before the quarantine copies the log
        if result.quarantined:
            run.quarantine(raw, entry, result)
        run.finish(entry, result)
        log.info("%s: %s", result.header, result.reason)
        return result


def note_deferral(entry, error):
    """The message's last temporary failure, for staff (web/: the bus
    error metrics, one message's page). A journal that cannot take it
    is already the failure being reported."""
    from gateway.steps import DEFERRED
    try:
        entry.note(DEFERRED, {"error": type(error).__name__, "reason": str(error)[:300],
                              "sent": getattr(error, "sent", None),
                              "unavailable": getattr(error, "unavailable", None),
                              "time": time.time()})
    except TemporaryFailure as e:
        log.debug("deferral not noted: %s", e)


def ticket_work(delivery):
    """Run the filter chain; SUCCESS, REJECT or ERROR (temporary failures raise)."""
    message, settings = delivery.message, delivery.settings
    if not message.is_readable():
        return Outcome(REJECT, "unreadable message: no sender, no content, or not mail")
    from rules import spam
    rejected = spam.rule_reason(message, settings, "REJECT")
    if rejected:
        return Outcome(REJECT, rejected)
    delivery.tickets = delivery.run.ticket_system(delivery)
    sender = delivery.sender = resolve_sender(delivery)
    delivery.say("sender %s resolved to %s (%s)", sender.address, sender.user,
                 sender.how)
    from rules.sender_lists import refusal
    refused = refusal(settings, [sender.address, delivery.senders.canonical(
        message.from_address)])
    if refused:
        return Outcome(SKIP, refused)
    try:
        filtre = resumed_filter(delivery) or chosen_filter(delivery)
        if filtre is None:
            return Outcome(REJECT, "no filter applies (sender %s, user %s)"
                           % (sender.address, sender.user))
        filtre.filtrar()
        return Outcome(SUCCESS, "handled by %s" % filtre)
    except Refused as e:
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
    from gateway.steps import FILTRE
    started = delivery.entry.get(FILTRE)
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
    from rules.bounces import looks_like_bounce
    from gateway.steps import FILTRE
    chain = [rebot.DOTTED] if looks_like_bounce(delivery.message) else []
    chain += delivery.settings["filtres"]
    # Every class the chain names is loaded before any is asked: one that
    # cannot be is a configuration failure for every message alike, not
    # only for those that would have reached it.
    classes = [load_filter(dotted) for dotted in chain]
    for dotted, cls in zip(chain, classes):
        filtre = cls(delivery)
        if filtre.es_aplicable():
            delivery.say("filter %s applies", filtre)
            state = filtre.state()
            # Bookkeeping: committed with the entry's next write (Entry.note)
            delivery.entry.note(FILTRE, {"class": dotted, "state": state})
            filtre.restore(state)
            return filtre
    return None


def resolve_sender(delivery):
    """Reply-To before From; for a new message forwarded by a `reenviaments`
    address, the original sender (never the support mailbox itself)."""
    from mail.addresses import matches
    message, settings, senders = delivery.message, delivery.settings, delivery.senders
    sender = senders.sender_of(message)
    forwarders = settings["reenviaments"]
    if forwarders and (matches(sender.address, forwarders) or
                       matches(senders.canonical(message.from_address), forwarders)):
        from rules.reply_match import ticket_number
        from mail.forward import original_sender
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


def replay(run, paths):
    """--replay: messages from the quarantine, again, exactly once (with
    --dry-run: what a replay would do, and nothing done). Prints the
    outcome and the ticket each one reached; exit 0 when all went through,
    1 when one is still REJECT/ERROR, 75 when one hit a temporary failure."""
    from gateway.reports.summary import ticket_of
    run = run.clone(replay=True)
    code = 0
    for path in paths:
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError as e:
            log.error("cannot read %s: %s", path, e)
            code = EX_TEMPFAIL
            continue
        run.records.lines.clear()   # each message's quarantine copy gets its own log
        result = deliver(run, raw)
        ticket = ticket_of(result.facts.get("state") or {})
        print("%s: %s%s %s" % (path, result.header or "TEMPORARY FAILURE",
                               " ticket %s" % ticket if ticket else "", result.reason),
              flush=True)
        run.replayed(path, result)
        if result.header is None:
            code = EX_TEMPFAIL
        elif result.quarantined and code == 0:
            code = 1
    return code
