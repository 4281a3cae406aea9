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


def _decode(lines):
    """The bytes of uuencoded lines, or None if they are not uuencode."""
    out = bytearray()
    for line in lines:
        if not line.strip() or line.strip() == "`":
            continue
        try:
            out += binascii.a2b_uu(line.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError):
            # Some encoders pad lines short; decode what the length says.
            try:
                count = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
                out += binascii.a2b_uu(line[:count].encode("ascii"))
            except Exception:
                return None
    return bytes(out)


def split_uuencoded(text):
    """(text without its uuencoded blocks, [(file name, bytes)]). Text
    without a well-formed block comes back as it is."""
    if "begin " not in text:
        return text, []
    files = []
    out = []
    pos = 0
    for match in _BEGIN_RE.finditer(text):
        if match.start() < pos or len(files) >= _MAX_BLOCKS:
            continue
        end = re.compile(r"^end[ \t]*$", re.M).search(text, match.end())
        if end is None:
            break
        body = text[match.end():end.start()].strip("\r\n").split("\n")
        data = _decode([line.rstrip("\r") for line in body])
        if data is None:
            continue
        out.append(text[pos:match.start()])
        files.append((match.group(2).strip(), data))
        pos = end.end()
    if not files:
        return text, []
    out.append(text[pos:])
    return "".join(out), files
