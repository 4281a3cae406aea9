"""A broken or hostile server answering on the bus's address: nothing leaks
to another host, nothing eats the machine, nothing is journalled as done,
and the admin reads one line in the log, never a traceback."""
import email
import re
import sqlite3

import pytest

from hostile import HostileBus, journal_states, run_measured
from support import header, mail, run_mailtoticket


@pytest.fixture
def bus(server):
    with HostileBus(server.url) as hostile:
        yield hostile


@pytest.fixture
def thief():
    """Another host, which must never be reached."""
    with HostileBus() as other:
        other.on_get = other.on_post = lambda h, path, body: h.send(200, b"") or True
        yield other


def through(bus, settings_file, tmp_path, **overrides):
    return settings_file(url_gn6=bus.url + "/GestioTiquets?wsdl", timeout_soa=3,
                         temps_maxim_execucio=20, **overrides)


def log_of(tmp_path):
    return (tmp_path / "mailtoticket.log").read_text()


def assert_temporary_in_one_line(result, tmp_path):
    assert result.returncode == 75
    assert header(result) is None
    assert b"Traceback" not in result.stderr
    assert "Traceback" not in log_of(tmp_path)
    assert not any(s.get("ticket") for s in journal_states(tmp_path))


def alta_only(handler):
    """on_post that lets every call through but AltaTiquet, answered by `handler`."""
    def on_post(h, path, body):
        if b"AltaTiquet" not in body:
            return False
        handler(h, path, body)
        return True
    return on_post


@pytest.mark.parametrize("code", [307, 302, 301, 308])
def test_a_redirect_of_a_soap_call_is_not_followed_and_no_credentials_leave(
        server, bus, thief, settings_file, tmp_path, code):
    before = len(server.tickets())
    bus.on_post = alta_only(lambda h, path, body: h.redirect(code, thief.url + path))

    result = run_mailtoticket(mail(), through(bus, settings_file, tmp_path))

    assert_temporary_in_one_line(result, tmp_path)
    assert thief.requests == []
    assert len(server.tickets()) == before
    assert re.search(r"redirect \(HTTP %d\) to %s" % (code, re.escape(thief.url)),
                     log_of(tmp_path))


def test_a_wsdl_redirect_to_another_host_is_not_followed(bus, thief, settings_file,
                                                        tmp_path):
    bus.on_get = lambda h, path, body: h.redirect(302, thief.url + path) or True

    result = run_mailtoticket(mail(), through(bus, settings_file, tmp_path))

    assert_temporary_in_one_line(result, tmp_path)
    assert thief.requests == []


def test_a_wsdl_naming_another_host_is_pinned_to_the_configured_one(
        server, bus, thief, settings_file, tmp_path):
    def wsdl_pointing_at_thief(h, path, body):
        status, ctype, data = h.upstream()
        h.send(status, data.replace(bus.url.encode(), thief.url.encode()), ctype)
        return True
    bus.on_get = wsdl_pointing_at_thief
    subject = "Pinned endpoint %s" % id(bus)

    result = run_mailtoticket(mail(subject=subject), through(bus, settings_file, tmp_path))

    assert header(result) == "SUCCESS"
    assert thief.requests == []
    assert any(b"AltaTiquet" in r["body"] for r in bus.soap_calls())
    assert [t for t in server.tickets() if t["assumpte"] == subject]
    assert "on another host: calling %s" % bus.url in log_of(tmp_path)


def test_an_endpoint_setting_is_where_calls_go_whatever_the_wsdl_says(
        server, bus, thief, settings_file, tmp_path):
    bus.on_get = lambda h, path, body: h.send(
        200, h.upstream()[2].replace(bus.url.encode(), thief.url.encode())) or True
    settings = through(bus, settings_file, tmp_path,
                       endpoint_gn6=server.url + "/GestioTiquets")

    result = run_mailtoticket(mail(), settings)

    assert header(result) == "SUCCESS"
    assert thief.requests == [] and bus.soap_calls() == []


