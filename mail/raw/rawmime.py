"""Parts cut out of the raw bytes of a message, along its MIME boundaries.

The email package does not remember where a part stood in the input, and
re-serialising a parsed part changes its bytes. A forwarded message
(message/rfc822) must reach the ticket exactly as it came, so it is found
again here by splitting the raw bytes the way the parser split them:
header block from body (`split_entity`), multipart body into its parts
(`split_multipart`), down a path of part indices (`raw_entity`).
"""

import re

from mail.failsafe import noted

__all__ = ["raw_entity", "split_entity", "split_multipart"]

_LINE_END_RE = re.compile(rb"\r\n|\r|\n")
_RAW_HEADER_RE = re.compile(rb"From |[\041-\071\073-\176]*:|[\t ]")


def split_entity(data):
    """(headers, body) of a raw MIME entity, split the way the email
    package's feedparser splits it: at the first empty line, or at the
    first line that cannot be a header."""
    pos = 0
    size = len(data)
    while pos < size:
        match = _LINE_END_RE.search(data, pos)
        end = match.start() if match else size
        after = match.end() if match else size
        if end == pos:  # empty line: the body follows it
            return data[:pos], data[after:]
        if _RAW_HEADER_RE.match(data, pos) is None:
            return data[:pos], data[pos:]
        pos = after
    return data, b""


def split_multipart(body, boundary):
    """The raw sub-part entities of a multipart body, or None."""
    try:
        sep = boundary.encode("utf-8", "surrogateescape")
    except (UnicodeError, AttributeError):
        return None
    line_re = re.compile(rb"(?:\r\n|\r|\n|^)--" + re.escape(sep)
                         + rb"(--)?[ \t]*(?=\r\n|\r|\n|$)")
    parts = []
    start = None
    pos = 0
    while True:
        match = line_re.search(body, pos)
        if match is None:
            if start is not None:
                parts.append(body[start:])
            break
        if start is not None:
            parts.append(body[start:match.start()])
        if match.group(1):  # close delimiter
            break
        nl = _LINE_END_RE.match(body, match.end())
        start = nl.end() if nl else match.end()
        pos = start
        if pos >= len(body):
            parts.append(b"")
            break
    return parts


def raw_entity(raw, root, path):
    """The raw bytes of the part at `path` (indices from `root`), found by
    splitting `raw` along the boundaries, or None if the split does not
    agree with the parsed tree."""
    data = raw
    node = root
    try:
        for index in path:
            boundary = node.get_boundary()
            subparts = node.get_payload()
            if not boundary or not isinstance(subparts, list):
                return None
            _, body = split_entity(data)
            chunks = split_multipart(body, boundary)
            if chunks is None or len(chunks) != len(subparts):
                return None
            data = chunks[index]
            node = subparts[index]
        return data
    except Exception as e:  # raw bytes of a broken part: read from the parsed tree instead
        noted("raw bytes of a part", e)
        return None
