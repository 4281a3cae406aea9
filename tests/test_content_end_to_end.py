"""What lands on GN6 from the message's content: the description, the
attachments (byte-exact), inline images, forwards."""
import base64
import hashlib
import os
import quopri

from support import header, mail, run_mailtoticket

HTML_MAIL = b"""From: Jaume Moral <jaume.moral@upc.edu>
To: suport@upc.edu
Subject: HTML with tricks
Message-ID: <html-tricks@test.example>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8

Plain alternative.
--alt
Content-Type: text/html; charset=utf-8

<html><head><style>body { background: url(http://evil.example/x.png) }</style>
<script>alert('head')</script></head>
<body onload="steal()"><p>Hello <b>team</b>, the <a href="javascript:alert(1)">link</a>
and <a href="https://intranet.upc.edu/doc">the doc</a>.</p>
<img src="http://tracker.example/pixel.gif" width="1" height="1">
<iframe src="https://evil.example"></iframe>
<p style="background:url(http://evil.example/y.png)" onclick="x()">Styled</p>
<script>document.write('body')</script>
</body></html>
--alt--
"""


def test_html_part_becomes_a_sanitised_description(server, settings_file):
    assert header(run_mailtoticket(HTML_MAIL, settings_file())) == "SUCCESS"

    description = server.tickets()[-1]["descripcio"]
    assert "<b>team</b>" in description
    assert 'href="https://intranet.upc.edu/doc"' in description
    for bad in ("<script", "alert(", "onload", "onclick", "javascript:", "<iframe",
                "tracker.example", "evil.example", "<style"):
        assert bad not in description, bad


def test_html_that_cleans_to_nothing_never_falls_back_to_the_raw_html(server, settings_file):
    raw = (b"From: jaume.moral@upc.edu\nTo: suport@upc.edu\nSubject: Only script\n"
           b"MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
           b"<script>alert('x')</script><style>p{}</style>\n")

    run_mailtoticket(raw, settings_file())

    description = server.tickets()[-1]["descripcio"]
    assert "script" not in description and "alert" not in description


def test_text_body_is_escaped_html_with_line_breaks_kept(server, settings_file):
    raw = mail(subject="Text body", body="line one <b>not bold</b>\nline two & three")

    run_mailtoticket(raw, settings_file())

    description = server.tickets()[-1]["descripcio"]
    assert "&lt;b&gt;not bold&lt;/b&gt;" in description
    assert "<br" in description
    assert "two &amp; three" in description


def test_wrongly_declared_charset_and_encoded_subject_keep_the_text(server, settings_file):
    raw = (b"From: =?iso-8859-1?q?Jaume_Mor=E0l?= <jaume.moral@upc.edu>\nTo: suport@upc.edu\n"
           b"Subject: =?utf-8?b?Q2FkaXJhIHRyZW5jYWRh?= =?iso-8859-1?q?_a_l=27aula_=E0?=\n"
           b"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
           b"Content-Transfer-Encoding: 8bit\n\nLa cadira est\xe0 trencada, s\xed.\n")

    assert header(run_mailtoticket(raw, settings_file())) == "SUCCESS"

    ticket = server.tickets()[-1]
    assert ticket["assumpte"] == "Cadira trencada a l'aula à"
    assert "està trencada, sí" in ticket["descripcio"]


def build_mixed(parts, subject="Attachments", extra_headers=b""):
    """A multipart/mixed message from (headers, body bytes) parts."""
    out = [b"From: jaume.moral@upc.edu\nTo: suport@upc.edu\nSubject: " + subject.encode()
           + b"\nMessage-ID: <" + subject.replace(" ", "-").encode() + b"@test.example>\n"
           + extra_headers + b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"mix\"\n\n"
           b"--mix\nContent-Type: text/plain; charset=utf-8\n\nSee attached.\n"]
    for headers, body in parts:
        out.append(b"--mix\n" + headers + b"\n\n" + body + b"\n")
    out.append(b"--mix--\n")
    return b"".join(out)


