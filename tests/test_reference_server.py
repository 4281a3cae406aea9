"""The reference server, as a SOAP client sees it.

Driven with zeep from the WSDLs the server serves (consumed unchanged), the
way mailtoticket's own client will drive the real bus. One server for the
whole module; the failure mode is reset after every test.
"""

import base64
import datetime
import hashlib
import json
import os
import sys
import urllib.error
import urllib.request

import pytest
import requests
import zeep
import zeep.exceptions
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from refservers.gn6.control import ReferenceServer  # noqa: E402

CREDS = ("gn6user", "gn6-secret", "suport")
BUS = ("mailtoticket", "soa-secret")
OPEN = "TIQUET_STATUS_OBERT"
CLOSED = "TIQUET_STATUS_TANCAT"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def day(offset=0):
    return (datetime.date.today() + datetime.timedelta(days=offset)).strftime("%d-%m-%Y")


def soap_client(wsdl_url, wsse=UsernameToken(*BUS), operation_timeout=None):
    session = requests.Session()
    session.trust_env = False          # loopback: no proxy from the environment
    transport = Transport(session=session, timeout=10, operation_timeout=operation_timeout)
    return zeep.Client(wsdl_url, wsse=wsse, transport=transport)


@pytest.fixture(autouse=True)
def normal_mode(server):
    server.set_mode("normal")
    yield
    server.set_mode("normal")


@pytest.fixture(scope="module")
def gn6(server):
    return soap_client(server.gn6_wsdl_url).service


@pytest.fixture(scope="module")
def identitat(server):
    return soap_client(server.identitat_wsdl_url).service


_next_fixture_codi = iter(range(500, 900))


def closed_ticket(server, closed_on, **extra):
    """A closed ticket loaded through /_fixture; its codi."""
    codi = str(next(_next_fixture_codi))
    server.load({"tickets": [dict({
        "codi": codi, "domini": "suport", "assumpte": "vell", "estat": CLOSED,
        "solicitant": "jaume.moral", "emailSolicitant": "jaume.moral@upc.edu",
        "dataCreacio": closed_on, "dataTancament": closed_on}, **extra)]})
    return codi


def new_ticket(gn6, **fields):
    fields.setdefault("solicitant", "jaume.moral")
    fields.setdefault("assumpte", "No puc imprimir")
    r = gn6.AltaTiquet(*CREDS, **fields)
    assert r.codiRetorn == "1", r
    return r.codiTiquet


# ---- AltaTiquet -----------------------------------------------------------

def test_alta_tiquet_positional_in_contract_order_stores_every_parameter(server, gn6):
    values = [
        "jaume.moral", "jaume.moral@upc.edu", "client.x", "Assumpte posicional", "<p>Descripció</p>",
        "EQUIP_SUPORT", "tecnic.suport", "PRODUCTE_X", "SUBSERVEI_Y", "GRAVETAT_ALTA", "IMPACTE_Z",
        "PROCES_P", "PROCES_ORIGEN_MAIL", OPEN, "10.0.0.7", "S", "N", "S", "INFRA_1",
    ]
    r = gn6.AltaTiquet(*CREDS, *values)
    assert r.codiRetorn == "1" and r.codiTiquet

    names = ["solicitant", "emailSolicitant", "client", "assumpte", "descripcio", "equipResolutor",
             "assignatA", "producte", "subservei", "urgencia", "impacte", "proces", "procesOrigen",
             "estat", "ip", "enviarMissatgeCreacio", "enviarMissatgeTancament", "imputacioAutomatica",
             "infraestructura"]
    stored = server.ticket(r.codiTiquet)
    assert {n: stored[n] for n in names} == dict(zip(names, values))
    assert stored["domini"] == "suport" and stored["dataCreacio"] == day()

    found = gn6.ConsultaTiquetsDades(*CREDS, codi=r.codiTiquet)
    assert found.codiRetorn == "1"
    [t] = found.llistaTiquets
    assert (t.codi, t.assumpte, t.solicitant, t.emailSolicitant, t.equipResolutor, t.urgencia,
            t.dataCreacio) == (r.codiTiquet, "Assumpte posicional", "jaume.moral", "jaume.moral@upc.edu",
                               "EQUIP_SUPORT", "GRAVETAT_ALTA", day())


