"""/metrics in the Prometheus text format (the official prometheus_client).

A custom collector computes every family at scrape time from the journals
(what each queue did: its retention window, `dies_journal`) and the
service's status file (what each mailbox sees now), so nothing is kept in
the server's memory and any number of processes can deliver meanwhile.

What is read from a journal is a gauge, never a counter: the journal
forgets messages older than its window, so those counts go down, and a
counter that goes down reads to Prometheus as a restart (rate() and
increase() would jump by the whole count). The true counters (`_total`)
are the service's own, from its status file.
"""
import re

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (CounterMetricFamily, GaugeHistogramMetricFamily,
                                    GaugeMetricFamily)

from web import health as health_module
from web import queries

BUCKETS = (0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600, 86400)
# What an ERROR's reason says went wrong (the ticket system's kind of failure).
ERROR_KINDS = (("refused", re.compile(r"refus|codiRetorn|denied|forbidden|40[0-9]", re.I)),
               ("internal", re.compile(r"internal error", re.I)),
               ("deadline", re.compile(r"deadline|gave up|interrupted|timed? ?out", re.I)))


def error_kind(reason):
    """The kind of an ERROR outcome, from its reason."""
    for kind, pattern in ERROR_KINDS:
        if pattern.search(reason or ""):
            return kind
    return "other"


def deferral_kind(found):
    """The kind of a temporary failure (a `deferred` journal step): the
    system said it took nothing (unavailable), no answer in time
    (timeout), an answer lost after the request left (answer_lost), the
    gateway's own state (local), or other."""
    text = ("%s %s" % (found.get("error") or "", found.get("reason") or "")).lower()
    if found.get("unavailable"):
        return "unavailable"
    if re.search(r"deadline|timed? ?out|gave up|interrupted", text):
        return "timeout"
    if re.search(r"journal|quarantine|lock", text):
        return "local"
    if found.get("sent"):
        return "answer_lost"
    return "other"


class GatewayCollector:
    def __init__(self, config):
        self.config = config

    def collect(self):
        config = self.config
        deliveries = GaugeMetricFamily(
            "mailtoticket_journal_messages", "Messages in the journal's window by queue "
            "and outcome (WAITING: not finished yet)", labels=["queue", "outcome"])
        seconds = GaugeHistogramMetricFamily(
            "mailtoticket_delivery_seconds", "From a message's first attempt to its "
            "outcome, over the journal's window", labels=["queue"])
        errors = GaugeMetricFamily(
            "mailtoticket_bus_error_messages", "Messages in the journal's window whose last "
            "temporary failure (unavailable, timeout, answer_lost, local, other) or whose "
            "ERROR outcome (refused, deadline, internal, other) was of this kind",
            labels=["queue", "kind"])
        retries = GaugeMetricFamily(
            "mailtoticket_journal_retries", "Deliveries beyond the first of each message "
            "in the journal's window", labels=["queue"])
        quarantine = GaugeMetricFamily(
            "mailtoticket_quarantine_messages", "Messages in the quarantine folder",
            labels=["queue"])
        waiting = GaugeMetricFamily(
            "mailtoticket_waiting_messages", "Messages begun and not finished "
            "(a temporary failure)", labels=["queue"])
        oldest = GaugeMetricFamily(
            "mailtoticket_oldest_waiting_seconds", "Age of the oldest message waiting "
            "(queue: in the journal; mailbox: in the mailbox)", labels=["queue", "mailbox"])
        for queue in config.queues:
            journal = queries.journal_of(queue)
            scope = queries.scope(queue, config.queues)
            counts, buckets, total = {}, [0] * len(BUCKETS), 0.0
            kinds, again, finished = {}, 0, 0
            for outcome, created, updated, attempts in journal.entry_times(settings=scope):
                outcome = outcome or queries.WAITING
                counts[outcome] = counts.get(outcome, 0) + 1
                again += max(int(attempts or 1) - 1, 0)
                if outcome != queries.WAITING:
                    elapsed = max(updated - created, 0.0)
                    finished += 1
                    total += elapsed
                    for i, bound in enumerate(BUCKETS):
                        if elapsed <= bound:
                            buckets[i] += 1
            for row in journal.find_entries(outcome="ERROR", limit=10000, settings=scope)[1]:
                kind = error_kind(row["reason"])
                kinds[kind] = kinds.get(kind, 0) + 1
            for found in journal.deferrals(settings=scope):
                kind = deferral_kind(found if isinstance(found, dict) else {})
                kinds[kind] = kinds.get(kind, 0) + 1
            for outcome in queries.OUTCOMES:
                deliveries.add_metric([queue.name, outcome], counts.get(outcome, 0))
            seconds.add_metric([queue.name], [(str(b), n) for b, n in zip(BUCKETS, buckets)]
                               + [("+Inf", finished)], gsum_value=total)
            for kind, n in sorted(kinds.items()):
                errors.add_metric([queue.name, kind], n)
            retries.add_metric([queue.name], again)
            quarantine.add_metric([queue.name],
                                  len(queries.quarantine_list_of(config, queue)))
            count, first = journal.waiting(settings=scope)
            waiting.add_metric([queue.name], count)
            if first:
                import time
                oldest.add_metric([queue.name, ""], max(time.time() - first, 0))
        yield from (deliveries, seconds, errors, retries, quarantine, waiting)
        yield from self.mailbox_families(oldest)

    def mailbox_families(self, oldest):
        import time
        status = health_module.read_status(self.config) or {}
        backlog = GaugeMetricFamily("mailtoticket_backlog_messages", "Messages waiting in the "
                                    "mailbox's folder", labels=["mailbox"])
        failures = CounterMetricFamily("mailtoticket_token_refresh_failures",
                                       "OAuth2 token refreshes that failed",
                                       labels=["mailbox"])
        fetched = GaugeMetricFamily("mailtoticket_last_fetch_ok_timestamp_seconds",
                                    "When the mailbox was last fetched without error",
                                    labels=["mailbox"])
        erring = GaugeMetricFamily("mailtoticket_mailbox_error", "1 while the mailbox's "
                                   "last fetch failed", labels=["mailbox"])
        boxed = CounterMetricFamily("mailtoticket_mailbox_deliveries", "Deliveries by "
                                    "mailbox and outcome (the service's count)",
                                    labels=["mailbox", "outcome"])
        now = time.time()
        for box in status.get("mailboxes") or []:
            if not isinstance(box, dict) or not box.get("name"):
                continue
            name = str(box["name"])
            backlog.add_metric([name], _number(box.get("backlog")))
            failures.add_metric([name], _number(box.get("token_refresh_failures")))
            erring.add_metric([name], 1 if box.get("last_error") else 0)
            age = health_module._age(box.get("last_fetch_ok"), now)
            if age is not None:
                fetched.add_metric([name], now - age)
            waited = health_module._age(box.get("oldest_waiting"), now)
            if waited is not None:
                oldest.add_metric(["", name], max(waited, 0))
            for outcome, n in sorted((box.get("deliveries") or {}).items()):
                boxed.add_metric([name, str(outcome)], _number(n))
        yield from (oldest, backlog, failures, fetched, erring, boxed)


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def registry(config):
    found = CollectorRegistry(auto_describe=False)
    found.register(GatewayCollector(config))
    return found


def render(found_registry):
    return generate_latest(found_registry)
