"""Bounds on what one message can make a run do.

Mail is written by anybody. A crafted message must not make a run take
longer than the deadline, eat gigabytes, or fail the same way at every poll
for ever. The bounds here are far beyond what real mail needs; past one, the
message is read as far as is sane and the ticket says what was left out
(`Bounds.notes`), or, for the whole-message size, it is not ticketed at all
and the admin is told.

- Settings regexes run on mail text (regex_reply, regex_privat, the file
  name filters, valors_defecte) only ever see a bounded prefix of it:
  upstream's `.*?R[eEvV]:.*?\\[Suport Unitat ([\\d]+)\\]` is cubic in the
  subject length, harmless on 256 characters, minutes on 13 KB. The prefix
  is what both re.match and re.search are given, so either works.
- The parsed tree is bounded: header fields per part and their size,
  MIME leaves, nesting depth.
- The description sent to GN6 is capped; the whole of it goes on the ticket
  as an attached file.
"""
import logging

from mail.htmltext import escape

log = logging.getLogger("mailtoticket.limits")

# Characters of mail text a settings regex sees.
MAX_SUBJECT_MATCHED = 256
MAX_NAME_MATCHED = 255          # attachment file names
MAX_HEADER_MATCHED = 1024       # valors_defecte header rules
# An address longer than this is not an address (RFC 5321 allows 254).
MAX_ADDRESS = 254

# The parsed tree.
MAX_HEADERS = 500               # header fields kept per part
MAX_HEADER_CHARS = 16384        # characters kept of one header field
MAX_LEAVES = 200                # MIME leaves (body parts and attachments)
MAX_DEPTH = 50                  # multipart nesting followed

MIB = 1024 * 1024
KIB = 1024


def subject_for_match(subject):
    return (subject or "")[:MAX_SUBJECT_MATCHED]


def name_for_match(name):
    return (name or "")[:MAX_NAME_MATCHED]


def header_for_match(value):
    return (value or "")[:MAX_HEADER_MATCHED]


def too_big(raw, settings):
    """The reason a message is refused whole for its size, or None."""
    limit = settings["mida_maxima_missatge_mb"]
    if limit and len(raw) > limit * MIB:
        return ("message of %.1f MiB is larger than mida_maxima_missatge_mb (%s MiB)"
                % (len(raw) / MIB, limit))
    return None


def head_only(raw, limit=MIB):
    """The header block of `raw` (at most `limit` bytes), enough to name a
    message that is refused for its size without parsing all of it."""
    head = raw[:limit]
    for sep in (b"\r\n\r\n", b"\n\n"):
        at = head.find(sep)
        if at >= 0:
            return head[:at + len(sep)]
    return head + b"\n\n"


class Bounds:
    """What the bounds cut out of one message, for the ticket to say."""

    def __init__(self):
        self.notes = []

    def note(self, text):
        if text not in self.notes:
            log.warning("message bounded: %s", text)
            self.notes.append(text)

    def html(self):
        if not self.notes:
            return ""
        items = "".join("<li>%s</li>" % escape(n) for n in self.notes)
        return ("<p>mailtoticket left part of this message out (limits against "
                "hostile mail):</p><ul>%s</ul>" % items)


def bounded_part_factory(bounds):
    """The parser's message class for one message: each part keeps at most
    MAX_HEADERS header fields, each at most MAX_HEADER_CHARS long, as the
    parser reads them. Bounded while parsing, not after: the parser itself
    reads a multipart's boundary parameter with compat32's parameter
    scanner, quadratic in the length of the Content-Type field."""
    from email.message import Message

    class BoundedPart(Message):
        def set_raw(self, name, value):
            if len(self._headers) >= MAX_HEADERS:
                bounds.note("header fields after the first %d of a part" % MAX_HEADERS)
                return
            if isinstance(value, str) and len(value) > MAX_HEADER_CHARS:
                bounds.note("the end of a %s header field of %d characters"
                            % (str(name)[:60], len(value)))
                value = value[:MAX_HEADER_CHARS]
            self._headers.append((name, value))

    def factory(policy=None):
        return BoundedPart() if policy is None else BoundedPart(policy=policy)
    return factory


def cap_description(description, settings):
    """(description to send, the whole description or None when it fits).

    GN6 stores the description in a database column and shows it in a web
    page: a 100 MB description is no use to anybody there."""
    limit = settings["mida_maxima_descripcio_kb"] * KIB
    if not limit or len(description) <= limit:
        return description, None
    cut = description.rfind("<br>", 0, limit)
    cut = cut if cut > limit // 2 else limit
    cut = _outside_tag(description, cut)
    shown = description[:cut] + (
        "<p>[The description is %d characters long: only the first %d are "
        "shown here. The whole of it is attached as descripcio-completa.html.]</p>"
        % (len(description), cut))
    return shown, description


def _outside_tag(text, cut):
    """A cut point that does not split a tag or an entity."""
    lt, gt = text.rfind("<", 0, cut), text.rfind(">", 0, cut)
    if lt > gt:
        cut = lt
    amp, semi = text.rfind("&", 0, cut), text.rfind(";", 0, cut)
    if amp > semi and cut - amp < 12:
        cut = amp
    return cut
