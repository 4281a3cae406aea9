"""Module-level tests of the message-content modules: message.py, body.py,
attachments.py, forward.py. Messages are raw bytes, built here or read from
tests/messages/."""

import base64
import binascii
import hashlib
import os
import quopri
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = Path(__file__).resolve().parent / "messages"
sys.path.insert(0, str(ROOT))

from mail.attachments import attachments, select  # noqa: E402
from mail.body import description_html, rewrite_cids, text_to_html  # noqa: E402
from mail.forward import original_sender  # noqa: E402
from mail.message import Message  # noqa: E402


# ----------------------------------------------------------------- helpers

def mail(headers, body=b"", nl=b"\r\n"):
    """Raw message from a header block (str or bytes, '\\n' separated) and
    a body (bytes), with `nl` line endings."""
    if isinstance(headers, str):
        headers = headers.encode("utf-8")
    lines = headers.strip(b"\n").split(b"\n")
    return nl.join(lines) + nl + nl + body


def multipart(parts, boundary="BOUNDARY", subtype="mixed",
              headers="From: someone@example.com\nSubject: test"):
    """A multipart message from [(part header text, part body bytes)]."""
    out = mail(headers + "\nMIME-Version: 1.0\nContent-Type: multipart/%s;"
               " boundary=\"%s\"" % (subtype, boundary))
    for head, body in parts:
        out += b"--" + boundary.encode() + b"\r\n"
        out += head.strip("\n").replace("\n", "\r\n").encode("utf-8")
        out += b"\r\n\r\n" + body + b"\r\n"
    return out + b"--" + boundary.encode() + b"--\r\n"


def wrap76(text):
    return "\r\n".join(text[i:i + 76] for i in range(0, len(text), 76))


def read(name):
    return (MESSAGES / name).read_bytes()


PNG = read("outlook_attached_forward.png")
PDF = read("outlook_attached_forward.pdf")


def no_surrogates(text):
    text.encode("utf-8")  # raises on a lone surrogate
    return True


# ------------------------------------------------------- headers (message)

def test_subject_rfc2047_utf8_base64():
    m = Message(mail("From: a@b.com\nSubject: =?UTF-8?B?w4lsw6h2ZSDigqw=?="))
    assert m.subject == "Élève €"


def test_subject_rfc2047_latin1_quoted_printable():
    m = Message(mail("From: a@b.com\nSubject: =?iso-8859-1?Q?Sol=B7licitud_d=27acc=E9s?="))
    assert m.subject == "Sol·licitud d'accés"


def test_subject_mixed_encoded_words_and_plain_text_folded():
    raw = mail("From: a@b.com\nSubject: Re: =?utf-8?q?caf=C3=A9?=\n"
               " =?iso-8859-15?B?pA==?= and plain\n\ttext")
    # Whitespace between adjacent encoded words goes; folding is undone.
    assert Message(raw).subject == "Re: café€ and plain text"


def test_subject_multibyte_character_split_across_encoded_words():
    # The euro sign (e2 82 ac) cut in two words, as some mailers do.
    raw = mail("From: a@b.com\nSubject: =?utf-8?B?4oI=?= =?utf-8?B?rA==?= 10")
    assert Message(raw).subject == "€ 10"


def test_subject_unknown_charset_and_broken_encoded_word_do_not_raise():
    raw = mail("From: a@b.com\nSubject: =?x-nonsense?Q?caf=E9?= =?utf-8?B?###?=")
    subject = Message(raw).subject
    assert subject.startswith("caf") and no_surrogates(subject)


def test_raw_8bit_headers_are_decoded_utf8_or_latin1():
    raw = mail(b"From: Jos\xc3\xa9 <jose@example.com>\nSubject: caf\xe9 cr\xc3\xa8me")
    m = Message(raw)
    assert m.from_name == "José"
    # latin-1 'é' and UTF-8 'è' in the same header both survive.
    assert m.subject == "café crème"


def test_missing_subject_is_empty_and_absent_header_is_none():
    m = Message(mail("From: a@b.com"))
    assert m.subject == ""
    assert m.header("X-Nothing") is None
    assert m.headers("X-Nothing") == []


def test_header_is_unfolded_and_headers_gives_every_value():
    m = Message(mail("From: a@b.com\nX-Tag: one\n  two\nX-Tag: =?utf-8?Q?tr=C3=A8s?="))
    assert m.header("x-tag") == "one  two"
    assert m.headers("X-Tag") == ["one  two", "très"]


