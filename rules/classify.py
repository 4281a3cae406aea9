"""Parameters of a new ticket from the settings' rules.

`valors_defecte` tests headers, `paraules_clau` tests the subject's words;
every matching rule applies, later rules winning over earlier ones, and the
keyword rules come after (and so win over) the header rules.
"""
import re
import unicodedata

from mail.limits import header_for_match

ADDRESS_HEADERS = ("from", "to", "cc", "bcc", "reply-to", "sender",
                   "delivered-to", "x-original-to", "resent-from", "resent-to")


# A header value is also tried piece by piece between its commas, as the
# original tool did (a rule `^b$` on "X-Group: a,b" applies); at most this
# many pieces of one value.
MAX_COMMA_PIECES = 100


def header_values(message, name):
    """The decoded values of a header, each of their comma-separated pieces
    (as written, blanks kept, as upstream split them) and, for address
    headers, each bare address too: a rule on 'To' may name the decoded
    header, a piece of it or an address."""
    values = []
    for value in message.headers(name):
        values.append(value)
        if "," in value:
            values += [piece for piece in value.split(",", MAX_COMMA_PIECES)[:MAX_COMMA_PIECES]
                       if piece]
    if name.lower() in ADDRESS_HEADERS:
        values += message.addresses(name)
    return values


def header_defaults(message, rules):
    result = {}
    for rule in rules:
        pattern = re.compile(rule["match"], re.IGNORECASE)
        if any(pattern.match(header_for_match(value))
               for header in rule["order"]
               for value in header_values(message, header)):
            result.update(rule["defaults"])
    return result


def fold(text):
    """Lower-case, accents removed: 'Impressóra' and 'IMPRESSORA' are one word."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def keyword_defaults(subject, rules):
    folded = fold(subject)
    result = {}
    for rule in rules:
        for word in rule["paraules"]:
            if re.search(r"(?<!\w)%s(?!\w)" % re.escape(fold(word)), folded):
                result.update(rule["defaults"])
                break
    return result


def new_ticket_defaults(message, settings):
    result = header_defaults(message, settings["valors_defecte"])
    result.update(keyword_defaults(message.subject, settings["paraules_clau"]))
    return result
