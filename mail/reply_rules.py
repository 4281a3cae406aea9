"""Which lines of a plain-text reply are the sender's own: one pass over
the lines with the tables of reply_patterns.py.

The rule that matters most: losing a requester's words is worse than
keeping a quote. So a line goes only when something says it is history:

* a `>` run after a history marker (an attribution, a header block, a
  separator), or a `>` run that starts with its own attribution (Apple
  Mail quotes the "On ... wrote:" too). A `>` line with no marker above
  it quotes nothing anyone can see: it stays. Text between and below the
  quoted runs (interleaved answers, bottom posting, the name under the
  quote) is the sender's and stays;
* everything from an Outlook-style header block or a separator line to
  the end (such history is not `>`-quoted, so its end is the message's);
* everything from an attribution with a date or an address that no `>`
  run follows (the history is pasted as it was) to the end.

A forward marker before any of these keeps the rest: the forwarded
message is what the sender brings.
"""

import re

from mail import reply_patterns as P

__all__ = ["attribution_at", "clean", "forward_marker", "header_block_at",
           "is_rule", "is_separator", "label_at", "looks_like_attribution",
           "reply_lines", "starts_label"]


def _alternation(words):
    """A regex alternation of `words`, longest first; word boundaries
    around those written in alphabets with spaces between words (one
    group for them all: compiling stays cheap, every delivery pays it)."""
    spaced, unspaced = [], []
    for word in sorted(set(words), key=len, reverse=True):
        escaped = re.escape(word).replace("\\ ", "[ \\xa0]")
        (spaced if all(ord(c) < 0x0530 for c in word) else unspaced).append(escaped)
    parts = []
    if spaced:
        parts.append(r"(?<!\w)(?:%s)(?!\w)" % "|".join(spaced))
    parts.extend(unspaced)
    return "|".join(parts)


_VERB_RE = re.compile(_alternation(P.ATTRIBUTION_VERBS), re.I)
_OPENER_RE = re.compile(
    r"^[ \t]*(?:(?:%s)(?:(?<=-)|\s|,)|\d|[^\W\d_]{2,4}\.?,?\s+\d)"
    % _alternation(P.ATTRIBUTION_OPENERS))
_DATE_RE = re.compile(
    r"\d{1,2}[:.h]\d{2}(?!\d)|(?<!\d)(?:19|20)\d{2}(?!\d)|"
    r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}月\d{1,2}日|\d{1,2}월")
_FULL_DATE_RE = re.compile(
    r"(?<!\d)(?:19|20)\d{2}(?!\d)|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|"
    r"\d{1,2}月\d{1,2}日|\d{1,2}월")
_ADDRESS_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_ENDS_COLON_RE = re.compile(r"[:：]\s*[*_]*\s*$")
_DASHED_RE = re.compile(r"^\s*-{2,}\s*(.+?)\s*-{2,}\s*$")
_QUOTED_RE = re.compile(r"^[ \t]*>")
_SENTENCE_END_RE = re.compile(r"[.!?。！？]\s*$")

# Header labels, separators, forward phrases and taglines are looked up
# in sets and tuples (casefolded), not compiled into alternations: every
# delivery that comments would pay the compiling.
_KINDS = ("from", "sent", "to", "cc", "subject")
_LABEL_KIND = {}
for _labels in P.HEADER_LABELS.values():
    for _kind, _words in zip(_KINDS, _labels):
        for _word in _words.split("|"):
            _LABEL_KIND.setdefault(_word.casefold(), _kind)
_LABEL_RE = re.compile(r"[ \t*_]*([^\W\d_][^:：*_\n]{0,24}?)[ \t*_]*[:：]")
_INLINE_LABEL_RE = re.compile(
    r"(?:(?<=\s)|^)[*_]*([^\W\d_][^:：*_\n]{0,24}?)[ \t*_]*[:：]")
_BARE_LABEL_RE = re.compile(r"[ \t*_]*([^\W\d_][^:：*_\n]{0,24}?)[ \t*_]*$")
_SEPARATOR_SHAPE_RE = re.compile(
    r"^[\s>]*[-_=*]{2,}\s*([^-_=*\s].{0,60}?)\s*:?\s*[-_=*]{2,}\s*$")
