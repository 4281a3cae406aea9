"""A ticket system added from outside the gateway: tests/folder_backend.py
is registered here (no file of the gateway names it) and the pipeline runs
on it as it does on GN6 and Jira: settings checked, tickets opened, files
streamed onto them, replies as comments, a dry run that tells, --check."""
import json
import subprocess
import sys

import pytest
import yaml

import backends
from folder_backend import FolderTickets
from gateway import settings as settings_module
from gateway.errors import SettingsError
from gateway.logs import RunRecords
from gateway.pipeline import deliver
from gateway.run import Run
from support import REPO, SCRIPT
from test_pipeline import mail


@pytest.fixture
def folder_run(tmp_path):
    backends.register("folder", FolderTickets)

    def make(**overrides):
        data = {"backend": "folder", "folder_tickets": str(tmp_path / "tickets"),
                "mail_suport": ["suport@upc.edu"],
                "mails_addicionals": {"anna@upc.edu": "anna.puig"},
                "state_dir": str(tmp_path / "state"),
                "log_file": str(tmp_path / "mailtoticket.log")}
        data.update(overrides)
        path = tmp_path / "settings.yaml"
        path.write_text(yaml.safe_dump(data))
        return Run(settings_module.load(str(path)), RunRecords())
    yield make
    backends.KINDS.pop("folder", None)


def ticket(tmp_path, codi):
    return json.loads((tmp_path / "tickets" / ("%s.json" % codi)).read_text())


def test_a_registered_back_end_gets_new_tickets_files_and_replies(folder_run, tmp_path):
    run = folder_run(valors_defecte=[{"order": ["Subject"], "match": "(?i).*printer",
                                      "defaults": {"priority": "high"}}])

    new = deliver(run, mail("Printer", files=["a.pdf"]))
    reply = deliver(run, mail("Re: [Tiquet 1] Printer"))

    assert new.header == reply.header == "SUCCESS"
    opened = ticket(tmp_path, 1)
    assert opened["requester"] == "anna.puig" and opened["subject"] == "Printer"
    assert opened["priority"] == "high" and opened["files"] == ["a.pdf"]
    assert (tmp_path / "tickets" / "1" / "a.pdf").read_bytes() == b"data of a.pdf"
    assert "Attachments:" in opened["description"]       # the update, in domain words
    [comment] = opened["comments"]
    assert comment["author"] == "anna.puig" and "Printer" in comment["text"]


def test_its_settings_section_is_checked_and_its_rule_fields_are_its_own(folder_run):
    with pytest.raises(SettingsError, match="'folder_tickets'"):
        folder_run(folder_tickets=None)
    with pytest.raises(SettingsError, match="'urgencia' is not"):
        folder_run(valors_defecte=[{"order": ["Subject"], "match": ".*",
                                    "defaults": {"urgencia": "GRAVETAT_ALTA"}}])


def test_an_unknown_kind_is_a_settings_error_naming_the_known_ones(folder_run):
    with pytest.raises(SettingsError, match="'backend'.*\"folder\".*\"gn6\".*\"jira\""):
        folder_run(backend="zammad")


def test_a_dry_run_on_it_tells_its_writes_and_writes_nothing(folder_run, tmp_path):
    told = []
    run = folder_run()
    (tmp_path / "tickets").mkdir()
    result = deliver(run.clone(dry_run=True, tell=told.append), mail("Dry", files=["b.pdf"]))

    assert result.header == "SUCCESS"
    assert list((tmp_path / "tickets").iterdir()) == []
    writes = [line for line in told if line.startswith("would ")]
    assert writes[0].startswith("would new(key=") and "subject='Dry'" in writes[0]
    assert writes[1].startswith("would file(name='b.pdf', data=<13 bytes>)")


def test_a_settings_file_registers_its_own_back_end_and_check_probes_it(tmp_path):
    (tmp_path / "tickets").mkdir()
    settings = tmp_path / "settings.py"
    settings.write_text(
        "import backends\n"
        "backends.register('folder', 'tests.folder_backend:FolderTickets')\n"
        "settings = %r\n" % {"backend": "folder", "folder_tickets": str(tmp_path / "tickets"),
                             "state_dir": str(tmp_path / "state"), "notificar_errors": False})
    checked = subprocess.run([sys.executable, str(SCRIPT), "-c", str(settings), "--check"],
                             capture_output=True, text=True, timeout=60, cwd=str(REPO))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "OK folder: %s: 0 ticket(s)" % (tmp_path / "tickets") in checked.stdout
