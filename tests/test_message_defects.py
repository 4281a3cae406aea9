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