def test_alta_tiquet_by_keywords_gets_the_defaults_and_increasing_numbers(server, gn6):
    first = new_ticket(gn6, assumpte="Primer", emailSolicitant="jaume.moral@upc.edu")
    second = new_ticket(gn6, assumpte="Segon", descripcio="text")
    assert int(second) == int(first) + 1 and int(first) >= 1000
    t = server.ticket(first)
    assert (t["estat"], t["urgencia"], t["proces"]) == (OPEN, "GRAVETAT_MITJA", "PROCES_AUS")


def test_alta_tiquet_refuses_unknown_requester_empty_subject_and_bad_values(server, gn6):
    before = len(server.tickets())
    assert gn6.AltaTiquet(*CREDS, solicitant="ningu", assumpte="x").codiRetorn == "-5"
    assert gn6.AltaTiquet(*CREDS, assumpte="x").codiRetorn == "-5"
    assert gn6.AltaTiquet(*CREDS, solicitant="jaume.moral", assumpte="").codiRetorn == "-4"
    assert gn6.AltaTiquet(*CREDS, solicitant="jaume.moral", assumpte="x", urgencia="MOLT").codiRetorn == "-4"
    r = gn6.AltaTiquet(*CREDS, solicitant="jaume.moral", assumpte="x", enviarMissatgeCreacio="Y")
    assert r.codiRetorn == "-4" and r.descripcioError
    assert len(server.tickets()) == before


def test_wrong_instance_credentials_answer_an_error_code_not_a_fault(server, gn6):
    before = len(server.tickets())
    for creds in (("gn6user", "wrong", "suport"), ("gn6user", "gn6-secret", "altra"), ("", "", "")):
        r = gn6.AltaTiquet(*creds, solicitant="jaume.moral", assumpte="x")
        assert r.codiRetorn == "-1" and r.descripcioError
        assert gn6.ConsultaTiquets(*creds).codiRetorn == "-1"
    assert len(server.tickets()) == before


@pytest.mark.parametrize("wsse", [None, UsernameToken("mailtoticket", "wrong"), UsernameToken("nobody", "soa-secret")])
def test_missing_or_wrong_ws_security_is_a_fault_and_nothing_is_done(server, wsse):
    client = soap_client(server.gn6_wsdl_url, wsse=wsse).service
    before = len(server.tickets())
    with pytest.raises(zeep.exceptions.Fault) as err:
        client.AltaTiquet(*CREDS, solicitant="jaume.moral", assumpte="x")
    assert "authentication failed" in err.value.message
    assert len(server.tickets()) == before


def test_identity_service_also_requires_ws_security(server):
    with pytest.raises(zeep.exceptions.Fault):
        soap_client(server.identitat_wsdl_url, wsse=None).service.obtenirDadesPersona("jaume.moral")


# ---- comments, reopening, history ----------------------------------------

def test_comment_is_stored_on_an_open_ticket_and_refused_on_a_closed_one(server, gn6):
    codi = new_ticket(gn6)
    r = gn6.AfegirComentariTiquet(*CREDS, codi, "jaume.moral", "<p>més info</p>", "COMENT_TIQUET_PUBLIC", "S")
    assert r.codiRetorn == "1"
    [c] = server.ticket(codi)["comentaris"]
    assert (c["usuari"], c["descripcio"], c["tipusComentari"], c["esNotificat"], c["data"]) == \
        ("jaume.moral", "<p>més info</p>", "COMENT_TIQUET_PUBLIC", "S", day())

    closed = closed_ticket(server, day(-1))
    r = gn6.AfegirComentariTiquet(*CREDS, closed, "jaume.moral", "x", "COMENT_TIQUET_PUBLIC", "N")
    assert r.codiRetorn == "-3" and r.descripcioError
    assert server.ticket(closed)["comentaris"] == []


