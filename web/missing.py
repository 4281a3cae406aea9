"""Missing tickets (Ticket Manager's check): for the last N days, every
journal record whose ticket or comment the ticket system does not know.

    mailtoticket.py -c SETTINGS --missing DAYS      (exit 0 none, 1 some, 75 unreachable)
    GET /api/missing?days=N                          (admin role)

The ticket system is asked through the run's back-end (GN6 or Jira,
reads only): a ticket it cannot find is missing; so is a comment whose
ticket it cannot find, and, where the back-end can be asked about a
comment (Jira: the comment's marker), a comment it does not have. GN6
cannot be asked about one comment: its ticket is checked.
"""
import time
from types import SimpleNamespace

from gateway import steps


def check(queues, days, now=None, config=None):
    """{"days", "since", "checked", "missing": [...], "problems": [...]};
    with a service's config, its processed folders too (web/folders.py)."""
    from failures import TemporaryFailure
    from gateway.deadline import Deadline
    from gateway.logs import RunRecords
    from gateway.run import Run
    from web import queries
    since = (now or time.time()) - days * 86400
    found = {"days": days, "since": queries.iso(since), "checked": 0, "missing": [],
             "problems": []}
    for queue, members in queries.groups(queues):
        settings = queue.settings
        journal = queries.journal_of(queue)
        _, rows = journal.find_entries(since=since, limit=100000)
        if not rows:
            continue
        holder = SimpleNamespace(deadline=None, entry=None, settings=settings)
        known = {}
        try:
            # one deadline for the whole queue: each read gets timeout_soa
            holder.deadline = Deadline(settings["timeout_soa"] * (len(rows) + 2) + 5)
            backend = Run(settings, RunRecords()).ticket_system(holder).backend
        except TemporaryFailure as e:
            found["problems"].append("%s: ticket system unreachable: %s" % (queue.name, e))
            continue
        written = backend.written if backend.tells_written() else None
        for row in rows:
            state = journal.state_of(row["key"])
            writes = [(steps.TICKET, str(state[steps.TICKET]))] if state.get(steps.TICKET) \
                else []
            writes += [("comment", name.split(":")[1]) for name in state
                       if steps.is_comment(name)]
            for kind, codi in writes:
                found["checked"] += 1
                try:
                    holder.entry = SimpleNamespace(key=row["key"])
                    if codi not in known:
                        known[codi] = backend.find(codi) is not None
                    why = None
                    if not known[codi]:
                        why = "ticket %s unknown to the ticket system" % codi
                    elif kind == "comment" and written is not None and \
                            written("comment", codi) is None:
                        why = "comment on ticket %s not found" % codi
                except TemporaryFailure as e:
                    found["problems"].append("%s: ticket %s: %s" % (queue.name, codi, e))
                    continue
                if why:
                    item = queries.summary(queries.queue_of_row(members, row), row, state)
                    item.update(kind=kind, missing_ticket=codi, why=why)
                    found["missing"].append(item)
    if config is not None and any(b.processed_folder for b in config.mailboxes):
        from web import folders
        seen = folders.unjournalled(config, days, now)
        found["checked"] += seen["checked"]
        found["skipped"] = seen["skipped"]
        found["missing"] += seen["missing"]
        found["problems"] += seen["problems"]
    return found


def command(settings, days):
    """--missing DAYS: one line per missing write; exit 0 none, 1 some, 75
    when the ticket system could not be asked."""
    from web.config import Queue, _safe_name
    import os
    name = _safe_name(os.path.splitext(os.path.basename(settings.path or "settings"))[0])
    return report([Queue(name, settings)], days)


def report(queues, days, config=None):
    """Print the check; its exit code (see command)."""
    if days <= 0:
        print("--missing: DAYS must be a positive number", flush=True)
        return 1
    found = check(queues, days, config=config)
    for item in found["missing"]:
        print("MISSING %s  %s  %s  from %s  %r  (%s)" % (
            item["first"], item["message_id"] or "-", item["why"], item["sender"] or "-",
            item["subject"] or "", item.get("outcome") or "not journalled"), flush=True)
    for problem in found["problems"]:
        print("PROBLEM %s" % problem, flush=True)
    print("%s: %d write(s) checked since %s, %d missing" % (
        "MISSING" if found["missing"] else ("PROBLEM" if found["problems"] else "OK"),
        found["checked"], found["since"], len(found["missing"])), flush=True)
    if found["problems"] and not found["missing"]:
        return 75
    return 1 if found["missing"] else 0
