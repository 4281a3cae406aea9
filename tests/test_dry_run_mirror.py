"""--dry-run shows what a delivery would send: the same request, made by
the same code (backends/gn6/tickets.py's REQUESTS), not a hand-kept mirror."""
import re

from support import header, mail, run_mailtoticket


def test_an_empty_rule_value_shows_in_dry_run_as_the_default_the_real_run_sends(
        server, settings_file, tmp_path):
    rules = [{"order": ["Subject"], "match": ".*", "defaults": {"urgencia": ""}}]
    settings = settings_file(folder=tmp_path, valors_defecte=rules)
    raw = mail(subject="Empty urgency rule")

    dry = run_mailtoticket(raw, settings, "--dry-run")
    real = run_mailtoticket(raw, settings)

    assert header(dry) == header(real) == "SUCCESS"
    [ticket] = [t for t in server.tickets() if t["assumpte"] == "Empty urgency rule"]
    assert ticket["urgencia"] == "GRAVETAT_MITJA"
    shown = re.search(r"would call AltaTiquet\((.*)\)", dry.stderr.decode()).group(1)
    assert "urgencia='GRAVETAT_MITJA'" in shown
