"""A mail's description, as Jira wiki markup (what REST v2 takes in
``description`` and comment bodies).

Two entry points, no pipeline dependency:

- `text_to_wiki(text, images)`: a text/plain body. Blank-line paragraphs
  stay paragraphs, "> " quotes become {quote} blocks, "- " / "* " / "1. "
  lines become lists, URLs become links, Outlook's ``[cid:...]``
  placeholders become the inline images they stand for.
- `html_to_wiki(html, images)`: a text/html body (BeautifulSoup, only
  imported here). Paragraphs, line breaks, bold / italic / underline /
  strike / code, links, lists (nested), block quotes, headings, tables,
  preformatted text, and ``<img src="cid:...">`` shown where it was.

`images` maps a Content-ID (without <>) to the attachment's file name; an
inline image is written ``!name.png!``, which Jira shows from the issue's
attachment of that name, so the caller uploads it too. Images from the web
are not fetched by Jira on our behalf: they are left as their alt text
(a remote image in a mail is often a tracking pixel).

Text is escaped so that characters meaning markup to Jira (``* _ { [ |``,
a line starting with ``#`` or ``h1.``...) show as they were typed.
"""

import re

__all__ = ["escape", "text_to_wiki", "html_to_wiki", "fit"]

JIRA_TEXT_LIMIT = 32767   # characters Jira takes in a description or a comment body

_URL = re.compile(r"""\b(?:[Hh][Tt][Tt][Pp][Ss]?://|[Ff][Tt][Pp]://|[Ww][Ww][Ww]\.)[^\s<>"'\[\]{}|]+""")
_SPECIAL = re.compile(r"[{}\[\]|!*_+^~#]|\?\?|-")
_EMOTICON = re.compile(r"\((?=(?:[iyxn!?/*]|on|off|flag|flagoff)\))", re.I)
_INLINE = re.compile(r"\[cid:([^\]\s]+)\]|" + _URL.pattern)
MAX_DEPTH = 150


def escape(text):
    """`text` shown literally by Jira's wiki renderer (URLs excepted: see _inline_text)."""
    text = _SPECIAL.sub(_escape_one, text)
    text = _EMOTICON.sub(r"\\(", text)
    text = re.sub(r"([:;])([()DPp])(?!\w)", r"\1\\\2", text)
    text = re.sub(r"^(\s*)(h[1-6]|bq)\.", r"\1\2\\.", text, flags=re.M)
    return text


def _escape_one(m):
    """One markup character, escaped; a dash only where Jira would read it
    as markup ("--", "---", "-strike-", a list item)."""
    char = m.group(0)
    if char == "??":
        return "\\?\\?"
    if char != "-":
        return "\\" + char
    text, i = m.string, m.start()
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    if "-" in (before, after) or (before.isspace() and not after.isspace()) or \
            (not before.isspace() and (after.isspace() or after in ".,;:!?)")):
        return "\\-"
    return "-"


def _link(url):
    target = url if not url.lower().startswith("www.") else "http://" + url
    trail = ""
    while target and target[-1] in ".,;:!?)":
        trail = target[-1] + trail
        target = target[:-1]
    return "[%s]%s" % (target, escape(trail)) if target else escape(url)


def _inline_text(text, images=None):
    """Escape a run of text, keeping URLs as links and [cid:x] as images."""
    out, pos = [], 0
    for m in _INLINE.finditer(text):
        out.append(escape(text[pos:m.start()]))
        if m.group(1) is not None:
            name = _image_for(images, m.group(1))
            out.append("!%s!" % _image_name(name) if name else "")
        else:
            out.append(_link(m.group(0)))
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def _image_for(images, cid):
    """The file name `images` gives the Content-ID `cid` refers to,
    compared as mail.cids.cid_key (case, <>, %-escapes)."""
    if not images:
        return None
    from mail.cids import cid_key
    key = cid_key(cid)
    return next((name for k, name in images.items() if cid_key(k) == key), None)


