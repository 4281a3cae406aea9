"""Optional cleaning of a description before it is written to GN6.

The original tool let a settings file set `netejar_mail_nou` and
`netejar_mail_reply` to functions of its `netejahtml` module (HTML in, HTML
out). This project keeps that hook: the keys may hold any such callable
(or its dotted name), and the top-level `netejahtml` module maps the
original names to the functions below, so an upstream settings file that
does `import netejahtml` loads and behaves alike.

The functions are deliberately conservative: they cut a signature (a line
"-- ") and a trailing quote (a cited blockquote, a Gmail/Android quote, a
block of "> " lines) only when something else remains, so cleaning never
empties a ticket. Finer reply stripping belongs to the reading of replies;
these are the hook's default implementations.
"""
import logging
import re

log = logging.getLogger("mailtoticket.cleaning")

_BR = r"<br\s*/?>"
_SIGNATURE_RE = re.compile(r"(?:^|%s\s*)--(?:\s|&nbsp;)*%s.*\Z" % (_BR, _BR), re.S | re.I)
_QUOTE_BLOCK_RE = re.compile(
    r"<(blockquote)\b[^>]*type=[\"']?cite[^>]*>.*</blockquote>\s*\Z"
    r"|<div\b[^>]*class=[\"'][^\"']*\b(?:gmail_quote|quote)\b[^>]*>.*</div>\s*\Z",
    re.S | re.I)
_QUOTED_LINE_RE = re.compile(r"^\s*(?:&gt;|>)")


def _visible(html):
    return re.sub(r"<[^>]*>|&nbsp;|\s", "", html or "")


def _kept_if_visible(original, cleaned):
    return cleaned if _visible(cleaned) else original


def strip_signature(html):
    """Everything from a "-- " signature separator line on."""
    return _kept_if_visible(html, _SIGNATURE_RE.sub("", html or ""))


def strip_quote(html):
    """A trailing quoted block: a cited HTML blockquote or one block of
    "> " lines at the end of a text mail."""
    html = html or ""
    cleaned = _QUOTE_BLOCK_RE.sub("", html)
    if cleaned == html:
        lines = re.split(r"%s\n?" % _BR, html)
        end = len(lines)
        while end and (_QUOTED_LINE_RE.match(lines[end - 1]) or not lines[end - 1].strip()):
            end -= 1
        if end < len(lines) and any(_QUOTED_LINE_RE.match(line) for line in lines[end:]):
            # drop the attribution line ("On ... wrote:") just above the quote
            if end and lines[end - 1].rstrip().endswith(":"):
                end -= 1
            cleaned = "<br>\n".join(lines[:end])
    return _kept_if_visible(html, cleaned)


def clean_new(html):
    """netejahtml.neteja_nou: a new ticket's text without its signature."""
    return strip_signature(html)


def clean_reply(html):
    """netejahtml.neteja_reply: a reply's text without the quoted mail it
    answers, nor its signature."""
    return strip_quote(strip_signature(html))


def apply(settings, key, html):
    """The settings' cleaning function `key` applied to `html` (unchanged
    if none is set). A cleaning function that fails is logged and skipped:
    it must not cost the message."""
    function = settings.get(key)
    if not function:
        return html
    try:
        result = function(html)
    except Exception as e:
        log.warning("%s failed (%s: %s): description left as it was", key,
                    type(e).__name__, e)
        return html
    return result if isinstance(result, str) else html