@pytest.mark.parametrize("answer", ["huge", "endless"])
def test_an_oversized_answer_is_a_temporary_failure_in_bounded_memory(
        bus, settings_file, tmp_path, answer):
    def huge(h, path, body):
        h.send(200, b"<x>" + b"a" * (40 * 1024 * 1024) + b"</x>")
    bus.on_post = alta_only(huge if answer == "huge" else lambda h, p, b: h.endless())

    result, peak_mib = run_measured(mail(), through(bus, settings_file, tmp_path), tmp_path)

    assert_temporary_in_one_line(result, tmp_path)
    assert peak_mib < 200, peak_mib   # the cap is 16 MiB; a run is ~60 MiB
    assert "refused" in log_of(tmp_path) or "given up" in log_of(tmp_path)


ENVELOPE = (b'<?xml version="1.0" encoding="utf-8"?>%s<soap:Envelope '
            b'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>%s'
            b'</soap:Body></soap:Envelope>')
LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;'
          b'&lol;&lol;&lol;&lol;&lol;&lol;">]>')


def _edited(pattern, replacement):
    """An AltaTiquet answer: the reference server's, edited."""
    def handler(h, path, body, rename=None):
        status, ctype, data = h.upstream(body)
        edited = re.sub(pattern, replacement, data, flags=re.S)
        if rename:
            edited = edited.replace(*rename)
        assert edited != data
        h.send(status, edited, ctype)
    return handler


