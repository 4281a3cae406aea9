"""The ticket description: the mail's HTML sanitised, or its text as HTML.

GN6 shows the description as HTML to the support staff, so whatever the
sender wrote must not run, load or hide anything there. HTML goes through
two passes:

1. lxml.html (libxml2's HTML parser; zeep has already loaded lxml) drops
   whole elements whose content must not survive as text (script, style,
   head, iframe, object, svg...), replaces images that load from the
   network (tracking pixels) with their alt text, and keeps only what is
   inside <body>.
2. nh3 (the ammonia sanitiser), with an allow-list of formatting tags and
   attributes, strips everything else (keeping its text), checks URLs (a
   href: http, https, mailto; img src: cid: and data:image only) and
   filters style attributes through a small CSS allow-list (no url(),
   expression()...).

Both are imported only when a message has an HTML part.

If cleaning leaves nothing visible, the raw HTML is never used: the text
alternative is, or else the text extracted from the HTML, or else ''.
"""

import re

from mail.charsets import clean_text
from mail.headers import part_params
from mail.htmltext import escape, html_to_text, unescape
from mail.raw.payload import part_text
from mail.failsafe import noted

__all__ = ["body_leaves", "description_html", "replace_cid_images",
           "rewrite_cids", "text_to_html"]

ALLOWED_TAGS = frozenset("""
    a abbr address b big blockquote br caption center cite code col colgroup
    dd del dfn div dl dt em figcaption figure font h1 h2 h3 h4 h5 h6 hr i img
    ins kbd li mark ol p pre q s samp small span strike strong sub sup table
    tbody td tfoot th thead tr tt u ul wbr
""".split())

# Elements dropped with everything inside them before nh3 sees the HTML.
_DROP_TAGS = [
    "script", "style", "head", "title", "iframe", "frame", "frameset",
    "noframes", "object", "applet", "svg", "math", "template", "xml",
    "audio", "video", "canvas", "noembed", "select", "datalist",
]
# Void elements to drop. Their "content" can only come from a parser that
# does not know they are void (libxml2 nests the rest of the document in
# <embed>), so they are unwrapped: the tag goes, what follows stays.
_DROP_VOID_TAGS = ["meta", "link", "base", "embed", "param", "source",
                   "track"]

_COMMON_ATTRIBUTES = frozenset("""
    align valign dir lang title style width height bgcolor border
""".split())
_TAG_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt"},
    "font": {"color", "face", "size"},
    "table": {"cellpadding", "cellspacing", "summary", "frame", "rules"},
    "td": {"colspan", "rowspan", "nowrap", "headers", "scope"},
    "th": {"colspan", "rowspan", "nowrap", "headers", "scope", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type", "reversed"},
    "ul": {"type"},
    "li": {"value", "type"},
    "blockquote": {"cite", "type"},
    "q": {"cite"},
    "hr": {"size", "noshade"},
}
_PROTOCOLS = frozenset({"http", "https", "mailto", "cid", "data"})

_URL_JUNK_RE = re.compile(r"[`\x00-\x20\x7f-\xa0\s]+")
_DATA_IMAGE_RE = re.compile(r"data:image/(?:png|jpe?g|gif|webp|bmp);")


def _normalised_url(value):
    return _URL_JUNK_RE.sub("", value).lower()


def _safe_href(value):
    url = _normalised_url(value)
    return url.startswith(("http:", "https:", "mailto:"))


def _safe_img_src(value):
    url = _normalised_url(value)
    return url.startswith("cid:") or _DATA_IMAGE_RE.match(url) is not None


def _allow_attribute(tag, name, value):
    """nh3's attribute filter: the allow-lists above, URL checks, the CSS
    filter; the value to keep, or None to drop the attribute."""
    name = name.lower()
    if name == "href":
        return value if tag == "a" and _safe_href(value) else None
    if name == "src":
        return value if tag == "img" and _safe_img_src(value) else None
    if name == "style":  # an empty one after filtering is just noise
        return _CSS.sanitize_css(value) or None
    if name in _COMMON_ATTRIBUTES or name in _TAG_ATTRIBUTES.get(tag, ()):
        return value
    return None


