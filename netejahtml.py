"""The original tool's cleaning module name, for settings files written for it.

Upstream settings files may `import netejahtml` and set
`"netejar_mail_nou": netejahtml.neteja_nou`, `"netejar_mail_reply":
netejahtml.neteja_reply`, or one of the module's smaller helpers (a site
that only wanted signatures off named `treure_signatura`), or compose them
in a function of their own. Every public name of the original module is
here, with the same meaning (HTML in, HTML out); nothing here is upstream
code. `neteja_nou`, `neteja_reply`, `treure_reply` and `treure_signatura`
are this project's own cleaning (rules/cleaning.py); the rest are written
here. Descriptions reach the hook already sanitised (mail/body.py), so
`sanitize` is that same sanitiser. bs4 and bleach are imported only when a
helper that needs them runs.
"""
import functools
import re

from rules.cleaning import clean_new as neteja_nou  # noqa: F401
from rules.cleaning import clean_reply as neteja_reply  # noqa: F401
from rules.cleaning import strip_quote as treure_reply  # noqa: F401
from rules.cleaning import strip_signature as treure_signatura  # noqa: F401

__all__ = ["assegura_contingut", "compacta_br", "neteja_nou", "neteja_reply",
           "sanitize", "treure_bloc", "treure_blockquote", "treure_body",
           "treure_imatges_trencades", "treure_pgp", "treure_reply",
           "treure_reply_text", "treure_signatura", "treure_signatura_html",
           "treure_signatura_text", "treure_tag_complet"]

_BR_RE = re.compile(r"<br\s*/?>", re.I)


def _shows_something(html):
    from rules.cleaning import _visible
    return bool(_visible(html)) or "<img" in (html or "")


def assegura_contingut(clean):
    """Decorator: `clean`'s result, unless it leaves nothing to read; then
    the HTML as it came."""
    @functools.wraps(clean)
    def kept(html, *args):
        cleaned = clean(html, *args)
        return cleaned if _shows_something(cleaned) else html
    return kept


def _soup(html):
    from bs4 import BeautifulSoup
    return BeautifulSoup(html or "", "html.parser")


@assegura_contingut
def sanitize(html):
    """Only safe markup: this project's sanitiser (the one descriptions
    already went through), wrapped in <body> as the original returned it."""
    from mail.body import _get_cleaner, _prune
    fragment, _ = _prune(html or "")
    return "<body>%s</body>" % _get_cleaner().clean(fragment)


@assegura_contingut
def compacta_br(html):
    """Runs of line breaks down to one empty line."""
    return re.sub(r"<br\s*/?>(?:\s*<br\s*/?>)+", "<br/><br/>", html or "", flags=re.I)


@assegura_contingut
def treure_body(html):
    """The <body> tags off (their content stays)."""
    return re.sub(r"</?body\s*>", "", html or "", flags=re.I)


def treure_tag_complet(html, tag):
    """Every `tag` element off, with its content."""
    soup = _soup(html)
    for element in soup.find_all(tag):
        element.decompose()
    return str(soup)


# A reply's quoted mail as clients wrap it, when it is the only such block
# at the top level: Thunderbird and webmails, Gmail, Android.
_QUOTE_SELECTORS = ("blockquote[type=cite]", "div.gmail_quote", "div.quote")


@assegura_contingut
def treure_blockquote(html):
    """The quoted mail of a reply (one top-level quote block) and
    Thunderbird's "On ... wrote:" line above it."""
    soup = _soup(html)
    root = soup.body or soup
    for selector in _QUOTE_SELECTORS:
        found = [e for e in root.select(selector) if e.parent is root]
        if len(found) == 1:
            found[0].decompose()
    prefix = [e for e in root.select("div.moz-cite-prefix") if e.parent is root]
    if len(prefix) == 1 and len(prefix[0].find_all(True)) <= 2:
        prefix[0].decompose()
    return str(soup)


@assegura_contingut
def treure_reply_text(text):
    """One block of "> " lines (a plain-text reply's quote), if there is
    exactly one."""
    lines = (text or "").split("<br/>\n")
    quoted = [line.startswith("&gt;") for line in lines]
    blocks = sum(1 for i, q in enumerate(quoted) if q and (i == 0 or not quoted[i - 1]))
    if blocks != 1:
        return text
    return "<br/>\n".join(line for line, q in zip(lines, quoted) if not q)


@assegura_contingut
def treure_signatura_text(text):
    """From the "-- " line on, when there is exactly one such line."""
    lines = _BR_RE.split(text or "")
    marks = [i for i, line in enumerate(lines) if re.match(r"^\s*--\s*$", line)]
    if len(marks) != 1:
        return text
    return "<br>\n".join(lines[:marks[0]])


@assegura_contingut
def treure_signatura_html(html):
    """The last Thunderbird and the last Gmail signature block."""
    soup = _soup(html)
    for selector in (".moz-signature", ".gmail_signature"):
        found = soup.select(selector)
        if found:
            found[-1].decompose()
    return str(soup)


@assegura_contingut
def treure_imatges_trencades(html):
    """Images that point at a cid: part (shown as a broken image once the
    mail is a ticket)."""
    soup = _soup(html)
    for img in soup.find_all("img"):
        if (img.get("src") or "").lower().startswith("cid:"):
            img.decompose()
    return str(soup)


def treure_bloc(text, start, end):
    """The lines from one matching regex `start` to the next matching
    `end` (both included) off, every such block."""
    kept, inside = [], False
    for line in (text or "").split("\n"):
        if re.match(start, line):
            inside = True
        if not inside:
            kept.append(line)
        elif re.match(end, line):
            inside = False
    return "\n".join(kept)


@assegura_contingut
def treure_pgp(text):
    """PGP public keys and detached signatures pasted in the text."""
    text = treure_bloc(text, "^-----BEGIN PGP PUBLIC KEY BLOCK-----",
                       "^-----END PGP PUBLIC KEY BLOCK-----")
    return treure_bloc(text, "^-----BEGIN PGP SIGNATURE-----", "^-----END PGP SIGNATURE-----")


def __getattr__(name):
    """A name the original module never had is named in the settings error."""
    raise AttributeError("netejahtml has no function %r (it has: %s)"
                         % (name, ", ".join(__all__)))
