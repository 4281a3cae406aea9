"""Spam and the admin's general header rules.

Mail the spam filter upstream of the mailbox marked (`X-Spam-Flag: YES`, or
a score header at or over `llindar_spam`) is skipped: a ticket per spam
would bury the desk, and answering it confirms the address. The admin's
`regles_capcaleres` generalise this: the first rule whose header matches
decides SKIP (not ticketed), REJECT (kept in the quarantine for a person to
look at) or PRIVAT (a reply becomes a private comment).
"""
import re

_NUMBER_RE = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
_SCORE_RE = re.compile(r"\bscore=([-+]?\d+(?:[.,]\d+)?)", re.I)


def score(message, name):
    """The spam score in header `name` (None if absent or unreadable): a
    "score=" field if there is one (X-Spam-Status), else its first number."""
    value = message.header(name) if name else None
    if not value:
        return None
    match = _SCORE_RE.search(value) or _NUMBER_RE.search(value)
    if not match:
        return None
    text = match.group(1) if match.re is _SCORE_RE else match.group(0)
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def spam_reason(message, settings):
    """Why the message is spam, or None."""
    flag = (message.header("X-Spam-Flag") or "").strip().upper()
    if flag.startswith("YES"):
        return "spam (X-Spam-Flag: YES)"
    threshold = settings["llindar_spam"]
    if threshold is not None:
        name = settings["capcalera_puntuacio_spam"]
        value = score(message, name)
        if value is not None and value >= threshold:
            return "spam (%s %s, threshold %s)" % (name, value, threshold)
    return None


def matching_rule(message, settings):
    """The first of `regles_capcaleres` that matches, or None."""
    for rule in settings["regles_capcaleres"]:
        pattern = re.compile(rule["match"])
        if any(pattern.match(value) for value in message.headers(rule["capcalera"])):
            return rule
    return None


def header_rule(message, settings):
    """The action of the first matching header rule ("SKIP", "REJECT",
    "PRIVAT"), or None."""
    rule = matching_rule(message, settings)
    return rule["accio"] if rule else None


def rule_reason(message, settings, action):
    rule = matching_rule(message, settings)
    if rule and rule["accio"] == action:
        return "header rule: %s matches %r (%s)" % (rule["capcalera"], rule["match"], action)
    return None
