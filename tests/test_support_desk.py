"""What a support desk expects: threading, private comments, reopening,
classification, external senders, additional requesters, what is skipped."""
import datetime
import itertools

import pytest

from support import header, mail, run_mailtoticket

CHAIN_ALL = ["filtres.reply_reobrint.FiltreReplyReobrint", "filtres.nou.FiltreNou",
             "filtres.nou_extern.FiltreNouExtern"]
_codes = itertools.count(500)


def today(days=0):
    return (datetime.date.today() + datetime.timedelta(days=days)).strftime("%d-%m-%Y")


def existing_ticket(server, estat="TIQUET_STATUS_OBERT", closed=None, **fields):
    codi = str(next(_codes))
    ticket = {"codi": codi, "domini": "suport", "assumpte": "Old problem %s" % codi,
              "estat": estat, "solicitant": "anna.puig",
              "emailSolicitant": "anna.puig@gmail.com", "dataCreacio": today(-40)}
    if closed is not None:
        ticket["dataTancament"] = closed
    ticket.update(fields)
    server.load({"tickets": [ticket]})
    return codi


def gn6_id(codi):
    return "<3f2a-91bc-tiquet-id-%s@gn6>" % codi


# -- threading ---------------------------------------------------------------

def test_in_reply_to_wins_over_the_subject(server, settings_file):
    by_header, by_subject = existing_ticket(server), existing_ticket(server)
    raw = mail(subject="Re: [Suport Unitat %s] Old problem" % by_subject,
               In_Reply_To=gn6_id(by_header))

    assert header(run_mailtoticket(raw, settings_file())) == "SUCCESS"

    assert len(server.ticket(by_header)["comentaris"]) == 1
    assert server.ticket(by_subject)["comentaris"] == []


def test_references_carry_the_ticket_number_when_in_reply_to_does_not(server, settings_file):
    codi = existing_ticket(server)
    raw = mail(subject="Re: question", In_Reply_To="<someone.else@mail.example>",
               References="<first@x.example> %s <someone.else@mail.example>" % gn6_id(codi))

    assert header(run_mailtoticket(raw, settings_file())) == "SUCCESS"

    assert len(server.ticket(codi)["comentaris"]) == 1


@pytest.mark.parametrize("prefix", ["Re: ", "RE: ", "RV: ", "Fwd: ", "Re: RE: Fwd: ", "Re:Re: "])
def test_reply_prefixes_still_find_the_ticket_in_the_subject(server, settings_file, prefix):
    codi = existing_ticket(server)
    raw = mail(subject="%s[Suport Unitat %s] Old problem" % (prefix, codi))

    assert header(run_mailtoticket(raw, settings_file())) == "SUCCESS"

    assert len(server.ticket(codi)["comentaris"]) == 1


def test_private_marker_anywhere_in_the_subject_makes_a_private_unnotified_comment(
        server, settings_file):
    codi = existing_ticket(server)
    raw = mail(subject="Re: [Suport Unitat %s] Old problem [PRIVAT] internal note" % codi)

    run_mailtoticket(raw, settings_file(notificar_comentaris_afegits=True))

    comment = server.ticket(codi)["comentaris"][0]
    assert comment["tipusComentari"] == "COMENT_TIQUET_PRIVAT"
    assert comment["esNotificat"] == "N"


@pytest.mark.parametrize("notify, expected", [(True, "S"), (False, "N")])
def test_public_comments_are_notified_per_settings(server, settings_file, notify, expected):
    codi = existing_ticket(server)
    raw = mail(subject="Re: [Suport Unitat %s] Old problem" % codi)

    run_mailtoticket(raw, settings_file(notificar_comentaris_afegits=notify))

    comment = server.ticket(codi)["comentaris"][0]
    assert comment["tipusComentari"] == "COMENT_TIQUET_PUBLIC"
    assert comment["esNotificat"] == expected


