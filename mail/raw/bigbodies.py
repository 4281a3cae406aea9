"""Large base64 bodies kept out of the email parser's way.

The email package's parser holds a body as a list of its lines, then joins
them into one string: a 35 MB attachment costs, at once, the message's own
bytes, some 60 MB of line objects and another 35 MB string. So a run of
base64 lines of MIN_BYTES or more is cut out of what the parser reads (a
token stands in its place) and, once the tree is built, its part keeps a
span into the message's own bytes instead (`span_of`): the attachment is
sized and streamed from there (mail/attachments.py, mail/raw/streams.py), and
anything that asks for the part's text (mail/payload.raw_payload) gets it
read from there. A run that is not a whole leaf body, or that sits inside
an attached message (whose bytes the email package writes out itself),
gets its text back in the tree as the parser would have made it.
"""
import os
import re

MIN_BYTES = 1024 * 1024
# Base64 and line breaks, from where a run of them begins: one character
# class (the regex engine keeps no state per line), never restarted inside
# a run (the lookbehind), so the scan is linear.
_RUN = re.compile(rb"(?<![A-Za-z0-9+/=\r\n])[A-Za-z0-9+/=\r\n]{%d,}" % (MIN_BYTES // 2))


def cut(raw):
    """(what the parser reads, {token: (start, end)}): each run of MIN_BYTES
    or more of base64 lines of `raw` replaced by a token (its last line
    ending kept)."""
    if len(raw) < MIN_BYTES:
        return raw, {}
    spans, pieces, done = {}, [], 0
    for match in _RUN.finditer(raw):
        start, end = _whole_lines(raw, match.start(), match.end())
        if end - start < MIN_BYTES:
            continue
        token = "mailtoticket-body-%s" % os.urandom(12).hex()
        spans[token] = (start, end)
        pieces += [raw[done:start], token.encode("ascii")]
        done = end
    if not spans:
        return raw, {}
    pieces.append(raw[done:])
    return b"".join(pieces), spans


def _whole_lines(raw, start, end):
    """The whole lines of raw[start:end] after its first line break and the
    blank lines after it (the end of a header line, the blank line before a
    body), up to its last line break (excluded)."""
    if start > 0 and raw[start - 1:start] != b"\n":
        start = raw.find(b"\n", start, end) + 1 or end
    while start < end and raw[start:start + 1] in (b"\r", b"\n"):
        start += 1
    last = raw.rfind(b"\n", start, end)
    if last < 0:
        return start, start
    return start, last - 1 if raw[last - 1:last] == b"\r" else last


def restore(tree, raw, spans):
    """Put each cut run back: as a span on a leaf whose whole body it is,
    as text anywhere else."""
    if not spans:
        return
    _restore(tree, raw, spans, inside_message=False)


def _restore(part, raw, spans, inside_message):
    payload = getattr(part, "_payload", None)
    if isinstance(payload, list):
        inner = inside_message or part.get_content_type().startswith("message/")
        for sub in payload:
            _restore(sub, raw, spans, inner)
        return
    if not isinstance(payload, str) or "mailtoticket-body-" not in payload:
        return
    if payload.rstrip("\r\n") in spans and not inside_message:
        part._mtt_span = (raw, *spans[payload.rstrip("\r\n")])
        return
    for token, (start, end) in spans.items():
        if token in payload:
            payload = payload.replace(token, _text(raw, start, end))
    part._payload = payload


def _text(raw, start, end):
    return str(memoryview(raw)[start:end], "ascii")


def span_of(part):
    """(bytes, start, end) of a leaf body kept in the message's bytes, or None."""
    return getattr(part, "_mtt_span", None)


def text_of(part):
    """The body text of a part kept as a span (a copy: for the rare reader
    that needs it as text)."""
    raw, start, end = part._mtt_span
    return _text(raw, start, end)


def base64_size(part):
    """Decoded size of a span's base64, or None when its padding is not
    only at its end (concatenated chunks: decoded the slow, tolerant way)."""
    raw, start, end = part._mtt_span
    pad = raw.find(b"=", start, end)
    if pad >= 0 and raw[pad:end].strip(b"=\r\n"):
        return None
    letters = end - start - raw.count(b"\n", start, end) - raw.count(b"\r", start, end) \
        - raw.count(b"=", start, end)
    return None if letters % 4 == 1 else letters * 3 // 4
