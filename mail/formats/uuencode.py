"""Files pasted into a text body with uuencode.

Old clients and scripts send files as a "begin 644 name" ... "end" block
inside the text. A mail client shows the file, not the block: the block
leaves the text (body.py) and becomes an attachment (attachments.py).
"""

import binascii
import re

__all__ = ["split_uuencoded"]

_BEGIN_RE = re.compile(r"^begin[ \t]+([0-7]{3,4})[ \t]+([^\r\n]+?)[ \t]*$", re.M)
_MAX_BLOCKS = 50


def _decode_line(line):
    """The bytes of one uuencoded line, or None if it is not one."""
    if not line.strip() or line.strip() == "`":
        return b""
    try:
        return binascii.a2b_uu(line.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError):
        pass
    # Some encoders pad lines short: decode what the length byte says.
    try:
        count = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
        return binascii.a2b_uu(line[:count].encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None


def split_uuencoded(text):
    """(text without its uuencoded blocks, [(file name, bytes)]). Text
    without a well-formed block comes back as it is. One pass over the
    lines: a block that turns out not to be uuencode stays text."""
    if "begin " not in text:
        return text, []
    files = []
    out = []
    block = None  # [name, start line index, bytearray]
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        bare = line.rstrip("\r\n")
        if block is None:
            match = _BEGIN_RE.match(bare) if bare.startswith("begin") else None
            if match and len(files) < _MAX_BLOCKS:
                block = [match.group(2).strip(), index, bytearray()]
            else:
                out.append(line)
            continue
        if bare.rstrip() == "end":
            files.append((block[0], bytes(block[2])))
            block = None
            continue
        data = _decode_line(bare)
        if data is None:  # not uuencode after all: it was text
            out.extend(lines[block[1]:index + 1])
            block = None
            continue
        block[2] += data
    if block is not None:
        out.extend(lines[block[1]:])
    if not files:
        return text, []
    return "".join(out), files
