"""The provenance line put on top of a new ticket or a comment.

The original tool wrote "[Tiquet creat des del correu de FROM a TO del DATE
a les TIME]" on new tickets and "[Comentari afegit des del correu de FROM
del DATE a les TIME]" on comments; staff read them to know a ticket came by
mail and from which address. The templates are settings
(`plantilla_origen_tiquet`, `plantilla_origen_comentari`; "" leaves the
line out). The date is the message's Date header in local time (now, if it
has none or an unreadable one), as upstream took it.
"""
import datetime
from email.utils import parsedate_to_datetime

from mail.htmltext import escape


def sent_at(message):
    value = message.header("Date")
    try:
        when = parsedate_to_datetime(value)
        return when.astimezone() if when.tzinfo else when
    except (TypeError, ValueError, IndexError, OverflowError):
        return datetime.datetime.now()


def recipient(message):
    """Resent-To before To, as upstream: where the mail was sent."""
    for name in ("Resent-To", "To"):
        found = message.addresses(name)
        if found:
            return found[0]
    return ""


def line(message, template):
    """The HTML paragraph for `template` ('' if the template is empty)."""
    if not template:
        return ""
    when = sent_at(message)
    fields = {"from": message.from_address or "", "to": recipient(message),
              "date": when.strftime("%d/%m/%Y"), "time": when.strftime("%H:%M")}
    try:
        text = template.format(**fields)
    except (KeyError, IndexError, ValueError):
        text = template
    return escape(text, quote=False) + "<br><br>"


def for_ticket(delivery):
    return line(delivery.message, delivery.settings["plantilla_origen_tiquet"])


def for_comment(delivery):
    return line(delivery.message, delivery.settings["plantilla_origen_comentari"])
