"""The subset of JQL the reference server understands.

Enough for a gateway that looks before it writes: clauses joined by AND /
OR / NOT with parentheses, and ORDER BY. Fields: project, key (issuekey,
id), labels, status, issuetype (type), summary, description, comment,
text, reporter, assignee, priority, component, customfield_N (cf[N]) and
issue.property[KEY].path. Operators: =, !=, ~, !~, IN (...), NOT IN (...),
IS EMPTY / IS NOT EMPTY.

Text search (~) here is a case-insensitive substring test, stricter and
more predictable than Jira's word-stemming index: a client must not rely
on the difference, and should confirm a text match by reading the issue.
An unknown field or a syntax error is a 400 with Jira's message shape.
"""

import re


class JqlError(ValueError):
    """The query cannot be parsed or names an unknown field."""


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<op>!=|!~|>=|<=|=|~|>|<|\(|\)|,)
    | (?P<word>issue\.property\[[^\]]+\](?:\.[A-Za-z0-9_.]+)?|cf\[\d+\]|[A-Za-z0-9_.\-@+]+)
    )""", re.X)

KEYWORDS = {"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"}
TEXT_FIELDS = {"summary", "description", "comment", "text"}
FIELDS = {"project", "key", "issuekey", "id", "labels", "status", "issuetype", "type", "reporter",
          "assignee", "priority", "component", "created", "updated"} | TEXT_FIELDS


def tokenize(text):
    tokens, pos = [], 0
    text = text or ""
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise JqlError("Error in the JQL Query: The character '%s' is a reserved JQL character." % text[pos:].strip()[0])
        pos = m.end()
        if m.group("str") is not None:
            raw = m.group("str")[1:-1]
            tokens.append(("str", re.sub(r"\\(.)", r"\1", raw)))
        elif m.group("op") is not None:
            tokens.append(("op", m.group("op")))
        else:
            word = m.group("word")
            tokens.append(("kw", word.lower()) if word.lower() in KEYWORDS else ("word", word))
    return tokens


class Query:
    """A parsed query: `matches(issue_view)` and `order`."""

    def __init__(self, text):
        self.tokens = tokenize(text)
        self.pos = 0
        self.where = None
        self.order = []
        if self.tokens and self.tokens[0] != ("kw", "order"):
            self.where = self._or()
        if self._peek() == ("kw", "order"):
            self.pos += 1
            self._expect(("kw", "by"))
            while True:
                field = self._field()
                direction = "asc"
                if self._peek() in (("kw", "asc"), ("kw", "desc")):
                    direction = self.tokens[self.pos][1]
                    self.pos += 1
                self.order.append((field, direction))
                if self._peek() != ("op", ","):
                    break
                self.pos += 1
        if self.pos != len(self.tokens):
            raise JqlError("Error in the JQL Query: Expecting either 'OR' or 'AND' but got '%s'."
                           % self.tokens[self.pos][1])

    # ---- parser --------------------------------------------------------------

    def _peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _expect(self, token):
        if self._peek() != token:
            got = self._peek()
            raise JqlError("Error in the JQL Query: Expecting '%s' but got '%s'."
                           % (token[1], got[1] if got else "end of query"))
        self.pos += 1

    def _or(self):
        node = self._and()
        while self._peek() == ("kw", "or"):
            self.pos += 1
            node = ("or", node, self._and())
        return node

    def _and(self):
        node = self._not()
        while self._peek() == ("kw", "and"):
            self.pos += 1
            node = ("and", node, self._not())
        return node

    def _not(self):
        if self._peek() == ("kw", "not"):
            self.pos += 1
            return ("not", self._not())
        if self._peek() == ("op", "("):
            self.pos += 1
            node = self._or()
            self._expect(("op", ")"))
            return node
        return self._clause()

    def _field(self):
        tok = self._peek()
        if tok is None or tok[0] not in ("word", "str"):
            raise JqlError("Error in the JQL Query: Expecting a field name but got '%s'."
                           % (tok[1] if tok else "end of query"))
        self.pos += 1
        name = tok[1]
        low = name.lower()
        m = re.fullmatch(r"cf\[(\d+)\]", low)
        if m:
            return "customfield_" + m.group(1)
        if low.startswith("issue.property[") or re.fullmatch(r"customfield_\d+", low):
            return name if low.startswith("issue.property[") else low
        if low not in FIELDS:
            raise JqlError("Field '%s' does not exist or you do not have permission to view it." % name)
        return {"issuekey": "key", "type": "issuetype"}.get(low, low)

    def _value(self):
        tok = self._peek()
        if tok is None or tok[0] not in ("word", "str"):
            raise JqlError("Error in the JQL Query: Expecting a value but got '%s'."
                           % (tok[1] if tok else "end of query"))
        self.pos += 1
        return tok[1]

    def _clause(self):
        field = self._field()
        tok = self._peek()
        if tok == ("kw", "is"):
            self.pos += 1
            negate = self._peek() == ("kw", "not")
            if negate:
                self.pos += 1
            if self._peek() not in (("kw", "empty"), ("kw", "null")):
                raise JqlError("Error in the JQL Query: Expecting 'EMPTY' after 'IS'.")
            self.pos += 1
            return ("empty", field, negate)
        if tok == ("kw", "not"):
            self.pos += 1
            self._expect(("kw", "in"))
            return ("in", field, self._list(), True)
        if tok == ("kw", "in"):
            self.pos += 1
            return ("in", field, self._list(), False)
        if tok is None or tok[0] != "op" or tok[1] not in ("=", "!=", "~", "!~"):
            raise JqlError("Error in the JQL Query: Expecting operator but got '%s'."
                           % (tok[1] if tok else "end of query"))
        self.pos += 1
        value = self._value()
        if tok[1] in ("~", "!~"):
            if field not in TEXT_FIELDS:
                raise JqlError("The operator '~' is not supported by the '%s' field." % field)
            return ("text", field, value, tok[1] == "!~")
        if field in TEXT_FIELDS - {"summary"}:
            raise JqlError("The operator '%s' is not supported by the '%s' field." % (tok[1], field))
        return ("in", field, [value], tok[1] == "!=")

    def _list(self):
        self._expect(("op", "("))
        values = [self._value()]
        while self._peek() == ("op", ","):
            self.pos += 1
            values.append(self._value())
        self._expect(("op", ")"))
        return values

    # ---- evaluation -----------------------------------------------------------

    def matches(self, view):
        """view(field) -> list of comparable strings for that field."""
        return self.where is None or _eval(self.where, view)


def _eval(node, view):
    kind = node[0]
    if kind == "and":
        return _eval(node[1], view) and _eval(node[2], view)
    if kind == "or":
        return _eval(node[1], view) or _eval(node[2], view)
    if kind == "not":
        return not _eval(node[1], view)
    if kind == "empty":
        has = bool([v for v in view(node[1]) if v != ""])
        return has if node[2] else not has
    if kind == "in":
        values = {v.lower() for v in view(node[1])}
        hit = any(v.lower() in values for v in node[2])
        return not hit if node[3] else hit
    if kind == "text":
        needle = node[2].strip('"').lower()
        hit = any(needle in v.lower() for v in view(node[1]))
        return not hit if node[3] else hit
    raise AssertionError(kind)
