"""An upstream deployment's settings file, unchanged but for the bus, and
the everyday behaviours its staff rely on (issue 10)."""
import re
from pathlib import Path

import pytest

from support import header, mail, run_mailtoticket

UPSTREAM_SAMPLE = Path(__file__).parent / "upstream" / "settings_sample.py"


def upstream_settings(server, folder, extra=""):
    """upstream's settings_sample.py copied as settings_default.py, with the
    bus addresses and credentials of the reference server appended, as an
    admin points a deployment at a test bus. `extra`: more lines."""
    folder = Path(folder)
    path = folder / "settings_default.py"
    bus = {k: v for k, v in server.client_settings(folder).items()
           if k in ("url_gn6", "url_identitat", "username_soa", "password_soa",
                    "username_gn6", "password_gn6", "domini")}
    path.write_text(UPSTREAM_SAMPLE.read_text(encoding="utf-8")
                    + "\n# test bus\nsettings.update(%r)\n" % bus + extra,
                    encoding="utf-8")
    return path


def run(raw, settings, tmp_path, *args):
    # upstream's log_file is tempfile.gettempdir() + "/mailtoticket.log";
    # upstream's settings name no state folder: the default under
    # XDG_STATE_HOME, the test's own (not the home of the user running it)
    return run_mailtoticket(raw, settings, *args,
                            env={"TMPDIR": str(tmp_path),
                                 "XDG_STATE_HOME": str(tmp_path / "state")})


def test_upstream_settings_sample_runs_a_new_mail_a_reply_and_a_web_form_mail(
        server, tmp_path):
    settings = upstream_settings(server, tmp_path)

    new = run(mail(subject="Projector URGENT", to="suport@upc.edu"), settings, tmp_path)
    assert header(new) == "SUCCESS", new.stderr.decode()
    ticket = server.tickets()[-1]
    assert ticket["solicitant"] == "jaume.moral"
    assert ticket["emailSolicitant"] == "jaume.moral@upc.edu"
    assert ticket["equipResolutor"] == "99999"
    assert ticket["urgencia"] == "GRAVETAT_ALTA"
    assert re.match(r"\[Tiquet creat des del correu de jaume\.moral@upc\.edu a "
                    r"suport@upc\.edu del \d\d/\d\d/\d{4} a les \d\d:\d\d\]",
                    ticket["descripcio"])
    codi = ticket["codi"]

    reply = run(mail(subject="RE: [Suport Unitat %s] Projector URGENT" % codi,
                     sender="pgarcia@upc.edu", body="Fixed the cable."),
                settings, tmp_path)
    assert header(reply) == "SUCCESS", reply.stderr.decode()
    comment = server.ticket(codi)["comentaris"][-1]
    assert comment["usuari"] == "pere.garcia"
    assert comment["tipusComentari"] == "COMENT_TIQUET_PUBLIC"
    assert comment["esNotificat"] == "S"          # upstream notifies others' comments
    assert comment["descripcio"].startswith("[Comentari afegit des del correu de "
                                            "pgarcia@upc.edu del ")
    assert "Fixed the cable." in comment["descripcio"]

    form = run(mail(subject="Web form request", sender="usuari.extern@upc.edu",
                    Reply_To="Someone <someone@client.example>"), settings, tmp_path)
    assert header(form) == "SUCCESS", form.stderr.decode()
    ticket = server.tickets()[-1]
    assert ticket["solicitant"] == "usuari.extern"   # the generic account
    assert ticket["emailSolicitant"] == "someone@client.example"
    assert (tmp_path / "mailtoticket.log").exists()


def test_upstream_settings_with_netejahtml_clean_replies(server, tmp_path):
    settings = upstream_settings(server, tmp_path, extra=(
        "import netejahtml\n"
        "settings['netejar_mail_nou'] = netejahtml.neteja_nou\n"
        "settings['netejar_mail_reply'] = netejahtml.neteja_reply\n"))
    run(mail(subject="Printer"), settings, tmp_path)
    codi = server.tickets()[-1]["codi"]

    result = run(mail(subject="Re: [Suport Unitat %s] Printer" % codi,
                      body="It prints now.\n\nOn Monday you wrote:\n> Printer broken\n"
                           "> please help\n\n-- \nJaume Moral\nUPC"),
                 settings, tmp_path)

    assert header(result) == "SUCCESS", result.stderr.decode()
    text = server.ticket(codi)["comentaris"][-1]["descripcio"]
    assert "It prints now." in text
    assert "please help" not in text and "Jaume Moral" not in text