_SEPARATORS = frozenset(" ".join(p.split()).casefold() for p in P.SEPARATOR_PHRASES)
_FORWARDS = tuple(p.casefold() for p in P.FORWARD_PHRASES)
_TAGLINES = tuple(p.casefold() for p in P.SENT_FROM)
_RULE_RE = re.compile(r"^[ \t]*(?:_{10,}|-{10,}|={10,})[ \t]*$")
# Directional marks and embeddings (Gmail and Outlook wrap Hebrew and
# Arabic attributions, names and addresses in them) and the BOM: not
# read when looking for a marker, kept in the text.
_INVISIBLE_RE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean(text):
    """`text` without directional marks and embeddings."""
    if text.isascii() or not _INVISIBLE_RE.search(text):
        return text
    return _INVISIBLE_RE.sub("", text)


def _kind(text):
    return _LABEL_KIND.get(" ".join(text.split()).casefold())


def label_at(line, pos=0):
    """(kind, end) of the header label starting `line` at `pos`
    ("From:", "*Fra:*", "Enviado el:"...), or (None, pos)."""
    match = _LABEL_RE.match(line, pos)
    kind = match and _kind(match.group(1))
    return (kind, match.end()) if kind else (None, pos)


def _inline_kinds(text, pos):
    """The label kinds written inside `text` after `pos` (Outlook's block
    flattened on one line)."""
    return {_kind(m.group(1)) for m in _INLINE_LABEL_RE.finditer(text, pos)} - {None}


def _is_separator(line):
    match = _SEPARATOR_SHAPE_RE.match(line)
    return bool(match) and " ".join(match.group(1).split()).casefold() in _SEPARATORS


def _is_forward(line):
    text = line.lstrip(" \t*->").casefold()
    for phrase in _FORWARDS:
        if text.startswith(phrase):
            rest = text[len(phrase):len(phrase) + 1]
            return not (rest and rest.isalnum())
    return False


_TAGLINE_URL_RE = re.compile(r"<[^<>\s]*>")
_TAGLINE_EXTRA_WORDS = 4


def _is_tagline(line):
    """"Sent from my iPhone", "Von meinem iPhone gesendet", "Get Outlook
    for Android": a tagline's prefix and a few words naming a device or
    an app, no clause after them ("Von meinem Büro aus geht es nicht,
    von zu Hause schon" is the sender's)."""
    folded = line.strip().casefold()
    if not folded.startswith(_TAGLINES):
        return False
    prefix = next(p for p in _TAGLINES if folded.startswith(p))
    rest = _TAGLINE_URL_RE.sub("", folded[len(prefix):])
    return len(prefix) + len(rest) < 80 and not any(c in rest for c in ",;?!") and \
        len(rest.split()) <= _TAGLINE_EXTRA_WORDS


_HEADER_REACH = 10      # lines after "From:" where the other labels are
_ATTRIBUTION_CHARS = 500


def is_quoted(line):
    return bool(_QUOTED_RE.match(line))


def _unquote(line):
    return line.lstrip(" \t>")


def looks_like_attribution(text, quote_follows):
    """Whether `text` (one attribution, its lines joined) names the author
    of what follows. "strong" when it may cut unquoted text too."""
    text = clean(text).strip()
    if not text or len(text) > _ATTRIBUTION_CHARS:
        return None
    dashed = _DASHED_RE.match(text)
    if dashed:
        inner = dashed.group(1)
        if _VERB_RE.search(inner) and (_DATE_RE.search(inner)
                                       or _ADDRESS_RE.search(inner)):
            return "strong"
        return None
    if not _ENDS_COLON_RE.search(text):
        return None
    verb = _VERB_RE.search(text)
    date = _DATE_RE.search(text)
    address = _ADDRESS_RE.search(text)
    if label_at(text)[0]:
        return None  # "Sent: ..." is a header line, not an attribution
    if verb and (address or _FULL_DATE_RE.search(text)):
        return "strong"
    if verb and date:
        return "weak"
    if verb and quote_follows and len(text) < 200:
        return "weak"
    if date and address and quote_follows:
        return "weak"
    return None


