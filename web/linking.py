"""Link by hand: staff name the ticket a message belongs to, and the
message becomes a comment on it (BMC Hub's "link e-mail to ticket").

It goes the way of every write: the message's own journal entry (under its
lock), the journalled ticket system, the comment filter's text and
attachments. So it happens exactly once: a second link of the same
message to the same ticket finds the comment's step done and writes
nothing, and one cut short (a bus outage) finishes what is missing when
asked again. The entry then says SUCCESS, with who linked it.

Run as its own process by the web server (web/actions.py), as --replay is,
so that the ticket system's libraries, the run's deadline alarm and the
settings' log file are those of a delivery:

    python -m web.linking -c SETTINGS --ticket CODI --by WHO FILE

Exit 0 linked (or already), 1 refused (no such ticket, the loop guard...),
75 a temporary failure: ask again later. One JSON line on stdout says what.
"""
import argparse
import json
import sys
import time

from filtres.reply import FiltreReply


class LinkByHand(FiltreReply):
    """The reply filter on the ticket staff chose: no ticket number in the
    message is needed, and the sender need not be a party of the ticket
    (staff vouch for it)."""

    def __init__(self, delivery, codi, ticket):
        super().__init__(delivery)
        self.codi, self.ticket = codi, ticket
        self.author = self.comment_author() or ticket.requester
        self.solicitant = ticket.requester
        self.origin = None
        self.stranger = None

    def es_aplicable(self):
        return True


def link(run, raw, codi, who):
    """(outcome, text): "SUCCESS" once the comment is on ticket `codi`;
    raises TemporaryFailure (try again) and Refused/Rejected (no)."""
    from gateway import steps
    from gateway.deadline import Deadline
    from gateway.delivery import Delivery
    from gateway.errors import Rejected
    from gateway.journal import message_key
    from gateway.outcome import SUCCESS
    from gateway.pipeline import resolve_sender
    from mail.message import Message
    from rules.senders import Senders

    settings = run.settings
    deadline = Deadline(settings["temps_maxim_execucio"])
    message = Message(raw)
    delivery = Delivery(run, message, deadline)
    delivery.senders = Senders(settings, run.directory(deadline))
    delivery.journal = run.journal()
    key = message_key(raw, message.message_id)
    with delivery.journal.entry(key, message.message_id, settings["espera_bloqueig"],
                                deadline) as entry:
        delivery.entry = entry
        name = steps.linked(codi)
        if (entry.get(name) or {}).get("done"):
            return SUCCESS, "already linked to ticket %s" % codi
        delivery.tickets = run.ticket_system(delivery)
        delivery.sender = resolve_sender(delivery)
        ticket = delivery.ticket(codi)
        if ticket is None:
            raise Rejected("ticket %s does not exist" % codi)
        entry.record(name, {"by": who, "time": time.time(), "done": False})
        LinkByHand(delivery, codi, ticket).filtrar()
        entry.record(name, {"by": who, "time": time.time(), "done": True})
        reason = "linked by hand to ticket %s by %s" % (codi, who)
        entry.finish(SUCCESS, reason)
        return SUCCESS, reason


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m web.linking")
    parser.add_argument("-c", dest="settings", required=True)
    parser.add_argument("--ticket", required=True)
    parser.add_argument("--by", required=True)
    parser.add_argument("file")
    args = parser.parse_args(argv)
    from failures import Refused, TemporaryFailure
    from gateway import logs, settings as settings_module
    from gateway.errors import PermanentFailure, Rejected, SettingsError
    from gateway.run import Run
    records = logs.setup()
    try:
        settings = settings_module.load(args.settings)
        logs.to_file(settings)
        with open(args.file, "rb") as f:
            raw = f.read()
        outcome, text = link(Run(settings, records), raw, args.ticket, args.by)
        code = 0
    except (TemporaryFailure, SettingsError, OSError) as e:
        outcome, text, code = None, "temporary failure: %s" % e, 75
    except (Refused, Rejected, PermanentFailure) as e:
        outcome, text, code = "REFUSED", str(e), 1
    import logging
    logging.getLogger("mailtoticket").info("link by hand of %s to %s by %s: %s %s",
                                           args.file, args.ticket, args.by, outcome, text)
    print(json.dumps({"outcome": outcome, "detail": text}), flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