BROKEN = {
    "entities": lambda h, p, b: h.send(200, ENVELOPE % (LAUGHS, b"<r>&lol2;</r>")),
    "dtd": lambda h, p, b: h.send(200, ENVELOPE % (b'<!DOCTYPE x SYSTEM "file:///etc/passwd">',
                                                   b"<r/>")),
    "garbage": lambda h, p, b: h.send(200, b"\x00\xffnot xml at all <<<"),
    "html error page": lambda h, p, b: h.send(200, b"<html><body>Oops</body></html>",
                                              "text/html"),
    "another operation's answer": lambda h, p, b: _edited(
        rb"<((?:\w+:)?)codiTiquet>[^<]*</(?:\w+:)?codiTiquet>",
        rb"<\1llistaTiquets><codi>777</codi></\1llistaTiquets>")(
        h, p, b, rename=(b"AltaTiquetResponse", b"ConsultaTiquetsDadesResponse")),
    "success without codiTiquet": _edited(rb"<(\w+:)?codiTiquet>[^<]*</(\w+:)?codiTiquet>", b""),
    "codiTiquet that is no number": _edited(rb"(<(?:\w+:)?codiTiquet>)[^<]*", rb"\1../../etc"),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_answer_is_a_temporary_failure_logged_in_one_line(
        bus, settings_file, tmp_path, kind):
    bus.on_post = alta_only(BROKEN[kind])

    result = run_mailtoticket(mail(), through(bus, settings_file, tmp_path))

    assert_temporary_in_one_line(result, tmp_path)
    failures = [line for line in log_of(tmp_path).splitlines()
                if "temporary failure" in line]
    assert len(failures) == 1


def test_once_the_bus_answers_properly_the_same_message_is_ticketed_once(
        server, bus, settings_file, tmp_path):
    settings = through(bus, settings_file, tmp_path)
    subject = "Answer lost %s" % id(bus)
    raw = mail(subject=subject)
    bus.on_post = alta_only(BROKEN["success without codiTiquet"])
    assert run_mailtoticket(raw, settings).returncode == 75

    bus.on_post = None
    result = run_mailtoticket(raw, settings)

    assert header(result) == "SUCCESS"
    assert len([t for t in server.tickets() if t["assumpte"] == subject]) == 1


def test_crlf_in_gn6_error_text_never_breaks_the_admin_notice(bus, settings_file,
                                                             tmp_path):
    from smtp_sink import SmtpSink

    def refuse_with_crlf(h, path, body):
        status, ctype, data = h.upstream(body)
        data = re.sub(rb"(<(?:\w+:)?codiRetorn>)1(<)", rb"\g<1>-9\g<2>", data)
        data = re.sub(rb"<((?:\w+:)?descripcioError)\s*/>|<((?:\w+:)?descripcioError)>[^<]*</[^>]*>",
                      b"<descripcioError>refused&#13;\nBcc: victim@example.org&#13;\n"
                      b"</descripcioError>", data)
        h.send(status, data, ctype)
    bus.on_post = alta_only(refuse_with_crlf)
    with SmtpSink() as sink:
        settings = through(bus, settings_file, tmp_path, notificar_errors=True,
                           notificar_errors_to=["admin@upc.edu"],
                           servidor_mail=sink.address)
        result = run_mailtoticket(mail(), settings)
        again = run_mailtoticket(mail(), settings)

    assert header(result) == "ERROR" and header(again) == "ERROR"
    assert len(list((tmp_path / "quarantine").glob("*.eml"))) == 2  # two messages
    assert len(sink.messages) == 2
    for notice in sink.messages:
        parsed = email.message_from_bytes(notice)
        assert parsed["Bcc"] is None
        subject = re.sub(r"\r?\n[ \t]", " ", parsed["Subject"])  # folding is fine
        assert "refused" in subject and "\n" not in subject


def _cached(tmp_path):
    db = sqlite3.connect(str(tmp_path / "wsdl-cache.sqlite"))
    try:
        return dict(db.execute("SELECT url, content FROM wsdl"))
    except sqlite3.OperationalError:
        return {}
    finally:
        db.close()


def test_a_wsdl_that_does_not_load_is_never_cached(server, bus, settings_file, tmp_path):
    settings = through(bus, settings_file, tmp_path)
    bus.on_get = lambda h, path, body: h.send(
        200, b'<?xml version="1.0"?><definitions xmlns="http://schemas.xmlsoap.org/wsdl/"/>'
    ) or True

    assert_temporary_in_one_line(run_mailtoticket(mail(), settings), tmp_path)
    assert not any(b"definitions" in bytes(v) and b"service" not in bytes(v)
                   for v in _cached(tmp_path).values())

    bus.on_get = None
    assert header(run_mailtoticket(mail(), settings)) == "SUCCESS"


def test_a_failing_cached_wsdl_is_dropped_and_downloaded_again(server, bus, settings_file,
                                                              tmp_path):
    settings = through(bus, settings_file, tmp_path)
    assert header(run_mailtoticket(mail(), settings)) == "SUCCESS"
    url = bus.url + "/GestioTiquets?wsdl"
    assert url in _cached(tmp_path)
    db = sqlite3.connect(str(tmp_path / "wsdl-cache.sqlite"))
    db.execute("UPDATE wsdl SET content=? WHERE url=?", (b"<broken", url))
    db.commit()
    db.close()
    downloads = len([r for r in bus.requests if r["method"] == "GET"])

    assert header(run_mailtoticket(mail(), settings)) == "SUCCESS"

    assert len([r for r in bus.requests if r["method"] == "GET"]) == downloads + 1
    assert b"<broken" not in bytes(_cached(tmp_path)[url])


def test_an_endless_wsdl_is_a_temporary_failure_in_bounded_memory(bus, settings_file,
                                                                 tmp_path):
    bus.on_get = lambda h, path, body: h.endless() or True

    result, peak_mib = run_measured(mail(), through(bus, settings_file, tmp_path), tmp_path)

    assert_temporary_in_one_line(result, tmp_path)
    assert peak_mib < 150, peak_mib   # the WSDL cap is 4 MiB
    assert bus.url + "/GestioTiquets?wsdl" not in _cached(tmp_path)
