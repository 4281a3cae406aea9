"""Large base64 bodies are read from the message's own bytes, not copied
into the parsed tree (mail/raw/bigbodies.py): what a reader sees is unchanged."""
import base64
import os
from email.message import EmailMessage

from mail import attachments
from mail.message import Message
from mail.raw.payload import part_payload

DATA = os.urandom(1100 * 1024)        # above bigbodies.MIN_BYTES once in base64


def with_file(data=DATA, inner=False):
    msg = EmailMessage()
    msg["From"] = "anna@upc.edu"
    msg["Subject"] = "Big"
    msg.set_content("See the file.")
    msg.add_attachment(data, maintype="application", subtype="octet-stream",
                       filename="big.bin")
    if not inner:
        return msg
    outer = EmailMessage()
    outer["From"] = "joan@upc.edu"
    outer["Subject"] = "Fwd: Big"
    outer.set_content("Forwarded.")
    outer.add_attachment(msg)
    return outer


def test_a_large_attachment_is_sized_and_streamed_from_the_message_bytes():
    message = Message(bytes(with_file()))
    [found] = attachments.attachments(message, False)
    assert found.name == "big.bin" and found.size == len(DATA)
    assert found._part._mtt_span is not None             # not copied into the tree
    with found.open() as stream:
        assert stream.read() == DATA
    assert part_payload(found._part) == DATA             # the slow way agrees
    assert "See the file." in message.text_body()


def test_a_large_attachment_inside_an_attached_message_is_written_out_whole():
    message = Message(bytes(with_file(inner=True)))
    [attached] = attachments.attachments(message, False)
    with attached.open() as stream:
        eml = stream.read()
    assert b"mailtoticket-body-" not in eml
    inner = Message(eml)
    [found] = attachments.attachments(inner, False)
    with found.open() as stream:
        assert stream.read() == DATA


def test_a_long_text_body_of_base64_like_lines_reads_as_its_text():
    lines = base64.encodebytes(DATA).decode("ascii")
    msg = EmailMessage()
    msg["From"] = "anna@upc.edu"
    msg["Subject"] = "Pasted"
    msg.set_content("Intro line.\n" + lines, cte="7bit")
    message = Message(bytes(msg))
    text = message.text_body()
    assert "mailtoticket-body-" not in text
    assert text.startswith("Intro line.\n") and lines.strip() in text
