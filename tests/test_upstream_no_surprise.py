"""An upstream deployment moved here meets no accidental difference (issue
18): each test runs the real script on upstream-shaped settings against the
reference server, as an admin who copied their old files would."""
import importlib
import re
import sys
import textwrap

import pytest

from smtp_sink import SmtpSink
from support import header, mail, run_mailtoticket
from test_upstream_parity import existing_ticket, run, upstream_settings


def test_a_reply_to_a_closed_ticket_on_upstreams_default_chain_opens_one_naming_it(
        server, tmp_path):
    codi = existing_ticket(server, estat="TIQUET_STATUS_TANCAT", assumpte="Old problem")
    settings = upstream_settings(server, tmp_path)   # FiltreReply + FiltreNou

    result = run(mail(subject="RE: [Suport Unitat %s] Old problem" % codi,
                      body="It is broken again."), settings, tmp_path)

    assert header(result) == "SUCCESS", result.stderr.decode()
    ticket = server.tickets()[-1]
    assert ticket["codi"] != codi
    assert ticket["assumpte"] == "RE: Old problem"
    assert ticket["descripcio"].startswith("<p>This ticket follows closed ticket %s.</p>"
                                           % codi)
    assert "It is broken again." in ticket["descripcio"]
    assert server.ticket(codi)["comentaris"] == []
    assert server.ticket(codi)["estat"] == "TIQUET_STATUS_TANCAT"


def test_valors_defecte_rules_match_each_comma_separated_piece_of_a_header(
        server, tmp_path):
    settings = upstream_settings(server, tmp_path, extra=textwrap.dedent("""
        settings["valors_defecte"].append(
            {"order": ["X-Grup"], "match": r"^xarxa$", "defaults": {"equipResolutor": "22222"}})
        """))

    result = run(mail(subject="Switch down", X_Grup="web,xarxa"), settings, tmp_path)

    assert header(result) == "SUCCESS", result.stderr.decode()
    assert server.tickets()[-1]["equipResolutor"] == "22222"


def test_llegit_anywhere_in_the_subject_is_a_read_receipt(server, tmp_path):
    codi = existing_ticket(server)
    settings = upstream_settings(server, tmp_path)
    before = len(server.tickets())

    result = run(mail(subject="RE: [Suport Unitat %s] Llegit: Old problem" % codi),
                 settings, tmp_path)

    assert header(result) == "SKIP"
    assert len(server.tickets()) == before
    assert server.ticket(codi)["comentaris"] == []


def test_the_ticket_keeps_the_address_the_requester_wrote_not_the_canonical_one(
        server, tmp_path):
    settings = upstream_settings(server, tmp_path)

    result = run(mail(subject="Old domain", sender="Jaume Moral <Jaume.Moral@ac.upc.es>"),
                 settings, tmp_path)

    assert header(result) == "SUCCESS", result.stderr.decode()
    ticket = server.tickets()[-1]
    assert ticket["solicitant"] == "jaume.moral"          # found by the canonical form
    assert ticket["emailSolicitant"] == "jaume.moral@ac.upc.es"


def test_the_first_releases_settings_shapes_are_read(server, tmp_path):
    # 2015 settings: valors_defecte maps an address to the fields, domini
    # is a number, log_level the text "logging.DEBUG".
    server.load({"instances": {"999": {"username": "gn6user", "password": "gn6-secret"}}})
    settings = upstream_settings(server, tmp_path, extra=textwrap.dedent("""
        settings["domini"] = 999
        settings["log_level"] = "logging.DEBUG"
        settings["valors_defecte"] = {
            "webmaster-proves@fib.upc.edu": {"equipResolutor": "55633"},
            "cap.estudis@fib.upc.edu": {"equipResolutor": 55634},
        }
        """))

    to_webmaster = run(mail(subject="Web page", to="Webmaster-Proves@fib.upc.edu"),
                       settings, tmp_path)
    other = run(mail(subject="Other"), settings, tmp_path)

    assert header(to_webmaster) == "SUCCESS", to_webmaster.stderr.decode()
    assert header(other) == "SUCCESS", other.stderr.decode()
    webmaster, plain = server.tickets()[-2:]
    assert (webmaster["domini"], webmaster["equipResolutor"]) == ("999", "55633")
    assert plain["equipResolutor"] == "99999"