def b64(data):
    return base64.encodebytes(data)


def test_attachments_arrive_byte_exact_whatever_the_transfer_encoding(server, settings_file):
    binary = os.urandom(20000)
    text = "Línia u\r\nlínia dos = tres\r\n".encode("latin-1")
    eight = "Només 8 bits: àèò\n".encode("utf-8")
    raw = build_mixed([
        (b"Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n"
         b"Content-Disposition: attachment; filename=\"dades.bin\"", b64(binary)),
        (b"Content-Type: text/plain; charset=latin-1\nContent-Transfer-Encoding: quoted-printable\n"
         b"Content-Disposition: attachment; filename=\"nota.txt\"", quopri.encodestring(text)),
        (b"Content-Type: text/csv; charset=utf-8\nContent-Transfer-Encoding: 8bit\n"
         b"Content-Disposition: attachment; filename*=utf-8''taula%20%C3%A0.csv", eight.rstrip(b"\n")),
    ], subject="Three encodings")

    assert header(run_mailtoticket(raw, settings_file())) == "SUCCESS"

    ticket = server.tickets()[-1]
    got = {a["nomFitxer"]: server.annex_bytes(a["codiAnnex"]) for a in ticket["annexos"]}
    assert got["dades.bin"] == binary
    assert got["nota.txt"] == text
    assert got["taula à.csv"] == eight.rstrip(b"\n")
    for annex in ticket["annexos"]:   # listed as links at the end of the description
        assert "fileId=%s" % annex["codiAnnex"] in ticket["descripcio"]


def test_rfc2047_names_and_unnamed_parts(server, settings_file):
    raw = build_mixed([
        (b"Content-Type: application/pdf; name=\"=?utf-8?q?factura_n=C2=BA_3.pdf?=\"\n"
         b"Content-Transfer-Encoding: base64\nContent-Disposition: attachment",
         b64(b"%PDF-1.4 fake")),
        (b"Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n"
         b"Content-Disposition: attachment", b64(b"%PDF-1.4 unnamed")),
    ], subject="Names")

    run_mailtoticket(raw, settings_file())

    names = sorted(a["nomFitxer"] for a in server.tickets()[-1]["annexos"])
    assert "factura nº 3.pdf" in names
    unnamed = [n for n in names if n != "factura nº 3.pdf"]
    assert len(unnamed) == 1 and unnamed[0].endswith(".pdf")


def test_filtered_attachments_are_not_uploaded_and_the_ticket_says_why(server, settings_file):
    logo = b"LOGO" * 100
    big = os.urandom(1024 * 1024 + 10)
    raw = build_mixed([
        (b"Content-Type: image/png\nContent-Transfer-Encoding: base64\n"
         b"Content-Disposition: attachment; filename=\"signature-logo.png\"", b64(b"png")),
        (b"Content-Type: image/gif\nContent-Transfer-Encoding: base64\n"
         b"Content-Disposition: attachment; filename=\"banner.gif\"", b64(logo)),
        (b"Content-Type: application/zip\nContent-Transfer-Encoding: base64\n"
         b"Content-Disposition: attachment; filename=\"huge.zip\"", b64(big)),
        (b"Content-Type: text/plain\nContent-Disposition: attachment; filename=\"kept.txt\"",
         b"kept"),
    ], subject="Filtered")
    settings = settings_file(filtrar_attachments_per_nom=["^signature-"],
                             filtrar_attachments_per_hash=[hashlib.md5(logo).hexdigest()],
                             max_attachment_mb=1)

    assert header(run_mailtoticket(raw, settings)) == "SUCCESS"

    ticket = server.tickets()[-1]
    assert [a["nomFitxer"] for a in ticket["annexos"]] == ["kept.txt"]
    for name in ("signature-logo.png", "banner.gif", "huge.zip"):
        assert name in ticket["descripcio"]
    assert "not uploaded" in ticket["descripcio"]


