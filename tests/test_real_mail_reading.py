"""Real-shaped mail of the kinds other helpdesks keep in their test suites
(tests/messages/), each read as a person reading it in a mail client would:
the ticket's subject, description and attachments on the reference server."""
from pathlib import Path

import pytest

from support import header, mail, run_mailtoticket

MESSAGES = Path(__file__).resolve().parent / "messages"
RECEPCIO = {"people": [{"cn": "recepcio", "nom": "R", "cognoms": "R",
                        "emailPreferent": "recepcio@upc.edu",
                        "emails": ["recepcio@upc.edu"]}]}


def sample(name, **replace):
    raw = (MESSAGES / name).read_bytes()
    for key, value in replace.items():
        raw = raw.replace(key.encode(), str(value).encode())
    return raw


def ticketed(server, settings, raw):
    result = run_mailtoticket(raw, settings)
    assert header(result) == "SUCCESS", (result.stdout[:200], result.stderr[-2000:])
    return server.tickets()[-1]


def annexes(server, ticket):
    return {a["nomFitxer"]: server.annex_bytes(a["codiAnnex"]) for a in ticket["annexos"]}


# ------------------------------------------------------------- reading classes

def test_a_disclaimer_after_the_closing_html_tags_reaches_the_description(server, settings_file):
    ticket = ticketed(server, settings_file(), sample("exchange_disclaimer_after_body.eml"))

    description = ticket["descripcio"]
    assert "No puc obrir la carpeta compartida" in description
    assert "AVÍS LEGAL: Aquest missatge és confidencial" in description
    assert "avis-legal" in description


def test_separate_text_and_html_parts_of_a_mixed_message_are_both_shown_in_order(
        server, settings_file):
    ticket = ticketed(server, settings_file(), sample("mixed_text_then_html_page.eml"))

    description = ticket["descripcio"]
    words = description.find("Us envio la pàgina")
    page = description.find("La sessió ha caducat")
    assert 0 <= words < page
    assert "<h1>Error 500</h1>" in description


def test_iso_2022_jp_with_windows_characters_is_read_as_mail_clients_read_it(
        server, settings_file):
    ticket = ticketed(server, settings_file(usuari_extern="usuari.extern",
                                            filtres=["filtres.nou_extern.FiltreNouExtern"]),
                      sample("iso2022jp_nec_characters.eml"))

    assert ticket["assumpte"] == "プリンター故障①"
    assert "①３階のプリンターが動きません。" in ticket["descripcio"]
    assert "㈱テスト商事" in ticket["descripcio"]
    assert "\x1b" not in ticket["descripcio"] and "$B" not in ticket["descripcio"]


def test_undeclared_cyrillic_and_chinese_bytes_are_guessed_not_read_as_cp1252(
        server, settings_file):
    ticket = ticketed(server, settings_file(usuari_extern="usuari.extern",
                                            filtres=["filtres.nou_extern.FiltreNouExtern"]),
                      sample("undeclared_8bit_cyrillic.eml"))

    assert ticket["assumpte"] == "Проблема с принтером"
    assert "Принтер на втором этаже не печатает" in ticket["descripcio"]
    assert list(annexes(server, ticket)) == ["季度报告.pdf"]


def test_undeclared_japanese_subject_body_and_file_name_are_read(server, settings_file):
    ticket = ticketed(server, settings_file(), sample("undeclared_8bit_japanese.eml"))

    assert ticket["assumpte"] == "見積書の件"
    assert "お世話になっております。見積書を添付します。" in ticket["descripcio"]
    assert list(annexes(server, ticket)) == ["報告書.pdf"]


def test_short_undeclared_western_text_stays_cp1252(server, settings_file):
    raw = (b"From: jaume.moral@upc.edu\nTo: suport@upc.edu\nSubject: Caf\xe9 \xe0 l'\xe9cole\n"
           b"Message-ID: <short-western@test.example>\n\nLa m\xe0quina del caf\xe9 no va.\n")

    ticket = ticketed(server, settings_file(), raw)

    assert ticket["assumpte"] == "Café à l'école"
    assert "La màquina del café no va." in ticket["descripcio"]


