"""A delivery pays only for what its message and its settings need: the
back-end that is not configured, the readers of rare formats, HTML
handling, LDAP and the admin commands stay unloaded (python -X importtime
lists what the real script imported)."""
import re

from support import header, mail, run_mailtoticket
from test_jira_backend import jira_settings, sink  # noqa: F401 (fixtures)

RARE = {"mail.formats", "mail.formats.uuencode", "mail.formats.tnef", "mail.formats.smime",
        "mail.formats.special", "tnefparse", "nh3", "lxml.html", "bs4",
        "rules.ldap_directory", "ldap3", "gateway.admin", "quotequail",
        "mailparser_reply", "yaml"}


def imported(result):
    return set(re.findall(r"import time:\s+\d+ \|\s+\d+ \|\s*(\S+)", result.stderr.decode()))


def test_a_plain_gn6_delivery_loads_no_rare_reader_and_no_other_back_end(
        server, settings_file, tmp_path):
    settings = settings_file(folder=tmp_path)
    settings_py = tmp_path / "settings.py"        # a .py file, as deployments use
    import yaml
    settings_py.write_text("settings = %r\n" % yaml.safe_load(settings.read_text()))
    result = run_mailtoticket(mail(subject="Lazy"), settings_py,
                              env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert header(result) == "SUCCESS"
    modules = imported(result)
    # (the registry's importlib.import_module of backends.gn6.tickets is not
    # listed by -X importtime; what that module imports is)
    assert "backends.gn6.settings" in modules and "zeep" in modules
    assert not {m for m in modules if m.split(".")[0] == "jirarest"
                or m.startswith("backends.jira")}
    assert not RARE & modules
    assert "gateway.writes.confirmation" not in modules   # GN6 mails the requester itself


def test_a_jira_delivery_loads_no_soap(jira, jira_settings):  # noqa: F811
    result = run_mailtoticket(mail(subject="Lazy on Jira"), jira_settings(),
                              env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert header(result) == "SUCCESS"
    modules = imported(result)
    assert "backends.jira.settings" in modules
    assert not {m for m in modules if m.split(".")[0] in ("soa", "zeep")
                or m.startswith("backends.gn6")}
