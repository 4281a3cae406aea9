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
        "mailparser_reply", "yaml", "html", "html.entities"}


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


_OLD_TRACE_HEADER = (   # the expression gateway/journal.py's TRACE_HEADER replaced
    rb"(received|x-received|delivered-to|x-original-to|return-path|envelope-to"
    rb"|x-envelope-(from|to)|x-rcpt-to|x-spam-[-\w]*|x-virus-[-\w]*"
    rb"|x-amavis-[-\w]*|x-quarantine-id|authentication-results|arc-[-\w]*"
    rb"|x-mailtoticket|status|x-status|x-uid|x-keywords|x-imapbase|lines"
    rb"|content-length|x-fetchmail-[-\w]*|x-original-arrival-time"
    rb"|x-ms-exchange-[-\w]*|x-forefront-[-\w]*|x-microsoft-antispam[-\w]*"
    rb"|x-greylist)$")


def test_trace_headers_are_told_as_the_old_expression_told_them():
    """Journal keys must not change across versions: a redelivery after an
    upgrade finds its entry."""
    import random
    from gateway.journal import TRACE_HEADER
    old = re.compile(_OLD_TRACE_HEADER, re.IGNORECASE)
    names = [b"Received", b"RECEIVED", b"received\n", b"received\n\n", b"received ",
             b"X-Spam-Status", b"x-spam-", b"x-spam", b"X-Spam-Foo.Bar", b"x-spam-\xc3\xa9",
             b"ARC-Seal", b"arc", b"X-Microsoft-Antispam", b"X-Microsoft-AntispamX_1",
             b"X-MS-Exchange-Organization-SCL", b"Subject", b"From", b"Message-ID",
             b"Content-Length", b"Lines", b"Status", b"X-Status2", b"x-envelope-from",
             b"X-Envelope-", b"Return-Path", b"", b"x-greylist-", b"X-Fetchmail-Warning"]
    pieces = [b"x-", b"spam", b"-", b"arc", b"received", b"_", b"\n", b".", b"K",
              b"ms-exchange", b"virus", b"\xe9", b" ", b"status", b"microsoft-antispam"]
    rng = random.Random(20)
    names += [b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 4)))
              for _ in range(3000)]
    for name in names:
        assert bool(TRACE_HEADER.match(name)) == bool(old.match(name)), name


# Runs mailtoticket.py as fetchmail does, telling on stderr each time the
# garbage collector is turned off or on.
_GC_SPY = """
import gc, runpy, sys
def spy(name, turn):
    def call():
        sys.stderr.write("GC %s\\n" % name)
        turn()
    return call
gc.disable, gc.enable = spy("OFF", gc.disable), spy("ON", gc.enable)
sys.argv = sys.argv[1:]
sys.path.insert(0, sys.argv[0].rpartition("/")[0])
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def test_a_small_message_is_delivered_without_the_collector_a_big_one_with_it(
        server, settings_file, tmp_path):
    import subprocess
    import sys
    from support import REPO, SCRIPT
    from gateway.cli import GC_OFF_UP_TO
    settings = settings_file(folder=tmp_path)
    big = ("x" * 76 + "\n") * (GC_OFF_UP_TO // 77 + 10)
    for body, off in (("A small one.", True), (big, False)):
        run = subprocess.run([sys.executable, "-c", _GC_SPY, str(SCRIPT), "-c",
                              str(settings)], input=mail(subject="GC", body=body),
                             capture_output=True, cwd=str(REPO), timeout=120)
        assert header(run) == "SUCCESS", run.stderr[-2000:]
        said = re.findall(rb"GC (ON|OFF)", run.stderr)
        assert said[0] == b"OFF"              # mailtoticket.py's, for the imports
        assert said[-1] == (b"OFF" if off else b"ON"), said
