"""--dry-run shows what a delivery would send: the same request, made by
the same description of each write (backends/base.py Write), not a
hand-kept mirror, on every back-end."""
import re

from support import header, mail, run_mailtoticket
from test_jira_backend import jira_settings, sink  # noqa: F401 (fixtures)


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


# -- one mechanism for every back-end: each write is described once as data
# (backends/base.py Write); a dry run tells the descriptions, a real run
# logs the same descriptions (DEBUG) as it performs them.

def with_file(raw):
    from email import message_from_bytes, policy
    message = message_from_bytes(raw, policy=policy.default)
    message.add_attachment(b"%PDF-1.4 mirror", maintype="application", subtype="pdf",
                           filename="m.pdf")
    return bytes(message)


def told(stderr):
    return [line.split(" would ", 1)[1] for line in stderr.decode().splitlines()
            if " would " in line and "quarantine" not in line]


def performed(log_file, since):
    lines = open(log_file, encoding="utf-8").read()[since:].splitlines()
    return [line.split(" write: ", 1)[1] for line in lines if " write: " in line]


def same_writes(dry_run, real_run, placeholders):
    """The real run's writes, its answers (ticket, file ids) put back as the
    dry run's placeholders: the dry run's writes, in the same order."""
    normalised = []
    for line in real_run:
        for pattern, placeholder in placeholders:
            line = re.sub(pattern, placeholder, line)
        normalised.append(line)
    return normalised == dry_run


def dry_then_real(raw, settings, log_file):
    """The dry run's writes told, then the real run's writes performed."""
    dry = run_mailtoticket(raw, settings, "--dry-run")
    start = log_file.stat().st_size if log_file.exists() else 0
    real = run_mailtoticket(raw, settings)
    assert header(dry) == header(real) == "SUCCESS"
    return told(dry.stderr), performed(log_file, start)


def test_gn6_dry_run_tells_exactly_the_writes_the_real_run_performs(
        server, settings_file, tmp_path):
    settings = settings_file(folder=tmp_path, assignar_data_resolucio_amb_data_creacio=True)
    dry_writes, real_writes = dry_then_real(with_file(mail(subject="Mirror of writes")),
                                            settings, tmp_path / "mailtoticket.log")

    [ticket] = [t for t in server.tickets() if t["assumpte"] == "Mirror of writes"]
    assert [w.split("(")[0] for w in real_writes] == [
        "call AltaTiquet", "call AnnexarFitxerTiquet", "call ModificarTiquet",
        "call ModificarTiquet"]
    assert same_writes(dry_writes, real_writes, [
        (r"codiTiquet='%s'" % ticket["codi"], "codiTiquet='(dry-run)'"),
        (r"fileId=\d+", "fileId=(dry-run)")])


def test_jira_dry_run_tells_exactly_the_writes_the_real_run_performs(
        jira, jira_settings, sink, tmp_path):
    settings = jira_settings(jira_confirmation=True, jira_confirmation_from="suport@upc.edu")
    dry_writes, real_writes = dry_then_real(
        with_file(mail(subject="Mirror of Jira writes")), settings,
        tmp_path / "mailtoticket.log")

    assert [w.split("(")[0] for w in real_writes] == [
        "create_issue", "set_property", "mail a confirmation", "upload_attachment"]
    key = re.search(r"set_property\(key='([A-Z]+-\d+)'", real_writes[1]).group(1)
    assert same_writes(dry_writes, real_writes, [(re.escape(key) + r"\b", "DRY-0")])
