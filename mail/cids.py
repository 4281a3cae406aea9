"""One spelling of a Content-ID, for every place that compares them.

A Content-ID header says <image@001>; the HTML may refer to it as
cid:image@001, cid:IMAGE%40001, cid:%3Cimage@001%3E or with HTML entities.
Comparing those with different rules meant an image was uploaded but its
link left dead, so every comparison goes through `cid_key`.
"""
import re

CID_RE = re.compile(r"""cid:([^"'\s>)]+)""", re.I)
_SPACE_RE = re.compile(r"\s+")


def cid_key(value):
    """The comparable form of a Content-ID or of a cid: URL's target:
    HTML entities and %-escapes undone, no whitespace, no <>, lower case."""
    if not value:
        return ""
    from html import unescape
    from urllib.parse import unquote
    value = unquote(unescape(value))
    return _SPACE_RE.sub("", value).strip("<>").lower()


def referenced_cids(html):
    """The cid_key of every cid: reference in `html`."""
    if not html or "cid:" not in html.lower():
        return set()
    return {cid_key(m.group(1)) for m in CID_RE.finditer(html)}
