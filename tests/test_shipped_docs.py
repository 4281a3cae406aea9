"""What --help, settings_sample.py and the docs point to ships with the
project: no reference to a folder that only exists beside a developer's
clone, and the settings reference names every key."""
import re
import subprocess
import sys

from support import REPO, run_mailtoticket

SHIPPED = ["mailtoticket.py", "settings_sample.py", "README.md", "crontab.example",
           "fetchmailrc.example", "logrotate.example"]


def tracked():
    files = subprocess.run(["git", "ls-files"], cwd=str(REPO), capture_output=True,
                           text=True).stdout.split()
    return [f for f in files if not f.startswith("tests/")
            and f.endswith((".py", ".md", ".example", ".sh", ".yaml"))] or SHIPPED


def test_no_shipped_file_points_outside_the_project():
    offending = [f for f in tracked() if "../shared" in (REPO / f).read_text(errors="replace")]
    assert offending == []


def test_every_document_help_and_the_docs_name_exists():
    shown = run_mailtoticket(b"", None, "--help").stdout.decode()
    named = set(re.findall(r"\b(docs/[\w.-]+\.md)", shown))
    for path in [REPO / "README.md", REPO / "settings_sample.py",
                 *sorted((REPO / "docs").glob("*.md"))]:
        named |= set(re.findall(r"\b(docs/[\w.-]+\.md)", path.read_text()))
    assert {"docs/settings-reference.md", "docs/gn6-contract.md"} <= named
    assert [n for n in sorted(named) if not (REPO / n).exists()] == []


def test_the_settings_reference_names_every_key():
    sys.path.insert(0, str(REPO))
    import settings_sample
    reference = (REPO / "docs" / "settings-reference.md").read_text()
    missing = [k for k in settings_sample.settings if "`%s`" % k not in reference]
    assert missing == []


def test_the_readme_has_no_stale_jira_line():
    assert "not yet wired" not in (REPO / "README.md").read_text()