def test_comment_errors_name_the_missing_ticket_and_bad_values(gn6):
    codi = new_ticket(gn6)
    assert gn6.AfegirComentariTiquet(*CREDS, "999999", "jaume.moral", "x", "COMENT_TIQUET_PUBLIC", "N").codiRetorn == "-2"
    assert gn6.AfegirComentariTiquet(*CREDS, codi, "jaume.moral", "x", "PUBLIC", "N").codiRetorn == "-4"
    assert gn6.AfegirComentariTiquet(*CREDS, codi, "jaume.moral", "x", "COMENT_TIQUET_PRIVAT", "X").codiRetorn == "-4"
    assert gn6.AfegirComentariTiquet(*CREDS, codi, "", "x", "COMENT_TIQUET_PRIVAT", "N").codiRetorn == "-4"


def test_reopening_within_the_deadline_opens_the_ticket(server, gn6):
    codi = closed_ticket(server, day(-3))
    assert gn6.ModificarTiquet(*CREDS, codi, estat=OPEN).codiRetorn == "1"
    t = server.ticket(codi)
    assert t["estat"] == OPEN and t["dataTancament"] == ""
    assert gn6.ConsultaTiquets(*CREDS, codi=codi).llistaTiquets[0].estat == OPEN


def test_reopening_past_the_deadline_answers_1_but_the_ticket_stays_closed(server, gn6):
    codi = closed_ticket(server, day(-16))
    assert gn6.ModificarTiquet(*CREDS, codi, estat=OPEN).codiRetorn == "1"
    assert gn6.ConsultaTiquetsDades(*CREDS, codi=codi).llistaTiquets[0].estat == CLOSED
    assert server.ticket(codi)["historial"] == [{"estat": OPEN}]


def test_modificar_overwrites_given_fields_closes_with_date_and_keeps_history(server, gn6):
    codi = new_ticket(gn6, descripcio="abans", equipResolutor="EQUIP_A")
    assert gn6.ModificarTiquet(*CREDS, codi, "EQUIP_B", descripcio="després", estat="TIQUET_STATUS_PENDENT").codiRetorn == "1"
    assert gn6.ModificarTiquet(*CREDS, codi, assignatCn="tecnic.suport", estat=CLOSED).codiRetorn == "1"
    t = server.ticket(codi)
    assert (t["equipResolutor"], t["descripcio"], t["assignatA"], t["estat"], t["dataTancament"]) == \
        ("EQUIP_B", "després", "tecnic.suport", CLOSED, day())
    assert t["historial"] == [
        {"equipResolutor": "EQUIP_B", "estat": "TIQUET_STATUS_PENDENT", "descripcio": "després"},
        {"assignatCn": "tecnic.suport", "estat": CLOSED},
    ]
    assert gn6.ModificarTiquet(*CREDS, "999999", estat=CLOSED).codiRetorn == "-2"


# ---- attachments and requesters --------------------------------------------

@pytest.mark.parametrize("size", [0, 1, 3 * 1024 * 1024 + 7])
def test_attachment_round_trips_byte_exact(server, gn6, size):
    codi = new_ticket(gn6)
    data = os.urandom(size)
    r = gn6.AnnexarFitxerTiquet(*CREDS, codi, "jaume.moral", "fitxer.bin", base64.b64encode(data).decode())
    assert r.codiRetorn == "1" and r.codiAnnex
    assert server.annex_bytes(r.codiAnnex) == data
    [a] = server.ticket(codi)["annexos"]
    assert a == {"codiAnnex": r.codiAnnex, "usuari": "jaume.moral", "nomFitxer": "fitxer.bin",
                 "size": size, "sha256": hashlib.sha256(data).hexdigest()}


def test_attachment_of_25_mib_is_accepted(server, gn6):
    codi = new_ticket(gn6)
    data = os.urandom(25 * 1024 * 1024)
    r = gn6.AnnexarFitxerTiquet(*CREDS, codi, "jaume.moral", "gran.bin", base64.encodebytes(data).decode())
    assert r.codiRetorn == "1"
    assert server.ticket(codi)["annexos"][0]["sha256"] == hashlib.sha256(data).hexdigest()