UPSTREAM_FILTER = '''
import settings
from filtres.filtre import Filtre


class FiltreDepartament(Filtre):
    """As a site wrote it for the original tool."""

    def es_aplicable(self):
        return "@dept.upc.edu" in self.msg.get_from()

    def filtrar(self):
        resultat = self.tickets.alta_tiquet(assumpte=self.msg.get_subject(),
                                            solicitant=settings.get("usuari_extern"))
        return resultat["codiRetorn"] == "1"
'''


def test_a_site_filter_for_upstreams_filter_class_is_refused_saying_what_to_change(
        server, tmp_path):
    (tmp_path / "filtre_site.py").write_text(UPSTREAM_FILTER)
    before = len(server.tickets())
    with SmtpSink() as sink:
        settings = upstream_settings(server, tmp_path, extra=textwrap.dedent("""
            import sys
            sys.path.insert(0, %r)
            settings["filtres"] = ["filtres.reply.FiltreReply", "filtre_site.FiltreDepartament",
                                   "filtres.nou.FiltreNou"]
            settings.update(notificar_errors=True, servidor_mail=%r,
                            notificar_errors_to=["admin@upc.edu"])
            """ % (str(tmp_path), sink.address)))
        check = run(b"", settings, tmp_path, "--check")
        result = run(mail(subject="Site filter"), settings, tmp_path)

    # --check refuses it before any mail comes, naming the key and the class
    said = check.stdout.decode()
    assert check.returncode == 1, said
    assert re.search(r"^PROBLEM filtres: .*'filtres'.*filtre_site\.FiltreDepartament.*"
                     r"original mailtoticket's filter class", said, re.M), said
    # the first delivery waits, and the admin is told then
    [notice] = [m for m in sink.messages if b"configuration failure" in m]
    assert b"filtre_site.FiltreDepartament" in notice
    assert result.returncode == 75        # the message waits in the mailbox
    assert header(result) is None and len(server.tickets()) == before
    said = result.stderr.decode()
    assert "'filtres'" in said and "filtre_site.FiltreDepartament" in said
    assert "original mailtoticket's filter class" in said
    assert "self.msg -> self.message" in said
    assert "settings.get('key') -> self.settings['key']" in said
    assert "gateway.writes.new_ticket.open_ticket" in said
    assert "docs/upstream.md" in said
    assert "Traceback" not in said


def test_a_site_filter_written_for_this_project_runs(server, tmp_path):
    (tmp_path / "filtre_nou_site.py").write_text(textwrap.dedent('''
        from filtres.nou import FiltreNou


        class FiltreDept(FiltreNou):
            def es_aplicable(self):
                return self.message.from_address.endswith("@upc.edu") and \\
                    super().es_aplicable()

            def parameters(self):
                return dict(super().parameters(), equipResolutor="DEPT")
        '''))
    settings = upstream_settings(server, tmp_path, extra=textwrap.dedent("""
        import sys
        sys.path.insert(0, %r)
        settings["filtres"] = ["filtres.reply.FiltreReply", "filtre_nou_site.FiltreDept"]
        """ % str(tmp_path)))

    result = run(mail(subject="Ported filter"), settings, tmp_path)

    assert header(result) == "SUCCESS", result.stderr.decode()
    assert server.tickets()[-1]["equipResolutor"] == "DEPT"


