"""Which ticket a message replies to: one place for every way of telling.

In order (the first that names a ticket wins):

1. In-Reply-To, then References newest first: each Message-ID matched by
   `regex_message_id` (GN6's notices carry the ticket in theirs; a Jira
   desk's confirmation mail too), as written with its angle brackets and,
   failing that, without them (settings written for bare ids);
2. the subject, by `regex_reply` (re.match, as the original tool: the
   settings' regex says where the tag may sit);
3. the journal's incoming Message-IDs: a reply-all to an earlier incoming
   mail (a Cc'd person, two requesters writing to each other) names that
   mail's Message-ID, and the journal knows which ticket it opened. The
   caller hands in the lookup (`ticket_of_id`); rules never read the journal.

tests/test_reply_match.py holds the table of cases.
"""
import logging
import re

from mail.limits import header_for_match, subject_for_match

log = logging.getLogger("mailtoticket.reply")
# At most this many ids of In-Reply-To / References are looked up in the journal.
JOURNAL_LOOKUPS = 20


def ticket_number(message, settings, ticket_of_id=None):
    """The ticket a message replies to, or None. ticket_of_id(message_id):
    the ticket an earlier incoming message opened, or None."""
    ids = message.in_reply_to + list(reversed(message.references))
    by_id = re.compile(settings["regex_message_id"])
    for message_id in ids:
        value = header_for_match(message_id)
        match = by_id.match(value) or by_id.match(value.strip("<>"))
        if match:
            return match.group(1)
    match = re.match(settings["regex_reply"], subject_for_match(message.subject))
    if match:
        return match.group(1)
    if ticket_of_id is not None:
        # In-Reply-To and the newest References: a reply names its parent
        # last; a hundred-id References need not cost a hundred queries.
        for message_id in ids[:JOURNAL_LOOKUPS]:
            codi = ticket_of_id(message_id)
            if codi:
                log.info("%s opened ticket %s: this message follows it up",
                         message_id, codi)
                return codi
    return None


def without_ticket_tag(subject, settings):
    """The subject without the ticket tag `regex_reply` found in it (the
    bracket around the number, or the number alone)."""
    match = re.match(settings["regex_reply"], subject_for_match(subject))
    if not match:
        return subject
    start, end = match.span(1)
    opening = subject.rfind("[", 0, start)
    closing = subject.find("]", end)
    if opening >= 0 and closing >= 0:
        start, end = opening, closing + 1
    return re.sub(r"\s{2,}", " ", subject[:start] + subject[end:]).strip()
