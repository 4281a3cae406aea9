"""Nobody acts as somebody else: forged Reply-To, failed DMARC, malformed
addresses, and strangers writing on somebody's ticket (docs/hostile-input.md)."""
import itertools

import pytest

from support import header, mail, run_mailtoticket

CHAIN_ALL = ["filtres.reply.FiltreReply", "filtres.nou.FiltreNou",
             "filtres.nou_extern.FiltreNouExtern"]
_codes = itertools.count(7100)


def existing_ticket(server, **fields):
    # Far above every number in use: tickets opened meanwhile take the next ones.
    codi = str(max([int(t["codi"]) for t in server.tickets()] + [next(_codes)]) + 1000)
    ticket = {"codi": codi, "domini": "suport", "assumpte": "Old problem %s" % codi,
              "estat": "TIQUET_STATUS_OBERT", "solicitant": "anna.puig",
              "emailSolicitant": "anna.puig@gmail.com", "dataCreacio": "01-01-2026"}
    ticket.update(fields)
    server.load({"tickets": [ticket]})
    return codi


def reply(codi, sender, **headers):
    return mail(subject="Re: [Suport Unitat %s] Old problem" % codi, sender=sender,
                body="I have something to say about this.", **headers)


def tickets_with(server, subject):
    return [t for t in server.tickets() if t["assumpte"] == subject]


# -- comments from people who are not a party of the ticket -------------------

def test_a_strangers_comment_is_private_unnotified_and_says_who_sent_it(
        server, settings_file):
    codi = existing_ticket(server)

    result = run_mailtoticket(reply(codi, "mallory@evil.example"),
                              settings_file(notificar_comentaris_afegits=True))

    assert header(result) == "SUCCESS"
    comment, = server.ticket(codi)["comentaris"]
    assert comment["tipusComentari"] == "COMENT_TIQUET_PRIVAT"
    assert comment["esNotificat"] == "N"
    assert comment["usuari"] == "usuari.extern"
    assert "sent by mallory@evil.example, not a party of the ticket" in comment["descripcio"]


def test_a_strangers_comment_is_public_when_settings_say_so(server, settings_file):
    codi = existing_ticket(server)

    run_mailtoticket(reply(codi, "mallory@evil.example"),
                     settings_file(comentaris_de_tercers="public"))

    comment, = server.ticket(codi)["comentaris"]
    assert comment["tipusComentari"] == "COMENT_TIQUET_PUBLIC"
    assert "not a party" not in comment["descripcio"]


def test_a_strangers_reply_opens_a_new_ticket_when_settings_say_so(server, settings_file):
    codi = existing_ticket(server)
    raw = reply(codi, "mallory@evil.example")

    result = run_mailtoticket(raw, settings_file(comentaris_de_tercers="nou",
                                                 filtres=CHAIN_ALL))

    assert header(result) == "SUCCESS"
    assert server.ticket(codi)["comentaris"] == []
    new, = tickets_with(server, "Re: [Suport Unitat %s] Old problem" % codi)
    assert new["emailSolicitant"] == "mallory@evil.example"
    assert new["solicitant"] == "usuari.extern"


@pytest.mark.parametrize("sender, author", [
    ("anna.puig@gmail.com", "anna.puig"),        # the requester
    ("tecnic.suport@upc.edu", "tecnic.suport"),  # staff the directory knows
])
def test_the_ticket_people_still_comment_publicly(server, settings_file, sender, author):
    codi = existing_ticket(server)

    run_mailtoticket(reply(codi, sender), settings_file())

    comment, = server.ticket(codi)["comentaris"]
    assert comment["tipusComentari"] == "COMENT_TIQUET_PUBLIC"
    assert comment["usuari"] == author


def test_an_addressee_of_the_mail_that_opened_the_ticket_comments_publicly(
        server, settings_file, tmp_path):
    settings = settings_file()
    subject = "Shared problem %s" % id(tmp_path)
    opening = mail(subject=subject, Cc="colleague@partner.example, other@partner.example")
    assert header(run_mailtoticket(opening, settings)) == "SUCCESS"
    codi = tickets_with(server, subject)[0]["codi"]

    run_mailtoticket(reply(codi, "colleague@partner.example"), settings)
    run_mailtoticket(reply(codi, "outsider@partner.example"), settings)

    first, second = server.ticket(codi)["comentaris"]
    assert first["tipusComentari"] == "COMENT_TIQUET_PUBLIC"
    assert second["tipusComentari"] == "COMENT_TIQUET_PRIVAT"


