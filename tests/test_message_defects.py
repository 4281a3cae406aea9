"""Parts of a mail the gateway cannot read are never lost silently: the
ticket still gets what could be read, says what was left out, and the log
names the defect. Inline images are linked however the HTML spells their
Content-ID."""
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