def test_attachment_numbers_increase_and_bad_base64_is_refused(server, gn6):
    codi = new_ticket(gn6)
    a = gn6.AnnexarFitxerTiquet(*CREDS, codi, "jaume.moral", "a.txt", base64.b64encode(b"a").decode()).codiAnnex
    b = gn6.AnnexarFitxerTiquet(*CREDS, codi, "jaume.moral", "b.txt", base64.b64encode(b"b").decode()).codiAnnex
    assert int(b) > int(a)
    assert gn6.AnnexarFitxerTiquet(*CREDS, codi, "jaume.moral", "c.txt", "no és base64!").codiRetorn == "-4"
    assert gn6.AnnexarFitxerTiquet(*CREDS, codi, "jaume.moral", "", "YQ==").codiRetorn == "-4"
    assert gn6.AnnexarFitxerTiquet(*CREDS, "999999", "jaume.moral", "d.txt", "YQ==").codiRetorn == "-2"
    assert len(server.ticket(codi)["annexos"]) == 2


def test_additional_requester_is_added_once_and_must_exist(server, gn6):
    codi = new_ticket(gn6)
    assert gn6.AfegirSolicitantTiquet(*CREDS, codi, "anna.puig").codiRetorn == "1"
    assert gn6.AfegirSolicitantTiquet(*CREDS, codi, "anna.puig").codiRetorn == "1"
    assert gn6.AfegirSolicitantTiquet(*CREDS, codi, "ningu").codiRetorn == "-5"
    assert gn6.AfegirSolicitantTiquet(*CREDS, "999999", "anna.puig").codiRetorn == "-2"
    assert server.ticket(codi)["solicitantsAddicionals"] == ["anna.puig"]


# ---- queries --------------------------------------------------------------

def test_consulta_filters_by_requester_state_and_date_ranges(server, gn6):
    server.load({"people": [{"cn": "consulta.user", "emails": ["consulta.user@upc.edu"]}]})
    today_codi = new_ticket(gn6, solicitant="consulta.user", assumpte="Avui", ip="10.9.9.9")
    old = closed_ticket(server, day(-30), solicitant="consulta.user", assumpte="Antic")

    def codis(**filters):
        r = gn6.ConsultaTiquetsDades(*CREDS, solicitant="consulta.user", **filters)
        assert r.codiRetorn == "1"
        return [t.codi for t in r.llistaTiquets]

    assert codis() == [old, today_codi]
    assert codis(estat=OPEN) == [today_codi]
    assert codis(dataCreacioInici=day(), dataCreacioFi=day()) == [today_codi]
    assert codis(dataCreacioFi=day(-1)) == [old]
    assert codis(dataTancamentInici=day(-31), dataTancamentFi=day(-29)) == [old]
    assert codis(ip="10.9.9.9") == [today_codi]
    assert codis(codi="999999") == []
    assert gn6.ConsultaTiquets(*CREDS, dataCreacioInici="2026-01-01").codiRetorn == "-4"


# ---- identity ---------------------------------------------------------------

def test_llista_persones_finds_every_holder_of_an_address_ignoring_case(identitat):
    people = identitat.llistaPersones("Secretaria@ETSEIB.upc.edu")
    assert [p.cn for p in people] == ["marta.vidal", "marta.vidal2"]
    assert [p.cn for p in identitat.llistaPersones("anna.puig@gmail.com")] == ["anna.puig"]
    assert [p.cn for p in identitat.llistaPersones("jaume.moral@ac.upc.edu")] == ["jaume.moral"]
    assert not identitat.llistaPersones("ningu@example.org")


def test_obtenir_dades_persona_ok_for_a_cn_and_false_for_a_local_part(identitat):
    r = identitat.obtenirDadesPersona("pere.garcia")
    assert (r.ok, r.commonName, r.emailPreferent, r.nom, r.cognoms) == \
        (True, "pere.garcia", "pgarcia@upc.edu", "Pere", "Garcia")
    assert identitat.obtenirDadesPersona("pgarcia").ok is False
    assert identitat.obtenirDadesPersona("marta.vidal").emailPreferent == "secretaria@etseib.upc.edu"
    assert identitat.obtenirDadesPersona("marta.vidal2").emailPreferent == "marta.vidal2@upc.edu"


# ---- failure modes ----------------------------------------------------------