def test_upstream_private_marker_matches_at_the_start_of_the_subject(server, tmp_path):
    settings = upstream_settings(server, tmp_path)
    run(mail(subject="Scanner"), settings, tmp_path)
    codi = server.tickets()[-1]["codi"]

    run(mail(subject="(Comentari privat) RE: [Suport Unitat %s] Scanner" % codi,
             sender="pgarcia@upc.edu"), settings, tmp_path)
    run(mail(subject="RE: [Suport Unitat %s] Scanner (comentari privat)" % codi,
             sender="pgarcia@upc.edu"), settings, tmp_path)

    first, second = server.ticket(codi)["comentaris"][-2:]
    assert (first["tipusComentari"], first["esNotificat"]) == ("COMENT_TIQUET_PRIVAT", "N")
    assert second["tipusComentari"] == "COMENT_TIQUET_PUBLIC"   # re.match, as upstream


def test_url_defaults_are_the_production_bus_upstream_calls():
    from gateway import settings
    defaults = settings.defaults()
    # upstream's soa/tiquets.py has called the v6 service since 2019
    assert defaults["url_gn6"] == "https://bus-soa.upc.edu/gN6/GestioTiquetsv6?wsdl"
    assert defaults["url_identitat"] == \
        "https://public.bus-soa.upc.edu/GestioIdentitat/Personesv6?wsdl"


# -- behaviours restored --------------------------------------------------------

import datetime  # noqa: E402
import itertools  # noqa: E402

_codes = itertools.count(7000)
CHAIN_ALL = ["filtres.reply_reobrint.FiltreReplyReobrint", "filtres.nou.FiltreNou",
             "filtres.nou_extern.FiltreNouExtern"]


def existing_ticket(server, **fields):
    codi = str(next(_codes))
    ticket = {"codi": codi, "domini": "suport", "assumpte": "Old problem %s" % codi,
              "estat": "TIQUET_STATUS_OBERT", "solicitant": "anna.puig",
              "emailSolicitant": "anna.puig@gmail.com",
              "dataCreacio": (datetime.date.today() - datetime.timedelta(days=40))
              .strftime("%d-%m-%Y")}
    ticket.update(fields)
    server.load({"tickets": [ticket]})
    return codi


def reply_subject(codi):
    return "Re: [Suport Unitat %s] Old problem" % codi


def test_the_requesters_own_comment_is_not_notified_others_are_by_default(
        server, settings_file):
    codi = existing_ticket(server)
    settings = settings_file()

    run_mailtoticket(mail(subject=reply_subject(codi), sender="anna.puig@gmail.com"), settings)
    run_mailtoticket(mail(subject=reply_subject(codi), sender="pgarcia@upc.edu"), settings)

    own, other = server.ticket(codi)["comentaris"]
    assert (own["usuari"], own["esNotificat"]) == ("anna.puig", "N")
    assert (other["usuari"], other["esNotificat"]) == ("pere.garcia", "S")


def test_web_form_reply_to_becomes_the_email_solicitant(server, settings_file):
    raw = mail(subject="Form: room booking", sender="usuari.extern@upc.edu",
               Reply_To="Visitor <visitor@elsewhere.example>")

    assert header(run_mailtoticket(raw, settings_file())) == "SUCCESS"

    ticket = server.tickets()[-1]
    assert ticket["solicitant"] == "usuari.extern"
    assert ticket["emailSolicitant"] == "visitor@elsewhere.example"


@pytest.mark.parametrize("wide, user", [(False, "joan.serra"), (True, "joan")])
def test_local_part_is_a_common_name_only_in_the_exact_own_domains(
        server, settings_file, wide, user):
    server.load({"people": [
        {"cn": "joan", "nom": "Joan", "cognoms": "Puig", "emailPreferent": "joan@upc.edu",
         "emails": ["joan@upc.edu"]},
        {"cn": "joan.serra", "nom": "Joan", "cognoms": "Serra",
         "emailPreferent": "joan@eseiaat.upc.edu", "emails": ["joan@eseiaat.upc.edu"]}]})

    result = run_mailtoticket(mail(subject="Whose %s" % wide, sender="joan@eseiaat.upc.edu"),
                              settings_file(dominis_propis_subdominis=wide))

    assert header(result) == "SUCCESS"
    assert server.tickets()[-1]["solicitant"] == user


def test_upstream_canonicalisation_is_the_default_rewrite(server, settings_file):
    result = run_mailtoticket(mail(subject="Old domain", sender="Jaume.Moral@ac.upc.es"),
                              settings_file())

    assert header(result) == "SUCCESS"
    assert server.tickets()[-1]["solicitant"] == "jaume.moral"