def test_a_header_folded_without_the_leading_blank_keeps_the_headers_after_it(
        server, settings_file):
    ticket = ticketed(server, settings_file(), sample("broken_header_folding.eml"))

    assert ticket["assumpte"] == ("Sol·licitud d'alta al servei de correu per al nou "
                                  "personal del departament de matemàtiques")
    assert ticket["solicitant"] == "jaume.moral"
    assert "tres persones noves" in ticket["descripcio"]


def test_mail_with_only_a_reply_to_is_ticketed_for_it(server, settings_file):
    ticket = ticketed(server, settings_file(), sample("reply_to_without_from.eml"))

    assert ticket["solicitant"] == "anna.puig"
    assert ticket["assumpte"] == "Formulari web: canvi de contrasenya"


def test_an_unnamed_forwarded_message_is_named_after_its_subject(server, settings_file):
    ticket = ticketed(server, settings_file(), sample("unnamed_forwarded_message.eml"))

    files = annexes(server, ticket)
    assert list(files) == ["Verifiqueu el vostre compte _ ara.eml"]
    assert b"Subject: =?utf-8?q?Verifiqueu_el_vostre_compte_/_ara?=" in \
        files["Verifiqueu el vostre compte _ ara.eml"]


@pytest.mark.parametrize("name", ["outlook_forward_catalan.eml", "owa_forward_spanish.eml"])
def test_current_outlook_and_owa_forwards_are_ticketed_for_the_original_sender(
        server, settings_file, name):
    server.load(RECEPCIO)
    ticket = ticketed(server, settings_file(reenviaments=["recepcio@upc.edu"]), sample(name))

    assert ticket["solicitant"] == "anna.puig"


def test_a_uuencoded_file_in_the_text_becomes_an_attachment(server, settings_file):
    ticket = ticketed(server, settings_file(), sample("uuencoded_file_in_text.eml"))

    assert annexes(server, ticket) == {"dump.bin": bytes(range(256)) * 4}
    assert "begin 644" not in ticket["descripcio"]
    assert "The nightly backup failed" in ticket["descripcio"]


def test_a_filtered_inline_logo_leaves_no_broken_image_but_says_what_it_was(
        server, settings_file):
    ticket = ticketed(server, settings_file(filtrar_attachments_per_nom=["^image\\d+\\.png$"]),
                      sample("html_with_filtered_logo.eml"))

    description = ticket["descripcio"]
    assert list(annexes(server, ticket)) == ["pantalla.png"]
    assert "cid:" not in description
    assert "[image image001.png not uploaded: filtered by name" in description


# ---------------------------------------------------------------- replies

REPLIES = [
    ("reply_gmail_english.eml", "It prints again after the restart, thanks.",
     ["switch the printer off", "wrote:"]),
    ("reply_outlook_catalan.eml", "Continua sense imprimir en color.",
     ["Apagueu i engegueu", "Enviat:"]),
    ("reply_apple_spanish.eml", "Ya funciona, gracias.",
     ["Apague y encienda", "escribió"]),
    ("reply_zimbra_catalan.eml", "ara ja imprimeix a doble cara",
     ["Apagueu i engegueu", "Missatge original", "Enviats"]),
    ("reply_thunderbird_signature.eml", "la safata 2 encara",
     ["Apagueu i engegueu", "va escriure", "Unitat de Sistemes - UPC"]),
]


@pytest.mark.parametrize("name,new_text,history", REPLIES)
def test_a_reply_comment_carries_the_new_text_without_quoted_history_or_signature(
        server, settings_file, name, new_text, history):
    settings = settings_file()
    codi = ticketed(server, settings, mail(subject="Printer on floor 2"))["codi"]

    assert header(run_mailtoticket(sample(name, TICKET=codi), settings)) == "SUCCESS"

    comment = server.ticket(codi)["comentaris"][-1]["descripcio"]
    assert new_text in comment
    for old in history:
        assert old not in comment