def test_sha256_hash_filter(server, settings_file):
    logo = b"another logo"
    raw = build_mixed([(b"Content-Type: image/gif\nContent-Transfer-Encoding: base64\n"
                        b"Content-Disposition: attachment; filename=\"l.gif\"", b64(logo))],
                      subject="Sha filtered")

    run_mailtoticket(raw, settings_file(
        filtrar_attachments_per_hash=[hashlib.sha256(logo).hexdigest().upper()]))

    assert server.tickets()[-1]["annexos"] == []


RELATED = b"""From: jaume.moral@upc.edu
To: suport@upc.edu
Subject: Inline image
Message-ID: <inline-image@test.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mix"

--mix
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/html; charset=utf-8

<p>Look at this:</p><img src="cid:shot1@mail" alt="screenshot"><p>and the file.</p>
--rel
Content-Type: image/png; name="screenshot.png"
Content-Transfer-Encoding: base64
Content-ID: <shot1@mail>
Content-Disposition: inline; filename="screenshot.png"

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==
--rel--
--mix
Content-Type: application/pdf; name="informe.pdf"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="informe.pdf"

JVBERi0xLjQKJcOkw7zDtsOfCg==
--mix--
"""


def test_inline_images_are_uploaded_and_cid_links_rewritten(server, settings_file):
    assert header(run_mailtoticket(RELATED, settings_file())) == "SUCCESS"

    ticket = server.tickets()[-1]
    annexos = {a["nomFitxer"]: a["codiAnnex"] for a in ticket["annexos"]}
    assert set(annexos) == {"screenshot.png", "informe.pdf"}
    description = ticket["descripcio"]
    assert "cid:" not in description
    assert 'src="/tiquetsusuaris/control/file?fileId=%s"' % annexos["screenshot.png"] in description
    assert 'href="/tiquetsusuaris/control/file?fileId=%s"' % annexos["informe.pdf"] in description
    assert any(h.get("descripcio") for h in ticket["historial"])   # rewritten by ModificarTiquet


def test_reply_attachments_go_on_the_ticket_and_are_mentioned_in_the_comment(
        server, settings_file):
    settings = settings_file()
    run_mailtoticket(mail(subject="Base ticket for reply"), settings)
    codi = server.tickets()[-1]["codi"]
    reply = build_mixed([(b"Content-Type: image/jpeg\nContent-Transfer-Encoding: base64\n"
                          b"Content-Disposition: attachment; filename=\"error.jpg\"",
                          b64(b"\xff\xd8jpegdata"))],
                        subject="Re: [Suport Unitat %s] Base ticket for reply" % codi)

    assert header(run_mailtoticket(reply, settings)) == "SUCCESS"

    ticket = server.ticket(codi)
    assert [a["nomFitxer"] for a in ticket["annexos"]] == ["error.jpg"]
    assert server.annex_bytes(ticket["annexos"][0]["codiAnnex"]) == b"\xff\xd8jpegdata"
    comment = ticket["comentaris"][0]["descripcio"]
    assert "error.jpg" in comment and "fileId=%s" % ticket["annexos"][0]["codiAnnex"] in comment


FORWARD_RFC822 = b"""From: Recepcio <recepcio@upc.edu>
To: suport@upc.edu
Subject: Fwd: Cannot log in
Message-ID: <fwd-rfc822@test.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="f"

--f
Content-Type: text/plain

Forwarding this one.
--f
Content-Type: message/rfc822

From: Anna Puig <anna.puig@gmail.com>
To: recepcio@upc.edu
Subject: Cannot log in

I cannot log in to the intranet.
--f--
"""

