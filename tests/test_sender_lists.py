"""Sender allow and deny lists (remitents_permesos, remitents_denegats) on
the GN6 back-end: the real script against the reference GN6 server (the
Jira side: tests/test_jira_backend.py)."""
from support import header, mail, run_mailtoticket


def count(server, subject):
    return len([t for t in server.tickets() if t["assumpte"] == subject])


def test_a_denied_address_is_skipped_and_no_ticket_opened(server, settings_file, tmp_path):
    settings = settings_file(remitents_denegats=["jaume.moral@upc.edu"])
    result = run_mailtoticket(mail(subject="Denied on GN6"), settings)
    assert result.returncode == 0 and header(result) == "SKIP"
    assert count(server, "Denied on GN6") == 0
    assert "remitents_denegats" in (tmp_path / "mailtoticket.log").read_text()


def test_a_denied_domain_covers_its_subdomains(server, settings_file):
    settings = settings_file(remitents_denegats=["example.org"])
    result = run_mailtoticket(mail(subject="Sub denied", sender="x@lists.example.org"),
                              settings)
    assert header(result) == "SKIP"
    assert count(server, "Sub denied") == 0


def test_the_allow_list_lets_only_its_domains_through(server, settings_file):
    settings = settings_file(remitents_permesos=["upc.edu"], usuari_extern="usuari.extern",
                             filtres=["filtres.reply.FiltreReply", "filtres.nou.FiltreNou",
                                      "filtres.nou_extern.FiltreNouExtern"])
    outside = run_mailtoticket(mail(subject="Not allowed", sender="a@gmail.com"), settings)
    inside = run_mailtoticket(mail(subject="Allowed on GN6"), settings)
    assert header(outside) == "SKIP" and header(inside) == "SUCCESS"
    assert count(server, "Not allowed") == 0 and count(server, "Allowed on GN6") == 1


def test_a_reply_to_naming_an_allowed_address_does_not_pass_a_denied_from(server, settings_file):
    settings = settings_file(remitents_denegats=["bad@upc.edu"])
    result = run_mailtoticket(mail(subject="Sneaky", sender="bad@upc.edu",
                                   Reply_To="jaume.moral@upc.edu"), settings)
    assert header(result) == "SKIP"
    assert count(server, "Sneaky") == 0


def test_a_list_entry_with_spaces_is_refused_naming_the_key(settings_file):
    result = run_mailtoticket(mail(), settings_file(remitents_permesos=["not an address"]))
    assert result.returncode == 75
    assert "'remitents_permesos'" in result.stderr.decode()
