"""docs/deployment.md followed literally, then broken the way admins break
things: the admin is told each time.

Every fenced `sh` block of the guide's fetchmail + cron path (sections 1-8)
runs in order, as root, as written,
on a temporary root: the guide's paths (/opt/mailtoticket, /var/lib/...,
/var/log/..., /etc/...) re-rooted in the commands and in the shipped
examples alike; `apt-get` replaced by a check that the packages are there
(scripts/test.sh installs them); `git clone` by a copy of this tree (its
venv included, so `scripts/venv.sh` finds it ready); an `editor` line by
the edit the guide asks for. The service user is really created by the
guide's `adduser` (and deleted after); the bus is the reference GN6
server, the mailbox a private dovecot, the mail server an SMTP sink. The
cron job is the line `crontab -l` shows, run by /bin/sh as that user, as
cron runs it.
"""
import email
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from email import policy
from pathlib import Path

import pytest

import mailbox as mb
from smtp_sink import SmtpSink
from support import REPO, mail

GUIDE = REPO / "docs" / "deployment.md"
USER = "mailtoticket"
PATHS = ("/opt/mailtoticket", "/var/lib/mailtoticket", "/var/log/mailtoticket",
         "/etc/mailtoticket", "/etc/logrotate.d/", "/var/lock/")
KNOWN = "jaume.moral@upc.edu"


def guide_blocks():
    """The sh blocks of the fetchmail + cron path (sections 1 to 8). The
    later sections (the MTA, two hosts, the service under systemd) start
    daemons for good: their own tests cover them (test_mda_alternatives,
    test_shared_journal, test_service_*)."""
    path = GUIDE.read_text().split("\n## 9.", 1)[0]
    return re.findall(r"^```sh\n(.*?)^```", path, re.S | re.M)


def test_the_guides_job_line_is_the_crontab_examples():
    shown = re.search(r"^    (\*/5 .*)$", GUIDE.read_text(), re.M).group(1)
    shipped = [l for l in (REPO / "crontab.example").read_text().splitlines()
               if l.startswith("*/5")][0]
    assert shown.split() == shipped.split()


class Root:
    """The temporary root the guide is followed in."""

    def __init__(self):
        self.top = Path(tempfile.mkdtemp(prefix="mtt-guide-"))
        self.top.chmod(0o755)
        for sub in ("opt", "var/lib", "var/log", "etc/logrotate.d"):
            (self.top / sub).mkdir(parents=True)
        (self.top / "var/lock").mkdir(parents=True)
        (self.top / "var/lock").chmod(0o1777)   # as /run/lock
        self.pattern = re.compile("|".join(re.escape(p) for p in PATHS))

    def __call__(self, text):
        """`text` with the guide's paths re-rooted here."""
        return self.pattern.sub(lambda m: str(self.top) + m.group(0), text)

    def path(self, guide_path):
        return Path(self(guide_path))

    def snapshot(self):
        """This tree as `git clone` would give it, the examples re-rooted."""
        source = self.top / "src"
        shutil.copytree(REPO, source, symlinks=True, ignore=shutil.ignore_patterns(
            ".git", "demo-run*", ".pytest_cache", "bench"))
        for name in ("fetchmailrc.example", "crontab.example", "logrotate.example"):
            example = source / name
            example.write_text(self(example.read_text()))
        return source