def test_addresses_bare_lowercase_display_names_dropped_invalid_skipped():
    raw = mail('From: "Garc\xeda, Joan" <Joan.Garcia@UPC.EDU>\n'
               'To: =?utf-8?Q?Mar=C3=ADa?= <maria@Example.com>, bob@example.org,'
               ' not an address, undisclosed-recipients:;\n'
               'Cc: "x" <>, (comment) <carol@example.net>\n'
               'Reply-To: Web form <Real.User@example.com>')
    m = Message(raw)
    assert m.from_address == "joan.garcia@upc.edu"
    assert m.from_name == "García, Joan"
    assert m.addresses("To") == ["maria@example.com", "bob@example.org"]
    assert m.addresses("Cc") == ["carol@example.net"]
    assert m.reply_to_address == "real.user@example.com"
    assert Message(mail("Subject: x")).reply_to_address is None


def test_from_name_rfc2047_inside_quotes():
    m = Message(mail('From: "=?utf-8?Q?N=C3=BAria?=" <nuria@example.com>'))
    assert (m.from_name, m.from_address) == ("Núria", "nuria@example.com")


def test_message_ids():
    raw = mail("From: a@b.com\nMessage-ID:   <abc-1@host>  \n"
               "In-Reply-To: <x-tiquet-id-42@gn6> (John's message)\n"
               "References: <r1@a>\n <r2@b>\t<r3@c>")
    m = Message(raw)
    assert m.message_id == "<abc-1@host>"
    assert m.in_reply_to == ["<x-tiquet-id-42@gn6>"]
    assert m.references == ["<r1@a>", "<r2@b>", "<r3@c>"]
    empty = Message(mail("From: a@b.com"))
    assert (empty.message_id, empty.in_reply_to, empty.references) == (None, [], [])


def test_content_type_lower_cased():
    raw = mail("From: a@b.com\nContent-Type: Multipart/Report; report-type=delivery-status;"
               " boundary=x", b"--x\r\n\r\nhi\r\n--x--\r\n")
    assert Message(raw).content_type == "multipart/report"
    assert Message(mail("From: a@b.com")).content_type == "text/plain"


# ------------------------------------------------------------ readability

GARBAGE = [
    b"",
    b"\r\n\r\n",
    bytes(range(256)) * 20,
    b"\x00" * 5000,
    os.urandom(4096),
    b"just some words with no headers at all\n",
    b"\xff\xfe\x00\x00binary",
    mail("From: a@b.com\nSubject: x", b"\x00\x01\x02\x03" * 500),
    mail("Subject: no sender", b"hello"),
    mail("From: a@b.com"),                      # nothing to say
    mail("From: a@b.com", b"   \r\n\r\n  "),
]


@pytest.mark.parametrize("raw", GARBAGE)
def test_garbage_and_empty_input_never_raise_and_are_unreadable(raw):
    m = Message(raw)
    assert m.is_readable() is False
    # Every entry point copes.
    m.subject, m.from_address, m.from_name, m.message_id, m.content_type
    m.references, m.in_reply_to, m.addresses("To")
    description_html(m)
    assert attachments(m) == []
    assert original_sender(m) is None
    assert m.defects == []          # nothing failed on the way: no bug hidden


def test_readable_mail_with_only_a_subject_or_only_an_attachment():
    assert Message(mail("From: a@b.com\nSubject: hi")).is_readable()
    raw = multipart([("Content-Type: application/pdf\nContent-Transfer-Encoding: base64",
                      base64.b64encode(PDF))])
    assert Message(raw.replace(b"Subject: test\r\n", b"")).is_readable()


def test_non_bytes_input_does_not_raise():
    for raw in (None, "From: a@b.com\n\nhi \udcff", bytearray(b"From: a@b.com\n\nhi")):
        Message(raw).is_readable()


# ---------------------------------------------------------------- body

def test_text_body_latin1_bytes_with_wrong_utf8_declaration_keep_accents():
    raw = mail("From: a@b.com\nContent-Type: text/plain; charset=\"utf-8\"\n"
               "Content-Transfer-Encoding: 8bit",
               "Adéu, fins demà. Preu: 10€".encode("cp1252"))
    assert "Adéu, fins demà. Preu: 10€" in description_html(Message(raw))


@pytest.mark.parametrize("charset", ["x-unknown", "utf-8", "us-ascii", "bogus-charset-9",
                                     "base64", "unicode_escape"])
def test_text_body_unknown_or_wrong_charset_loses_no_text(charset):
    raw = mail("From: a@b.com\nContent-Type: text/plain; charset=%s\n"
               "Content-Transfer-Encoding: 8bit" % charset,
               "Señor \\u00e9 ÀÉÎ".encode("latin-1"))
    html = description_html(Message(raw))
    assert "Señor \\u00e9 ÀÉÎ" in html


