"""Writes the real-shaped samples of issue 15 into tests/messages/:

    python3 tests/messages/make_issue15_samples.py tests/messages

Each imitates what its client or server really sends (headers, MIME
layout, encodings). The S/MIME samples (smime_opaque_signed*.eml,
smime_encrypted.eml) are not made here: they came from `openssl smime
-sign -nodetach [-stream]` and `openssl smime -encrypt` with a throwaway
self-signed certificate, Date and Message-ID added.
"""
import base64, binascii, struct, quopri, sys
from pathlib import Path
OUT = Path(sys.argv[1])

def w(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    (OUT / name).write_bytes(data.replace(b"\r\n", b"\n"))

def b64(data):
    return base64.encodebytes(data).decode("ascii")

# 1. text after </body>
w("exchange_disclaimer_after_body.eml", """Received: from mail.example.com (mail.example.com [192.0.2.10])
\tby mx.upc.edu with ESMTPS id 4AB12C3D4E; Tue, 24 Nov 2026 09:02:11 +0100
From: Marta Vidal <marta.vidal@upc.edu>
To: "suport@upc.edu" <suport@upc.edu>
Subject: Accés a la carpeta compartida
Date: Tue, 24 Nov 2026 08:02:05 +0000
Message-ID: <AM0PR02MB5555C1A2B3@AM0PR02MB5555.eurprd02.prod.outlook.com>
Content-Language: ca-ES
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

<html xmlns:v=3D"urn:schemas-microsoft-com:vml"><head>
<meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3Dutf-8">
<style><!-- p.MsoNormal {margin:0cm;} --></style></head>
<body lang=3D"CA" link=3D"#0563C1"><div class=3D"WordSection1">
<p class=3D"MsoNormal">Bon dia,</p>
<p class=3D"MsoNormal">No puc obrir la carpeta compartida del departament.</p>
</div></body></html>
<p style=3D"font-size:8pt;color:gray">AVÍS LEGAL: Aquest missatge és confi=
dencial i s'adreça exclusivament al destinatari.</p>
Consulteu la política de protecció de dades a https://www.upc.edu/ca/avis-legal
""")

# 2. multipart/mixed text + html (not alternatives)
w("mixed_text_then_html_page.eml", """From: Pere Garcia <pgarcia@upc.edu>
To: suport@upc.edu
Subject: Error a la pàgina de matrícula
Date: Tue, 24 Nov 2026 10:15:00 +0100
Message-ID: <mixed-text-html-7731@upc.edu>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="----=_Part_1803_4411.1700000000000"

------=_Part_1803_4411.1700000000000
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Us envio la pàgina que dona l'error quan l'estudiant confirma la matrícula.

------=_Part_1803_4411.1700000000000
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: 8bit

<html><body><h1>Error 500</h1><p>La sessió ha caducat en confirmar la matrícula.</p></body></html>
------=_Part_1803_4411.1700000000000--
""")

# 3. ISO-2022-JP with NEC specials (cp932 characters outside JIS X 0208)
def jis(text):
    sj = text.encode("cp932")
    out = bytearray(b"\x1b$B"); i = 0
    while i < len(sj):
        s1, s2 = sj[i], sj[i + 1]; i += 2
        j1 = (s1 - (0x70 if s1 < 0xA0 else 0xB0)) * 2 - (1 if s2 < 0x9F else 0)
        j2 = (s2 - (0x1F if s2 < 0x7F else 0x20)) if s2 < 0x9F else s2 - 0x7E
        out += bytes((j1, j2))
    return bytes(out) + b"\x1b(B"
subject = b"=?ISO-2022-JP?B?" + base64.b64encode(jis("プリンター故障①")) + b"?="
body = (jis("お世話になっております。") + b"\n" + jis("①３階のプリンターが動きません。") + b"\n"
        + jis("㈱テスト商事") + b" Tanaka\n")
w("iso2022jp_nec_characters.eml", b"""From: Tanaka Taro <tanaka@example.co.jp>
To: suport@upc.edu
Subject: """ + subject + b"""
Date: Tue, 24 Nov 2026 18:00:00 +0900
Message-ID: <20261124180000.A1B2@example.co.jp>
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit

""" + body)

# 4. undeclared 8-bit: Cyrillic cp1251 subject/body, GBK attachment name
w("undeclared_8bit_cyrillic.eml", b"From: Ivan Petrov <ivan.petrov@example.ru>\nTo: suport@upc.edu\n"
  b"Subject: " + "Проблема с принтером".encode("cp1251") + b"\n"
  b"Date: Tue, 24 Nov 2026 12:00:00 +0300\nMessage-ID: <undeclared-8bit-1@example.ru>\n"
  b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\n"
  b"Content-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\n"
  + "Здравствуйте! Принтер на втором этаже не печатает.".encode("cp1251")
  + b"\n--b1\nContent-Type: application/pdf; name=\"" + "季度报告.pdf".encode("gbk")
  + b"\"\nContent-Disposition: attachment; filename=\"" + "季度报告.pdf".encode("gbk")
  + b"\"\nContent-Transfer-Encoding: base64\n\n" + base64.encodebytes(b"%PDF-1.4 report\n")
  + b"--b1--\n")

# 5. broken header folding
w("broken_header_folding.eml", """Received: from web.example.org by mx.upc.edu; Tue, 24 Nov 2026 11:00:00 +0100
To: suport@upc.edu
Subject: Sol·licitud d'alta al servei de correu per al nou personal del
departament de matemàtiques
From: Jaume Moral <jaume.moral@upc.edu>
Date: Tue, 24 Nov 2026 11:00:00 +0100
Message-ID: <broken-folding-42@web.example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Necessitem l'alta de tres persones noves.
""")

# 6. Reply-To only
w("reply_to_without_from.eml", """Reply-To: Anna Puig <anna.puig@gmail.com>
To: suport@upc.edu
Subject: Formulari web: canvi de contrasenya
Date: Tue, 24 Nov 2026 11:30:00 +0100
Message-ID: <webform-9912@forms.upc.edu>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

No recordo la contrasenya del campus virtual.
""")

# 7. unnamed message/rfc822
w("unnamed_forwarded_message.eml", """From: Jaume Moral <jaume.moral@upc.edu>
To: suport@upc.edu
Subject: Fwd: correu sospitós
Date: Tue, 24 Nov 2026 12:30:00 +0100
Message-ID: <unnamed-rfc822-5@upc.edu>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain; charset=utf-8

Us reenvio aquest correu, sembla pesca.
--outer
Content-Type: message/rfc822

From: "IT Service" <it-service@phish.example>
To: jaume.moral@upc.edu
Subject: =?utf-8?q?Verifiqueu_el_vostre_compte_/_ara?=
Date: Tue, 24 Nov 2026 12:00:00 +0100
Message-ID: <phish-1@phish.example>

Cliqueu aqui.
--outer--
""")

# 8a. Outlook desktop forward, Catalan, plain text with a rule of underscores
w("outlook_forward_catalan.eml", """From: Recepcio <recepcio@upc.edu>
To: suport@upc.edu
Subject: RV: Impressora de l'aula 12
Date: Tue, 24 Nov 2026 13:00:00 +0100
Message-ID: <DB9PR02MB6666F1@DB9PR02MB6666.eurprd02.prod.outlook.com>
Thread-Topic: Impressora de l'aula 12
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Us ho passo.

________________________________
De: Anna Puig <anna.puig@gmail.com>
Enviat: dimarts, 24 de novembre de 2026 12:40
Per a: Recepcio <recepcio@upc.edu>
Assumpte: Impressora de l'aula 12

La impressora de l'aula 12 fa un soroll estrany.
""")

# 8b. OWA forward, Spanish, HTML divRplyFwdMsg
w("owa_forward_spanish.eml", """From: Recepcio <recepcio@upc.edu>
To: suport@upc.edu
Subject: RV: Proyector sala de juntas
Date: Tue, 24 Nov 2026 13:10:00 +0100
Message-ID: <VI1PR02MB7777A2@VI1PR02MB7777.eurprd02.prod.outlook.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="_000_VI1PR02MB7777_"

--_000_VI1PR02MB7777_
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Para vosotros.

________________________________
De: Anna Puig <anna.puig@gmail.com>
Enviado: martes, 24 de noviembre de 2026 12:50
Para: Recepcio <recepcio@upc.edu>
Asunto: Proyector sala de juntas

El proyector no enciende.

--_000_VI1PR02MB7777_
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: 8bit

<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>
<body><div style="font-family:Calibri">Para vosotros.</div>
<div id="appendonsend"></div>
<hr style="display:inline-block;width:98%" tabindex="-1">
<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>De:</b> Anna Puig &lt;anna.puig@gmail.com&gt;<br>
<b>Enviado:</b> martes, 24 de noviembre de 2026 12:50<br>
<b>Para:</b> Recepcio &lt;recepcio@upc.edu&gt;<br>
<b>Asunto:</b> Proyector sala de juntas</font>
<div>&nbsp;</div></div>
<div dir="ltr">El proyector no enciende.</div>
</body></html>

--_000_VI1PR02MB7777_--
""")

# 9. uuencode in a text body
data = bytes(range(256)) * 4
uu = "".join(binascii.b2a_uu(data[i:i + 45]).decode() for i in range(0, len(data), 45))
w("uuencoded_file_in_text.eml", """From: Jaume Moral <jaume.moral@upc.edu>
To: suport@upc.edu
Subject: Backup log server12
Date: Tue, 24 Nov 2026 03:00:00 +0100
Message-ID: <uuencode-12@server12.upc.edu>

The nightly backup failed; the dump is attached.

begin 644 dump.bin
""" + uu + """`
end

-- 
backup-script on server12
""")

# 10. filtered signature logo
logo = b"\x89PNG\r\n\x1a\nLOGOPNGDATA"
shot = b"\x89PNG\r\n\x1a\nSCREENSHOT"
w("html_with_filtered_logo.eml", """From: Jaume Moral <jaume.moral@upc.edu>
To: suport@upc.edu
Subject: Pantalla en blanc
Date: Tue, 24 Nov 2026 14:00:00 +0100
Message-ID: <logo-filter-3@upc.edu>
MIME-Version: 1.0
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/html; charset=utf-8

<html><body><p>La pantalla queda en blanc:</p><p><img src="cid:shot001@upc.edu"></p>
<p>Jordi Serra<br><img src="cid:image001.png@01DB3E0A.12345670" alt="Logo UPC" width="120"></p></body></html>
--rel
Content-Type: image/png; name="image001.png"
Content-ID: <image001.png@01DB3E0A.12345670>
Content-Disposition: inline; filename="image001.png"
Content-Transfer-Encoding: base64

""" + b64(logo) + """--rel
Content-Type: image/png; name="pantalla.png"
Content-ID: <shot001@upc.edu>
Content-Disposition: inline; filename="pantalla.png"
Content-Transfer-Encoding: base64

""" + b64(shot) + """--rel--
""")

# Replies (TICKET is replaced by the test)
w("reply_gmail_english.eml", """From: Jaume Moral <jaume.moral@upc.edu>
To: Suport <suport@upc.edu>
Subject: Re: [Suport Unitat TICKET] Printer on floor 2
Date: Wed, 25 Nov 2026 09:00:00 +0100
Message-ID: <CAKx=reply-gmail-1@mail.gmail.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="000000000000abcd"

--000000000000abcd
Content-Type: text/plain; charset="UTF-8"

It prints again after the restart, thanks.

On Tue, Nov 24, 2026 at 5:10 PM Suport Unitat <suport@upc.edu> wrote:

> Please switch the printer off and on again.
>
> Regards,
> Suport
>

--000000000000abcd
Content-Type: text/html; charset="UTF-8"

<div dir="ltr">It prints again after the restart, thanks.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Tue, Nov 24, 2026 at 5:10 PM Suport Unitat &lt;<a href="mailto:suport@upc.edu">suport@upc.edu</a>&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">Please switch the printer off and on again.<br><br>Regards,<br>Suport</blockquote></div>

--000000000000abcd--
""")

w("reply_outlook_catalan.eml", """From: Jaume Moral <jaume.moral@upc.edu>
To: Suport <suport@upc.edu>
Subject: RE: [Suport Unitat TICKET] Printer on floor 2
Date: Wed, 25 Nov 2026 09:30:00 +0000
Message-ID: <AM6PR02MB4444B3@AM6PR02MB4444.eurprd02.prod.outlook.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="_000_AM6PR02MB4444_"

--_000_AM6PR02MB4444_
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Continua sense imprimir en color.

Jaume Moral
Unitat de Sistemes

De: Suport Unitat <suport@upc.edu>
Enviat: dimarts, 24 de novembre de 2026 17:10
Per a: Jaume Moral <jaume.moral@upc.edu>
Assumpte: [Suport Unitat TICKET] Printer on floor 2

Apagueu i engegueu la impressora.

--_000_AM6PR02MB4444_
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: 8bit

<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>
<body lang="CA"><div class="WordSection1"><p class="MsoNormal">Continua sense imprimir en color.</p>
<p class="MsoNormal">Jaume Moral<br>Unitat de Sistemes</p>
<div><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
<p class="MsoNormal"><b>De:</b> Suport Unitat &lt;suport@upc.edu&gt;<br><b>Enviat:</b> dimarts, 24 de novembre de 2026 17:10<br><b>Per a:</b> Jaume Moral &lt;jaume.moral@upc.edu&gt;<br><b>Assumpte:</b> [Suport Unitat TICKET] Printer on floor 2</p>
</div></div>
<p class="MsoNormal">Apagueu i engegueu la impressora.</p>
</div></body></html>

--_000_AM6PR02MB4444_--
""")

w("reply_apple_spanish.eml", """From: Jaume Moral <jaume.moral@upc.edu>
To: Suport <suport@upc.edu>
Subject: Re: [Suport Unitat TICKET] Printer on floor 2
Date: Wed, 25 Nov 2026 10:00:00 +0100
Message-Id: <A1B2C3D4-E5F6-7890-ABCD-EF0123456789@upc.edu>
Mime-Version: 1.0 (Mac OS X Mail 16.0)
Content-Type: multipart/alternative; boundary="Apple-Mail=_11111111-2222"

--Apple-Mail=_11111111-2222
Content-Transfer-Encoding: quoted-printable
Content-Type: text/plain; charset=utf-8

Ya funciona, gracias.

> El 24 nov 2026, a las 17:10, Suport Unitat <suport@upc.edu> escribi=C3=B3:
>=20
> Apague y encienda la impresora.


--Apple-Mail=_11111111-2222
Content-Transfer-Encoding: quoted-printable
Content-Type: text/html; charset=utf-8

<html><head><meta http-equiv=3D"content-type" content=3D"text/html; charset=3Dutf-8"></head><body style=3D"overflow-wrap: break-word;">Ya funciona, gracias.<br id=3D"lineBreakAtBeginningOfMessage"><div><br><blockquote type=3D"cite"><div>El 24 nov 2026, a las 17:10, Suport Unitat &lt;suport@upc.edu&gt; escribi=C3=B3:</div><br><div><div>Apague y encienda la impresora.</div></div></blockquote></div><br></body></html>
--Apple-Mail=_11111111-2222--
""")

w("reply_thunderbird_signature.eml", """From: Jaume Moral <jaume.moral@upc.edu>
To: Suport <suport@upc.edu>
Subject: Re: [Suport Unitat TICKET] Printer on floor 2
Date: Wed, 25 Nov 2026 11:00:00 +0100
Message-ID: <tb-reply-4@upc.edu>
User-Agent: Mozilla Thunderbird
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Ja imprimeix, però la safata 2 encara s'encalla.

El 24/11/26 a les 17:10, Suport Unitat va escriure:
> Apagueu i engegueu la impressora.
>
> Salutacions

-- 
Jaume Moral
Unitat de Sistemes - UPC
""")

# TNEF winmail.dat
def attr(level, name, typ, payload):
    return struct.pack("<BHHI", level, name, typ, len(payload)) + payload + \
        struct.pack("<H", sum(payload) & 0xFFFF)
def tnef(files):
    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += attr(1, 0x9006, 0x0008, struct.pack("<I", 0x00010000))
    out += attr(1, 0x9007, 0x0006, struct.pack("<II", 1252, 0))
    out += attr(1, 0x8008, 0x0007, b"IPM.Microsoft Mail.Note\x00")
    for name, data in files:
        out += attr(2, 0x9002, 0x0006, b"\x01\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00")
        out += attr(2, 0x8010, 0x0001, name.encode("cp1252") + b"\x00")
        out += attr(2, 0x800F, 0x0006, data)
    return out
pdf = b"%PDF-1.4\n% pressupost\n" + bytes(range(256))
xls = b"PK\x03\x04 fake xlsx " + bytes(range(200))
blob = tnef([("pressupost.pdf", pdf), ("dades.xlsx", xls)])
w("outlook_winmail_dat.eml", """From: Jaume Moral <jaume.moral@upc.edu>
To: suport@upc.edu
Subject: Pressupost nou equipament
Date: Wed, 25 Nov 2026 12:00:00 +0100
Message-ID: <tnef-1@upc.edu>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="tnefb"

--tnefb
Content-Type: text/plain; charset="iso-8859-1"

Adjunto el pressupost.
--tnefb
Content-Type: application/ms-tnef; name="winmail.dat"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="winmail.dat"

""" + b64(blob) + """--tnefb--
""")
(OUT / "outlook_winmail_dat.pdf").write_bytes(pdf)
(OUT / "outlook_winmail_dat.xlsx").write_bytes(xls)

# S/MIME signed (detached)
w("smime_signed.eml", """From: Jaume Moral <jaume.moral@upc.edu>
To: suport@upc.edu
Subject: Certificat caducat
Date: Wed, 25 Nov 2026 12:30:00 +0100
Message-ID: <smime-signed-1@upc.edu>
MIME-Version: 1.0
Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="sig1"

This is a cryptographically signed message in MIME format.

--sig1
Content-Type: multipart/mixed; boundary="inner1"

--inner1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

El certificat del servidor web ha caducat avui.
--inner1
Content-Type: image/png; name="avis.png"
Content-Disposition: attachment; filename="avis.png"
Content-Transfer-Encoding: base64

""" + b64(b"\x89PNG\r\n\x1a\nAVIS") + """--inner1--

--sig1
Content-Type: application/pkcs7-signature; name="smime.p7s"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="smime.p7s"
Content-Description: S/MIME Cryptographic Signature

""" + b64(b"0\x82\x05\x00fake-pkcs7-signature") + """--sig1--
""")

w("pgp_signed.eml", """From: Jaume Moral <jaume.moral@upc.edu>
To: suport@upc.edu
Subject: Clau SSH nova
Date: Wed, 25 Nov 2026 12:40:00 +0100
Message-ID: <pgp-signed-1@upc.edu>
MIME-Version: 1.0
Content-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="pgpsig"

--pgpsig
Content-Type: text/plain; charset=utf-8

Afegiu la meva clau SSH nova al servidor de càlcul.
--pgpsig
Content-Type: application/pgp-signature; name="signature.asc"
Content-Disposition: attachment; filename="signature.asc"

-----BEGIN PGP SIGNATURE-----

iQEzBAEBCAAdFiEEfakefakefakefakefakefakefakefakeFAmNmZmZm
=abcd
-----END PGP SIGNATURE-----
--pgpsig--
""")

w("pgp_encrypted.eml", """From: Jaume Moral <jaume.moral@upc.edu>
To: suport@upc.edu
Subject: Contrasenyes del servidor
Date: Wed, 25 Nov 2026 12:50:00 +0100
Message-ID: <pgp-encrypted-1@upc.edu>
MIME-Version: 1.0
Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="enc"

This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)
--enc
Content-Type: application/pgp-encrypted
Content-Description: PGP/MIME version identification

Version: 1

--enc
Content-Type: application/octet-stream; name="encrypted.asc"
Content-Description: OpenPGP encrypted message
Content-Disposition: inline; filename="encrypted.asc"

-----BEGIN PGP MESSAGE-----

hQEMA1234567890ABAQf/fakeencrypteddata
=wxyz
-----END PGP MESSAGE-----

--enc--
""")

w("outlook_invitation.eml", """From: Jaume Moral <jaume.moral@upc.edu>
To: suport@upc.edu
Subject: Reunió: revisió de la xarxa wifi
Date: Wed, 25 Nov 2026 13:00:00 +0100
Message-ID: <invite-1@upc.edu>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="inv"

--inv
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Revisem la cobertura wifi de l'edifici C.
--inv
Content-Type: text/calendar; charset="utf-8"; method=REQUEST
Content-Transfer-Encoding: 8bit

BEGIN:VCALENDAR
METHOD:REQUEST
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VEVENT
ORGANIZER;CN=Jaume Moral:mailto:jaume.moral@upc.edu
SUMMARY;LANGUAGE=ca-ES:Revisió de la xarxa wifi\\, edifici C
DTSTART;TZID=Romance Standard Time:20261201T100000
DTEND;TZID=Romance Standard Time:20261201T113000
UID:040000008200E00074C5B7101A82E0080000000012345
LOCATION;LANGUAGE=ca-ES:Sala de reunions C2\\, planta 2
END:VEVENT
END:VCALENDAR
--inv--
""")

w("executable_attachment.eml", """From: Jaume Moral <jaume.moral@upc.edu>
To: suport@upc.edu
Subject: Instal·lador del programa
Date: Wed, 25 Nov 2026 13:30:00 +0100
Message-ID: <exe-1@upc.edu>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="exe"

--exe
Content-Type: text/plain; charset=utf-8

Us passo l'instal·lador i el manual.
--exe
Content-Type: application/x-msdownload; name="setup.exe"
Content-Disposition: attachment; filename="setup.exe"
Content-Transfer-Encoding: base64

""" + b64(b"MZ\x90\x00fake-pe") + """--exe
Content-Type: application/pdf; name="manual.pdf"
Content-Disposition: attachment; filename="manual.pdf"
Content-Transfer-Encoding: base64

""" + b64(b"%PDF-1.4 manual") + """--exe--
""")

w("pgp_inline_clearsigned.eml", """From: Jaume Moral <jaume.moral@upc.edu>
To: suport@upc.edu
Subject: Canvi de clau
Date: Wed, 25 Nov 2026 12:45:00 +0100
Message-ID: <pgp-inline-1@upc.edu>
User-Agent: Mutt/2.2.9
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

Si us plau, substituïu la meva clau pública al repositori.
- -- llista de servidors: calcul1, calcul2
-----BEGIN PGP SIGNATURE-----

iQEzBAEBCAAdFiEEfakefakefakefakefakefakefakefakeFAmNmZmZm
=abcd
-----END PGP SIGNATURE-----
""")

# 4b. undeclared Japanese: raw ISO-2022-JP subject (old mailers), Shift_JIS body and file name
w("undeclared_8bit_japanese.eml", b"From: Jaume Moral <jaume.moral@upc.edu>\nTo: suport@upc.edu\n"
  b"Subject: " + jis("見積書の件") + b"\n"
  b"Date: Tue, 24 Nov 2026 12:00:00 +0900\nMessage-ID: <undeclared-8bit-jp@example.co.jp>\n"
  b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b2\"\n\n--b2\n"
  b"Content-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\n"
  + "お世話になっております。見積書を添付します。".encode("cp932")
  + b"\n--b2\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\""
  + "報告書.pdf".encode("cp932")
  + b"\"\nContent-Transfer-Encoding: base64\n\n" + base64.encodebytes(b"%PDF-1.4 mitsumori\n")
  + b"--b2--\n")

w("reply_zimbra_catalan.eml", """From: Jaume Moral <jaume.moral@upc.edu>
To: Suport Unitat <suport@upc.edu>
Subject: Re: [Suport Unitat TICKET] Printer on floor 2
Date: Wed, 25 Nov 2026 11:30:00 +0100 (CET)
Message-ID: <1234567890.111.1764066600000.JavaMail.zimbra@upc.edu>
MIME-Version: 1.0
X-Mailer: Zimbra 10.0.6_GA_4617 (ZimbraWebClient - FF120 (Linux)/10.0.6_GA_4617)
Content-Type: multipart/alternative; boundary="=_zimbra-alt-1"

--=_zimbra-alt-1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

D'acord, ara ja imprimeix a doble cara.

----- Missatge original -----
De: "Suport Unitat" <suport@upc.edu>
Per a: "Jaume Moral" <jaume.moral@upc.edu>
Enviats: Dimarts, 24 de novembre 2026 17:10:00
Assumpte: [Suport Unitat TICKET] Printer on floor 2

Apagueu i engegueu la impressora.

--=_zimbra-alt-1
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

<html><body><div style="font-family: arial, helvetica, sans-serif; font-size: 12pt; color: #000000"><div>D'acord, ara ja imprimeix a doble cara.</div><div><br></div><hr id="zwchr" data-marker="__DIVIDER__"><div data-marker="__HEADERS__"><b>De: </b>"Suport Unitat" &lt;suport@upc.edu&gt;<br><b>Per a: </b>"Jaume Moral" &lt;jaume.moral@upc.edu&gt;<br><b>Enviats: </b>Dimarts, 24 de novembre 2026 17:10:00<br><b>Assumpte: </b>[Suport Unitat TICKET] Printer on floor 2<br></div><br><div data-marker="__QUOTED_TEXT__"><div>Apagueu i engegueu la impressora.</div></div></div></body></html>
--=_zimbra-alt-1--
""")
