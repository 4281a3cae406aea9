"""Health: per mailbox (the service's status file) and per queue (the
journal and the quarantine), and overall ok / degraded / failing.

    ok        everything answers, nothing waits for a person      HTTP 200
    degraded  it works, but a person should look: a recent fetch
              error, messages in the quarantine, a message waiting
              longer than avis_ajornament_hores, a backlog         HTTP 200
    failing   mail is not flowing: a mailbox erroring or not
              fetched for `STALE` seconds, the status file stale
              (the service stopped), a journal that cannot be read HTTP 503

A load balancer reads the status code; Nagios reads the first line of
`/health?format=nagios` ("OK - ...", "WARNING - ...", "CRITICAL - ...",
with the code 200/200/503; docs/web.md).
"""
import datetime
import json
import os
import time

from web import queries

OK, DEGRADED, FAILING = "ok", "degraded", "failing"
RANK = {OK: 0, DEGRADED: 1, FAILING: 2}
STALE = 15 * 60          # seconds without a good fetch, or a status update
HTTP_STATUS = {OK: 200, DEGRADED: 200, FAILING: 503}
NAGIOS = {OK: "OK", DEGRADED: "WARNING", FAILING: "CRITICAL"}


def read_status(config):
    """The service's status file as a mapping, or None (an MDA deployment)."""
    try:
        with open(config.status_file, encoding="utf-8") as f:
            data = json.load(f)
        return data if isinstance(data, dict) else None
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        return {"unreadable": str(e), "mailboxes": []}


def _age(text, now):
    if not text:
        return None
    try:
        stamp = datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.astimezone()
    return now - stamp.timestamp()


def mailbox_health(box, now, status_age):
    problems = []
    state = OK
    error_age = _age(box.get("error_since"), now)
    fetch_age = _age(box.get("last_fetch_ok"), now)
    if box.get("last_error"):
        problems.append("error%s: %s" % (
            " for %d s" % error_age if error_age is not None else "", box["last_error"]))
        state = FAILING if error_age is None or error_age >= STALE else DEGRADED
    if fetch_age is None or fetch_age >= STALE:
        problems.append("no good fetch %s" % (
            "yet" if fetch_age is None else "for %d s" % fetch_age))
        state = FAILING
    if status_age is not None and status_age >= STALE:
        problems.append("the service has not updated its status for %d s" % status_age)
        state = FAILING
    if box.get("token_refresh_failures"):
        problems.append("%s token refresh failure(s)" % box["token_refresh_failures"])
        state = max(state, DEGRADED, key=RANK.get)
    if box.get("quarantine_folder_count"):
        state = max(state, DEGRADED, key=RANK.get)
        problems.append("%s message(s) in the quarantine folder"
                        % box["quarantine_folder_count"])
    return {"name": box.get("name"), "status": state, "problems": problems,
            "last_fetch_ok": box.get("last_fetch_ok"), "last_error": box.get("last_error"),
            "error_since": box.get("error_since"), "backlog": box.get("backlog"),
            "oldest_waiting": box.get("oldest_waiting"),
            "quarantine_size": box.get("quarantine_folder_count"),
            "token_refresh_failures": box.get("token_refresh_failures") or 0}


def queue_health(config, queue, now):
    problems, state = [], OK
    settings = queue.settings
    quarantined = len(queries.quarantine_list_of(config, queue))
    waiting = oldest = 0
    try:
        waiting, first = queries.journal_of(queue).waiting(
            settings=queries.scope(queue, config.queues))
        oldest = now - first if first else 0
    except Exception as e:  # any journal failure is this queue's health, never a 500
        return {"name": queue.name, "status": FAILING, "problems": [
            "journal unreadable: %s" % e], "quarantine_size": quarantined,
            "waiting": None, "oldest_waiting_seconds": None}
    if quarantined:
        state = DEGRADED
        problems.append("%d message(s) in the quarantine" % quarantined)
    limit = (settings.get("avis_ajornament_hores") or 24) * 3600
    if waiting and oldest >= limit:
        state = DEGRADED
        problems.append("a message has waited %d h" % (oldest // 3600))
    return {"name": queue.name, "status": state, "problems": problems,
            "quarantine_size": quarantined, "waiting": waiting,
            "oldest_waiting_seconds": int(oldest) if waiting else None}


def health(config, now=None):
    now = now or time.time()
    status = read_status(config)
    boxes = []
    if status is not None:
        status_age = _age(status.get("updated"), now)
        for box in status.get("mailboxes") or []:
            if isinstance(box, dict):
                boxes.append(mailbox_health(box, now, status_age))
        reported = {b["name"] for b in boxes}
        for box in config.mailboxes:
            if box.name not in reported:
                boxes.append({"name": box.name, "status": FAILING, "problems": [
                    "not in the service's status file (not started?)"]})
        if status.get("unreadable"):
            boxes.append({"name": "(status file)", "status": FAILING,
                          "problems": ["unreadable: %s" % status["unreadable"]]})
    queues = [queue_health(config, q, now) for q in config.queues]
    overall = max([OK] + [b["status"] for b in boxes + queues], key=RANK.get)
    return {"status": overall, "service": status is not None,
            "checked": datetime.datetime.fromtimestamp(now).astimezone().isoformat(
                timespec="seconds"),
            "mailboxes": boxes, "queues": queues}


def nagios_text(found):
    parts = ["%s %s: %s" % (kind, item["name"], "; ".join(item["problems"]))
             for kind, items in (("mailbox", found["mailboxes"]), ("queue", found["queues"]))
             for item in items if item["problems"]]
    quarantine = sum(q.get("quarantine_size") or 0 for q in found["queues"])
    return "%s - mailtoticket %s%s | quarantine=%d\n" % (
        NAGIOS[found["status"]], found["status"],
        (": " + " / ".join(parts)) if parts else "", quarantine)


def status_file_path_ok(config):
    return os.path.isfile(config.status_file)