def test_text_body_utf8_declared_as_latin1_is_read_as_utf8():
    raw = mail("From: a@b.com\nContent-Type: text/plain; charset=iso-8859-1\n"
               "Content-Transfer-Encoding: 8bit", "Però què".encode("utf-8"))
    assert "Però què" in description_html(Message(raw))


@pytest.mark.parametrize("cte,encode", [
    ("base64", lambda b: wrap76(base64.b64encode(b).decode()).encode()),
    ("quoted-printable", quopri.encodestring),
    ("8bit", lambda b: b),
])
def test_text_body_transfer_encodings_and_other_charsets(cte, encode):
    text = "Привет, мир — Καλημέρα"
    raw = mail("From: a@b.com\nContent-Type: text/plain; charset=koi8-r\n"
               "Content-Transfer-Encoding: %s" % cte,
               encode("Привет, мир".encode("koi8-r")))
    assert "Привет, мир" in description_html(Message(raw))
    raw = mail("From: a@b.com\nContent-Type: text/plain; charset=utf-8\n"
               "Content-Transfer-Encoding: %s" % cte, encode(text.encode("utf-8")))
    assert text in description_html(Message(raw))


def test_text_to_html_escapes_and_keeps_line_breaks_without_links():
    html = text_to_html("if a < b && c > d:\r\n  see https://x.example/?a=1&b=2\n\nbye")
    assert "a &lt; b &amp;&amp; c &gt; d:" in html
    assert html.count("<br>") == 3
    assert "<a " not in html and "https://x.example/?a=1&amp;b=2" in html
    assert "<" not in html.replace("<br>", "")


def test_plain_mail_description_is_text_as_html():
    raw = mail("From: a@b.com\nSubject: x", b"Line <one>\r\nLine two\r\n")
    assert description_html(Message(raw)) == "Line &lt;one&gt;<br>\nLine two"


def test_format_flowed_text_is_unflowed():
    raw = mail("From: a@b.com\nContent-Type: text/plain; charset=utf-8; format=flowed",
               b"This is a long \r\nparagraph.\r\n> quoted \r\n> line\r\n-- \r\nsig")
    html = description_html(Message(raw))
    assert "This is a long paragraph.<br>" in html
    assert "&gt; quoted line<br>" in html


EVIL_HTML = b"""<html><head><title>Title</title>
<style>body { background: url(http://evil.example/bg.png) }</style>
<script>alert('head')</script><meta http-equiv="refresh" content="0;url=http://evil">
<link rel="stylesheet" href="http://evil/x.css"><base href="http://evil/"></head>
<body onload="steal()">
<p onclick="steal()" style="color: blue; background-image: url('http://evil/t.gif')">
Visible text</p>
<a href="javascript:alert(1)">js link</a> <a href=" JaVaScRiPt:alert(2)">js2</a>
<a href="vbscript:msgbox(1)">vb</a> <a href="https://ok.example/page?a=1&amp;b=2">good link</a>
<a href="mailto:someone@example.com">mail link</a>
<img src="http://tracker.example/pixel.gif" width="1" height="1">
<img src="https://cdn.example/logo.png" alt="Company logo">
<img src="cid:part1.ABC@example.com" alt="inline">
<img src="data:image/png;base64,iVBORw0KGgo=">
<div style="width: expression(alert(3)); color: red">styled</div>
<iframe src="http://evil/frame">iframe text</iframe>
<object data="http://evil/x.swf">object text</object><embed src="http://evil/y.swf">
<form action="http://evil/post"><input name="q" value="v">form text</form>
<svg><script>alert(4)</script></svg>
<script>document.write('body script')</script><!-- a comment -->
</body></html>"""


def html_mail(html_body, text_body=None, charset="utf-8"):
    parts = []
    if text_body is not None:
        parts.append(("Content-Type: text/plain; charset=%s" % charset, text_body))
    parts.append(("Content-Type: text/html; charset=%s" % charset, html_body))
    return multipart(parts, subtype="alternative")


def test_html_is_sanitised():
    out = description_html(Message(html_mail(EVIL_HTML, b"text alternative")))
    low = out.lower()
    for bad in ("<script", "alert(", "onclick", "onload", "steal", "javascript", "vbscript",
                "url(", "expression", "<iframe", "<object", "<embed", "<form", "<input",
                "<meta", "<link", "<base", "<style", "<svg", "tracker.example",
                "cdn.example", "evil", "<html", "<head", "<body", "<title", "comment",
                "body script"):
        assert bad not in low, bad
    assert "Visible text" in out and "color: blue" in out and "color: red" in out
    assert '<a href="https://ok.example/page?a=1&amp;b=2">good link</a>' in out
    assert 'href="mailto:someone@example.com"' in out
    assert 'src="cid:part1.ABC@example.com"' in out
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in out
    assert "Company logo" in out            # a dropped remote image keeps its alt text
    assert "form text" in out and "text alternative" not in out


