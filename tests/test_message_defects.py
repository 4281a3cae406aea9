"""Parts of a mail the gateway cannot read are never lost silently: the
ticket still gets what could be read, says what was left out, and the log
names the defect. Inline images are linked however the HTML spells their
Content-ID."""
import base64
import struct

from support import header, run_mailtoticket

PERCENT_CID = b"""From: Jaume Moral <jaume.moral@upc.edu>
To: suport@upc.edu
Subject: Percent-encoded cid
Message-ID: <percent-cid@test.example>
MIME-Version: 1.0
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/html; charset=utf-8

<p>See:</p><img src="cid:IMAGE%40001" alt="shot"><p>end</p>
--rel
Content-Type: image/png; name="shot.png"
Content-Transfer-Encoding: base64
Content-ID: <image@001>
Content-Disposition: inline; filename="shot.png"

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==
--rel--
"""


def test_percent_encoded_cid_reference_links_the_uploaded_image(server, settings_file):
    assert header(run_mailtoticket(PERCENT_CID, settings_file())) == "SUCCESS"

    ticket = server.tickets()[-1]
    annexos = {a["nomFitxer"]: a["codiAnnex"] for a in ticket["annexos"]}
    assert set(annexos) == {"shot.png"}
    description = ticket["descripcio"]
    assert "cid:" not in description
    assert 'src="/tiquetsusuaris/control/file?fileId=%s"' % annexos["shot.png"] in description


# An Outlook forward (no marker line: only quotequail finds the original
# sender) whose HTML lxml refuses: a broken tag then a control character
# reference.
BROKEN_HTML_FORWARD = b"""From: Jaume Moral <jaume.moral@upc.edu>
To: suport@upc.edu
Subject: Fwd: Printer broken
Message-ID: <broken-html-forward@test.example>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><body><p>Please look at this <span">&#3;</span>.</p>
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
<p><b>From:</b> Maria Puig &lt;maria.puig@example.com&gt;<br><b>Sent:</b> Monday,
30 November 2026 10:00<br><b>To:</b> Jaume Moral<br><b>Subject:</b> Printer broken</p>
</div><div>The printer on floor 2 is broken.</div></body></html>
"""


def test_forward_whose_original_sender_cannot_be_read_logs_a_defect(
        server, settings_file, tmp_path):
    settings = settings_file(log_level="INFO", reenviaments=["jaume.moral@upc.edu"])

    assert header(run_mailtoticket(BROKEN_HTML_FORWARD, settings)) == "SUCCESS"

    log = (tmp_path / "mailtoticket.log").read_text()
    assert "defect in the message: original sender in the HTML body: ValueError" in log
    assert "printer on floor 2" in server.tickets()[-1]["descripcio"]


def _tnef_attr(level, name, typ, payload):
    return struct.pack("<BHHI", level, name, typ, len(payload)) + payload + \
        struct.pack("<H", sum(payload) & 0xFFFF)


def winmail_dat_with_binary_long_filename():
    """A winmail.dat whose attachment's long file name (MAPI 0x3707) is
    typed PT_BINARY, not a string: tnefparse hands back bytes."""
    name = b"report.pdf"
    mapi = struct.pack("<IHHII", 1, 0x0102, 0x3707, 1, len(name)) + name + \
        b"\x00" * (-len(name) % 4)
    return (struct.pack("<IH", 0x223E9F78, 0x0001)
            + _tnef_attr(1, 0x9006, 0x0008, struct.pack("<I", 0x00010000))
            + _tnef_attr(1, 0x9007, 0x0006, struct.pack("<II", 1252, 0))
            + _tnef_attr(1, 0x8008, 0x0007, b"IPM.Microsoft Mail.Note\x00")
            + _tnef_attr(2, 0x9002, 0x0006, b"\x01\x00" + b"\xff" * 4 + b"\x00" * 8)
            + _tnef_attr(2, 0x8010, 0x0001, name + b"\x00")
            + _tnef_attr(2, 0x800F, 0x0006, b"%PDF-1.4 inside winmail")
            + _tnef_attr(2, 0x9005, 0x0006, mapi))


def test_an_unreadable_attachment_part_keeps_the_others_and_is_named(
        server, settings_file, tmp_path):
    pdf = b"%PDF-1.4 the invoice"
    raw = b"""From: Jaume Moral <jaume.moral@upc.edu>
To: suport@upc.edu
Subject: Invoice and a winmail.dat
Message-ID: <unreadable-part@test.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mix"

--mix
Content-Type: text/plain; charset=utf-8

Here is the invoice.
--mix
Content-Type: application/pdf; name="invoice.pdf"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="invoice.pdf"

""" + base64.encodebytes(pdf) + b"""--mix
Content-Type: application/ms-tnef; name="winmail.dat"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="winmail.dat"

""" + base64.encodebytes(winmail_dat_with_binary_long_filename()) + b"""--mix--
"""
    settings = settings_file(log_level="INFO")

    assert header(run_mailtoticket(raw, settings)) == "SUCCESS"

    ticket = server.tickets()[-1]
    assert [a["nomFitxer"] for a in ticket["annexos"]] == ["invoice.pdf"]
    assert "<li>winmail.dat: could not be read (TypeError)</li>" in ticket["descripcio"]
    log = (tmp_path / "mailtoticket.log").read_text()
    assert "defect in the message: attachment 'winmail.dat': TypeError" in log
