"""A reply's own words, without the quoted history and the signature.

A comment on a ticket should carry what the sender wrote, not the whole
thread again: a ticket with ten replies would otherwise hold the first
message ten times. Used for comments only (never a new ticket's
description), never for a forward, and never down to nothing: when
stripping would leave no text, the whole text stays.

The rule that matters most: losing a requester's words is worse than
keeping a quote, so only what something marks as history goes.

* Text: reply_rules.py reads the lines once, with the tables of
  reply_patterns.py (attribution verbs, Outlook's header labels and the
  separators, in the languages the clients ship): `>` runs after an
  attribution, header block or separator go, and the sender's text
  between and below them stays (interleaved answers, bottom posting);
  unquoted history under a header block or a dated attribution goes to
  the end. Then the signature ("-- ").
* HTML: the elements each client puts around the history (Gmail's
  gmail_quote, blockquote type=cite of Apple, Thunderbird, Roundcube and
  Horde, Yahoo's yahoo_quoted, Proton's protonmail_quote, Zimbra's rule
  and markers, a bare blockquote after an attribution as Yandex and
  mail.ru write it) go with the attribution before them; an Outlook,
  OWA or Windows Mail header block and everything after it go.

Chosen by measuring over the corpus of tests/replies/ (bench/replies.py):
these rules beat quotequail, mail-parser-reply and the other reply
parsers on every class, and cost less. quotequail stays for forwards
(forward.py), with `english_headers` below.
"""

import functools
import re

from mail.failsafe import noted

__all__ = ["english_headers", "is_forward_subject", "strip_html",
           "strip_text"]

# Catalan (and a few Spanish) words of forward header blocks, put in English
# on a copy of the text so quotequail recognises them (forward.py).
# Line-preserving.
_HEADER_WORDS = [
    (re.compile(r"^(\W{0,3})(?:Enviat|Enviado|Data|Fecha)(\W{0,3}):", re.I | re.M), r"\1Sent\2:"),
    (re.compile(r"^(\W{0,3})(?:Per a|Para|A)(\W{0,3}):", re.I | re.M), r"\1To\2:"),
    (re.compile(r"^(\W{0,3})(?:Assumpte|Asunto|Tema)(\W{0,3}):", re.I | re.M), r"\1Subject\2:"),
    (re.compile(r"^(\W{0,3})(?:De)(\W{0,3}):", re.I | re.M), r"\1From\2:"),
    (re.compile(r"^(\W{0,3})(?:A\/c|CC)(\W{0,3}):", re.I | re.M), r"\1Cc\2:"),
    # Zimbra, Roundcube: "----- Missatge original -----"
    (re.compile(r"^([ \t]*-{2,}[ \t]*)(?:Missatge original|Mensaje original)"
                r"([ \t]*-{2,}[ \t]*)$", re.I | re.M), r"\1Original Message\2"),
]
_ATTRIBUTION = [
    # "El dl., 23 de nov. 2026, a les 10:00, Nom <a@b> va escriure:"
    (re.compile(r"^([ \t]*)El (.{0,300}?) va escriure[ \t]*:[ \t]*$",
                re.I | re.M), r"\1On \2 wrote:"),
    (re.compile(r"^([ \t]*)(?!On )(.{0,300}?) va escriure[ \t]*:[ \t]*$",
                re.I | re.M), r"\1On \2 wrote:"),
]
_FORWARD_SUBJECT_RE = re.compile(
    r"^[ \t]*(?:\[[^\]]{0,80}\][ \t]*)?(?:fwd?|rv|reenv|tr|wg|enc)[ \t]*:",
    re.I)

_MAX_TEXT = 200_000  # longer texts are left as they are (cost bound)
# quotequail costs ~0.1 ms a line: forward.py gives it the first lines only
# (a forward's header block starts near the top).
MAX_LINES = 400


def is_forward_subject(subject):
    """Whether a subject says the message forwards another (Fwd:, RV:...)."""
    return bool(subject and _FORWARD_SUBJECT_RE.match(subject))