def test_html_that_cleans_to_nothing_falls_back_to_text_alternative():
    evil = (b"<html><head><script>alert(1)</script></head><body>"
            b"<img src='http://tracker/p.gif'><style>p{}</style></body></html>")
    out = description_html(Message(html_mail(evil, b"The <real> text")))
    assert out == "The &lt;real&gt; text"


def test_html_that_cleans_to_nothing_without_text_is_empty_never_raw():
    evil = b"<script>alert(1)</script><iframe src='http://x'></iframe><img src=http://t/p>"
    out = description_html(Message(html_mail(evil)))
    assert out == ""


def test_html_only_mail_with_hidden_markup_never_returns_raw_html():
    raw = mail("From: a@b.com\nContent-Type: text/html; charset=utf-8",
               b"<body><p onmouseover='x()'>Hello &amp; <b>bye</b></p></body>")
    out = description_html(Message(raw))
    assert out == "<p>Hello &amp; <b>bye</b></p>"


def test_deeply_nested_html_does_not_raise():
    markup = b"<div>" * 20000 + b"deep <script>x</script>" + b"</div>" * 20000
    out = description_html(Message(html_mail(markup, b"fallback")))
    assert "<script" not in out and "deep" in out or out == "fallback"


def test_rewrite_cids_case_insensitive_with_or_without_brackets():
    html = ('<img src="cid:Logo.PNG@x"> <img src=\'cid:%3Cother@y%3E\'> '
            '<img alt=a SRC=cid:third@z> <img src="cid:unknown@q">')
    out = rewrite_cids(html, {"<logo.png@X>": "/tiquetsusuaris/control/file?fileId=1",
                              "other@y": "/tiquetsusuaris/control/file?fileId=2&x=1",
                              "THIRD@Z": "/f?fileId=3"})
    assert 'src="/tiquetsusuaris/control/file?fileId=1"' in out
    assert 'src="/tiquetsusuaris/control/file?fileId=2&amp;x=1"' in out
    assert 'SRC="/f?fileId=3"' in out
    assert 'src="cid:unknown@q"' in out


def test_description_then_rewrite_cids_points_images_at_uploads():
    m = Message(read("outlook_attached_forward.eml"))
    inline = [a for a in attachments(m) if a.inline]
    out = rewrite_cids(description_html(m), {inline[0].content_id: "/file?fileId=7"})
    assert re.search(r'<img (?=[^>]*alt="logo")[^>]*src="/file\?fileId=7"', out)
    assert "Veure l'adjunt, gràcies." in out


# ---------------------------------------------------------- attachments

def test_attachment_names_rfc2231_rfc2047_and_content_type_name():
    raw = multipart([
        ("Content-Type: text/plain; charset=utf-8", b"body"),
        ("Content-Type: application/pdf\nContent-Disposition: attachment;"
         " filename*=utf-8''na%C3%AFve.pdf", PDF),
        ("Content-Type: application/pdf\nContent-Disposition: attachment;\n"
         " filename*0*=iso-8859-1''r%E9sum;\n filename*1=\"e final.pdf\"", PDF),
        ("Content-Type: application/pdf\nContent-Disposition: attachment;"
         " filename=\"=?UTF-8?B?w6hwaWMucGRm?=\"", PDF),
        ("Content-Type: image/png; name=\"=?iso-8859-1?Q?c=E0mera.png?=\"", PNG),
        ("Content-Type: application/pdf\nContent-Disposition: attachment;"
         " filename=\"C:\\\\Docs\\\\old.pdf\"", PDF),
    ])
    raw = raw.replace(b"Content-Disposition: attachment; filename=\"=?UTF-8",
                      b"Content-Disposition: attachment; filename=\"=?UTF-8")
    names = [a.name for a in attachments(Message(raw))]
    assert names == ["naïve.pdf", "résume final.pdf", "èpic.pdf", "càmera.png", "old.pdf"]


def test_attachment_raw_8bit_utf8_filename():
    raw = multipart([("Content-Type: application/pdf\nContent-Disposition: attachment;"
                      " filename=\"informe-\xe7a.pdf\"", PDF)])
    assert [a.name for a in attachments(Message(raw))] == ["informe-ça.pdf"]


def binary_blob():
    rnd = random.Random(1234)
    data = bytes(rnd.randrange(256) for _ in range(5000))
    # Every kind of line ending and NULs, plus bytes around the edges.
    return b"\r\n\x00" + data + b"\r\r\n\n\x00\r\n.\r\n-- \r\n\xff"