def test_outage_answers_http_503_to_soap_and_wsdl(server, gn6, identitat):
    server.set_mode("outage")
    with pytest.raises(zeep.exceptions.TransportError) as err:
        gn6.ConsultaTiquets(*CREDS)
    assert err.value.status_code == 503
    with pytest.raises(zeep.exceptions.TransportError):
        identitat.obtenirDadesPersona("jaume.moral")
    with pytest.raises(urllib.error.HTTPError) as http:
        NO_PROXY.open(server.gn6_wsdl_url, timeout=5)
    assert http.value.code == 503
    server.set_mode("normal")
    assert gn6.ConsultaTiquets(*CREDS).codiRetorn == "1"


def test_fault_mode_answers_a_soap_fault(server, gn6):
    server.set_mode("fault")
    with pytest.raises(zeep.exceptions.Fault) as err:
        gn6.ConsultaTiquets(*CREDS)
    assert err.value.message == "service bus unavailable"


def test_after_alta_tiquet_the_ticket_exists_but_the_client_gets_503(server, gn6):
    before = {t["codi"] for t in server.tickets()}
    server.set_mode("outage", after="AltaTiquet")
    assert gn6.ConsultaTiquets(*CREDS).codiRetorn == "1"      # still normal before it
    with pytest.raises(zeep.exceptions.TransportError) as err:
        gn6.AltaTiquet(*CREDS, solicitant="jaume.moral", assumpte="Perdut")
    assert err.value.status_code == 503
    [created] = [t for t in server.tickets() if t["codi"] not in before]
    assert created["assumpte"] == "Perdut"
    with pytest.raises(zeep.exceptions.TransportError):        # and the outage stays
        gn6.ConsultaTiquets(*CREDS)
    assert server.control()["triggered"] is True


def test_before_comment_the_request_is_lost_and_nothing_is_done(server, gn6):
    codi = new_ticket(gn6)
    server.set_mode("outage", before="AfegirComentariTiquet")
    assert gn6.ConsultaTiquets(*CREDS).codiRetorn == "1"      # normal until then
    with pytest.raises(zeep.exceptions.TransportError):
        gn6.AfegirComentariTiquet(*CREDS, codiTiquet=codi, usuari="jaume.moral",
                                  descripcio="lost", tipusComentari="COMENT_TIQUET_PUBLIC")
    assert server.ticket(codi)["comentaris"] == []
    assert server.control()["triggered"] is True


def test_before_the_second_comment_the_first_is_done_and_the_second_lost(server, gn6):
    codi = new_ticket(gn6)
    server.set_mode("outage", before="AfegirComentariTiquet#2")
    gn6.AfegirComentariTiquet(*CREDS, codiTiquet=codi, usuari="jaume.moral",
                              descripcio="first", tipusComentari="COMENT_TIQUET_PUBLIC")
    assert server.control()["triggered"] is False
    with pytest.raises(zeep.exceptions.TransportError):
        gn6.AfegirComentariTiquet(*CREDS, codiTiquet=codi, usuari="jaume.moral",
                                  descripcio="second", tipusComentari="COMENT_TIQUET_PUBLIC")
    assert [c["descripcio"] for c in server.ticket(codi)["comentaris"]] == ["first"]
    assert server.control()["triggered"] is True


def test_slow_mode_carries_out_the_call_and_answers_late(server):
    client = soap_client(server.gn6_wsdl_url, operation_timeout=0.5)
    before = len(server.tickets())
    server.set_mode("slow", hang_seconds=2)
    with pytest.raises(requests.exceptions.Timeout):
        client.service.AltaTiquet(*CREDS, solicitant="jaume.moral", assumpte="Lent")
    server.set_mode("normal")
    assert len(server.tickets()) == before + 1


def test_hang_makes_a_client_time_out_and_normal_mode_releases_it(server):
    client = soap_client(server.gn6_wsdl_url, operation_timeout=0.5).service
    server.set_mode("hang")
    with pytest.raises(requests.exceptions.Timeout):
        client.ConsultaTiquets(*CREDS)
    server.set_mode("normal")
    assert client.ConsultaTiquets(*CREDS).codiRetorn == "1"