def test_regex_reply_is_matched_from_the_start_of_the_subject(server, settings_file):
    codi = existing_ticket(server)
    before = len(server.tickets())

    run_mailtoticket(mail(subject="Re: [Suport Unitat %s] x" % codi),
                     settings_file(regex_reply=r"\[Suport Unitat (\d+)\]"))

    assert server.ticket(codi)["comentaris"] == []     # not at the start: a new ticket
    assert len(server.tickets()) == before + 1


def test_attachment_name_filter_matches_from_the_start_and_with_case(server, settings_file):
    def part(name):
        return ("--b\nContent-Type: image/jpeg\nContent-Disposition: attachment; "
                "filename=\"%s\"\n\nxx\n" % name)
    raw = ("From: jaume.moral@upc.edu\nTo: suport@upc.edu\nSubject: Logos\n"
           "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
           "--b\nContent-Type: text/plain\n\nSee.\n" + part("paic12.jpg")
           + part("PAIC1.JPG") + part("my-paic3.jpg") + "--b--\n").encode()

    run_mailtoticket(raw, settings_file(filtrar_attachments_per_nom=[r"paic\d+.jpg"]))

    names = [a["nomFitxer"] for a in server.tickets()[-1]["annexos"]]
    assert names == ["PAIC1.JPG", "my-paic3.jpg"]


def test_private_marker_from_an_unknown_sender_makes_a_public_comment(server, settings_file):
    codi = existing_ticket(server)
    # Upstream's handling of strangers' comments (public), so that only the
    # marker decides; by default a stranger's comment is private anyway
    # (comentaris_de_tercers, tests/test_sender_trust.py).
    settings = settings_file(comentaris_de_tercers="public")

    run_mailtoticket(mail(subject=reply_subject(codi) + " [PRIVAT]",
                          sender="stranger@nowhere.example"), settings)
    run_mailtoticket(mail(subject=reply_subject(codi) + " [PRIVAT]",
                          sender="pgarcia@upc.edu"), settings)

    outside, staff = server.ticket(codi)["comentaris"]
    assert (outside["usuari"], outside["tipusComentari"]) == ("usuari.extern",
                                                              "COMENT_TIQUET_PUBLIC")
    assert (staff["tipusComentari"], staff["esNotificat"]) == ("COMENT_TIQUET_PRIVAT", "N")


def test_provenance_lines_can_be_left_out(server, settings_file):
    settings = settings_file(plantilla_origen_tiquet="", plantilla_origen_comentari="")
    run_mailtoticket(mail(subject="No provenance", body="Just the text."), settings)
    ticket = server.tickets()[-1]

    assert ticket["descripcio"].startswith("Just the text.")


@pytest.mark.parametrize("subject, headers, body", [
    ("Llegit: Printer", {}, "x"),
    ("Leer informe : Printer", {}, "x"),
    ("Informe de lectura: Printer", {}, "x"),
    ("Read: Printer", {}, "x"),
    ("DELIVERY FAILURE: x", {}, "x"),
    ("Printer", {}, "Return Receipt\n\nYour document was received"),
    ("Printer", {"X_Autoresponse": "yes"}, "x"),
    ("Printer", {"X_Loop": "helpdesk"}, "x"),
    ("Printer", {"X_Auto_Response_Suppress": "All"}, "x"),
    ("Automatic reply: Printer", {}, "I am away"),
])
def test_read_receipts_and_non_rfc_auto_replies_are_skipped_never_commented(
        server, settings_file, subject, headers, body):
    codi = existing_ticket(server)
    before = len(server.tickets())

    result = run_mailtoticket(mail(subject="%s [Suport Unitat %s]" % (subject, codi),
                                   body=body, **headers), settings_file())

    assert header(result) == "SKIP"
    assert len(server.tickets()) == before
    assert server.ticket(codi)["comentaris"] == []


@pytest.mark.parametrize("headers", [{"Precedence": "bulk"}, {"Precedence": "list"},
                                     {"Auto_Submitted": "auto-generated"}])
def test_machine_mail_is_ticketed_without_a_creation_notice(server, settings_file, headers):
    result = run_mailtoticket(mail(subject="Disk full on server3", **headers),
                              settings_file())

    assert header(result) == "SUCCESS"
    ticket = server.tickets()[-1]
    assert ticket["assumpte"] == "Disk full on server3"
    assert ticket["enviarMissatgeCreacio"] == "N"