def attribution_at(lines, index, out, quote_follows):
    """(how many lines of `out` belong to the attribution ending at
    lines[index], its strength), or None. `lines` without directional
    marks; `out` as the sender wrote it."""
    line = lines[index]
    if not line.strip() or is_quoted(line):
        return None
    stripped = line.rstrip()
    if not (stripped.endswith((":", "：", "-", "*")) or quote_follows):
        return None
    alone = looks_like_attribution(line, quote_follows)
    if alone == "strong" and (_OPENER_RE.match(line) or _DATE_RE.search(line)
                              and (_VERB_RE.search(line) or quote_follows)):
        return 0, alone
    # Wrapped over two or three lines: the part above, in `out`.
    tails = []
    for back in (1, 2):
        if len(out) < back:
            break
        above = clean(out[-back])
        if not above.strip() or is_quoted(above) or \
                _SENTENCE_END_RE.search(above):
            break
        tails.append(back)
    for back in tails:  # an opener ("On", "Am", a date) starts it
        if _OPENER_RE.match(clean(out[-back])):
            joined = " ".join(out[-back:] + [line])
            found = looks_like_attribution(joined, quote_follows)
            if found:
                return back, found
    for back in tails:  # else a paragraph's start
        if len(out) == back or not out[-back - 1].strip():
            joined = " ".join(out[-back:] + [line])
            found = looks_like_attribution(joined, quote_follows)
            if found and (not alone or found == "strong" != alone):
                return back, found
    if alone:
        return 0, alone
    return None


def header_block_at(lines, index):
    """Whether an Outlook-style header block starts at lines[index]
    (`lines` without directional marks)."""
    line = lines[index]
    kind, end = label_at(line)
    if kind != "from":
        return False
    head = line[:_ATTRIBUTION_CHARS]
    kinds = _inline_kinds(head, end) - {"from"}
    sender = "@" in head
    address = sender
    for following in lines[index + 1:index + 1 + _HEADER_REACH]:
        found = label_at(following)[0]
        if found and found != "from":
            kinds.add(found)
            address = address or "@" in following[:_ATTRIBUTION_CHARS]
        if _is_header(kinds, address, sender):
            return True
    return _is_header(kinds, address, sender)


def _is_header(kinds, address, sender):
    """Two labels besides From, one of them Subject or an address among
    them: "From: building A / To: building B / Date: Friday" is a request
    to move a PC, not a header block. And the date it was sent, or the
    sender's address on the From line: every client writes one or the
    other ("From: 1 April / To: Maria <maria@x> / Subject: visitor" is a
    request for a mailbox)."""
    return len(kinds) >= 2 and ("subject" in kinds or bool(address)) and \
        ("sent" in kinds or sender)


def _next_nonblank(lines, index):
    for line in lines[index:index + 4]:
        if line.strip():
            return line
    return ""


def _drop_tail(out, count):
    del out[len(out) - count:]


def _drop_rules_and_blanks(out):
    """Blank lines and a rule (underscores, dashes) at the end of `out`."""
    while out and (not out[-1].strip() or _RULE_RE.match(out[-1])
                   or _is_separator(out[-1])):
        out.pop()


def _drop_tagline(out):
    """"Sent from my iPhone" as the last kept line."""
    while out and not out[-1].strip():
        out.pop()
    if out and _is_tagline(out[-1]):
        out.pop()


def _plain(lines):
    """`lines` as the markers are looked for in them: without directional
    marks (the same list when there are none, as in most mail)."""
    joined = "\n".join(lines)
    if not joined.isascii() and _INVISIBLE_RE.search(joined):
        return [clean(line) for line in lines]
    return lines