_CSS_PROPERTIES = frozenset("""
    color background-color font font-family font-size font-style
    font-weight font-variant text-align text-decoration text-indent
    text-transform line-height letter-spacing word-spacing white-space
    word-wrap overflow-wrap word-break vertical-align direction
    margin margin-top margin-right margin-bottom margin-left
    padding padding-top padding-right padding-bottom padding-left
    border border-top border-right border-bottom border-left border-color
    border-style border-width border-collapse border-spacing border-radius
    border-top-color border-right-color border-bottom-color border-left-color
    border-top-style border-right-style border-bottom-style border-left-style
    border-top-width border-right-width border-bottom-width border-left-width
    width height min-width max-width min-height max-height
    list-style-type table-layout caption-side empty-cells
""".split())
_CSS_COMMENT_RE = re.compile(r"/\*.*?(?:\*/|$)", re.S)
_CSS_DANGER_RE = re.compile(
    r"url\s*\(|expression|javascript|vbscript|behavior|binding|@import|"
    r"image-set|image\s*\(|[\\<>]", re.I)


class _CssSanitizer:
    """Keeps the declarations of an allow-listed property whose value cannot
    load or run anything."""

    def sanitize_css(self, style):
        style = _CSS_COMMENT_RE.sub("", style or "")
        kept = []
        for declaration in style.split(";"):
            prop, colon, value = declaration.partition(":")
            prop = prop.strip().lower()
            value = value.strip()
            if not colon or prop not in _CSS_PROPERTIES or not value:
                continue
            if _CSS_DANGER_RE.search(value):
                continue
            kept.append("%s: %s" % (prop, value))
        return "; ".join(kept)


_CSS = _CssSanitizer()


def _clean(fragment):
    """Pass 2 (see the module doc)."""
    import nh3
    attributes = {tag: set(_COMMON_ATTRIBUTES) | names
                  for tag, names in _TAG_ATTRIBUTES.items()}
    attributes["*"] = set(_COMMON_ATTRIBUTES)
    return nh3.clean(fragment, tags=set(ALLOWED_TAGS), attributes=attributes,
                     attribute_filter=_allow_attribute, url_schemes=set(_PROTOCOLS),
                     strip_comments=True, link_rel=None)


# Deeper elements are flattened to their text: real mail never nests this
# deep, and nothing a person reads needs it.
_MAX_HTML_DEPTH = 100


def _flatten_deep(root):
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        for child in list(node):
            if not isinstance(child.tag, str):
                continue
            if depth + 1 >= _MAX_HTML_DEPTH:
                text = child.text_content()
                child.clear(keep_tail=True)
                child.text = text
                child.drop_tag()
            else:
                stack.append((child, depth + 1))


# Closing </body> and </html> tags: mail servers append disclaimers after
# them, which a mail client shows and lxml would drop. Without the tags
# the parser keeps everything in the body.
_BODY_END_RE = re.compile(r"</[ \t\r\n]*(?:body|html)[ \t\r\n]*>", re.I)


def _prune(markup):
    """Pass 1 (see the module doc): (body fragment as HTML, its text)."""
    import html
    from lxml import etree
    from lxml.html import document_fromstring
    try:
        root = document_fromstring(_BODY_END_RE.sub("", markup))
    except (etree.ParserError, ValueError):   # nothing an HTML parser reads as a document
        return "", ""
    for element in list(root.iter(*_DROP_TAGS)):
        element.drop_tree()
    for element in list(root.iter(*_DROP_VOID_TAGS)):
        element.drop_tag()
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        node.drop_tree()
    _flatten_deep(root)
    for img in list(root.iter("img")):
        if _safe_img_src(img.get("src") or ""):
            continue
        alt = (img.get("alt") or "").strip()
        if alt:
            img.tail = img.get("alt") + (img.tail or "")
        img.drop_tree()
    body = root.find("body")
    if body is None:
        body = root
    inner = html.escape(body.text or "", quote=False) + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in body)
    return inner, "\n".join(body.itertext())


_TAG_RE = re.compile(r"<[^>]*>")
_INVISIBLE_RE = re.compile("[\\s\u00a0\u200b-\u200d\u2060\ufeff]+")
_XML_BAD_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _visible(cleaned):
    """Whether sanitised HTML shows anything: text or an image."""
    if "<img" in cleaned:
        return True
    # nh3's output escapes every "<" that is not a tag, so this regex
    # cannot go quadratic on it.
    text = unescape(_TAG_RE.sub("", cleaned))
    return bool(_INVISIBLE_RE.sub("", text))


def _tidy_text(text):
    """Trailing blanks off, at most one empty line in a row."""
    out = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _xml_safe(text):
    return _XML_BAD_RE.sub("", clean_text(text))


def _keep_spaces(line):
    """Runs of spaces and indentation survive HTML's whitespace collapsing."""
    line = re.sub(r" {2,}",
                  lambda m: "&nbsp;" * (len(m.group(0)) - 1) + " ", line)
    if line.startswith(" "):
        line = "&nbsp;" + line[1:]
    return line


