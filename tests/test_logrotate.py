"""logrotate.example, run by Debian's logrotate on a temporary log folder:
both logs rotated, the new ones made with the mode mailtoticket gives."""
import grp
import os
import pwd
import stat
import subprocess

from mailbox import require, which
from support import REPO, mail, run_mailtoticket

EXAMPLE = REPO / "logrotate.example"


def config_for(logdir):
    """The example with only the folder and the service user changed."""
    user = pwd.getpwuid(os.geteuid()).pw_name
    group = grp.getgrgid(os.getegid()).gr_name
    text = EXAMPLE.read_text()
    assert text.count("mailtoticket mailtoticket") == 2
    return (text.replace("/var/log/mailtoticket/", str(logdir) + "/")
            .replace("mailtoticket mailtoticket", "%s %s" % (user, group)))


def test_logrotate_rotates_both_logs_and_recreates_them_owner_only(
        server, settings_file, tmp_path):
    require("logrotate")
    logdir = tmp_path / "log"
    logdir.mkdir(mode=0o750)
    settings = settings_file(log_file=str(logdir / "mailtoticket.log"))
    assert run_mailtoticket(mail(subject="Before rotation"), settings).returncode == 0
    (logdir / "fetchmail.log").write_text("2026-12-01 10:00:00 fetchmail: an error\n")
    made = stat.S_IMODE((logdir / "mailtoticket.log").stat().st_mode)
    conf = tmp_path / "logrotate.conf"
    conf.write_text(config_for(logdir))
    state = tmp_path / "logrotate.state"

    dry = subprocess.run([which("logrotate"), "-d", "-s", str(state), str(conf)],
                         capture_output=True, text=True, timeout=60)
    real = subprocess.run([which("logrotate"), "-f", "-s", str(state), str(conf)],
                          capture_output=True, text=True, timeout=60)

    assert dry.returncode == 0 and "error" not in dry.stderr.lower(), dry.stderr
    assert real.returncode == 0, real.stderr
    for name in ("mailtoticket.log", "fetchmail.log"):
        assert (logdir / (name + ".1")).exists(), sorted(os.listdir(logdir))
        assert stat.S_IMODE((logdir / name).stat().st_mode) == made == 0o600
    after = run_mailtoticket(mail(subject="After rotation"), settings)
    assert after.returncode == 0
    assert "After rotation" in (logdir / "mailtoticket.log").read_text()
