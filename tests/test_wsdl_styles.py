"""Any faithful GN6: the client reads results by the contract's names in
every WSDL style the reference server serves (refservers/gn6/styles.py).

Each test runs once per style, the real script against a server started
with `--wsdl-style STYLE`, and checks what the server holds afterwards.
"""
import pytest

from refservers.gn6.control import ReferenceServer
from refservers.gn6.styles import STYLES
from support import header, mail, run_mailtoticket


@pytest.fixture(scope="module", params=STYLES)
def server(request):
    """Overrides conftest's server: one per WSDL style."""
    with ReferenceServer(wsdl_style=request.param) as srv:
        srv.style = request.param
        yield srv


def test_the_served_wsdl_has_the_styles_shape(server):
    import urllib.request
    wsdl = urllib.request.urlopen(server.identitat_wsdl_url, timeout=10).read()
    gn6 = urllib.request.urlopen(server.gn6_wsdl_url, timeout=10).read()
    shape = {
        "bundled": (b'name="llistaPersones" type="tns:LlistaPersones"', b'name="codiTiquet"'),
        "return": (b'name="return"', b'name="return"'),
        "result": (b'name="llistaPersonesResult"', b'type="tns:ArrayOfTiquetDades"'),
        "items": (b'name="persona" type="tns:Persona" minOccurs="0" maxOccurs="unbounded"',
                  b'name="codiTiquet"'),
    }[server.style]
    assert shape[0] in wsdl and shape[1] in gn6


def test_a_sender_found_through_the_directory_gets_a_new_ticket(server, settings_file,
                                                                 tmp_path):
    # pgarcia@upc.edu: obtenirDadesPersona("pgarcia") is ok=false, and
    # llistaPersones finds pere.garcia; anna.puig only through llistaPersones.
    for sender, user in (("pgarcia@upc.edu", "pere.garcia"),
                         ("anna.puig@gmail.com", "anna.puig")):
        subject = "Directory %s %s" % (server.style, user)
        result = run_mailtoticket(mail(subject=subject, sender=sender), settings_file())

        assert header(result) == "SUCCESS", result.stderr
        [ticket] = [t for t in server.tickets() if t["assumpte"] == subject]
        assert ticket["solicitant"] == user


def test_own_domain_sender_is_read_from_obtenir_dades_persona(server, settings_file):
    subject = "Own domain %s" % server.style
    result = run_mailtoticket(mail(subject=subject, sender="jaume.moral@upc.edu"),
                              settings_file())

    assert header(result) == "SUCCESS", result.stderr
    [ticket] = [t for t in server.tickets() if t["assumpte"] == subject]
    assert ticket["solicitant"] == "jaume.moral"


def test_an_unknown_sender_is_unknown_not_an_error(server, settings_file, tmp_path):
    result = run_mailtoticket(mail(subject="Ghost", sender="ghost@example.net"),
                              settings_file())

    assert header(result) == "REJECT"
    assert "no filter applies" in (tmp_path / "mailtoticket.log").read_text()


def test_a_reply_becomes_a_comment_on_its_ticket(server, settings_file):
    settings = settings_file()
    subject = "Reply %s" % server.style
    run_mailtoticket(mail(subject=subject), settings)
    [ticket] = [t for t in server.tickets() if t["assumpte"] == subject]

    reply = run_mailtoticket(mail(subject="Re: [Suport Unitat %s] %s" % (ticket["codi"], subject),
                                  body="Still broken."), settings)

    assert header(reply) == "SUCCESS", reply.stderr
    [comment] = server.ticket(ticket["codi"])["comentaris"]
    assert "Still broken." in comment["descripcio"]


def test_a_lost_alta_tiquet_answer_is_found_by_the_lookup(server, settings_file):
    settings = settings_file()
    subject = "Lost alta %s" % server.style
    raw = mail(subject=subject)
    with server.failing("fault", after="AltaTiquet"):
        assert run_mailtoticket(raw, settings).returncode == 75

    retry = run_mailtoticket(raw, settings)

    assert header(retry) == "SUCCESS", retry.stderr
    assert len([t for t in server.tickets() if t["assumpte"] == subject]) == 1


def test_check_passes_in_every_style(server, settings_file):
    result = run_mailtoticket(b"", settings_file(), "--check")

    assert result.returncode == 0, result.stdout + result.stderr
    assert b"OK GN6: credentials accepted" in result.stdout
    assert b"OK directory: lookup answered" in result.stdout


def test_an_attachment_is_uploaded_and_linked_by_its_codi_annex(server, settings_file):
    from email.message import EmailMessage
    msg = EmailMessage()
    msg["From"] = "jaume.moral@upc.edu"
    msg["To"] = "suport@upc.edu"
    msg["Subject"] = subject = "Attachment %s" % server.style
    msg["Message-ID"] = "<attachment-%s@test.example>" % server.style
    msg.set_content("See the report.")
    msg.add_attachment(b"%PDF-1.4 report", maintype="application", subtype="pdf",
                       filename="report.pdf")

    result = run_mailtoticket(bytes(msg), settings_file())

    assert header(result) == "SUCCESS", result.stderr
    [ticket] = [t for t in server.tickets() if t["assumpte"] == subject]
    [annex] = ticket["annexos"]
    assert annex["nomFitxer"] == "report.pdf"
    assert "fileId=%s" % annex["codiAnnex"] in ticket["descripcio"]