def text_to_html(text):
    """Plain text as HTML: escaped, line breaks as <br>, runs of spaces
    kept; URLs stay plain text (no links are made)."""
    if not text:
        return ""
    text = _xml_safe(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.expandtabs(4).rstrip().lstrip("\n")
    lines = [_keep_spaces(line) for line in escape(text).split("\n")]
    return "<br>\n".join(lines)


def _quoted(depth, content):
    return (">" * depth + " " + content) if depth else content


def _unflow(text, delsp):
    """Undo RFC 3676 format=flowed: join soft-broken lines of the same
    quote depth."""
    out = []
    buf = None
    buf_depth = 0
    for line in text.split("\n"):
        line = line.rstrip("\r")
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing
        flowed = content.endswith(" ") and content != "-- "
        if flowed and delsp:
            content = content[:-1]
        if buf is not None and depth != buf_depth:
            out.append(_quoted(buf_depth, buf))
            buf = None
        if buf is None:
            buf, buf_depth = content, depth
        else:
            buf += content
        if not flowed:
            out.append(_quoted(buf_depth, buf))
            buf = None
    if buf is not None:
        out.append(_quoted(buf_depth, buf))
    return "\n".join(out)


def _leaf_text(leaf):
    """A text/plain body leaf decoded, format=flowed undone, uuencoded
    files left out (they are attachments), inline PGP clear-signed text
    read as the text it signs."""
    text = part_text(leaf.part)
    if "begin" in text:      # the uuencode reader, only for text that may hold a file
        from mail.formats.uuencode import split_uuencoded
        text, _ = split_uuencoded(text)
    if "-----BEGIN PGP SIGNED MESSAGE-----" in text:
        from mail.formats.special import unarmor_signed
        text = unarmor_signed(text)
    _, params = part_params(leaf.part, "Content-Type")
    if params.get("format", "").lower() == "flowed":
        text = _unflow(text.replace("\r\n", "\n"),
                       params.get("delsp", "").lower() == "yes")
    return text


def _plain_text(message):
    """The text/plain body parts, decoded, format=flowed undone, joined."""
    return "\n".join(_leaf_text(leaf) for leaf in message.leaves()
                     if leaf.is_body and leaf.content_type == "text/plain")


def _alternative_of(message, path):
    """The path of the nearest multipart/alternative holding the part at
    `path`, or None: its leaves are versions of one body, not more body."""
    node = message.email
    found = None
    try:
        for depth, index in enumerate(path):
            if node.get_content_type() == "multipart/alternative":
                found = path[:depth]
            node = node.get_payload()[index]
    except (IndexError, AttributeError, TypeError):   # a path into a broken tree
        return found
    return found


def body_leaves(message):
    """The body leaves a mail client shows, in document order: of each
    multipart/alternative its HTML version (its text version if it has no
    HTML), and every other inline text or HTML part (a forwarder's own
    words in text beside the forwarded page in HTML are both shown)."""
    leaves = [leaf for leaf in message.leaves() if leaf.is_body]
    groups = {}
    for leaf in leaves:
        key = _alternative_of(message, leaf.path)
        if key is not None:
            groups.setdefault(key, []).append(leaf)
    shown = []
    for leaf in leaves:
        key = _alternative_of(message, leaf.path)
        if key is not None:
            group = groups[key]
            if any(g.content_type == "text/html" for g in group) and \
                    leaf.content_type != "text/html":
                continue
        shown.append(leaf)
    return shown


# HTML beyond these sizes is not sanitised (a run has 60 seconds, and such
# a mail is no HTML a person wrote). Such a mail gets its text alternative,
# or the text of its HTML, as for HTML that cleans to nothing.
_MAX_HTML_CHARS = 2 * 1024 * 1024
_MAX_HTML_MARKUP = 50_000  # "<" and "&" in the HTML


def _too_big(markup):
    return len(markup) > _MAX_HTML_CHARS or \
        markup.count("<") + markup.count("&") > _MAX_HTML_MARKUP


def description_html(message, strip_quotes=False):
    """The ticket description as safe HTML ('' if the mail has no body).

    Each body part a mail client shows, in order (body_leaves): HTML
    sanitised, text as HTML. With `strip_quotes` (comments on a ticket)
    the quoted history and signature of a reply are left out (replies.py).
    Never raises and never returns unsanitised HTML.
    """
    try:
        return _with_notes(message, _description(message, strip_quotes))
    except Exception as e:  # a bug: the text is still worth a ticket
        from mail.message import note_defect
        note_defect(message, "description (shown as plain text)", e)
        try:
            return text_to_html(_plain_text(message))
        except Exception as e:
            note_defect(message, "description (left empty)", e)
            return ""


_NOTE_TYPES = ("multipart/encrypted", "application/pkcs7-mime",
               "application/x-pkcs7-mime", "application/pgp-encrypted",
               "text/calendar", "application/ics")


def _with_notes(message, description):
    """The description with what special parts say (special.py): a note
    that the mail is encrypted on top, invitations' events below."""
    types = {leaf.content_type for leaf in message.leaves()}
    types.add(message.content_type)
    if not types.intersection(_NOTE_TYPES) and \
            "-----BEGIN PGP MESSAGE-----" not in message.text_body():
        return description
    from mail.formats.special import encrypted_note, event_notes
    parts = [encrypted_note(message), description, event_notes(message)]
    return "\n".join(p for p in parts if p)


def _render_html(markup, strip_quotes, visible_texts):
    if strip_quotes:
        from mail.replies import strip_html
        markup = strip_html(markup)
    if _too_big(markup):
        visible_texts.append(html_to_text(markup))
        return ""
    try:
        fragment, visible = _prune(markup)
        cleaned = _clean(fragment).strip()
    except Exception as e:  # RecursionError on absurdly nested markup...
        noted("HTML markup (shown as its text)", e)
        cleaned = ""
        visible = html_to_text(markup)
    visible_texts.append(visible)
    return cleaned


def _render_text(text, strip_quotes):
    if strip_quotes:
        from mail.replies import strip_text
        text = strip_text(text)
    return text_to_html(text) if text.strip() else ""


def _description(message, strip_quotes=False):
    leaves = body_leaves(message)
    htmls = [leaf for leaf in leaves if leaf.content_type == "text/html"]
    if not htmls:
        text = _plain_text(message)
        return _render_text(text, strip_quotes) if text.strip() else ""
    cleaned = []
    visible_texts = []
    for leaf in leaves:
        if leaf.content_type == "text/html":
            markup = part_text(leaf.part)
            if markup.strip():
                cleaned.append(_render_html(markup, strip_quotes,
                                            visible_texts))
        else:
            cleaned.append(_render_text(_leaf_text(leaf), strip_quotes))
    result = _xml_safe("\n".join(c for c in cleaned if c))
    if _visible(result):
        return result
    text = _plain_text(message)
    if _INVISIBLE_RE.sub("", text):
        return text_to_html(text)
    visible = _tidy_text("\n".join(visible_texts))
    if _INVISIBLE_RE.sub("", visible):
        return text_to_html(visible)
    return ""


_CID_SRC_RE = re.compile(
    r"""(\bsrc\s*=\s*)(?:"\s*cid:([^"]*)"|'\s*cid:([^']*)'|cid:([^\s>"']+))""",
    re.I)


def _cid_key(value):
    from mail.cids import cid_key
    return cid_key(value)


def rewrite_cids(html, cid_to_url):
    """Point every src="cid:X" at the uploaded attachment's URL.

    Content-IDs match case-insensitively, with or without <>, %-escaped
    or not; a cid with no URL in the map is left as it is.
    """
    if not html or not cid_to_url:
        return html
    urls = {_cid_key(k): v for k, v in cid_to_url.items() if k and v}

    def replace(match):
        value = next(g for g in match.groups()[1:] if g is not None)
        url = urls.get(_cid_key(value))
        if url is None:
            return match.group(0)
        return '%s"%s"' % (match.group(1), escape(url))

    return _CID_SRC_RE.sub(replace, html)


_CID_IMG_RE = re.compile(r"<img\b[^<>]*?\bsrc=\"cid:([^\"]*)\"[^<>]*>", re.I)
_ALT_RE = re.compile(r"\balt=\"([^\"]*)\"", re.I)


def replace_cid_images(html, labels):
    """Each <img src="cid:X"> still in sanitised HTML (its image was not
    uploaded) replaced by what it was: `labels[X]` (plain text, say
    "[image logo.png not uploaded: filtered by name]"), else its alt text,
    else nothing. A broken image is never left in the description."""
    if not html or "cid:" not in html.lower():
        return html
    keyed = {_cid_key(k): v for k, v in (labels or {}).items() if k}

    def replace(match):
        label = keyed.get(_cid_key(match.group(1)))
        if label is None:
            alt = _ALT_RE.search(match.group(0))
            return alt.group(1) if alt else ""
        return escape(label)

    return _CID_IMG_RE.sub(replace, html)