def test_cc_requesters_only_via_a_matching_address(server, settings_file):
    settings = settings_file(afegir_solicitants_addicionals_en_cc_nomes_via=r"^suport@")

    run_mailtoticket(mail(subject="Via support", to="suport@upc.edu",
                          Cc="pgarcia@upc.edu"), settings)
    via = server.tickets()[-1]
    run_mailtoticket(mail(subject="Via other", to="other@upc.edu",
                          Cc="pgarcia@upc.edu"), settings)
    other = server.tickets()[-1]

    assert via["solicitantsAddicionals"] == ["pere.garcia"]
    assert other["solicitantsAddicionals"] == []


def test_resolution_date_set_to_creation_date_when_asked(server, settings_file):
    run_mailtoticket(mail(subject="Resolve today"),
                     settings_file(assignar_data_resolucio_amb_data_creacio=True))

    assert server.tickets()[-1]["dataResol"] == datetime.date.today().strftime("%d-%m-%Y")


def test_cleaning_function_by_dotted_name_in_yaml(server, settings_file):
    run_mailtoticket(mail(subject="Signed", body="Body text.\n-- \nMy Signature"),
                     settings_file(netejar_mail_nou="netejahtml.neteja_nou"))

    text = server.tickets()[-1]["descripcio"]
    assert "Body text." in text and "My Signature" not in text


# -- what no upstream version did ------------------------------------------------

def test_reply_all_to_the_original_request_lands_on_its_ticket(server, settings_file):
    settings = settings_file()
    run_mailtoticket(mail(subject="Network down", message_id="<req-1@upc.example>",
                          Cc="anna.puig@gmail.com"), settings)
    codi = server.tickets()[-1]["codi"]
    before = len(server.tickets())

    by_in_reply_to = run_mailtoticket(mail(subject="Re: Network down",
                                           sender="anna.puig@gmail.com",
                                           In_Reply_To="<req-1@upc.example>"), settings)
    by_references = run_mailtoticket(mail(subject="Re: Re: Network down",
                                          sender="pgarcia@upc.edu",
                                          In_Reply_To="<anna-reply@gmail.example>",
                                          message_id="<pere-1@upc.example>",
                                          References="<req-1@upc.example> "
                                                     "<anna-reply@gmail.example>"), settings)

    to_the_follow_up = run_mailtoticket(mail(subject="Re: Network down", sender="jaume.moral@upc.edu",
                                             In_Reply_To="<pere-1@upc.example>"), settings)

    assert header(by_in_reply_to) == header(by_references) == "SUCCESS"
    assert header(to_the_follow_up) == "SUCCESS"
    assert len(server.tickets()) == before
    assert [c["usuari"] for c in server.ticket(codi)["comentaris"]] == [
        "anna.puig", "pere.garcia", "jaume.moral"]


def test_reply_to_a_closed_ticket_past_its_deadline_opens_one_without_the_old_tag(
        server, settings_file):
    old = (datetime.date.today() - datetime.timedelta(days=60)).strftime("%d-%m-%Y")
    codi = existing_ticket(server, estat="TIQUET_STATUS_TANCAT", dataTancament=old)

    result = run_mailtoticket(mail(subject="Re: [Suport Unitat %s] Old problem" % codi,
                                   body="Broken again"), settings_file(filtres=CHAIN_ALL))

    assert header(result) == "SUCCESS"
    ticket = server.tickets()[-1]
    assert ticket["codi"] != codi
    assert ticket["assumpte"] == "Re: Old problem"
    assert ticket["descripcio"].startswith("<p>This ticket follows closed ticket %s" % codi)
    assert "Broken again" in ticket["descripcio"]


def gn6_notice_id(codi):
    return "<77aa-01-tiquet-id-%s@gn6>" % codi


def dsn(codi, recipient="anna.puig@gmail.com"):
    return ("From: MAILER-DAEMON@upc.edu\nTo: suport@upc.edu\n"
            "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
            "--b\nContent-Type: text/plain\n\nI could not deliver your message.\n"
            "--b\nContent-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns; relay.upc.edu\n\n"
            "Final-Recipient: rfc822; %s\nAction: failed\nStatus: 5.1.1\n"
            "Diagnostic-Code: smtp; 550 5.1.1 <%s>: Recipient address rejected: "
            "User unknown\n"
            "--b\nContent-Type: text/rfc822-headers\n\n"
            "From: suport@upc.edu\nTo: %s\nSubject: [Suport Unitat %s] Old problem\n"
            "Message-ID: %s\n--b--\n" % (recipient, recipient, recipient, codi,
                                         gn6_notice_id(codi))).encode()