def test_quote_stripping_can_be_turned_off(server, settings_file):
    settings = settings_file(treure_historial_respostes=False)
    codi = ticketed(server, settings, mail(subject="Printer on floor 2"))["codi"]

    run_mailtoticket(sample("reply_gmail_english.eml", TICKET=codi), settings)

    comment = server.ticket(codi)["comentaris"][-1]["descripcio"]
    assert "It prints again" in comment and "switch the printer off" in comment


def test_a_reply_that_is_only_a_quote_keeps_its_whole_text(server, settings_file):
    settings = settings_file()
    codi = ticketed(server, settings, mail(subject="Printer on floor 2"))["codi"]
    reply = mail(subject="Re: [Suport Unitat %s] Printer on floor 2" % codi,
                 body="> Please switch the printer off and on again.\n")

    run_mailtoticket(reply, settings)

    assert "switch the printer off" in server.ticket(codi)["comentaris"][-1]["descripcio"]


def test_a_new_ticket_keeps_its_quoted_text(server, settings_file):
    body = ("Please look at this.\n\nOn Mon, Nov 23, 2026 at 10:00 AM Anna <a@b.example> wrote:\n"
            "> The projector in B3 is broken.\n")

    ticket = ticketed(server, settings_file(), mail(subject="Projector B3", body=body))

    assert "The projector in B3 is broken." in ticket["descripcio"]


def test_a_forward_commented_on_a_ticket_keeps_the_forwarded_text(server, settings_file):
    settings = settings_file()
    codi = ticketed(server, settings, mail(subject="Printer on floor 2"))["codi"]
    body = ("More on this.\n\n---------- Forwarded message ---------\nFrom: Anna <a@b.example>\n"
            "Subject: printer\n\nIt also jams on tray 2.\n")

    run_mailtoticket(mail(subject="Fwd: [Suport Unitat %s] Printer on floor 2" % codi,
                          body=body), settings)

    assert "It also jams on tray 2." in server.ticket(codi)["comentaris"][-1]["descripcio"]


# ---------------------------------------------------------- special formats

def test_the_files_inside_winmail_dat_are_uploaded_not_the_blob(server, settings_file):
    ticket = ticketed(server, settings_file(), sample("outlook_winmail_dat.eml"))

    assert annexes(server, ticket) == {
        "pressupost.pdf": (MESSAGES / "outlook_winmail_dat.pdf").read_bytes(),
        "dades.xlsx": (MESSAGES / "outlook_winmail_dat.xlsx").read_bytes()}


@pytest.mark.parametrize("name,text,files", [
    ("smime_signed.eml", "El certificat del servidor web ha caducat", ["avis.png"]),
    ("pgp_signed.eml", "Afegiu la meva clau SSH nova", []),
])
def test_signed_mail_is_read_as_its_content_without_the_signature_file(
        server, settings_file, name, text, files):
    ticket = ticketed(server, settings_file(), sample(name))

    assert text in ticket["descripcio"]
    assert list(annexes(server, ticket)) == files


def test_the_signature_file_is_uploaded_when_the_settings_ask(server, settings_file):
    ticket = ticketed(server, settings_file(pujar_signatures=True),
                      sample("smime_signed.eml").replace(b"smime-signed-1", b"smime-signed-2"))

    assert sorted(annexes(server, ticket)) == ["avis.png", "smime.p7s"]


def test_encrypted_mail_says_so_and_carries_the_encrypted_part(server, settings_file):
    ticket = ticketed(server, settings_file(), sample("pgp_encrypted.eml"))

    assert "This message is encrypted (PGP) and cannot be read here" in ticket["descripcio"]
    files = annexes(server, ticket)
    assert list(files) == ["encrypted.asc"]
    assert b"-----BEGIN PGP MESSAGE-----" in files["encrypted.asc"]


