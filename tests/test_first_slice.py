"""The first slice: a message becomes a ticket, a reply a comment, an
unknown sender is rejected, bad settings are refused."""
import pytest

from support import REPO, header, mail, run_mailtoticket


def test_known_sender_mail_makes_one_ticket_with_requester_subject_team_and_body(
        server, settings_file):
    before = len(server.tickets())
    raw = (REPO / "mail.txt").read_bytes()

    result = run_mailtoticket(raw, settings_file())

    assert result.returncode == 0, result.stderr
    assert header(result) == "SUCCESS"
    tickets = server.tickets()
    assert len(tickets) == before + 1
    ticket = tickets[-1]
    assert ticket["solicitant"] == "jaume.moral"
    assert ticket["emailSolicitant"] == "jaume.moral@upc.edu"
    assert ticket["assumpte"] == "La impressora de la sala d'actes no funciona"
    assert ticket["equipResolutor"] == "SUPORT_N1"
    assert "paper jam" in ticket["descripcio"]
    assert "Gràcies" in ticket["descripcio"]
    assert ticket["urgencia"] == "GRAVETAT_MITJA"
    assert ticket["proces"] == "PROCES_AUS"
    assert ticket["estat"] == "TIQUET_STATUS_OBERT"


def test_message_is_echoed_byte_for_byte_after_the_header(server, settings_file):
    raw = mail(subject="Echo check").replace(b"\n", b"\r\n")

    result = run_mailtoticket(raw, settings_file())

    assert result.stdout == b"X-Mailtoticket: SUCCESS\r\n" + raw


@pytest.mark.parametrize("sender, overrides, user", [
    # 2. the settings map wins over the directory
    ("jaume.moral@upc.edu", {"mails_addicionals": {"jaume.moral@upc.edu": "tecnic.suport"}},
     "tecnic.suport"),
    # 1. canonicalised: upper case and a deployment rewrite of an old domain
    ("JAUME.MORAL@UPC.ES", {"reescriptura_mails": {r"@upc\.es$": "@upc.edu"}}, "jaume.moral"),
    # 3. own domain: the local part is a commonName
    ("jaume.moral@upc.edu", {}, "jaume.moral"),
    # 4. own domain but the local part is not a cn: the directory finds him
    ("pgarcia@upc.edu", {}, "pere.garcia"),
    # 4. external address, found by llistaPersones
    ("anna.puig@gmail.com", {}, "anna.puig"),
    # 4. two people share the address: emailPreferent decides
    ("secretaria@etseib.upc.edu", {}, "marta.vidal"),
    # 5. patterns, tried after the directory
    ("x.y@alumnes.example.edu", {"patrons_mail_addicionals": {"^(.*)@alumnes.example.edu$": "%s"}},
     "x.y"),
])
def test_sender_is_resolved_by_each_step_of_the_algorithm(
        server, settings_file, sender, overrides, user):
    if user == "x.y":  # the pattern's user must exist for GN6 to accept the ticket
        server.load({"people": [{"cn": "x.y", "nom": "X", "cognoms": "Y",
                                 "emailPreferent": "x.y@alumnes.example.edu",
                                 "emails": []}]})
    raw = mail(subject="Who am I %s" % sender, sender=sender)

    result = run_mailtoticket(raw, settings_file(**overrides))

    assert header(result) == "SUCCESS", result.stderr
    assert server.tickets()[-1]["solicitant"] == user


def test_reply_to_is_tried_before_from(server, settings_file):
    raw = mail(subject="Web form", sender="webforms@upc.edu", Reply_To="anna.puig@gmail.com")

    result = run_mailtoticket(raw, settings_file())

    assert header(result) == "SUCCESS"
    assert server.tickets()[-1]["solicitant"] == "anna.puig"


def test_reply_by_subject_lands_as_a_comment_on_that_ticket(server, settings_file):
    settings = settings_file()
    run_mailtoticket(mail(subject="Projector"), settings)
    codi = server.tickets()[-1]["codi"]
    count = len(server.tickets())

    reply = mail(subject="Re: [Suport Unitat %s] Projector" % codi,
                 body="It works again, thanks.")
    result = run_mailtoticket(reply, settings)

    assert header(result) == "SUCCESS"
    assert len(server.tickets()) == count
    comments = server.ticket(codi)["comentaris"]
    assert len(comments) == 1
    assert comments[0]["usuari"] == "jaume.moral"
    assert "It works again" in comments[0]["descripcio"]


