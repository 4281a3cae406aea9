"""Older shapes of upstream settings files, read as today's.

Settings files of the original tool's first releases (2015) are still in
use, and wrote a few keys in shapes its later releases dropped:

- `valors_defecte` as a mapping of an address to the ticket's fields
  ({"webmaster@unit.upc.edu": {"equipResolutor": "55633"}}): the fields
  applied when that address was the recipient, the sender or the
  resender. Each entry becomes a rule of today's list shape matching that
  address exactly (any case) in Resent-From, From, Resent-To or To.
- `domini` (and a field value such as `equipResolutor`) as a number:
  GN6 takes them as text.
- `log_level` as the text "logging.DEBUG" (the JSON-era sample).

`normalise` runs on the raw mapping before the defaults are merged and the
keys are checked (gateway/settings.py), so every later step, --check
included, sees one shape. Anything it does not recognise is left as it is,
for the checks to name.
"""
import re

__all__ = ["normalise"]

# The headers the first releases compared a valors_defecte address with.
OLD_RULE_HEADERS = ["Resent-From", "From", "Resent-To", "To"]


def normalise(data):
    """`data` (the settings file's mapping) with older shapes rewritten;
    the same dict, changed in place."""
    rules = data.get("valors_defecte")
    if isinstance(rules, dict):
        data["valors_defecte"] = rules = [_address_rule(address, fields)
                                          for address, fields in rules.items()]
    if isinstance(rules, list):
        for rule in rules:
            if isinstance(rule, dict) and isinstance(rule.get("defaults"), dict):
                rule["defaults"] = _texts(rule["defaults"])
    if _number(data.get("domini")):
        data["domini"] = str(data["domini"])
    level = data.get("log_level")
    if isinstance(level, str) and level.strip().lower().startswith("logging."):
        data["log_level"] = level.strip()[len("logging."):]
    return data


def _address_rule(address, fields):
    if not isinstance(address, str):
        return {"order": OLD_RULE_HEADERS, "match": address, "defaults": fields}
    return {"order": list(OLD_RULE_HEADERS),
            "match": "^%s$" % re.escape(address.strip()),
            "defaults": fields}


def _texts(fields):
    return {name: str(value) if _number(value) else value
            for name, value in fields.items()}


def _number(value):
    return isinstance(value, int) and not isinstance(value, bool)