def _english(text):
    for regex, repl in _HEADER_WORDS + _ATTRIBUTION:
        text = regex.sub(repl, text)
    return text


def english_headers(text, html=False):
    """A copy of `text` (or HTML markup) with the Catalan and Spanish words
    of reply/forward header blocks in English, for quotequail."""
    if html:
        return _HTML_HEADER_WORDS_RE.sub(
            lambda m: m.group(1) + _HTML_WORDS[m.group(2).lower()]
            + m.group(3), text)
    return _english(text)


def strip_text(text):
    """The reply's own text of a plain-text comment (never '')."""
    try:
        stripped = _strip_text(text)
    except Exception as e:  # a bug here must never cost the comment its text
        noted("the reply's own words (the whole text kept)", e)
        return text
    return stripped if stripped.strip() else text


def _strip_text(text):
    if not text or len(text) > _MAX_TEXT:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    from mail.reply_rules import reply_lines
    lines = reply_lines(text.split("\n"))
    return "\n".join(_drop_signature(lines)).rstrip()


_SIGNATURE_LINES = 12  # a "-- " further from the end is not a signature
_DELIMITERS = ("-- ", "--", "\u2014 ")


def _drop_signature(lines):
    """Lines up to the signature delimiter ("-- ", RFC 3676), if one
    starts a short block at the end."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    found = [index for index in range(max(0, end - _SIGNATURE_LINES), end)
             if lines[index].rstrip("\r") in _DELIMITERS]
    if len(found) == 1 or found and lines[found[0]].rstrip("\r") == "-- ":
        return lines[:found[0]]
    return lines  # "--" twice: dividers in the sender's text, not a signature


# ------------------------------------------------------------------ HTML

_HTML_HEADER_WORDS_RE = re.compile(
    r"(>[ \t]*)(Enviat|Enviado|Per a|Para|Assumpte|Asunto|De)([ \t]*:)", re.I)
_HTML_WORDS = {"enviat": "Sent", "enviado": "Sent", "per a": "To",
               "para": "To", "assumpte": "Subject", "asunto": "Subject",
               "de": "From"}

# Bounds on hostile markup (thousands of nested quotes): a plain
# blockquote is looked at only among the first ones, and only its first
# nodes are read for an attribution.
_MAX_BLOCKQUOTES = 100
_MAX_HEAD_NODES = 60
_BLOCKS = frozenset("div p blockquote table tr td li ul ol hr pre body html "
                    "h1 h2 h3 h4 h5 h6".split())


def strip_html(markup):
    """The reply's own part of an HTML comment (the markup as it came if
    nothing would be left)."""
    try:
        stripped = _strip_html(markup)
    except Exception as e:  # a bug here must never cost the comment its text
        noted("the reply's own words (the whole HTML kept)", e)
        return markup
    if stripped is None:
        return markup
    from mail.htmltext import html_to_text
    if not html_to_text(stripped).strip():
        return markup
    return stripped


def _strip_html(markup):
    """The markup without the elements that hold the history, as the
    clients mark them (reply_patterns.py), nor an Outlook-style header
    block and what follows it. A forward written outside any quote keeps
    everything."""
    if not markup or len(markup) > _MAX_TEXT * 5:
        return None
    from bs4 import BeautifulSoup
    try:
        soup = BeautifulSoup(markup, "lxml")
    except Exception as e:  # lxml refuses some control characters
        noted("a reply's HTML with lxml (html.parser used)", e)
        soup = BeautifulSoup(markup, "html.parser")
    cut, quote, signature = _selectors()
    for element in cut.select(soup):
        _cut_from(element)
    forwards, separators, labels = _marker_strings(soup)
    if forwards:
        return None  # a forward the sender brings (in Outlook's history: cut above)
    for element in quote.select(soup):
        if _gone(element):
            continue
        if element.name != "blockquote" and _answers_inside(element):
            _drop_quotes_inside(element)
        else:
            _drop_with_attribution(element)
    for blockquote in soup.find_all("blockquote", limit=_MAX_BLOCKQUOTES):
        if not _gone(blockquote) and (_attribution_before(blockquote)
                                          or _starts_with_attribution(blockquote)):
            _drop_with_attribution(blockquote)
    for element in signature.select(soup):
        if not _gone(element):
            element.decompose()
    _cut_header_block(soup, separators, labels)
    return str(soup)


@functools.lru_cache(maxsize=None)
def _selectors():
    """The cut, quote and signature selectors of reply_patterns.py,
    compiled once per process. Each is run once over the document (a
    per-element match would walk up to the root for every element:
    quadratic on thousands of nested quotes)."""
    import soupsieve
    from mail import reply_patterns as P
    return tuple(soupsieve.compile(", ".join(k)) for k in (
        P.HTML_CUT_SELECTORS + P.HTML_HEADER_BORDER_SELECTORS,
        P.HTML_QUOTE_SELECTORS, P.HTML_SIGNATURE_SELECTORS))


def _marker_strings(soup):
    """One walk over the text: a forward marker outside any quote (the
    walk stops there), the separators and the strings that start with a
    From label (at most _MAX_BLOCKQUOTES markers in all)."""
    from mail.reply_rules import forward_marker, is_separator, starts_label
    forwards, separators, labels = [], [], []
    for string in soup.find_all(string=True):
        text = string.strip()
        if not text or len(text) > 200 or string.parent is None or \
                string.parent.name in ("style", "script", "head", "title"):
            continue
        if forward_marker(text):
            if string.find_parent("blockquote") is None:
                return [string], [], []
            forwards.append(string)  # quoted: counted, not kept
        elif is_separator(text):
            separators.append(string)
        elif starts_label(text):
            labels.append(string)
        if len(forwards) + len(separators) + len(labels) > _MAX_BLOCKQUOTES:
            break
    forwards = []
    return forwards, separators, labels


def _cut_from(element):
    """Remove `element` (a tag or a string) and everything after it in the
    document (the following siblings of it and of each of its ancestors),
    and an <hr> just before it (Outlook's rule above the header block)."""
    if _gone(element) or element.parent is None:
        return
    previous = element.find_previous_sibling()
    if previous is not None and previous.name == "hr":
        previous.decompose()
    node = element
    while node is not None and node.name not in ("body", "html", "[document]"):
        for sibling in list(node.next_siblings):
            sibling.extract()
        node = node.parent
    element.extract()


def _text(node):
    from bs4 import NavigableString
    if isinstance(node, NavigableString):
        return str(node)
    return node.get_text(" ")


def _inline_run_before(element):
    """The nodes just before `element` back to a block or a <br> after
    text (an attribution written as text, links and <br> before the
    quote), nearest first; or the one block element just before it."""
    from bs4 import NavigableString
    run = []
    for node in element.previous_siblings:
        if isinstance(node, NavigableString):
            if node.strip():
                run.append(node)
            continue
        if node.name == "br":
            if any(_text(n).strip() for n in run):
                break
            continue
        if node.name in _BLOCKS:
            if not run:
                run.append(node)
            break
        run.append(node)
    return run


def _attribution_before(element):
    from mail.reply_rules import looks_like_attribution
    run = _inline_run_before(element)
    text = " ".join(_text(n) for n in reversed(run))
    return bool(run) and bool(looks_like_attribution(text, True))


def _starts_with_attribution(element):
    """A quote whose first line is its attribution (mail.ru, Apple)."""
    from mail.reply_rules import looks_like_attribution
    from bs4 import NavigableString
    head = []
    for count, string in enumerate(element.descendants):
        if count > _MAX_HEAD_NODES:
            break
        if not isinstance(string, NavigableString):
            continue
        if string.strip():
            head.append(string.strip())
        nxt = string.next_element
        if head and (nxt is None or getattr(nxt, "name", None) in ("br", "div", "p")):
            break
        if len(head) > 4:
            break
    return bool(head) and bool(looks_like_attribution(" ".join(head), True))


_MAX_CONTAINER_NODES = 2000


def _answers_inside(container):
    """Whether a client's quote container (Gmail's gmail_quote...) holds
    text of its own after its first blockquote, outside any blockquote:
    answers written inline, which split the quote in two (Gmail keeps
    both halves and the answers between them inside the container)."""
    from bs4 import NavigableString, Tag
    after_quote = False
    stack = [iter(container.children)]
    budget = _MAX_CONTAINER_NODES
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        budget -= 1
        if budget < 0:
            return False  # hostile or huge: the container goes as before
        if isinstance(node, Tag):
            if node.name == "blockquote":
                after_quote = True
            else:
                stack.append(iter(node.children))
        elif after_quote and type(node) is NavigableString and node.strip():
            return True
    return False


def _drop_quotes_inside(container):
    """The blockquotes of a container that holds inline answers, and the
    attribution before the first; the answers stay."""
    first = container.find("blockquote")
    _drop_with_attribution(first)
    for _ in range(_MAX_BLOCKQUOTES):
        quote = container.find("blockquote")
        if quote is None:
            break
        quote.decompose()


def _drop_with_attribution(element):
    """Remove a quote element and the attribution just before it."""
    if _attribution_before(element):
        for node in _inline_run_before(element):
            node.extract()
    element.decompose()


def _cut_header_block(soup, separators, labels):
    """A separator or an Outlook-style header block left in the markup
    (bold labels or not, any language, in its own block or after the new
    text in the same one): it and what follows go, the text before it
    stays. `separators` and `labels`: the strings _marker_strings found."""
    from mail.reply_rules import header_block_at
    for string in separators:
        if _attached(string):
            _cut_from(_inline_start(string))
            return
    for string in labels:
        if not _attached(string):
            continue
        block = string.find_parent(_BLOCKS) or soup
        lines = _logical_lines(block)
        label = string.strip()
        if any(line.startswith(label) and header_block_at(lines, index)
               for index, line in enumerate(lines)):
            start = _inline_start(string)
            _drop_rule_before(start)
            _cut_from(start)
            return


def _gone(node):
    """Whether `node` was decomposed. Not `node.decomposed`: on a tag that
    never was, bs4 looks the attribute up as a child tag, searching the
    whole subtree (quadratic over nested markup)."""
    return getattr(node, "__dict__", {}).get("_decomposed", False)


def _attached(node):
    """Whether `node` is still in the document (not removed with a quote)."""
    while node is not None:
        if _gone(node):
            return False
        if node.name == "[document]":
            return True
        node = node.parent
    return False


def _logical_lines(block):
    """The block's text as lines, "<b>From:</b> name" and "<b>From</b>:
    name" each on one line."""
    from mail.reply_rules import clean
    joined = []
    for line in clean(block.get_text("\n")).split("\n"):
        line = line.strip()
        if not line:
            continue
        if joined and (line[0] in ":：" or joined[-1].endswith((":", "："))
                       and len(joined[-1]) < 30):
            joined[-1] += " " + line if line[0] not in ":：" else line
        else:
            joined.append(line)
    return joined


_INLINE = frozenset("b strong span font a i em u o:p".split())


def _inline_start(string):
    """The outermost inline element that `string` starts (its <b>, its
    <font>...), or the string itself."""
    node = string
    while node.parent is not None and node.parent.name in _INLINE:
        first = next((c for c in node.parent.children
                      if c.name is not None or c.strip()), None)
        if first is not node:
            break
        node = node.parent
    return node


def _drop_rule_before(node):
    """A rule (<hr>, a line of underscores or dashes, a separator) and the
    <br>s just before the header block."""
    from mail.reply_rules import is_rule
    for _ in range(4):
        previous = node.previous_sibling
        while previous is not None and (previous.name == "br" or previous.name is None
                                        and not previous.strip()):
            previous = previous.previous_sibling
        if previous is None:
            return
        if previous.name == "hr" or is_rule(_text(previous).strip()):
            previous.extract()
        else:
            return
