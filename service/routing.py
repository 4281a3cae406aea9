"""Which queue a message goes to: by recipient, as RT's one alias per queue
or Znuny's dispatch by To.

The envelope recipient, where the mail server recorded it (Delivered-To,
X-Original-To), decides first: it is the address the mail was really
delivered for, whatever To and Cc say (a Bcc, a list). Then To, then Cc.
Within each, the mailbox's routes are tried in their order; a route's
recipients are addresses, domains or ^regexes (mail/addresses.py
`matches`). No match: the mailbox's default queue.
"""
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses

from mail.addresses import matches

ORDER = (("Delivered-To", "X-Original-To"), ("To",), ("Cc",))


def recipients(raw):
    """The message's recipient addresses, lowercased, grouped by ORDER.
    Only the header is parsed, whatever the size of the message."""
    end = raw.find(b"\r\n\r\n")
    end = raw.find(b"\n\n") if end < 0 else end
    head = raw if end < 0 else raw[:end + 2]
    headers = BytesHeaderParser(policy=compat32).parsebytes(head)
    groups = []
    for names in ORDER:
        values = []
        for name in names:
            values += [str(v) for v in headers.get_all(name) or []]
        groups.append([address.strip().lower() for _, address in getaddresses(values)
                       if "@" in address])
    return groups


def queue_for(mailbox, raw):
    """(queue, why) for the message `raw` read from `mailbox`."""
    if mailbox.routes:
        for group in recipients(raw):
            for route in mailbox.routes:
                for address in group:
                    if matches(address, route.recipients):
                        return route.queue, "recipient %s" % address
    return mailbox.queue, "default queue"