def _image_name(name):
    return name.replace("|", "_").replace("!", "_")


# ---- text/plain ------------------------------------------------------------------

_LIST_ITEM = re.compile(r"^(\s*)([-*\u2022]|\d{1,3}[.)])\s+(.*)$")


def text_to_wiki(text, images=None):
    """A text/plain body as wiki markup."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out, quote = [], []

    def flush_quote():
        if quote:
            inner = text_to_wiki("\n".join(quote), images).strip("\n")
            # {quote} does not nest in Jira: an inner quote is flattened.
            inner = inner.replace("{quote}\n", "").replace("\n{quote}", "").replace("{quote}", "")
            out.extend(["{quote}", inner, "{quote}"])
            quote.clear()

    for line in lines:
        if line.startswith(">"):
            quote.append(line[1:][1:] if line[1:2] == " " else line[1:])
            continue
        flush_quote()
        m = _LIST_ITEM.match(line)
        if m:
            depth = 1 + len(m.group(1).expandtabs(4)) // 2
            bullet = "#" if m.group(2)[0].isdigit() else "*"
            out.append("%s %s" % (bullet * min(depth, 6), _inline_text(m.group(3), images)))
        else:
            out.append(_inline_text(line.rstrip(), images))
    flush_quote()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


# ---- text/html ---------------------------------------------------------------------

_PARA, _LINE = "\x00P", "\x00L"
_BLOCKS = {"p", "div", "section", "article", "header", "footer", "main", "address", "center", "form",
           "fieldset", "dl", "dt", "dd", "figure", "figcaption"}
_SKIP = {"script", "style", "head", "title", "template", "svg", "math", "noscript", "iframe", "object",
         "select", "xml"}
_MARKS = {"b": "*", "strong": "*", "i": "_", "em": "_", "cite": "??", "u": "+", "ins": "+", "s": "-",
          "strike": "-", "del": "-", "sup": "^", "sub": "~"}


def html_to_wiki(markup, images=None):
    """A text/html body as wiki markup."""
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(markup, "html.parser")
    rendered = _render_children(soup.body or soup, images or {}, {"list": "", "quote": 0, "depth": 0})
    return _finish(rendered)


def _finish(text):
    text = re.sub("[ \t]*(\x00[PL][ \t]*)+", lambda m: _PARA if _PARA in m.group(0) else _LINE, text)
    text = text.replace(_PARA, "\n\n").replace(_LINE, "\n")
    lines, verbatim = [], False
    for line in text.split("\n"):
        if line.strip() == "{noformat}":
            verbatim = not verbatim
            lines.append("{noformat}")
        else:
            lines.append(line.rstrip() if verbatim else line.strip())
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def _render_children(node, images, ctx):
    return "".join(_render(child, images, ctx) for child in node.children)


def _render(node, images, ctx):
    from bs4 import Comment, NavigableString
    if isinstance(node, Comment):
        return ""
    if isinstance(node, NavigableString):
        if type(node).__name__ in ("Doctype", "Declaration", "ProcessingInstruction", "CData"):
            return ""
        return _inline_text(re.sub(r"\s+", " ", str(node)), images)
    name = (node.name or "").lower()
    if name in _SKIP:
        return ""
    if ctx["depth"] > MAX_DEPTH:     # hostile nesting: the text, flat
        return _inline_text(re.sub(r"\s+", " ", node.get_text(" ")), images)
    sub = dict(ctx, depth=ctx["depth"] + 1)
    if name == "br":
        return _LINE
    if name == "hr":
        return _PARA + "----" + _PARA
    if name == "img":
        return _image(node, images)
    if name == "pre":
        return _PARA + "{noformat}\n" + node.get_text().strip("\n") + "\n{noformat}" + _PARA
    if name in ("code", "tt", "kbd", "samp"):
        inner = node.get_text()
        return "{{%s}}" % escape(inner) if inner.strip() else inner
    if name in _MARKS:
        return _mark(_render_children(node, images, sub), _MARKS[name])
    if name == "a":
        return _anchor(node, _render_children(node, images, sub))
    if re.fullmatch(r"h[1-6]", name):
        inner = _flat(_render_children(node, images, sub))
        return _PARA + "%s. %s" % (name, inner) + _PARA if inner else ""
    if name in ("ul", "ol"):
        sub["list"] = ctx["list"] + ("#" if name == "ol" else "*")
        return _PARA + _render_children(node, images, sub) + _PARA
    if name == "li":
        bullet = ctx["list"] or "*"
        head, nested = [], []
        for child in node.children:
            (nested if getattr(child, "name", None) in ("ul", "ol") else head).append(_render(child, images, sub))
        return _LINE + "%s %s" % (bullet, _flat("".join(head))) + "".join(nested).replace(_PARA, _LINE)
    if name == "blockquote":
        sub["quote"] = ctx["quote"] + 1
        inner = _render_children(node, images, sub)
        if ctx["quote"]:
            return _PARA + inner + _PARA   # {quote} does not nest
        return _PARA + "{quote}" + _LINE + inner + _LINE + "{quote}" + _PARA
    if name == "table":
        return _PARA + _render_children(node, images, sub) + _PARA
    if name in ("thead", "tbody", "tfoot"):
        return _render_children(node, images, sub)
    if name == "tr":
        cells = [c for c in node.children if getattr(c, "name", None) in ("td", "th")]
        row = "".join(("||" if c.name == "th" else "|") + (_flat(_render_children(c, images, sub)) or " ")
                      for c in cells)
        return _LINE + row + ("||" if cells and cells[-1].name == "th" else "|") if cells else ""
    if name in _BLOCKS:
        sep = _PARA if name == "p" else _LINE
        return sep + _render_children(node, images, sub) + sep
    return _render_children(node, images, sub)


def _flat(text):
    """Inline content: no block breaks (a list item, a cell, a heading)."""
    text = re.sub("[ \t]*(\x00[PL][ \t]*)+", " ", text)
    return text.strip()


def _mark(inner, mark):
    """*bold*: the marks must touch the text, so outer spaces go outside."""
    if not inner.strip() or "\x00" in inner:
        return inner
    lead = inner[:len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    return "%s%s%s%s%s" % (lead, mark, inner.strip(), mark, trail)


def _anchor(node, inner):
    href = (node.get("href") or "").strip()
    text = _flat(inner)
    if not href or href.startswith(("#", "javascript:")) or re.search(r"[\s|\]]", href):
        return inner
    if not re.match(r"(?i)(https?|ftp|mailto):", href):
        return inner
    plain = re.sub(r"\\(.)", r"\1", text)
    if not text or plain == href or text.startswith("[") and text.endswith("]"):
        return "[%s]" % href
    return "[%s|%s]" % (text.replace("|", "\\|"), href)


def _image(node, images):
    src = (node.get("src") or "").strip()
    if src.lower().startswith("cid:"):
        name = _image_for(images, src[4:])
        if name:
            return "!%s!" % _image_name(name)
    alt = (node.get("alt") or "").strip()
    return escape(alt) if alt else ""


def fit(markup, note, limit=JIRA_TEXT_LIMIT):
    """`markup` cut to Jira's text limit, at a line end, with `note` (wiki
    markup, e.g. "(cut here: the whole mail is attached as mail.txt)")
    after it; unchanged if it fits. An open {quote} / {noformat} / {code}
    block is closed so the note shows as text."""
    if len(markup) <= limit:
        return markup
    room = limit - len(note) - 40
    if room <= 0:
        return note[:limit]
    cut = markup[:room]
    if "\n" in cut[room // 2:]:
        cut = cut[:cut.rindex("\n")]
    cut = cut.rstrip()
    for block in ("{noformat}", "{quote}", "{code}"):
        if cut.count(block) % 2:
            cut += "\n" + block
    return cut + "\n\n" + note