def test_control_counts_every_call_including_failed_ones(server, gn6):
    before = server.control()["calls"].get("ConsultaTiquets", 0)
    gn6.ConsultaTiquets(*CREDS)
    server.set_mode("fault")
    with pytest.raises(zeep.exceptions.Fault):
        gn6.ConsultaTiquets(*CREDS)
    ctl = server.control()
    assert ctl["mode"] == "fault" and ctl["calls"]["ConsultaTiquets"] == before + 2


def test_calls_log_keeps_arguments_and_only_the_length_of_attachments(server, gn6):
    codi = new_ticket(gn6, assumpte="Log")
    payload = base64.b64encode(b"x" * 300).decode()
    gn6.AnnexarFitxerTiquet(*CREDS, codi, "jaume.moral", "x.bin", payload)
    *_, alta, annex = [c for c in server.calls() if c["op"] in ("AltaTiquet", "AnnexarFitxerTiquet")]
    assert alta["args"]["assumpte"] == "Log" and alta["args"]["domini"] == "suport"
    assert annex["args"] == {"username": "gn6user", "password": "gn6-secret", "domini": "suport",
                             "codiTiquet": codi, "usuari": "jaume.moral", "nomFitxer": "x.bin",
                             "fitxerBase64": len(payload)}


# ---- raw HTTP ---------------------------------------------------------------

def raw_post(server, path, body):
    req = urllib.request.Request(server.url + path, data=body, headers={"Content-Type": "text/xml"})
    try:
        with NO_PROXY.open(req, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_malformed_envelope_and_unknown_operation_are_client_faults(server):
    status, body = raw_post(server, "/GestioTiquets", b"<not-xml")
    assert status == 500 and b"soap:Client" in body
    envelope = (b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
                b'<EsborrarTiquet xmlns="http://gn6.upc.edu/GestioTiquets"/></soap:Body></soap:Envelope>')
    status, body = raw_post(server, "/GestioTiquets", envelope)
    assert status == 500 and b"soap:Client" in body and b"<faultstring>" in body


def test_served_wsdl_points_at_this_server(server):
    with NO_PROXY.open(server.identitat_wsdl_url.replace("wsdl", "WSDL"), timeout=5) as resp:
        text = resp.read().decode()
    assert 'location="%s/Personesv6"' % server.url in text
    assert "obtenirDadesPersona" in text


def test_fixture_endpoint_refuses_a_ticket_without_number(server):
    status, body = raw_post(server, "/_fixture", json.dumps({"tickets": [{"assumpte": "x"}]}).encode())
    assert status == 400 and b"codi" in body


# ---- persistence ------------------------------------------------------------

def test_state_survives_a_restart_on_the_same_database(tmp_path):
    fixture = {"bus_users": {"mailtoticket": "soa-secret"},
               "instances": {"suport": {"username": "gn6user", "password": "gn6-secret"}},
               "people": [{"cn": "jaume.moral", "emails": ["jaume.moral@upc.edu"]}]}
    srv = ReferenceServer(fixture=fixture, db=tmp_path / "gn6.sqlite3")
    try:
        srv.start()
        gn6 = soap_client(srv.gn6_wsdl_url).service
        codi = new_ticket(gn6, assumpte="Persistent")
        data = os.urandom(1000)
        gn6.AnnexarFitxerTiquet(*CREDS, codi, "jaume.moral", "p.bin", base64.b64encode(data).decode())
        srv.load({"people": [{"cn": "afegit.despres", "emails": ["afegit@upc.edu"]}]})
        old_port = srv.port

        srv.restart()
        assert srv.ticket(codi)["assumpte"] == "Persistent"
        [annex] = srv.ticket(codi)["annexos"]
        assert srv.annex_bytes(annex["codiAnnex"]) == data
        gn6 = soap_client(srv.gn6_wsdl_url).service
        assert int(new_ticket(gn6)) == int(codi) + 1
        identitat = soap_client(srv.identitat_wsdl_url).service
        assert identitat.obtenirDadesPersona("afegit.despres").ok is True
        assert srv.port and old_port
    finally:
        srv.stop()