def test_an_invitation_is_attached_as_ics_and_summarised_in_the_description(
        server, settings_file):
    ticket = ticketed(server, settings_file(), sample("outlook_invitation.eml"))

    description = ticket["descripcio"]
    assert "Revisió de la xarxa wifi, edifici C" in description
    assert "2026-12-01 10:00 (Romance Standard Time)" in description
    assert "Sala de reunions C2, planta 2" in description
    files = annexes(server, ticket)
    assert list(files) == ["invitation.ics"]
    assert b"BEGIN:VEVENT" in files["invitation.ics"]


def test_executables_are_left_out_and_the_ticket_says_why(server, settings_file):
    ticket = ticketed(server, settings_file(), sample("executable_attachment.eml"))

    assert list(annexes(server, ticket)) == ["manual.pdf"]
    assert "setup.exe: file type not accepted (.exe)" in ticket["descripcio"]


def test_the_type_policy_follows_the_settings(server, settings_file):
    raw = sample("executable_attachment.eml").replace(b"exe-1@", b"exe-2@")

    ticket = ticketed(server, settings_file(extensions_no_pujar=["pdf"], tipus_no_pujar=[]), raw)

    assert list(annexes(server, ticket)) == ["setup.exe"]
    assert "manual.pdf: file type not accepted (.pdf)" in ticket["descripcio"]


@pytest.mark.parametrize("name", ["smime_opaque_signed.eml", "smime_opaque_signed_ber.eml"])
def test_opaque_signed_smime_mail_is_read_as_the_message_it_signs(server, settings_file, name):
    ticket = ticketed(server, settings_file(), sample(name))

    assert ticket["assumpte"].startswith("Servidor de fitxers")
    assert "El servidor de fitxers no respon des de les 9." in ticket["descripcio"]
    assert annexes(server, ticket) == {"ping.txt": b"Request timed out."}


def test_inline_pgp_signed_text_is_read_without_its_armor(server, settings_file):
    ticket = ticketed(server, settings_file(), sample("pgp_inline_clearsigned.eml"))

    description = ticket["descripcio"]
    assert "substituïu la meva clau pública" in description
    assert "-- llista de servidors" in description
    assert "PGP" not in description and "Hash: SHA256" not in description


def test_encrypted_smime_mail_says_so_and_carries_the_encrypted_part(server, settings_file):
    ticket = ticketed(server, settings_file(), sample("smime_encrypted.eml"))

    assert "This message is encrypted (S/MIME) and cannot be read here" in ticket["descripcio"]
    assert list(annexes(server, ticket)) == ["smime.p7m"]


def imported(result):
    """Top-level module names the run imported (PYTHONPROFILEIMPORTTIME)."""
    names = set()
    for line in result.stderr.decode("utf-8", "replace").splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_a_plain_text_new_ticket_imports_no_quote_tnef_or_html_library(server, settings_file):
    result = run_mailtoticket(mail(subject="Plain and cheap"), settings_file(),
                              env={"PYTHONPROFILEIMPORTTIME": "1"})

    assert header(result) == "SUCCESS"
    assert not imported(result) & {"quotequail", "mailparser_reply", "tnefparse", "bs4",
                                   "bleach", "nh3"}
    assert "mail.reply_rules" not in result.stderr.decode("utf-8", "replace")


def test_a_reply_imports_the_reply_rules(server, settings_file):
    settings = settings_file()
    codi = ticketed(server, settings, mail(subject="Printer on floor 2"))["codi"]

    result = run_mailtoticket(sample("reply_thunderbird_signature.eml", TICKET=codi), settings,
                              env={"PYTHONPROFILEIMPORTTIME": "1"})

    assert header(result) == "SUCCESS"
    assert "mail.reply_rules" in result.stderr.decode("utf-8", "replace")