def reply_lines(lines):
    """The lines of `lines` (a reply's text) that the sender wrote."""
    plain = _plain(lines)
    out = []
    marker = False
    index, count = 0, len(lines)
    while index < count:
        line = lines[index]
        if is_quoted(line):
            end = index
            while end < count and (is_quoted(lines[end]) or not lines[end].strip()
                                   and end + 1 < count and is_quoted(lines[end + 1])):
                end += 1
            run = lines[index:end]
            if marker or _quotes_its_attribution(run):
                marker = True
                _drop_tagline_before_quote(out)
            else:
                out.extend(run)
            index = end
            continue
        following = _next_nonblank(lines, index + 1)
        quote_follows = is_quoted(following)
        if _is_forward(line):  # the sender's forward, wherever it is
            out.extend(lines[index:])
            break
        if _is_separator(plain[index]) or header_block_at(plain, index):
            _drop_rules_and_blanks(out)
            _drop_tagline(out)
            break
        found = attribution_at(plain, index, out, quote_follows)
        if found and marker and not _starts_as_attribution(out[-found[0]] if found[0] else line) \
                and not _name_then_verb(line):
            found = None  # an answer between quotes ("Yes, I wrote to them on 12.03.2024:")
        if found:
            back, strength = found
            if quote_follows:
                _drop_tail(out, back)
                marker = True
                index += 1
                continue
            first = out[-back] if back else line
            whole = " ".join(out[len(out) - back:] + [line])
            if strength == "strong" and _starts_as_attribution(first) and \
                    _ADDRESS_RE.search(whole) and _FULL_DATE_RE.search(whole):
                _drop_tail(out, back)
                _drop_rules_and_blanks(out)
                _drop_tagline(out)
                break
        out.append(line)
        index += 1
    while out and not out[-1].strip():
        out.pop()
    return out


_NAME_FIRST_RE = re.compile(r"""^[ \t]*"?([^"<>@\n]{1,60}?)"?[ \t]*[<(\[]?[\w.+'-]+@""")


def _starts_as_attribution(line):
    """Whether `line` starts as attributions do: an opener ("On", "Am", a
    date...), dashes ("---- On ... wrote ----"), or a name and its address
    ("Anna Smith <anna@x> wrote on ...:", Lotus Notes); not a sentence
    ("I talked to Anna <anna@x>, who wrote:")."""
    line = clean(line)
    if _OPENER_RE.match(line) or _DASHED_RE.match(line):
        return True
    match = _NAME_FIRST_RE.match(line)
    if not match:
        return False
    words = match.group(1).replace(",", " ").split()
    return 0 < len(words) <= 5 and not any(w[:1].islower() for w in words)


def _name_then_verb(line):
    """"Jan Kowalski wrote:", "Matti Meikäläinen kirjoitti ...": a name
    (capitalised words, no comma) and the verb."""
    line = clean(line)
    verb = _VERB_RE.search(line)
    if not verb:
        return False
    before = line[:verb.start()]
    words = before.split()
    return 0 < len(words) <= 4 and "," not in before and \
        all(w[:1].isupper() for w in words)


def _quotes_its_attribution(run):
    """A `>` run whose first lines are an attribution (Apple Mail's and
    Outlook for Mac's text parts quote the "On ... wrote:" too)."""
    head = []
    for line in run[:4]:
        text = _unquote(line).strip()
        if not text:
            if head:
                break
            continue
        head.append(text)
        if looks_like_attribution(" ".join(head), True):
            return True
    return False


def _drop_tagline_before_quote(out):
    """A "Sent from my iPhone" just above the quote."""
    end = len(out)
    while end and not out[end - 1].strip():
        end -= 1
    if end and _is_tagline(out[end - 1]):
        del out[end - 1:]


def forward_marker(text):
    """Whether `text` (a line) says a forwarded message starts."""
    return _is_forward(text)


def starts_label(text):
    """Whether `text` starts with the From label of a header block, its
    colon there or in the next string ("<b>From</b>: ...")."""
    if label_at(text)[0] == "from":
        return True
    match = _BARE_LABEL_RE.match(text)
    return bool(match) and _kind(match.group(1)) == "from"


def is_separator(text):
    """Whether `text` is a separator line ("-----Original Message-----")."""
    return _is_separator(text)


def is_rule(text):
    """Whether `text` is a rule or a separator line."""
    return bool(_RULE_RE.match(text)) or _is_separator(text)
