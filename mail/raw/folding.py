"""Header blocks whose folding is broken, mended before parsing.

Some mailers continue a long header on the next line without the leading
blank RFC 5322 asks for. The standard parser takes that line for the start
of the body, so every header after it (often From and Subject) is lost and
the message looks unreadable. Robust parsers read such a line as a
continuation of the header before it; `mend_folding` does the same, and
only when a real header line follows it in the same block (otherwise the
line is the body of a message written without the empty separator line).

This works on the raw header block only and leaves the body untouched.
Bounding the number and size of headers is another module's job.
"""

import re

__all__ = ["mend_folding"]

_LINE_RE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)?")
_HEADER_RE = re.compile(rb"[\041-\071\073-\176]+[ \t]*:")
_MAX_SCAN = 262144  # header bytes looked at; real header blocks are far smaller


def mend_folding(raw):
    """`raw` with each colon-less line inside its top header block turned
    into a folded continuation (a leading blank added). Returns `raw`
    itself when nothing needs mending."""
    lines = []
    pos, size = 0, min(len(raw), _MAX_SCAN)
    while pos < size:
        match = _LINE_RE.match(raw, pos)
        if not match or match.end() == pos:
            break
        line = match.group(0)
        if not line.strip(b"\r\n"):
            break  # the empty line ending the header block
        lines.append((pos, line))
        pos = match.end()
    else:
        return raw
    broken, pending = [], []
    seen_header = False
    for index, (start, line) in enumerate(lines):
        if line[:1] in (b" ", b"\t"):
            continue
        if _HEADER_RE.match(line) or (index == 0 and line.startswith(b"From ")):
            seen_header = True
            broken.extend(pending)  # a header follows: they were continuations
            pending = []
            continue
        if not seen_header:
            return raw  # not a header block at all
        pending.append(start)
    return _mended(raw, broken) if broken else raw


def _mended(raw, starts):
    """`raw` with a blank inserted at each offset of `starts`."""
    out = []
    prev = 0
    for start in starts:
        out.append(raw[prev:start])
        out.append(b" ")
        prev = start
    out.append(raw[prev:])
    return b"".join(out)