@pytest.mark.parametrize("sender, author", [
    ("pgarcia@upc.edu", "pere.garcia"),                 # the sender's own user
    ("someone@client.example", "client.user"),          # the ticket's requester address
    ("stranger@elsewhere.example", "usuari.extern"),     # nobody: usuari_extern
])
def test_comment_author_rule(server, settings_file, sender, author):
    server.load({"people": [{"cn": "client.user", "nom": "C", "cognoms": "U",
                             "emailPreferent": "", "emails": []}]})
    codi = existing_ticket(server, solicitant="client.user",
                           emailSolicitant="someone@client.example")
    raw = mail(subject="Re: [Suport Unitat %s] Old problem" % codi, sender=sender)

    assert header(run_mailtoticket(raw, settings_file())) == "SUCCESS"

    assert server.ticket(codi)["comentaris"][0]["usuari"] == author


def test_reply_to_a_closed_ticket_within_its_deadline_reopens_and_comments(
        server, settings_file):
    codi = existing_ticket(server, estat="TIQUET_STATUS_TANCAT", closed=today(-2))
    raw = mail(subject="Re: [Suport Unitat %s] Old problem" % codi, body="Still broken")

    result = run_mailtoticket(raw, settings_file(filtres=CHAIN_ALL))

    assert header(result) == "SUCCESS"
    ticket = server.ticket(codi)
    assert ticket["estat"] == "TIQUET_STATUS_OBERT"
    assert "Still broken" in ticket["comentaris"][0]["descripcio"]


def test_reply_to_a_ticket_closed_past_its_deadline_opens_a_new_one_naming_it(
        server, settings_file):
    codi = existing_ticket(server, estat="TIQUET_STATUS_TANCAT", closed=today(-60))
    before = len(server.tickets())
    raw = mail(subject="Re: [Suport Unitat %s] Old problem" % codi, body="Broken again")

    result = run_mailtoticket(raw, settings_file(filtres=CHAIN_ALL))

    assert header(result) == "SUCCESS"
    assert server.ticket(codi)["estat"] == "TIQUET_STATUS_TANCAT"
    assert server.ticket(codi)["comentaris"] == []
    tickets = server.tickets()
    assert len(tickets) == before + 1
    assert codi in tickets[-1]["descripcio"] and "Broken again" in tickets[-1]["descripcio"]


def test_plain_reply_filter_leaves_a_closed_ticket_alone_and_the_chain_goes_on(
        server, settings_file):
    codi = existing_ticket(server, estat="TIQUET_STATUS_TANCAT", closed=today(-1))
    before = len(server.tickets())

    result = run_mailtoticket(mail(subject="Re: [Suport Unitat %s] x" % codi), settings_file())

    assert header(result) == "SUCCESS"
    assert server.ticket(codi)["comentaris"] == []
    assert len(server.tickets()) == before + 1


def test_reply_naming_a_ticket_that_does_not_exist_goes_down_the_chain(server, settings_file):
    before = len(server.tickets())

    result = run_mailtoticket(mail(subject="Re: [Suport Unitat 99999] ghost"), settings_file())

    assert header(result) == "SUCCESS"
    assert len(server.tickets()) == before + 1
    assert server.tickets()[-1]["assumpte"] == "Re: [Suport Unitat 99999] ghost"


# -- new tickets -------------------------------------------------------------

def test_header_rules_apply_every_match_later_rules_winning(server, settings_file):
    rules = [
        {"order": ["Subject"], "match": ".*URGENT", "defaults": {"urgencia": "GRAVETAT_ALTA",
                                                                "producte": "GENERIC"}},
        {"order": ["To", "Cc"], "match": "aules@upc.edu",
         "defaults": {"equipResolutor": "AULES", "producte": "PROJECTORS"}},
        {"order": ["From"], "match": "nobody-matches", "defaults": {"impacte": "ALT"}},
    ]
    raw = mail(subject="Projector urgent in A1", to="Aules <AULES@upc.edu>")

    run_mailtoticket(raw, settings_file(valors_defecte=rules))

    ticket = server.tickets()[-1]
    assert ticket["urgencia"] == "GRAVETAT_ALTA"
    assert ticket["equipResolutor"] == "AULES"
    assert ticket["producte"] == "PROJECTORS"
    assert ticket["impacte"] == ""