def run_as_root(script, root):
    return subprocess.run(["bash", "-c", script], cwd=str(root.top), capture_output=True,
                          text=True, timeout=600,
                          env={"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                                       "/sbin:/bin", "HOME": "/root", "LANG": "C.UTF-8"})


def admin_edits(path, box):
    """What the guide's `editor` lines ask the admin to change."""
    text = path.read_text()
    if path.name == "fetchmailrc":   # host, mailbox user, password (and no TLS on loopback)
        lines = []
        for line in text.splitlines():
            code = line.split("#", 1)[0].strip()
            if code == "sslcertck":
                continue
            if code == "ssl":
                line = "    sslproto ''"
            lines.append(line)
        text = "\n".join(lines) + "\n"
        for old, new in (("poll imap.unitat.example.edu", "poll %s" % box.host),
                         ("service 993", "service %d" % box.port),
                         ('username "suport.unitat"', 'username "%s"' % box.user),
                         ('password "CHANGE-ME"', 'password "%s"' % box.password)):
            assert text.count(old) == 1, old
            text = text.replace(old, new)
    path.write_text(text)


def settings_for_test(block, server, sink):
    """The guide's settings example pointed at the reference server and the sink."""
    for old, new in (
            ("https://bus-soa.example.edu/gN6/GestioTiquetsv6?wsdl", server.gn6_wsdl_url),
            ("https://bus-soa.example.edu/GestioIdentitat/Personesv6?wsdl",
             server.identitat_wsdl_url),
            ('"username_soa": "usu.soa"', '"username_soa": "mailtoticket"'),
            ('"password_soa": "secret"', '"password_soa": "soa-secret"'),
            ('"username_gn6": "usugn6"', '"username_gn6": "gn6user"'),
            ('"password_gn6": "trustno1"', '"password_gn6": "gn6-secret"'),
            ('"domini": "1234"', '"domini": "suport"'),
            ('"equip_resolutor_nous": "98765"', '"equip_resolutor_nous": "SUPORT_N1"'),
            ('"suport.unitat@unitat.example.edu"', '"suport@upc.edu"'),
            ('"servidor_mail": "smtp.unitat.example.edu"', '"servidor_mail": "%s"'
             % sink.address)):
        assert block.count(old) == 1, old
        block = block.replace(old, new)
    return block


def follow_the_guide(root, source, server, sink, box):
    """Every sh block, in order; the output of each."""
    outputs = []
    for block in guide_blocks():
        block = root(block)
        if "cat > settings.py" in block:
            block = settings_for_test(block, server, sink)
        if "fetchmail -v" in block:   # "with a test message in the folder"
            box.append(mail("Guide first poll", KNOWN, "Sent before the verbose poll"))
        script = []
        for line in block.splitlines() + ["editor-end"]:
            if line.startswith("apt-get update"):
                continue
            if line.startswith("apt-get install -y "):
                line = "dpkg -s %s >/dev/null || echo 'MISSING PACKAGES'" % line[19:]
            line = line.replace("git clone <repository URL>", "cp -a %s" % source)
            if line.startswith("editor"):
                done = run_as_root("\n".join(script), root)
                outputs.append(done.stdout + done.stderr)
                script = []
                if line != "editor-end":
                    admin_edits(Path(line.split()[1]), box)
                continue
            script.append(line)
    return outputs


class Deployment:
    def __init__(self, root, server, sink, box, job):
        self.root, self.server, self.sink, self.box, self.job = root, server, sink, box, job
        self.settings = root.path("/opt/mailtoticket/settings.py")
        self.log = root.path("/var/log/mailtoticket/mailtoticket.log")
        self.state = root.path("/var/lib/mailtoticket")
        self.seen = 0

    def poll(self):
        """The cron job, as cron runs it: /bin/sh, the user's HOME, \\% unescaped."""
        home = pwd.getpwnam(USER).pw_dir
        command = self.job.split(None, 5)[5].replace("\\%", "%")
        return subprocess.run(
            ["runuser", "-u", USER, "--", "env", "-i", "HOME=" + home, "SHELL=/bin/sh",
             "LOGNAME=" + USER, "PATH=/usr/local/bin:/usr/bin:/bin", "/bin/sh", "-c", command],
            cwd=home, capture_output=True, timeout=300)

    def edit(self, old, new):
        text = self.settings.read_text()
        assert text.count(old) == 1, old
        self.settings.write_text(text.replace(old, new))

    def told(self, subject_part):
        """The admin's mails since the last call whose subject has `subject_part`."""
        new = [email.message_from_bytes(raw, policy=policy.default)
               for raw in self.sink.messages[self.seen:]]
        self.seen = len(self.sink.messages)
        return [m for m in new if subject_part in m["Subject"]]

    def waiting(self):
        return len(self.box.messages())


def body(notice):
    return notice.get_body(("plain",)).get_content()


@pytest.fixture
def service_user():
    mb.require("adduser", "runuser", "crontab", "flock", "logrotate", "fetchmail")
    if os.geteuid() != 0:
        mb.unavailable("following the guide needs root (adduser, runuser, crontab -u)")
    try:
        pwd.getpwnam(USER)
    except KeyError:
        pass
    else:
        pytest.skip("a %r user exists on this machine: not touched" % USER)
    yield USER
    subprocess.run(["crontab", "-u", USER, "-r"], capture_output=True)
    try:
        uid = pwd.getpwnam(USER).pw_uid
    except KeyError:
        return
    subprocess.run(["userdel", USER], capture_output=True)
    subprocess.run(["groupdel", USER], capture_output=True)
    for stamp in Path(tempfile.gettempdir()).glob("mailtoticket-%d-*" % uid):
        stamp.unlink()


def test_the_guide_followed_literally_leaves_an_admin_who_is_told_of_each_breakage(
        server, service_user):
    root = Root()
    try:
        source = root.snapshot()
        with mb.Mailbox() as box, SmtpSink() as sink:
            before = len(server.tickets())
            outputs = follow_the_guide(root, source, server, sink, box)
            out = "\n".join(outputs)

            # -- the guide, as written, works
            assert "MISSING PACKAGES" not in out, out
            assert out.count("OK: 0 problem(s)") == 2, out       # section 3 and 5's --check
            assert "OK admin mail: suport-admins@unitat.example.edu through %s" \
                % sink.address in out
            assert "OK mailbox 127.0.0.1: login of 'suport'" in out
            assert "exit 0" in out                              # the by-hand ticket, the poll
            subjects = [t["assumpte"] for t in server.tickets()[before:]]
            assert "La impressora de la sala d'actes no funciona" in subjects
            assert "Guide first poll" in subjects
            jobs = [l for l in out.splitlines() if l.startswith("*/5")]
            assert len(jobs) == 1, out
            # cron may run here: the test runs the job itself, once at a time
            subprocess.run(["crontab", "-u", USER, "-r"], check=True)
            rotation = outputs[-1]                           # logrotate -d
            assert "rotating pattern" in rotation and "error" not in rotation.lower(), rotation
            site = Deployment(root, server, sink, box, jobs[0])
            site.told("")
            assert site.poll().returncode == 0 and site.waiting() == 0

            # -- a mail from a sender nobody knows: REJECT, kept, told
            box.append(mail("Stranger", "visitor@example.net", "Who am I?"))
            site.poll()
            assert site.waiting() == 0
            assert site.told("REJECT")
            assert len(list((site.state / "quarantine").glob("*.eml"))) == 1

            # -- the bus password changed: mail waits, told once
            site.edit('"password_soa": "soa-secret"', '"password_soa": "old-one"')
            box.append(mail("During the password change", KNOWN, "Waits"))
            site.poll()
            site.poll()
            assert site.waiting() == 1
            assert len(site.told("credentials refused")) == 1
            assert "refused the credentials" in site.log.read_text()
            site.edit('"password_soa": "old-one"', '"password_soa": "soa-secret"')
            site.poll()
            assert site.waiting() == 0

            # -- the mailbox password changed: the mail stays on the server and
            # fetchmail's own complaint reaches its log, dated
            rc = root.path("/opt/mailtoticket/fetchmailrc")
            good_rc = rc.read_text()
            rc.write_text(good_rc.replace('password "%s"' % box.password, 'password "changed"'))
            box.append(mail("During the mailbox password change", KNOWN, "Waits"))
            site.poll()
            assert site.waiting() == 1
            fetchmail_log = root.path("/var/log/mailtoticket/fetchmail.log")
            assert re.search(r"(?im)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d .*(authoriz|login|auth)",
                             fetchmail_log.read_text()), fetchmail_log.read_text()
            rc.write_text(good_rc)
            site.poll()
            assert site.waiting() == 0

            # -- permanent misconfigurations: the key named, told at the first
            breakages = [
                ('"equip_resolutor_nous": "SUPORT_N1"', '"equip_resolutor_nou": "SUPORT_N1"',
                 "equip_resolutor_nous"),
                ('"url_gn6": "%s"' % server.gn6_wsdl_url,
                 '"url_gn6": "%s/gN6/NoSuchService?wsdl"' % server.url.rstrip("/"), "url_gn6"),
                ('"domini": "suport",', '"domini": "suport",\n    "filtres": '
                 '["filtres.reply.FiltreReply", "filtres.nou.FiltreNoou"],', "filtres"),
                ('"mail_suport": ["suport@upc.edu"],',            # a list become one string
                 '"mail_suport": "suport@upc.edu, helpdesk@upc.edu",', "mail_suport"),
            ]
            for broken, wrong, key in breakages:
                site.edit(broken, wrong)
                box.append(mail("While %s is wrong" % key, KNOWN, "Waits"))
                site.poll()
                assert site.waiting() == 1, key
                [notice] = site.told("configuration failure")
                assert "'%s'" % key in body(notice)
                assert "configuration failure: settings key '%s'" % key in site.log.read_text()
                site.edit(wrong, broken)
                site.poll()
                assert site.waiting() == 0, key

            # -- mailtoticket run by hand as root refuses the service user's state
            by_hand = run_as_root("cd %s && .venv/bin/python mailtoticket.py -c settings.py "
                                  "--check" % root.path("/opt/mailtoticket"), root)
            assert "PROBLEM state folder: mailtoticket runs as root, but the state folder " \
                "%s belongs to %s: run it as that user" % (site.state, USER) in by_hand.stdout
            assert sorted(p.owner() for p in site.state.iterdir()) == \
                [USER] * len(list(site.state.iterdir()))
            # -- the journal restored from a backup as root: the fix is named
            journal = site.state / "mailtoticket.sqlite"
            run_as_root("cp %s %s.bak && rm -r %s* && cp %s.bak %s"
                        % (journal, root.top / "journal", journal, root.top / "journal",
                           journal), root)
            assert journal.owner() == "root"
            box.append(mail("After root's run", KNOWN, "Waits"))
            site.poll()
            assert site.waiting() == 1
            [notice] = site.told("configuration failure")
            fix = "chown -R %s: %s" % (USER, site.state)
            assert fix in body(notice) and fix in site.log.read_text()
            run_as_root(fix, root)
            site.poll()
            assert site.waiting() == 0

            # -- the bus down for too long: reported once
            site.edit('"no_escriure_sortida": True,',
                      '"no_escriure_sortida": True,\n    "avis_ajornament_hores": 0.00002,')
            with server.failing("outage"):
                box.append(mail("Long outage", KNOWN, "Waits"))
                site.poll()
                site.poll()
                assert site.waiting() == 1
                assert len(site.told("has waited")) == 1
            site.poll()
            assert site.waiting() == 0

            # -- nothing lost, nothing doubled
            made = [t["assumpte"] for t in server.tickets()[before:]]
            for subject in ("During the password change", "During the mailbox password change",
                            "While equip_resolutor_nous is wrong",
                            "While url_gn6 is wrong", "While filtres is wrong",
                            "While mail_suport is wrong",
                            "After root's run", "Long outage"):
                assert made.count(subject) == 1, (subject, made)
            assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", l)
                       for l in fetchmail_log.read_text().splitlines()), \
                fetchmail_log.read_text()
    finally:
        shutil.rmtree(root.top, ignore_errors=True)
