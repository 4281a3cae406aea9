"""An attachment's bytes as a stream, decoded as they are read.

A large attachment arrives as base64 text inside the message, which the
process already holds (the raw bytes, and the parsed part's payload). Its
decoded bytes are not held a third time: Base64Reader decodes the part's
own text window by window as a back-end reads it (GN6 re-encodes it the
same way into the SOAP request, Jira streams it into its multipart body),
so uploading a 25 MiB file costs a few windows, not another 25 or 35 MB.
"""
import binascii
import io

WINDOW = 1024 * 1024          # base64 characters decoded at a time
_STRIP = str.maketrans("", "", "\r\n \t")


class Base64Reader(io.RawIOBase):
    """A binary file object over base64 `text` (only the alphabet, line
    breaks and final padding: mail/attachments.py checks it first); `len`:
    the decoded size and `tell()` what was read (requests-toolbelt reads
    them for the Content-Length of a multipart body)."""

    def __init__(self, text, size, start=0, end=None):
        super().__init__()
        self.text = text          # str, or the message's bytes (with start, end)
        self.len = size
        self.at = start           # next character of `text` to decode
        self.end = len(text) if end is None else end
        self.strip = _STRIP if isinstance(text, str) else None
        self.carry = text[:0]     # clean characters waiting for a whole quantum
        self.pending = b""        # decoded bytes of the current window
        self.taken = 0            # how many of them were read
        self.position = 0         # bytes read in all

    def tell(self):
        return self.position

    def readable(self):
        return True

    def readinto(self, buffer):
        while self.taken == len(self.pending) and (self.at < self.end or self.carry):
            window = self.text[self.at:min(self.at + WINDOW, self.end)]
            chunk = self.carry + (window.translate(self.strip) if self.strip
                                  else window.translate(None, b"\r\n \t"))
            self.at += WINDOW
            if self.at < self.end:
                whole = len(chunk) - len(chunk) % 4
                chunk, self.carry = chunk[:whole], chunk[whole:]
            else:
                self.carry = self.text[:0]
            self.pending, self.taken = binascii.a2b_base64(chunk), 0
        count = min(len(buffer), len(self.pending) - self.taken)
        buffer[:count] = memoryview(self.pending)[self.taken:self.taken + count]
        self.taken += count
        self.position += count
        return count


def base64_chunks(stream, size=3 * WINDOW // 4):
    """The base64 text (ASCII bytes, no line breaks) of a binary stream,
    chunk by chunk: what GN6's fitxerBase64 carries."""
    while True:
        data = stream.read(size)
        while data and len(data) % 3 and len(data) < size:
            more = stream.read(size - len(data))
            if not more:
                break
            data += more
        if not data:
            return
        yield binascii.b2a_base64(data, newline=False)


def base64_length(size):
    """Characters of the base64 text of `size` bytes (with padding)."""
    return (size + 2) // 3 * 4
