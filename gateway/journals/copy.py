"""--copy-journal: move a desk's journal to another engine without losing
its exactly-once history.

    mailtoticket.py -c SETTINGS --copy-journal /var/lib/mailtoticket/mailtoticket.sqlite

copies every row of the old journal (all instances: every settings file
that shared it) into the journal SETTINGS name, usually a postgresql://
one. Rows already there are kept, so running it twice, or after the new
journal took its first messages, adds only what is missing. The old file is
only read. Stop the gateways (the cron line) while it runs, and point their
settings at the new journal before starting them again (docs/journal.md).
"""
import os

from gateway.journal import TABLES, Journal, is_url, redacted

BATCH = 1000


def copy(settings, source, say=print):
    """Exit code: 0 copied, 1 nothing to copy or a problem (said)."""
    from gateway.errors import TemporaryFailure
    target = settings.journal_path
    if not is_url(source):
        source = os.path.abspath(source)
        if not os.path.isfile(source):
            say("PROBLEM no journal file at %s" % source)
            return 1
    if source == target:
        say("PROBLEM %s is already the journal these settings use" % redacted(source))
        return 1
    try:
        old = Journal(source, "copy", readonly=True)
        new = Journal.of(settings)
        for table in TABLES:
            rows = old.table_rows(table)
            for start in range(0, len(rows), BATCH):
                new.absorb(table, rows[start:start + BATCH])
            say("OK %s: %d row(s)" % (table, len(rows)))
    except TemporaryFailure as e:
        say("PROBLEM %s" % e)
        return 1
    say("OK copied %s into %s" % (redacted(source), redacted(target)))
    return 0
