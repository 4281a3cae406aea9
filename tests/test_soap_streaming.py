"""soa.service streams long arguments (an attachment's base64) into the
request instead of putting them into zeep's tree: the bytes on the wire must
be exactly zeep's, and the server must get the value exactly."""
import base64
import os

import pytest

from gateway.deadline import Deadline
from soa import service as service_module
from soa.service import SoapService

CREDS = ("gn6user", "gn6-secret", "suport")


def gn6(server, tmp_path):
    return SoapService(server.gn6_wsdl_url, None, ("mailtoticket", "soa-secret"), 10,
                       Deadline(60), str(tmp_path / "wsdl-cache.sqlite"))


def new_ticket(client):
    args = ["jaume.moral", "jaume.moral@upc.edu", "", "streaming", "<p>x</p>",
            "SUPORT_N1"] + [""] * 13
    result = client.call("AltaTiquet", *CREDS, *args)
    assert result["codiRetorn"] == "1"
    return result["codiTiquet"]


@pytest.fixture
def sent(monkeypatch):
    """The request bodies posted, as bytes."""
    bodies = []
    transport = service_module._splicing_transport()
    post = transport.post

    def recording(self, address, message, headers):
        bodies.append(bytes(message))
        return post(self, address, message, headers)
    monkeypatch.setattr(transport, "post", recording)
    return bodies


def test_long_argument_is_spliced_byte_for_byte_as_zeep_would_send_it(
        server, tmp_path, sent, monkeypatch):
    data = os.urandom(1536 * 1024)
    text = base64.b64encode(data).decode("ascii")
    client = gn6(server, tmp_path)
    codi = new_ticket(client)
    annex = client.call("AnnexarFitxerTiquet", *CREDS, codi, "jaume.moral", "a.bin", text)
    assert annex["codiRetorn"] == "1"
    assert server.annex_bytes(annex["codiAnnex"]) == data
    spliced = sent[-1]
    assert text.encode("ascii") in spliced and b"mailtoticket-spliced-" not in spliced

    monkeypatch.setattr(service_module, "STREAM_MIN_CHARS", 10 ** 12)  # zeep's own way
    again = client.call("AnnexarFitxerTiquet", *CREDS, codi, "jaume.moral", "a.bin", text)
    assert again["codiRetorn"] == "1"
    assert sent[-1] == spliced
    assert server.annex_bytes(again["codiAnnex"]) == data


def test_long_argument_that_xml_would_escape_goes_through_zeep(server, tmp_path, sent):
    client = gn6(server, tmp_path)
    codi = new_ticket(client)
    text = "<p>a & b</p>\n" * (service_module.STREAM_MIN_CHARS // 10)
    client.call("ModificarTiquet", *CREDS, codi, *[""] * 19, text, *[""] * 3)
    assert b"&lt;p&gt;a &amp; b&lt;/p&gt;" in sent[-1]
    assert server.ticket(codi)["descripcio"] == text


def test_spliced_body_has_the_length_it_sends():
    body = service_module.SplicedBody.build(b"<a>TOKEN</a><b>X</b>", {"TOKEN": "v" * 2500000})
    chunks = list(body)
    assert len(body) == sum(len(c) for c in chunks) == 2500000 + len(b"<a></a><b>X</b>")
    assert max(len(c) for c in chunks) <= service_module.STREAM_CHUNK
    assert service_module.SplicedBody.build(b"<a>TOKEN</a>TOKEN", {"TOKEN": "v"}) is None