@pytest.mark.parametrize("cte", ["base64", "quoted-printable", "8bit", "binary", "x-uuencode"])
def test_attachment_payload_is_byte_exact(cte):
    data = binary_blob() if cte != "8bit" else "línia 1\r\nlínia 2\nlast".encode("utf-8")
    if cte == "base64":
        encoded = wrap76(base64.b64encode(data).decode()).encode()
    elif cte == "quoted-printable":
        encoded = binascii.b2a_qp(data, istext=False)
    elif cte == "x-uuencode":
        lines = [b"begin 644 blob.bin"]
        lines += [binascii.b2a_uu(data[i:i + 45]).rstrip(b"\n")
                  for i in range(0, len(data), 45)]
        encoded = b"\r\n".join(lines + [b"`", b"end"])
    else:
        encoded = data
    raw = multipart([("Content-Type: text/plain", b"see attached"),
                     ("Content-Type: application/octet-stream; name=blob.bin\n"
                      "Content-Transfer-Encoding: %s" % cte, encoded),
                     ("Content-Type: text/plain; name=after.txt", b"after")])
    found = attachments(Message(raw))
    assert [a.name for a in found] == ["blob.bin", "after.txt"]
    blob = found[0]
    assert blob.payload() == data
    assert blob.size == len(data)
    assert base64.b64decode(blob.base64(), validate=True) == data
    assert "\n" not in blob.base64()


def test_single_part_binary_message_payload_is_byte_exact():
    data = binary_blob()
    raw = mail("From: a@b.com\nSubject: scan\nContent-Type: application/pdf; name=scan.pdf\n"
               "Content-Transfer-Encoding: binary", data)
    found = attachments(Message(raw))
    assert len(found) == 1 and found[0].payload() == data


def test_base64_reuses_the_encoded_text_and_copes_with_broken_base64():
    canonical = wrap76(base64.b64encode(PDF * 3).decode())
    raw = multipart([("Content-Type: application/pdf; name=a.pdf\n"
                      "Content-Transfer-Encoding: base64", canonical.encode()),
                     # no padding, stray characters, bits set in the last quantum
                     ("Content-Type: application/pdf; name=b.pdf\n"
                      "Content-Transfer-Encoding: base64", b"QUJD\r\nRA"),
                     ("Content-Type: application/pdf; name=c.pdf\n"
                      "Content-Transfer-Encoding: base64", b"QU*JD!R\r\nB=")])
    a, b, c = attachments(Message(raw))
    assert a.base64() == canonical.replace("\r\n", "") and a.payload() == PDF * 3
    assert (b.payload(), b.size, b.base64()) == (b"ABCD", 4, "QUJDRA==")
    assert c.payload() == b"ABCD" and base64.b64decode(c.base64()) == b"ABCD"


def test_unnamed_parts_get_names_from_their_type():
    raw = multipart([
        ("Content-Type: text/plain", b"body"),
        ("Content-Type: image/png\nContent-Transfer-Encoding: base64", base64.b64encode(PNG)),
        ("Content-Type: application/pdf\nContent-Disposition: attachment\n"
         "Content-Transfer-Encoding: base64", base64.b64encode(PDF)),
        ("Content-Type: message/rfc822", mail("From: x@y.com\nSubject: inner", b"inner body")),
        ("Content-Type: application/x-totally-unknown", b"???"),
        ("Content-Type: text/plain\nContent-Disposition: attachment", b"log"),
    ])
    names = [a.name for a in attachments(Message(raw))]
    # A forwarded message is named after its subject, as other helpdesks do.
    assert names == ["image-1.png", "attachment-2.pdf", "inner.eml",
                     "attachment-4.bin", "attachment-5.txt"]


def test_body_parts_are_not_attachments_and_inline_cid_images_are():
    m = Message(read("outlook_attached_forward.eml"))
    found = attachments(m)
    assert [(a.name, a.content_type, a.inline) for a in found] == [
        ("image001.png", "image/png", True),
        ("factura març.pdf", "application/pdf", False),
        ("Factura.eml", "message/rfc822", False)]   # named after its subject
    assert found[0].content_id == "image001.png@01DB1234.56789AB0"
    assert found[0].payload() == PNG and found[1].payload() == PDF
    assert found[1].size == len(PDF)


def test_image_referenced_by_cid_is_inline_even_without_disposition():
    raw = multipart([
        ("Content-Type: text/html", b'<p>x</p><img src="cid:pic@here">'),
        ("Content-Type: image/gif; name=pic.gif\nContent-ID: <pic@here>\n"
         "Content-Transfer-Encoding: base64", base64.b64encode(b"GIF89a")),
        ("Content-Type: image/gif; name=other.gif\nContent-ID: <other@here>\n"
         "Content-Disposition: attachment\nContent-Transfer-Encoding: base64",
         base64.b64encode(b"GIF89a")),
    ], subtype="related")
    assert [(a.name, a.inline) for a in attachments(Message(raw))] == [
        ("pic.gif", True), ("other.gif", False)]


