"""An upstream deployment's settings file, unchanged but for the bus, and
the everyday behaviours its staff rely on (issue 10)."""
import re
from pathlib import Path

import pytest

from support import header, mail, run_mailtoticket

UPSTREAM_SAMPLE = Path(__file__).parent / "upstream" / "settings_sample.py"


def upstream_settings(server, folder, extra=""):
    """upstream's settings_sample.py copied as settings_default.py, with the
    bus addresses and credentials of the reference server appended, as an
    admin points a deployment at a test bus. `extra`: more lines."""
    folder = Path(folder)
    path = folder / "settings_default.py"
    bus = {k: v for k, v in server.client_settings(folder).items()
           if k in ("url_gn6", "url_identitat", "username_soa", "password_soa",
                    "username_gn6", "password_gn6", "domini")}
    path.write_text(UPSTREAM_SAMPLE.read_text(encoding="utf-8")
                    + "\n# test bus\nsettings.update(%r)\n" % bus + extra,
                    encoding="utf-8")
    return path


def run(raw, settings, tmp_path):
    # upstream's log_file is tempfile.gettempdir() + "/mailtoticket.log"
    return run_mailtoticket(raw, settings, env={"TMPDIR": str(tmp_path)})


def test_upstream_settings_sample_runs_a_new_mail_a_reply_and_a_web_form_mail(
        server, tmp_path):
    settings = upstream_settings(server, tmp_path)

    new = run(mail(subject="Projector URGENT", to="suport@upc.edu"), settings, tmp_path)
    assert header(new) == "SUCCESS", new.stderr.decode()
    ticket = server.tickets()[-1]
    assert ticket["solicitant"] == "jaume.moral"
    assert ticket["emailSolicitant"] == "jaume.moral@upc.edu"
    assert ticket["equipResolutor"] == "99999"
    assert ticket["urgencia"] == "GRAVETAT_ALTA"
    assert re.match(r"\[Tiquet creat des del correu de jaume\.moral@upc\.edu a "
                    r"suport@upc\.edu del \d\d/\d\d/\d{4} a les \d\d:\d\d\]",
                    ticket["descripcio"])
    codi = ticket["codi"]

    reply = run(mail(subject="RE: [Suport Unitat %s] Projector URGENT" % codi,
                     sender="pgarcia@upc.edu", body="Fixed the cable."),
                settings, tmp_path)
    assert header(reply) == "SUCCESS", reply.stderr.decode()
    comment = server.ticket(codi)["comentaris"][-1]
    assert comment["usuari"] == "pere.garcia"
    assert comment["tipusComentari"] == "COMENT_TIQUET_PUBLIC"
    assert comment["esNotificat"] == "S"          # upstream notifies others' comments
    assert comment["descripcio"].startswith("[Comentari afegit des del correu de "
                                            "pgarcia@upc.edu del ")
    assert "Fixed the cable." in comment["descripcio"]

    form = run(mail(subject="Web form request", sender="usuari.extern@upc.edu",
                    Reply_To="Someone <someone@client.example>"), settings, tmp_path)
    assert header(form) == "SUCCESS", form.stderr.decode()
    ticket = server.tickets()[-1]
    assert ticket["solicitant"] == "usuari.extern"   # the generic account
    assert ticket["emailSolicitant"] == "someone@client.example"
    assert (tmp_path / "mailtoticket.log").exists()


def test_upstream_settings_with_netejahtml_clean_replies(server, tmp_path):
    settings = upstream_settings(server, tmp_path, extra=(
        "import netejahtml\n"
        "settings['netejar_mail_nou'] = netejahtml.neteja_nou\n"
        "settings['netejar_mail_reply'] = netejahtml.neteja_reply\n"))
    run(mail(subject="Printer"), settings, tmp_path)
    codi = server.tickets()[-1]["codi"]

    result = run(mail(subject="Re: [Suport Unitat %s] Printer" % codi,
                      body="It prints now.\n\nOn Monday you wrote:\n> Printer broken\n"
                           "> please help\n\n-- \nJaume Moral\nUPC"),
                 settings, tmp_path)

    assert header(result) == "SUCCESS", result.stderr.decode()
    text = server.ticket(codi)["comentaris"][-1]["descripcio"]
    assert "It prints now." in text
    assert "please help" not in text and "Jaume Moral" not in text


def test_upstream_private_marker_matches_at_the_start_of_the_subject(server, tmp_path):
    settings = upstream_settings(server, tmp_path)
    run(mail(subject="Scanner"), settings, tmp_path)
    codi = server.tickets()[-1]["codi"]

    run(mail(subject="(Comentari privat) RE: [Suport Unitat %s] Scanner" % codi,
             sender="pgarcia@upc.edu"), settings, tmp_path)
    run(mail(subject="RE: [Suport Unitat %s] Scanner (comentari privat)" % codi,
             sender="pgarcia@upc.edu"), settings, tmp_path)

    first, second = server.ticket(codi)["comentaris"][-2:]
    assert (first["tipusComentari"], first["esNotificat"]) == ("COMENT_TIQUET_PRIVAT", "N")
    assert second["tipusComentari"] == "COMENT_TIQUET_PUBLIC"   # re.match, as upstream


def test_url_defaults_are_the_production_bus_of_the_original_guide():
    from gateway import settings
    defaults = settings.defaults()
    assert defaults["url_gn6"] == "https://bus-soa.upc.edu/gN6/GestioTiquetsv5?wsdl"
    assert defaults["url_identitat"] == \
        "https://public.bus-soa.upc.edu/GestioIdentitat/Personesv6?wsdl"