def test_header_rules_are_anchored_at_the_start(server, settings_file):
    rules = [{"order": ["Subject"], "match": "URGENT", "defaults": {"urgencia": "GRAVETAT_ALTA"}}]

    run_mailtoticket(mail(subject="Not URGENT at all"), settings_file(valors_defecte=rules))

    assert server.tickets()[-1]["urgencia"] == "GRAVETAT_MITJA"


@pytest.mark.parametrize("subject, team", [
    ("La IMPRESSÓRA no va", "IMPRESSIO"),
    ("la impressora no va", "IMPRESSIO"),
    ("impressores noves", "SUPORT_N1"),       # whole words only
])
def test_keywords_classify_case_and_accent_insensitive_whole_words(
        server, settings_file, subject, team):
    keywords = [{"paraules": ["impressora"], "defaults": {"equipResolutor": "IMPRESSIO"}}]

    run_mailtoticket(mail(subject=subject), settings_file(paraules_clau=keywords))

    assert server.tickets()[-1]["equipResolutor"] == team


def test_unknown_sender_with_the_external_filter_gets_usuari_extern_and_no_notice(
        server, settings_file):
    raw = mail(subject="From outside", sender="Visitor <Visitor@Example.ORG>")

    result = run_mailtoticket(raw, settings_file(filtres=CHAIN_ALL))

    assert header(result) == "SUCCESS"
    ticket = server.tickets()[-1]
    assert ticket["solicitant"] == "usuari.extern"
    assert ticket["emailSolicitant"] == "visitor@example.org"
    assert ticket["enviarMissatgeCreacio"] == "N"


def test_cc_people_who_resolve_become_additional_requesters_once(server, settings_file):
    raw = mail(subject="With Cc", Cc="Anna <anna.puig@gmail.com>, suport@upc.edu, "
                                      "jaume.moral@upc.edu, pgarcia@upc.edu, x@nowhere.example")

    run_mailtoticket(raw, settings_file(afegir_solicitants_addicionals_en_cc=True))

    ticket = server.tickets()[-1]
    assert ticket["solicitant"] == "jaume.moral"
    assert sorted(ticket["solicitantsAddicionals"]) == ["anna.puig", "pere.garcia"]


def test_cc_people_are_not_added_unless_asked(server, settings_file):
    run_mailtoticket(mail(subject="Cc off", Cc="anna.puig@gmail.com"), settings_file())

    assert server.tickets()[-1]["solicitantsAddicionals"] == []


@pytest.mark.parametrize("subject", [None, "", "   "])
def test_missing_or_empty_subject_becomes_tiquet_de_the_requester(server, settings_file, subject):
    run_mailtoticket(mail(subject=subject), settings_file())

    assert server.tickets()[-1]["assumpte"] == "Tiquet de jaume.moral"


# -- not ticketed ------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {"Auto_Submitted": "auto-replied"},
    {"Precedence": "junk"},
    {"X_Autoreply": "yes"},
    {"X_Autorespond": "Out of office"},
    {"Return_Path": "<>"},
])
def test_automatic_mail_is_skipped(server, settings_file, headers):
    before = len(server.tickets())

    result = run_mailtoticket(mail(subject="Out of office", **headers), settings_file())

    assert result.returncode == 0 and header(result) == "SKIP"
    assert len(server.tickets()) == before


def test_auto_submitted_no_is_ticketed(server, settings_file):
    result = run_mailtoticket(mail(subject="Human", Auto_Submitted="no"), settings_file())

    assert header(result) == "SUCCESS"


def test_delivery_reports_and_mailer_daemons_are_skipped(server, settings_file):
    report = (b"From: MAILER-DAEMON@upc.edu\nTo: suport@upc.edu\nSubject: Undelivered\n"
              b"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;"
              b" boundary=b\n\n--b\nContent-Type: text/plain\n\nGone.\n--b\n"
              b"Content-Type: message/delivery-status\n\nAction: failed\n--b--\n")
    for raw in (report, mail(sender="postmaster@example.org")):
        assert header(run_mailtoticket(raw, settings_file())) == "SKIP"