def test_forwarded_message_attachment_is_the_exact_bytes():
    found = attachments(Message(read("outlook_attached_forward.eml")))
    assert found[2].payload() == read("outlook_attached_forward.inner.eml")
    assert found[2].size == len(read("outlook_attached_forward.inner.eml"))


def test_select_by_name_hash_and_size():
    big = b"x" * (2 * 1024 * 1024 + 200 * 1024)   # 2.2 MiB
    raw = multipart([
        ("Content-Type: text/plain", b"body"),
        ("Content-Type: image/png; name=logo_firma.png\nContent-Transfer-Encoding: base64",
         base64.b64encode(PNG)),
        ("Content-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64",
         base64.b64encode(PDF)),
        ("Content-Type: application/pdf; name=b.pdf\nContent-Transfer-Encoding: base64",
         base64.b64encode(PDF + b"2")),
        ("Content-Type: application/octet-stream; name=big.bin\n"
         "Content-Transfer-Encoding: base64", wrap76(base64.b64encode(big).decode()).encode()),
        ("Content-Type: text/plain; name=ok.txt", b"fine"),
    ])
    found = attachments(Message(raw))
    settings = {"filtrar_attachments_per_nom": ["(?i)LOGO"],
                "filtrar_attachments_per_hash": [hashlib.md5(PDF).hexdigest().upper(),
                                                 hashlib.sha256(PDF + b"2").hexdigest()],
                "max_attachment_mb": 2}
    upload, skipped = select(found, settings)
    assert [a.name for a in upload] == ["ok.txt"]
    assert [(a.name, why) for a, why in skipped] == [
        ("logo_firma.png", "filtered by name (matches '(?i)LOGO')"),
        ("a.pdf", "filtered by content hash"),
        ("b.pdf", "filtered by content hash"),
        ("big.bin", "larger than 2 MiB (2.2 MiB)")]
    # Exactly at the limit is uploaded.
    upload, skipped = select(found, {"max_attachment_mb": len(big) / 1024 / 1024})
    assert len(upload) == 5 and skipped == []


# ---------------------------------------------------------------- forward

def test_forward_as_attachment_gives_inner_from():
    m = Message(read("outlook_attached_forward.eml"))
    assert original_sender(m) == "pere.puig@example.org"


def test_gmail_inline_forward():
    assert original_sender(Message(read("gmail_inline_forward.eml"))) == \
        "joan.garcia@estudiantat.upc.edu"


@pytest.mark.parametrize("block,expected", [
    ("-----Original Message-----\nFrom: Pep Roca [mailto:Pep.Roca@Example.com]\n"
     "Sent: Monday\nTo: me@upc.edu", "pep.roca@example.com"),
    ("-----Missatge original-----\nDe: anna@example.cat\nData: dilluns", "anna@example.cat"),
    ("-------- Mensaje original --------\nAsunto: hola\nDe: Luis <LUIS@example.es>",
     "luis@example.es"),
    ("-------- Forwarded Message --------\nSubject: x\nDate: y\nFrom: T B <tb@example.org>",
     "tb@example.org"),
    ("Begin forwarded message:\n\nFrom: Apple User <apple@example.com>\nSubject: x",
     "apple@example.com"),
    ("> ---------- Forwarded message ---------\n> From: *Quoted* <q@example.com>",
     "q@example.com"),
])
def test_inline_forward_markers(block, expected):
    raw = mail("From: staff@upc.edu\nSubject: Fwd: x\nContent-Type: text/plain; charset=utf-8",
               ("Please see below.\n\n" + block + "\n\nOriginal text\n").encode())
    assert original_sender(Message(raw)) == expected


def test_inline_forward_in_html_only_mail():
    raw = mail("From: staff@upc.edu\nContent-Type: text/html; charset=utf-8",
               b"<p>FYI</p><div>-------- Original Message --------<br>"
               b"<b>From:</b> Name &lt;<a href='mailto:n@example.com'>N@example.com</a>&gt;"
               b"<br><b>Subject:</b> x</div>")
    assert original_sender(Message(raw)) == "n@example.com"


def test_not_a_forward():
    raw = mail("From: a@b.com\nSubject: question", b"From: nobody here\r\nJust a question.\r\n")
    assert original_sender(Message(raw)) is None
    # A marker without a From line in the block is not enough.
    raw = mail("From: a@b.com", b"---------- Forwarded message ---------\r\nhello\r\n")
    assert original_sender(Message(raw)) is None