FORWARD_INLINE = b"""From: recepcio@upc.edu
To: suport@upc.edu
Subject: Fwd: Wifi
Message-ID: <fwd-inline@test.example>
Content-Type: text/plain; charset=utf-8

See below.

---------- Forwarded message ---------
From: Pere Garcia <pgarcia@upc.edu>
Date: Sun, 22 Nov 2026 08:00:00 +0100
Subject: Wifi

The wifi in room B3 drops every minute.
"""


def test_forward_from_a_listed_forwarder_is_ticketed_for_the_original_sender(
        server, settings_file):
    server.load({"people": [{"cn": "recepcio", "nom": "R", "cognoms": "R",
                             "emailPreferent": "recepcio@upc.edu", "emails": ["recepcio@upc.edu"]}]})
    settings = settings_file(reenviaments=["recepcio@upc.edu"])

    assert header(run_mailtoticket(FORWARD_RFC822, settings)) == "SUCCESS"
    assert server.tickets()[-1]["solicitant"] == "anna.puig"
    assert header(run_mailtoticket(FORWARD_INLINE, settings)) == "SUCCESS"
    assert server.tickets()[-1]["solicitant"] == "pere.garcia"


def test_forward_from_someone_not_listed_stays_theirs(server, settings_file):
    server.load({"people": [{"cn": "recepcio", "nom": "R", "cognoms": "R",
                             "emailPreferent": "recepcio@upc.edu", "emails": ["recepcio@upc.edu"]}]})
    raw = FORWARD_INLINE.replace(b"<fwd-inline@", b"<fwd-inline-2@")

    run_mailtoticket(raw, settings_file())

    assert server.tickets()[-1]["solicitant"] == "recepcio"


def test_an_inline_image_the_html_never_shows_is_listed_as_a_link(server, settings_file):
    raw = (b"From: jaume.moral@upc.edu\nTo: suport@upc.edu\nSubject: Unreferenced inline\n"
           b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m\n\n"
           b"--m\nContent-Type: text/plain\n\nHere is the error:\n"
           b"--m\nContent-Type: image/png\nContent-ID: <err1@mail>\n"
           b"Content-Disposition: inline; filename=error.png\nContent-Transfer-Encoding: base64\n\n"
           b"iVBORw0KGgo=\n--m--\n")

    run_mailtoticket(raw, settings_file())

    ticket = server.tickets()[-1]
    [annex] = ticket["annexos"]
    assert "fileId=%s" % annex["codiAnnex"] in ticket["descripcio"]
    assert "error.png" in ticket["descripcio"]


def test_a_listed_forwarder_replying_to_a_ticket_comments_as_itself(server, settings_file):
    server.load({"people": [{"cn": "recepcio", "nom": "R", "cognoms": "R",
                             "emailPreferent": "recepcio@upc.edu", "emails": ["recepcio@upc.edu"]}]})
    settings = settings_file(reenviaments=["upc.edu"])          # a bare domain
    run_mailtoticket(mail(subject="Base for forwarder reply"), settings)
    codi = server.tickets()[-1]["codi"]
    reply = mail(subject="RE: [Suport Unitat %s] Base for forwarder reply" % codi,
                 sender="recepcio@upc.edu",
                 body="Done.\n\n-----Original Message-----\nFrom: suport@upc.edu\nSubject: x\n")

    run_mailtoticket(reply, settings)

    assert server.ticket(codi)["comentaris"][-1]["usuari"] == "recepcio"


def test_a_bare_domain_in_reenviaments_covers_its_forwarders(server, settings_file):
    server.load({"people": [{"cn": "recepcio", "nom": "R", "cognoms": "R",
                             "emailPreferent": "recepcio@upc.edu", "emails": ["recepcio@upc.edu"]}]})
    raw = FORWARD_INLINE.replace(b"<fwd-inline@", b"<fwd-inline-domain@")

    run_mailtoticket(raw, settings_file(reenviaments=["upc.edu"]))

    assert server.tickets()[-1]["solicitant"] == "pere.garcia"