def test_gn6_own_notices_and_the_support_address_are_skipped(server, settings_file):
    notice = mail(message_id="<a1b2-c3d4-tiquet-id-1234@gn6>", subject="[Suport Unitat 1234] x")
    own = mail(sender="Suport <suport@upc.edu>")

    assert header(run_mailtoticket(notice, settings_file())) == "SKIP"
    assert header(run_mailtoticket(own, settings_file())) == "SKIP"


def test_mails_no_ticket_skips_and_mails_sempre_ticket_overrides(server, settings_file):
    settings = settings_file(mails_no_ticket=["^.*@gmail\\.com$"],
                             mails_sempre_ticket=["jaume.moral@upc.edu"])

    skipped = run_mailtoticket(mail(sender="anna.puig@gmail.com"), settings)
    always = run_mailtoticket(mail(subject="Auto but wanted", Auto_Submitted="auto-generated"),
                              settings)

    assert header(skipped) == "SKIP"
    assert header(always) == "SUCCESS"


@pytest.mark.parametrize("raw", [
    b"",
    b"\x00\x01\x02garbage\xff\xfe" * 50,
    b"Subject: no sender\n\nbody\n",
    b"From: jaume.moral@upc.edu\nTo: suport@upc.edu\n\n",
    b"not a mail at all, just a line of text\n",
])
def test_unticketable_input_is_answered_echoed_and_never_a_ticket(server, settings_file, raw):
    before = len(server.tickets())

    result = run_mailtoticket(raw, settings_file())

    assert result.returncode == 0
    assert header(result) == "REJECT"
    assert result.stdout.split(b"\n", 1)[1] == raw if raw else True
    assert b"Traceback" not in result.stdout
    assert len(server.tickets()) == before


# -- found in review ---------------------------------------------------------

def test_own_domain_local_part_is_a_common_name_even_if_the_directory_lacks_the_address(
        server, settings_file):
    server.load({"people": [{"cn": "joan.roca", "nom": "Joan", "cognoms": "Roca",
                             "emailPreferent": "jroca@elsewhere.example",
                             "emails": ["jroca@elsewhere.example"]}]})

    run_mailtoticket(mail(subject="Local part", sender="joan.roca@upc.edu"), settings_file())

    assert server.tickets()[-1]["solicitant"] == "joan.roca"


def test_shared_address_goes_to_whoever_prefers_it_not_the_first_listed(server, settings_file):
    server.load({"people": [
        {"cn": "lab.first", "nom": "L", "cognoms": "F", "emailPreferent": "lab.first@upc.edu",
         "emails": ["lab.first@upc.edu", "lab@fisica.example"]},
        {"cn": "lab.second", "nom": "L", "cognoms": "S", "emailPreferent": "lab@fisica.example",
         "emails": ["lab@fisica.example"]}]})

    run_mailtoticket(mail(subject="Shared", sender="lab@fisica.example"), settings_file())

    assert server.tickets()[-1]["solicitant"] == "lab.second"


def test_patterns_come_after_the_directory(server, settings_file):
    settings = settings_file(patrons_mail_addicionals={"^(.*)@gmail.com$": "tecnic.suport"})

    run_mailtoticket(mail(subject="Pattern last", sender="anna.puig@gmail.com"), settings)

    assert server.tickets()[-1]["solicitant"] == "anna.puig"


def test_explicit_map_and_patterns_ignore_case(server, settings_file):
    settings = settings_file(mails_addicionals={"Visitor@Example.ORG": "anna.puig"},
                             patrons_mail_addicionals={"^(.*)@CLIENT.example$": "tecnic.suport"})

    run_mailtoticket(mail(subject="Case map", sender="visitor@example.org"), settings)
    first = server.tickets()[-1]["solicitant"]
    run_mailtoticket(mail(subject="Case pattern", sender="x@client.example"), settings)

    assert (first, server.tickets()[-1]["solicitant"]) == ("anna.puig", "tecnic.suport")


