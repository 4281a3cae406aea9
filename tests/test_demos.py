"""The demos never delete another demo's state."""
import os
import subprocess
import sys

from support import REPO


def _serve(folder):
    serve = subprocess.Popen([sys.executable, str(REPO / "scripts" / "demo.py"), "--serve"],
                             cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             env=dict(os.environ, MAILTOTICKET_DEMO_DIR=str(folder)))
    for line in serve.stdout:
        if line.startswith(b"== ready"):
            return serve
    raise AssertionError("demo.py --serve did not start")


def test_the_jira_demo_leaves_a_running_serve_demo_its_folder(tmp_path):
    folder = tmp_path / "demo-run"
    serve = _serve(folder)
    try:
        settings = (folder / "settings.yaml").read_text()
        jira = subprocess.run([sys.executable, str(REPO / "scripts" / "demo_jira.py")],
                              cwd=str(REPO), capture_output=True, timeout=120,
                              env=dict(os.environ, MAILTOTICKET_DEMO_DIR=str(folder)))
        again = subprocess.run([sys.executable, str(REPO / "scripts" / "demo.py")],
                               cwd=str(REPO), capture_output=True, timeout=120,
                               env=dict(os.environ, MAILTOTICKET_DEMO_DIR=str(folder)))
        still = (folder / "settings.yaml").read_text()
        check = subprocess.run([sys.executable, str(REPO / "mailtoticket.py"),
                                "-c", str(folder / "settings.yaml"), "--check"],
                               capture_output=True, timeout=60)
    finally:
        serve.terminate()
        serve.wait(timeout=10)

    assert jira.returncode == 0, jira.stdout + jira.stderr
    assert (tmp_path / "demo-run-jira" / "settings-jira.yaml").exists()
    assert still == settings and (folder / "gn6.sqlite").exists()
    assert again.returncode != 0 and b"in use by another running demo" in again.stderr
    assert check.returncode == 0, check.stdout
