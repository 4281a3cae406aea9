"""A broken WSDL is not sticky (issue 18): a WSDL that builds a client but
cannot serve (its service address leads nowhere, an operation is missing)
is never kept in the cache, and a cached WSDL that stops serving is
dropped and downloaded again, so the first delivery after the bus is fixed
is ticketed, not 24 hours of exit 75."""
import re

import pytest

from support import header, mail, run_mailtoticket
from test_hostile_bus import bus, log_of, through  # noqa: F401 (bus: a fixture)


def served(edit):
    """on_get serving the reference server's WSDL edited by `edit`."""
    def on_get(h, path, body):
        status, ctype, data = h.upstream()
        h.send(status, edit(data), ctype)
        return True
    return on_get


def without_alta_tiquet(wsdl):
    edited = re.sub(rb'<(\w+:)?operation name="AltaTiquet".*?</(\w+:)?operation>', b"",
                    wsdl, flags=re.S)
    assert edited != wsdl
    return edited


def address_elsewhere(bus_url):
    def edit(wsdl):
        edited = wsdl.replace(bus_url.encode() + b"/GestioTiquets",
                              b"http://192.0.2.1:81/gN6/moved/GestioTiquets")
        assert edited != wsdl
        return edited
    return edit


@pytest.mark.parametrize("broken", ["no AltaTiquet", "address elsewhere"])
def test_once_the_bus_serves_a_good_wsdl_again_the_next_delivery_is_ticketed(
        server, bus, settings_file, tmp_path, broken):
    settings = through(bus, settings_file, tmp_path)
    bus.on_get = served(without_alta_tiquet if broken == "no AltaTiquet"
                        else address_elsewhere(bus.url))
    subject = "Sticky WSDL %s" % broken

    while_broken = run_mailtoticket(mail(subject=subject), settings)
    bus.on_get = None                       # the bus is fixed
    fixed = run_mailtoticket(mail(subject=subject), settings)

    assert while_broken.returncode == 75 and header(while_broken) is None
    assert b"Traceback" not in while_broken.stderr
    assert header(fixed) == "SUCCESS", fixed.stderr.decode()
    assert len([t for t in server.tickets() if t["assumpte"] == subject]) == 1


def test_a_cached_wsdl_whose_service_moved_is_dropped_and_fetched_again(
        server, bus, settings_file, tmp_path):
    settings = through(bus, settings_file, tmp_path)
    assert header(run_mailtoticket(mail(subject="Before the move"), settings)) == "SUCCESS"
    # The service moves to /GestioTiquetsNou: the old path answers 404, the
    # WSDL names the new one.
    bus.on_get = served(lambda wsdl: re.sub(rb'(location="[^"]*/GestioTiquets)"',
                                            rb'\1Nou"', wsdl))

    def on_post(h, path, body):
        if path.startswith("/GestioTiquetsNou"):
            h.path = "/GestioTiquets"
            status, ctype, data = h.upstream(body)
            h.send(status, data, ctype)
        elif path.startswith("/GestioTiquets"):
            h.send(404, b"<html>Not Found</html>", "text/html")
        else:
            return False
        return True
    bus.on_post = on_post

    moved = run_mailtoticket(mail(subject="After the move"), settings)

    assert header(moved) == "SUCCESS", moved.stderr.decode()
    assert [t for t in server.tickets() if t["assumpte"] == "After the move"]
    assert "dropped and downloaded again" in log_of(tmp_path)
    assert any(r["path"].startswith("/GestioTiquetsNou") for r in bus.soap_calls())