def test_the_support_mailbox_is_never_an_additional_requester(server, settings_file):
    server.load({"people": [{"cn": "suport.unitat", "nom": "S", "cognoms": "U",
                             "emailPreferent": "suport@upc.edu", "emails": ["suport@upc.edu"]}]})

    run_mailtoticket(mail(subject="Cc support", Cc="suport@upc.edu, anna.puig@gmail.com"),
                     settings_file(afegir_solicitants_addicionals_en_cc=True))

    assert server.tickets()[-1]["solicitantsAddicionals"] == ["anna.puig"]


def test_a_cc_requester_gn6_refuses_does_not_spoil_the_ticket(server, settings_file):
    raw = (b"From: jaume.moral@upc.edu\nTo: suport@upc.edu\nCc: nobody.here@upc.edu\n"
           b"Subject: Cc refused\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
           b"--b\nContent-Type: text/plain\n\nSee the file.\n--b\nContent-Type: application/pdf\n"
           b"Content-Disposition: attachment; filename=doc.pdf\n\n%PDF\n--b--\n")
    settings = settings_file(afegir_solicitants_addicionals_en_cc=True,
                             patrons_mail_addicionals={"^(.*)@upc.edu$": "%s"})

    result = run_mailtoticket(raw, settings)

    assert header(result) == "SUCCESS"
    ticket = server.tickets()[-1]
    assert [a["nomFitxer"] for a in ticket["annexos"]] == ["doc.pdf"]
    assert ticket["solicitantsAddicionals"] == []


def test_a_reply_nobody_may_comment_leaves_the_closed_ticket_closed(server, settings_file):
    codi = existing_ticket(server, estat="TIQUET_STATUS_TANCAT", closed=today(-1))
    raw = mail(subject="Re: [Suport Unitat %s] x" % codi, sender="stranger@nowhere.example")

    result = run_mailtoticket(raw, settings_file(filtres=CHAIN_ALL[:2], usuari_extern=""))

    assert header(result) == "REJECT"
    assert server.ticket(codi)["estat"] == "TIQUET_STATUS_TANCAT"


@pytest.mark.parametrize("subject", ["[PATCH 2/3] fix the build", "Minutes [draft 3]",
                                     "Budget [2024]"])
def test_bracketed_numbers_that_are_not_the_desk_template_are_not_replies(
        server, settings_file, subject):
    existing_ticket(server)   # a low-numbered ticket that a loose pattern would hit
    before = len(server.tickets())

    run_mailtoticket(mail(subject=subject), settings_file())

    assert len(server.tickets()) == before + 1


def test_external_filter_first_still_keeps_known_senders_their_own_tickets(
        server, settings_file):
    settings = settings_file(filtres=["filtres.nou_extern.FiltreNouExtern",
                                      "filtres.nou.FiltreNou"])

    run_mailtoticket(mail(subject="Known first"), settings)

    assert server.tickets()[-1]["solicitant"] == "jaume.moral"


def test_ids_written_as_numbers_in_settings_are_taken_as_text(server, settings_file):
    run_mailtoticket(mail(subject="Numeric team"), settings_file(equip_resolutor_nous=42))

    assert server.tickets()[-1]["equipResolutor"] == "42"


def test_read_receipts_and_mailer_daemon_are_skipped_each_on_its_own(server, settings_file):
    receipt = (b"From: anna.puig@gmail.com\nTo: suport@upc.edu\nSubject: Read: x\n"
               b"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=disposition-"
               b"notification; boundary=r\n\n--r\nContent-Type: text/plain\n\nRead.\n--r--\n")
    daemon = mail(subject="Plain words", sender="MAILER-DAEMON@mx.example.org")
    nope = mail(subject="Not a no", Auto_Submitted="nope")

    for raw in (receipt, daemon, nope):
        assert header(run_mailtoticket(raw, settings_file())) == "SKIP"
