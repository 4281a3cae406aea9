"""One line per message in log_file, whatever log_level: what an admin
greps for first.

    summary: message-id=<...> from=anna@upc.edu outcome=SUCCESS ticket=123
             comments=1 attachments=2 elapsed=0.41s

A --dry-run line starts with "DRY-RUN summary:" and says outcome=WOULD-...,
so that it is never taken for work done.
"""
import logging

from gateway import steps
from gateway.logs import SUMMARY

log = logging.getLogger(SUMMARY)


def ticket_of(state):
    """The ticket a message's journal state reached (None: none)."""
    if state.get(steps.TICKET):
        return str(state[steps.TICKET])
    for step in state:
        if steps.is_comment(step):
            return step.split(":")[1]
    filtre = state.get(steps.FILTRE) or {}
    codi = (filtre.get("state") or {}).get("codi") if isinstance(filtre, dict) else None
    return str(codi) if codi else None


def counts(state):
    """(comments, attachments) the journal records as done."""
    done = [s for s in state if state[s] is not None]
    return (sum(1 for s in done if steps.is_comment(s)),
            sum(1 for s in done if steps.is_attachment(s)))


def line(facts, result, elapsed, dry_run=False):
    state = facts.get("state") or {}
    comments, attachments = counts(state)
    outcome = result.header or "DEFERRED"
    text = "message-id=%s from=%s outcome=%s ticket=%s comments=%d attachments=%d " \
           "elapsed=%.2fs" % (facts.get("message_id") or "-", facts.get("sender") or "-",
                              ("WOULD-" + outcome) if dry_run else outcome,
                              ticket_of(state) or "-", comments, attachments, elapsed)
    if result.header is None or result.quarantined:
        text += " reason=%s" % (result.reason or "-").replace("\n", " ")[:300]
    log.info("%s %s", "DRY-RUN summary:" if dry_run else "summary:", text)