def test_netejahtml_helpers_upstream_settings_name_are_there(server, tmp_path):
    settings = upstream_settings(server, tmp_path, extra=textwrap.dedent("""
        import netejahtml

        def neteja(html):
            return netejahtml.treure_pgp(netejahtml.compacta_br(
                netejahtml.treure_signatura_text(html)))

        settings["netejar_mail_nou"] = neteja
        settings["netejar_mail_reply"] = netejahtml.treure_reply
        """))
    body = ("Please renew it.\n\n\n\nThanks\n-----BEGIN PGP SIGNATURE-----\nwsBcBAEBCAAQ\n"
            "-----END PGP SIGNATURE-----\nMore text\n-- \nJaume Moral\n")

    result = run(mail(subject="Certificate", body=body), settings, tmp_path)

    assert header(result) == "SUCCESS", result.stderr.decode()
    text = server.tickets()[-1]["descripcio"]
    assert "Please renew it." in text and "More text" in text
    assert "PGP SIGNATURE" not in text and "Jaume Moral" not in text


def test_a_netejahtml_function_upstream_never_had_is_named(server, tmp_path):
    settings = upstream_settings(server, tmp_path, extra=(
        "import netejahtml\nsettings['netejar_mail_nou'] = netejahtml.neteja_tot\n"))

    result = run(mail(subject="Cleaning"), settings, tmp_path)

    assert result.returncode == 75
    assert "netejahtml has no function 'neteja_tot'" in result.stderr.decode()


def test_without_url_gn6_the_gn6_v6_service_upstream_calls_is_asked(tmp_path):
    # Upstream's settings name no URL: its code called GestioTiquetsv6. The
    # bus is out of reach here; a proxy that refuses shows where the call
    # was going, without the network.
    import socket
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        proxy = "http://127.0.0.1:%d" % closed.getsockname()[1]
    settings = tmp_path / "settings.yaml"
    settings.write_text("username_soa: x\npassword_soa: x\nusername_gn6: x\n"
                        "password_gn6: x\ndomini: '999'\nequip_resolutor_nous: '99999'\n"
                        "state_dir: %s\n" % (tmp_path / "state"))

    result = run_mailtoticket(b"", settings, "--check",
                              env={"HTTPS_PROXY": proxy, "https_proxy": proxy,
                                   "NO_PROXY": "", "no_proxy": ""})

    said = result.stdout.decode() + result.stderr.decode()
    assert "host='bus-soa.upc.edu'" in said and "/gN6/GestioTiquetsv6?wsdl" in said, said


# -- which site filters are taken for the original's (in-process) ------------------

def site_module(tmp_path, name, source):
    (tmp_path / (name + ".py")).write_text(textwrap.dedent(source))
    sys.path.insert(0, str(tmp_path))
    importlib.invalidate_caches()
    return name


@pytest.fixture
def clean_path():
    before = list(sys.path)
    yield
    sys.path[:] = before


@pytest.mark.parametrize("source, named", [
    ("""
     from filtres.reply import FiltreReply
     class F(FiltreReply):
         def __init__(self, msg=None, tickets=None, identitat=None):
             FiltreReply.__init__(self, msg, tickets, identitat)
     """, "__init__(msg, tickets, identitat)"),
    ("""
     from mailticket import MailTicket
     from filtres.filtre import Filtre
     class F(Filtre):
         def es_aplicable(self):
             return self.identitat.obtenir_uid(self.msg.get_from()) is not None
     """, "'mailticket'"),
    ("""
     from filtres.nou import FiltreNou
     class F(FiltreNou):
         def obtenir_parametres_addicionals(self):
             return {}
     """, "obtenir_parametres_addicionals"),
])
def test_a_filter_for_the_original_class_is_refused_at_load(tmp_path, clean_path, source,
                                                            named):
    import filtres
    from filtres.upstream import UpstreamFilter
    module = site_module(tmp_path, "site_%d" % abs(hash(source)), source)

    with pytest.raises(UpstreamFilter) as refused:
        filtres.load(module + ".F")

    assert named in str(refused.value) and "docs/upstream.md" in str(refused.value)
    assert "mailticket" not in sys.modules


def test_a_filter_for_this_class_using_gateway_settings_is_not_refused(tmp_path, clean_path):
    import filtres
    module = site_module(tmp_path, "site_ours", """
        from gateway import settings
        from filtres.nou import FiltreNou
        class F(FiltreNou):
            def es_aplicable(self):
                return settings.HERE is not None and super().es_aplicable()
        """)

    assert filtres.load(module + ".F").__name__ == "F"