def test_delivery_report_is_not_a_forward():
    raw = multipart([("Content-Type: text/plain", b"Delivery failed"),
                     ("Content-Type: message/delivery-status", b"Action: failed\r\n"),
                     ("Content-Type: message/rfc822", mail("From: me@upc.edu", b"x"))],
                    subtype="report; report-type=delivery-status")
    assert original_sender(Message(raw)) is None


# ------------------------------------------------------------- robustness

def test_broken_mime_never_raises():
    cases = [
        # multipart without a boundary parameter
        mail("From: a@b.com\nContent-Type: multipart/mixed", b"--x\r\n\r\ntext\r\n--x--"),
        # boundary never found
        mail("From: a@b.com\nContent-Type: multipart/mixed; boundary=nope",
             b"--other\r\n\r\ntext\r\n"),
        # close boundary missing, bad CTE, bad charset, truncated base64
        mail("From: a@b.com\nContent-Type: multipart/mixed; boundary=b",
             b"--b\r\nContent-Type: text/plain; charset=\"\"\r\nContent-Transfer-Encoding: x-foo"
             b"\r\n\r\nhi\r\n--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64"
             b"\r\n\r\niVBORw0K="),
        # garbage header syntax, 8-bit everywhere, NULs in the body
        b"From: \xff\xfe <\x00@\x01>\nContent-Type: ;;;==\"\nContent-Disposition: =;\n\n\x00\xff",
        # message/rfc822 wrapped in base64 (against the rules)
        multipart([("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64",
                    base64.b64encode(mail("From: inner@example.com", b"inner")))]),
        # lone surrogates encoded as UTF-8 bytes, utf-16 charset with odd bytes
        mail("From: a@b.com\nSubject: =?utf-8?B?7aCA?=\nContent-Type: text/plain; charset=utf-16",
             b"\xed\xa0\x80\x00\xd8a"),
    ]
    for raw in cases:
        m = Message(raw)
        m.is_readable()
        assert no_surrogates(m.subject)
        out = description_html(m)
        assert no_surrogates(out)
        for a in attachments(m):
            no_surrogates(a.name)
            a.payload(), a.base64()
        original_sender(m)
    inner = attachments(Message(cases[4]))[0]
    assert inner.payload() == mail("From: inner@example.com", b"inner")
    assert original_sender(Message(cases[4])) == "inner@example.com"


def test_deep_mime_nesting_never_raises():
    raw = mail("From: a@b.com\nSubject: deep")
    depth = 3000
    head = b"".join(b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
                    for i in range(depth))
    tail = b"".join(b"\r\n--b%d--" % i for i in reversed(range(depth)))
    body = b"Content-Type: text/plain\r\n\r\nhi"
    m = Message(raw.rstrip(b"\r\n") + b"\r\n" + head + body + tail)
    assert m.is_readable()
    assert "<br>\nhi<br>" in description_html(m)   # shown as text, the innermost line too
    assert attachments(m) == [] and original_sender(m) is None
    # The parser's RecursionError is not swallowed: the message says how it was read.
    assert [d.where for d in m.defects] == ["MIME structure (read as headers and one body)"]


def test_mutated_messages_never_raise():
    seeds = [read("gmail_inline_forward.eml"), read("outlook_attached_forward.eml"),
             html_mail(EVIL_HTML, b"text")]
    rnd = random.Random(20251122)
    for i in range(150):
        data = bytearray(rnd.choice(seeds))
        for _ in range(rnd.randrange(1, 20)):
            pos = rnd.randrange(len(data))
            action = rnd.randrange(3)
            if action == 0:
                data[pos] = rnd.randrange(256)
            elif action == 1:
                del data[pos:pos + rnd.randrange(1, 40)]
            else:
                data[pos:pos] = rnd.choice([b"\r\n", b"=?", b"?=", b"--", b"\x00", b"<", b";",
                                            b"\r\n\r\n", b"=", b'"', b"\xff"])
        m = Message(bytes(data))
        m.is_readable(), m.subject, m.from_address, m.references
        assert no_surrogates(description_html(m))
        for a in attachments(m):
            a.payload(), a.base64()
        original_sender(m)


# ------------------------------------------------------------- start-up

def imported_modules(raw):
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from mail.message import Message\n"
            "from mail.body import description_html\n"
            "from mail.attachments import attachments\n"
            "from mail.forward import original_sender\n"
            "m = Message(sys.stdin.buffer.read())\n"
            "m.is_readable(); description_html(m); attachments(m); original_sender(m)\n"
            "print(' '.join(sorted(sys.modules)))" % str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], input=raw, capture_output=True,
                         check=True)
    return set(out.stdout.decode().split())


