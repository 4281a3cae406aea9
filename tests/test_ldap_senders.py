"""External senders found in an LDAP directory (the original tool's LDAP_*
settings), against a real slapd on loopback."""
import pytest

import ldap_server
from support import header, mail, run_mailtoticket

pytestmark = pytest.mark.skipif(not ldap_server.available(),
                                reason="slapd not installed (scripts/test.sh installs it as root)")


@pytest.fixture(scope="module")
def slapd(tmp_path_factory):
    server = ldap_server.Slapd(tmp_path_factory.mktemp("slapd")).start()
    server.person("joan.extern", "joan@empresa.example", ou="empresa.example")
    server.person("usuari.extern", "contractor@elsewhere.example")
    try:
        yield server
    finally:
        server.stop()


def people(server):
    # GN6 checks requesters against the directory: the LDAP users exist there.
    server.load({"people": [
        {"cn": "joan.extern@empresa.example", "nom": "Joan", "cognoms": "Extern",
         "emailPreferent": "joan.extern@empresa.example", "emails": []}]})


def test_a_sender_only_ldap_knows_gets_the_user_it_names(server, settings_file, slapd):
    people(server)

    result = run_mailtoticket(mail(subject="From outside", sender="Joan@Empresa.example"),
                              settings_file(**slapd.settings()))

    assert header(result) == "SUCCESS", result.stderr.decode()
    ticket = server.tickets()[-1]
    assert ticket["solicitant"] == "joan.extern@empresa.example"
    assert ticket["emailSolicitant"] == "joan@empresa.example"


def test_an_entry_in_no_ou_names_its_cn(server, settings_file, slapd):
    result = run_mailtoticket(mail(subject="Contractor", sender="contractor@elsewhere.example"),
                              settings_file(**slapd.settings()))

    assert header(result) == "SUCCESS", result.stderr.decode()
    assert server.tickets()[-1]["solicitant"] == "usuari.extern"


def test_the_identity_service_is_asked_first(server, settings_file, slapd):
    slapd.person("somebody.else", "anna.puig@gmail.com", ou="gmail")

    run_mailtoticket(mail(subject="Known anyway", sender="anna.puig@gmail.com"),
                     settings_file(**slapd.settings()))

    assert server.tickets()[-1]["solicitant"] == "anna.puig"


def test_nobody_in_ldap_leaves_the_sender_unknown(server, settings_file, slapd):
    result = run_mailtoticket(mail(subject="Stranger", sender="who@nowhere.example"),
                              settings_file(**slapd.settings()))

    assert header(result) == "REJECT"


def test_an_unreachable_ldap_directory_is_a_temporary_failure(server, settings_file, slapd):
    settings = dict(slapd.settings(), LDAP_SERVER_URL="ldap://127.0.0.1:%d"
                    % ldap_server.free_port())

    result = run_mailtoticket(mail(subject="Down", sender="joan@empresa.example"),
                              settings_file(**settings))

    assert result.returncode == 75
    assert b"LDAP directory" in result.stderr


def test_a_wrong_ldap_password_is_a_temporary_failure(server, settings_file, slapd):
    result = run_mailtoticket(mail(subject="Bad bind", sender="joan@empresa.example"),
                              settings_file(**dict(slapd.settings(), LDAP_PASSWORD="wrong")))

    assert result.returncode == 75