def test_unknown_sender_makes_nothing_and_is_rejected(server, settings_file):
    before = len(server.tickets())

    result = run_mailtoticket(mail(sender="nobody@example.com"), settings_file())

    assert result.returncode == 0
    assert header(result) == "REJECT"
    assert len(server.tickets()) == before


@pytest.mark.parametrize("overrides, key", [
    ({"timeout_soa": "soon"}, "timeout_soa"),
    ({"regex_reply": "([unclosed"}, "regex_reply"),
    ({"notificar_comentaris_afegits": "yes"}, "notificar_comentaris_afegits"),
    ({"valors_defecte": [{"order": ["Subject"], "match": ".*", "defaults": {"colour": "red"}}]},
     "valors_defecte[0]"),
    ({"patrons_mail_addicionals": {"^(.*@upc.edu$": "%s"}}, "patrons_mail_addicionals"),
    ({"mail_suport": [5]}, "mail_suport"),
    ({"mails_addicionals": {"a@example.org": 5}}, "mails_addicionals"),
    ({"paraules_clau": [{"paraules": [5], "defaults": {}}]}, "paraules_clau[0]"),
    ({"filtrar_attachments_per_hash": ["not-a-digest"]}, "filtrar_attachments_per_hash"),
    ({"timeout_soa": 0}, "timeout_soa"),
    ({"temps_maxim_execucio": 600}, "temps_maxim_execucio"),
    ({"regex_reply": r"\[Suport \d+\]"}, "regex_reply"),          # no group for the number
    ({"reenviaments": ["^(unclosed"]}, "reenviaments"),
])
def test_bad_settings_are_refused_naming_the_key_and_the_message_stays(
        server, settings_file, overrides, key, tmp_path):
    raw = mail(subject="Bad settings")
    before = len(server.tickets())

    result = run_mailtoticket(raw, settings_file(**overrides))

    assert result.returncode == 75
    assert repr(key) in result.stderr.decode()
    assert b"Traceback" not in result.stdout and b"Traceback" not in result.stderr
    # not echoed: it stays in the mailbox, and the echo would fill cron's log
    assert result.stdout == b""
    assert repr(key) in (tmp_path / "mailtoticket.log").read_text()   # where the admin looks
    assert len(server.tickets()) == before


def test_unknown_settings_key_is_warned_about_not_refused(server, settings_file):
    result = run_mailtoticket(mail(subject="Typo"), settings_file(equip_resolutor_nou="X"))

    assert header(result) == "SUCCESS"
    assert "'equip_resolutor_nou'" in result.stderr.decode()


def test_python_settings_file_works_like_yaml(server, settings_file, tmp_path):
    import yaml
    data = yaml.safe_load(settings_file().read_text())
    path = tmp_path / "my_settings.py"
    path.write_text("settings = %r\n" % data)

    result = run_mailtoticket(mail(subject="Python settings"), path)

    assert header(result) == "SUCCESS", result.stderr


def test_bundled_wsdl_files_with_the_endpoint_overridden_reach_the_server(
        server, settings_file):
    settings = settings_file(
        url_gn6=str(REPO / "soa" / "wsdl" / "GestioTiquets.wsdl"),
        url_identitat=str(REPO / "soa" / "wsdl" / "Personesv6.wsdl"),
        endpoint_gn6=server.url + "/GestioTiquets",
        endpoint_identitat=server.url + "/Personesv6")

    result = run_mailtoticket(mail(subject="Bundled WSDL"), settings)

    assert header(result) == "SUCCESS", result.stderr
    assert server.tickets()[-1]["assumpte"] == "Bundled WSDL"


def test_wrong_instance_credentials_are_a_settings_problem_so_the_message_stays(
        server, settings_file, tmp_path):
    result = run_mailtoticket(mail(subject="Wrong instance password"),
                              settings_file(password_gn6="wrong"))

    assert result.returncode == 75
    assert header(result) is None
    assert b"GN6 (username_gn6/password_gn6/domini) refused the credentials" in result.stderr
    assert not (tmp_path / "quarantine").exists()


def test_wrong_bus_credentials_are_a_fault_so_the_message_stays(server, settings_file):
    result = run_mailtoticket(mail(subject="Wrong bus password"),
                              settings_file(password_soa="wrong"))

    assert result.returncode == 75