# -- Reply-To ----------------------------------------------------------------

def test_reply_to_on_an_outsiders_mail_does_not_name_the_requester(server, settings_file):
    subject = "Forged Reply-To"
    raw = mail(subject=subject, sender="mallory@evil.example",
               Reply_To="jaume.moral@upc.edu")

    result = run_mailtoticket(raw, settings_file(filtres=CHAIN_ALL))

    assert header(result) == "SUCCESS"
    ticket, = tickets_with(server, subject)
    assert ticket["solicitant"] == "usuari.extern"
    assert ticket["emailSolicitant"] == "mallory@evil.example"


def test_reply_to_from_a_listed_web_form_names_the_requester(server, settings_file):
    subject = "Web form outside the own domains"
    raw = mail(subject=subject, sender="noreply@forms.example",
               Reply_To="jaume.moral@upc.edu")

    result = run_mailtoticket(raw, settings_file(remitents_formularis=["noreply@forms.example"]))

    assert header(result) == "SUCCESS"
    assert tickets_with(server, subject)[0]["solicitant"] == "jaume.moral"


def test_reply_to_from_an_own_domain_names_the_requester(server, settings_file):
    subject = "Own domain web form"
    raw = mail(subject=subject, sender="webforms@upc.edu", Reply_To="jaume.moral@upc.edu")

    assert header(run_mailtoticket(raw, settings_file())) == "SUCCESS"

    assert tickets_with(server, subject)[0]["solicitant"] == "jaume.moral"


# -- DMARC ---------------------------------------------------------------------

DMARC_FAIL = "mx.upc.edu; spf=fail smtp.mailfrom=evil.example; dmarc=fail (p=none) header.from=upc.edu"


@pytest.mark.parametrize("trusted, owner", [
    (["mx.upc.edu"], None),             # believed: an outsider, nobody's ticket
    (["other.mx.example"], "jaume.moral"),  # somebody else's stamp: not read
])
def test_a_dmarc_failure_stamped_by_a_trusted_server_makes_an_outsider(
        server, settings_file, trusted, owner):
    subject = "Spoofed own domain %s" % trusted[0]
    raw = mail(subject=subject, sender="jaume.moral@upc.edu",
               Authentication_Results=DMARC_FAIL)

    result = run_mailtoticket(raw, settings_file(authserv_ids_confiats=trusted,
                                                 filtres=CHAIN_ALL))

    assert header(result) == "SUCCESS"
    ticket, = tickets_with(server, subject)
    assert ticket["solicitant"] == (owner or "usuari.extern")


def test_a_dmarc_failure_cannot_comment_as_the_requester(server, settings_file):
    codi = existing_ticket(server, solicitant="jaume.moral",
                           emailSolicitant="jaume.moral@upc.edu")
    raw = reply(codi, "jaume.moral@upc.edu", Authentication_Results=DMARC_FAIL)

    run_mailtoticket(raw, settings_file(authserv_ids_confiats=["mx.upc.edu"]))

    comment, = server.ticket(codi)["comentaris"]
    assert comment["usuari"] == "usuari.extern"
    assert comment["tipusComentari"] == "COMENT_TIQUET_PRIVAT"


# -- malformed addresses -------------------------------------------------------

@pytest.mark.parametrize("sender", [
    '"jaume.moral@upc.edu"@evil.example',
    "Jaume Moral <jaume.moral@upc.edu",
    "mallory@evil.example <jaume.moral@upc.edu",
])
def test_a_malformed_address_is_nobody_not_somebody_else(server, settings_file, sender):
    subject = "Malformed %s" % sender
    raw = mail(subject=subject).replace(b"From: jaume.moral@upc.edu",
                                        b"From: " + sender.encode(), 1)

    run_mailtoticket(raw, settings_file(filtres=CHAIN_ALL))

    assert all(t["solicitant"] != "jaume.moral" for t in tickets_with(server, subject))


def test_an_unknown_comentaris_de_tercers_value_is_refused_naming_the_key(settings_file):
    result = run_mailtoticket(mail(), settings_file(comentaris_de_tercers="maybe"))

    assert result.returncode == 75
    assert b"comentaris_de_tercers" in result.stderr
