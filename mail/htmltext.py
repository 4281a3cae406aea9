"""HTML read as text, and text escaped for HTML, without an HTML parser.

Looking at the text of an HTML body (is there any? is there a forward
marker?) must not cost a parser's import on every mail, nor go quadratic
on hostile markup; html.entities is imported only when a text has an "&".
"""

import re

from mail.charsets import clean_text

__all__ = ["escape", "html_to_text", "unescape"]


def unescape(text):
    """html.unescape, imported on first use: html.entities costs more to
    import than a plain-text mail needs."""
    if "&" not in text:
        return text
    from html import unescape as _unescape
    return _unescape(text)


def escape(text, quote=True):
    """html.escape(text, quote) without importing html."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;").replace("'", "&#x27;") if quote else text


_TAG_NAME_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9:-]*)")
_HIDDEN_ELEMENTS = frozenset(
    "script style head title xml template svg math noembed noframes iframe"
    " object select".split())
_BREAK_ELEMENTS = frozenset(
    "br p div tr li dt dd h1 h2 h3 h4 h5 h6 table blockquote pre hr"
    " address".split())


def html_to_text(markup):
    """The visible text of HTML, line breaks where blocks end, without a
    parser: linear on any input (the regexes and html.parser of the
    standard library are quadratic on some hostile markup). Good enough
    for looking at the text (is there any? a forward marker?), not for
    display."""
    out = []
    lower = markup.lower()
    pos, size = 0, len(markup)
    while pos < size:
        start = markup.find("<", pos)
        if start < 0:
            out.append(markup[pos:])
            break
        out.append(markup[pos:start])
        if markup.startswith("<!--", start):
            end = markup.find("-->", start + 4)
            pos = size if end < 0 else end + 3
            continue
        match = _TAG_NAME_RE.match(markup, start)
        if match is None:
            if markup.startswith(("<!", "<?"), start):
                end = markup.find(">", start)
                pos = size if end < 0 else end + 1
            else:  # a lone "<" is text
                out.append("<")
                pos = start + 1
            continue
        end = markup.find(">", match.end())
        if end < 0:
            break
        name = match.group(1).lower()
        closing = markup.startswith("</", start)
        if name in _HIDDEN_ELEMENTS and not closing:
            close = lower.find("</" + name, end)
            if close < 0:
                break
            end = markup.find(">", close)
            if end < 0:
                break
        elif name in _BREAK_ELEMENTS:
            out.append("\n")
        pos = end + 1
    return clean_text(unescape("".join(out)))