def test_a_bounced_gn6_notice_becomes_a_private_comment_on_its_ticket(server, settings_file):
    codi = existing_ticket(server)

    result = run_mailtoticket(dsn(codi), settings_file())

    assert header(result) == "SUCCESS"
    (comment,) = server.ticket(codi)["comentaris"]
    assert comment["tipusComentari"] == "COMENT_TIQUET_PRIVAT"
    assert comment["esNotificat"] == "N"
    assert "The notice to anna.puig@gmail.com bounced" in comment["descripcio"]
    assert "User unknown" in comment["descripcio"]


def test_a_non_standard_bounce_of_a_notice_is_noted_too(server, settings_file):
    codi = existing_ticket(server)
    raw = ("From: Postmaster <postmaster@client.example>\nTo: suport@upc.edu\n"
           "Subject: Undeliverable: [Suport Unitat %s] Old problem\n\n"
           "Delivery has failed to these recipients or groups:\n\n"
           "gone@client.example\n550 5.1.10 RESOLVER.ADR.RecipientNotFound; not found\n\n"
           "------ Original message headers ------\n"
           "From: suport@upc.edu\nTo: gone@client.example\n"
           "Message-ID: %s\n" % (codi, gn6_notice_id(codi))).encode()

    assert header(run_mailtoticket(raw, settings_file())) == "SUCCESS"

    (comment,) = server.ticket(codi)["comentaris"]
    assert comment["tipusComentari"] == "COMENT_TIQUET_PRIVAT"
    assert "The notice to gone@client.example bounced: 550 5.1.10" in comment["descripcio"]


def test_other_bounces_are_still_skipped(server, settings_file):
    raw = dsn("1").replace(gn6_notice_id("1").encode(), b"<personal@upc.example>")
    before = len(server.tickets())

    assert header(run_mailtoticket(raw, settings_file())) == "SKIP"
    assert len(server.tickets()) == before


@pytest.mark.parametrize("headers, expected", [
    ({"X_Spam_Flag": "YES"}, "SKIP"),
    ({"X_Spam_Score": "7.5"}, "SKIP"),
    ({"X_Spam_Score": "2.1"}, "SUCCESS"),
])
def test_spam_is_skipped(server, settings_file, headers, expected):
    result = run_mailtoticket(mail(subject="Cheap pills", **headers),
                              settings_file(llindar_spam=5))

    assert header(result) == expected


def test_header_rules_skip_reject_or_make_a_comment_private(server, settings_file, tmp_path):
    codi = existing_ticket(server)
    settings = settings_file(regles_capcaleres=[
        {"capcalera": "X-Virus-Status", "match": "Infected", "accio": "REJECT"},
        {"capcalera": "X-Newsletter", "match": "yes", "accio": "SKIP"},
        {"capcalera": "X-Internal", "match": "staff", "accio": "PRIVAT"}])
    before = len(server.tickets())

    rejected = run_mailtoticket(mail(subject="Invoice", X_Virus_Status="Infected: Eicar"),
                                settings)
    skipped = run_mailtoticket(mail(subject="News", X_Newsletter="yes"), settings)
    private = run_mailtoticket(mail(subject=reply_subject(codi), X_Internal="staff only"),
                               settings)

    assert header(rejected) == "REJECT"
    assert list((tmp_path / "quarantine").glob("*.eml"))
    assert header(skipped) == "SKIP"
    assert len(server.tickets()) == before
    assert header(private) == "SUCCESS"
    assert server.ticket(codi)["comentaris"][0]["tipusComentari"] == "COMENT_TIQUET_PRIVAT"


@pytest.mark.parametrize("overrides, key", [
    ({"regles_capcaleres": [{"capcalera": "X-A", "match": "x", "accio": "DROP"}]},
     "regles_capcaleres[0]"),
    ({"regles_capcaleres": [{"capcalera": "X-A", "match": "(x", "accio": "SKIP"}]},
     "regles_capcaleres[0]"),
    ({"netejar_mail_reply": "netejahtml.no_such_function"}, "netejar_mail_reply"),
    ({"llindar_spam": "high"}, "llindar_spam"),
    ({"afegir_solicitants_addicionals_en_cc_nomes_via": "^(suport"},
     "afegir_solicitants_addicionals_en_cc_nomes_via"),
])
def test_bad_new_settings_are_refused_naming_the_key(server, settings_file, overrides, key):
    result = run_mailtoticket(mail(subject="Bad new settings"), settings_file(**overrides))

    assert result.returncode == 75
    assert repr(key) in result.stderr.decode()


def test_a_notice_bounce_from_a_mails_no_ticket_sender_stays_skipped(server, settings_file):
    codi = existing_ticket(server)

    result = run_mailtoticket(dsn(codi), settings_file(mails_no_ticket=["^mailer-daemon@"]))

    assert header(result) == "SKIP"
    assert server.ticket(codi)["comentaris"] == []