def test_plain_text_mail_does_not_import_html_libraries():
    modules = imported_modules(read("outlook_attached_forward.inner.eml"))
    assert not {"nh3", "bleach", "bs4", "html5lib", "lxml"} & modules
    assert "mail.body" in modules


def test_html_mail_does_import_the_sanitiser():
    modules = imported_modules(read("gmail_inline_forward.eml"))
    assert "nh3" in modules and "lxml.html" in modules
    assert not {"bleach", "bs4", "html5lib"} & modules     # their import cost more than
                                                           # the rest of a plain run


# ------------------------------------------------------ more behaviour

def test_apple_style_text_split_around_an_image_is_joined():
    raw = multipart([("Content-Type: text/plain; charset=utf-8", b"Before the picture"),
                     ("Content-Type: image/png; name=shot.png\nContent-Disposition: inline;"
                      " filename=shot.png\nContent-Transfer-Encoding: base64",
                      base64.b64encode(PNG)),
                     ("Content-Type: text/plain; charset=utf-8", b"after the picture")])
    m = Message(raw)
    out = description_html(m)
    assert "Before the picture" in out and "after the picture" in out
    assert [a.name for a in attachments(m)] == ["shot.png"]


def test_multipart_without_usable_boundary_is_read_as_text():
    raw = mail("From: a@b.com\nSubject: x\nContent-Type: multipart/mixed",
               b"Please help, <nothing> works")
    m = Message(raw)
    assert m.is_readable()
    assert description_html(m) == "Please help, &lt;nothing&gt; works"
    assert attachments(m) == []


def test_select_defaults_and_case_sensitive_name_filters():
    found = attachments(Message(multipart([("Content-Type: application/pdf; name=a.pdf", PDF)])))
    assert select(found, {}) == (found, [])
    assert select(found, {"filtrar_attachments_per_nom": ["a\\.PDF$"]})[1] == []
    assert select(found, {"filtrar_attachments_per_nom": ["a\\.pdf$"]})[1] == [
        (found[0], "filtered by name (matches 'a\\.pdf$')")]


def test_select_just_over_the_limit_says_bytes():
    data = b"x" * (1024 * 1024 + 1)
    raw = multipart([("Content-Type: application/octet-stream; name=x.bin\n"
                      "Content-Transfer-Encoding: base64", base64.b64encode(data))])
    _, skipped = select(attachments(Message(raw)), {"max_attachment_mb": 1})
    assert skipped[0][1] == "larger than 1 MiB (1048577 bytes)"


def test_large_attachment_payload_and_base64():
    data = os.urandom(6 * 1024 * 1024)
    encoded = base64.encodebytes(data)        # 76-column lines, as mailers write
    raw = multipart([("Content-Type: text/plain", b"big one"),
                     ("Content-Type: application/zip; name=big.zip\n"
                      "Content-Transfer-Encoding: base64", encoded)])
    (big,) = attachments(Message(raw))
    assert big.size == len(data)
    assert big.payload() == data
    assert big.base64() == base64.b64encode(data).decode()


HOSTILE = {
    "encoded-word starts": mail(b"From: a@b.com\nSubject: " + b"=?a?q?" * 50000, b"x"),
    "parameters without =": mail(b"From: a@b.com\nContent-Type: text/plain; " + b"a;" * 150000,
                                 b"x"),
    "long parameter": mail(b"From: a@b.com\nContent-Type: text/plain; " + b"a" * 300000, b"x"),
    "long address word": mail(b"From: " + b"a" * 300000, b"x"),
    "nested comments": mail(b"From: " + b"(" * 50000, b"x"),
    "references of <": mail(b"From: a@b.com\nReferences: " + b"<" * 300000, b"x"),
    "html of <": mail(b"From: a@b.com\nContent-Type: text/html", b"<" * 300000),
    "html of &lt;": mail(b"From: a@b.com\nContent-Type: text/html", b"&lt;" * 100000),
    "html unclosed scripts": mail(b"From: a@b.com\nContent-Type: text/html", b"<script" * 50000),
    "marker then blank lines": mail(b"From: a@b.com",
                                    b"-------- Original Message --------\n" + b"\n" * 300000),
    "many markers": mail(b"From: a@b.com", b"-----Original Message-----\nFrom: x\n" * 20000),
    "format=flowed": mail(b"From: a@b.com\nContent-Type: text/plain; format=flowed",
                          b"a \n" * 100000),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_processed_in_linear_time(name):
    import time
    start = time.monotonic()
    m = Message(HOSTILE[name])
    m.is_readable(), m.subject, m.from_address, m.references, m.addresses("To")
    description_html(m), attachments(m), original_sender(m)
    # Linear work on these sizes takes well under a second; the quadratic
    # versions took minutes.
    assert time.monotonic() - start < 8
