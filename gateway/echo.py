"""Write the message back on stdout with the X-Mailtoticket header on top.

The message goes out byte for byte as it came; the one added line ends as
the message's own lines end, so a CRLF message stays CRLF throughout.
"""


def line_ending(raw):
    first = raw.find(b"\n")
    if first > 0 and raw[first - 1:first] == b"\r":
        return b"\r\n"
    return b"\n"


def write(stream, raw, value):
    # Two writes, not one joined bytes: no copy of a message that may be 35 MB.
    if value is not None:
        stream.write(b"X-Mailtoticket: " + value.encode("ascii") + line_ending(raw))
    stream.write(raw)
    stream.flush()
