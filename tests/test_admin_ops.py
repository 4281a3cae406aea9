"""What an admin sees on day one: exit codes, log lines, file modes, the
journal and quarantine views, credential failures, long waits."""
import email
import os
import re
import stat
import subprocess
import sys

import pytest
import yaml

from smtp_sink import SmtpSink
from support import REPO, SCRIPT, header, mail, run_mailtoticket

STAMP = re.compile(rb"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def run_with_umask(raw, settings, umask, *args):
    return subprocess.run([sys.executable, str(SCRIPT), "-c", str(settings), *args],
                          input=raw, capture_output=True, timeout=120, cwd=str(REPO),
                          preexec_fn=lambda: os.umask(umask))


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


# -- install and settings -----------------------------------------------------

@pytest.mark.parametrize("level", ["logging.INFO", "20"])
def test_an_integer_log_level_as_upstream_settings_write_it_works(
        server, settings_file, tmp_path, level):
    data = yaml.safe_load(settings_file().read_text())
    data.pop("log_level")
    path = tmp_path / "upstream_settings.py"
    path.write_text("import logging\nsettings = %r\nsettings['log_level'] = %s\n"
                    % (data, level))

    result = run_mailtoticket(mail(subject="Integer level"), path)

    assert header(result) == "SUCCESS", result.stderr
    assert "resolved to jaume.moral" in (tmp_path / "mailtoticket.log").read_text()


def test_a_mistyped_option_exits_75_so_the_mail_server_never_bounces(server, settings_file):
    raw = mail(subject="Typo option")

    result = run_mailtoticket(raw, settings_file(), "--dryrun")

    assert result.returncode == 75
    assert b"unrecognized arguments: --dryrun" in result.stderr
    assert b"Traceback" not in result.stderr and result.stdout == b""


def test_every_stderr_line_has_a_timestamp(server, settings_file):
    result = run_mailtoticket(mail(subject="Stamped"),
                              settings_file(equip_resolutor_nou="typo"), "--dry-run")

    lines = result.stderr.splitlines()
    assert lines and all(STAMP.match(line) for line in lines), result.stderr


def test_settings_warnings_reach_the_log_file(server, settings_file, tmp_path):
    run_mailtoticket(mail(subject="Unknown key"), settings_file(equip_resolutor_nou="X"))

    assert "unknown key 'equip_resolutor_nou'" in (tmp_path / "mailtoticket.log").read_text()


def test_state_files_and_folders_are_owner_only_whatever_the_umask(
        server, settings_file, tmp_path):
    state = tmp_path / "state"
    settings = settings_file(journal=None, quarantine_dir=None, wsdl_cache=None,
                             state_dir=str(state), log_file=str(tmp_path / "logs" / "m.log"))

    ok = run_with_umask(mail(subject="Private state"), settings, 0)
    rejected = run_with_umask(mail(sender="ghost@example.net"), settings, 0)

    assert header(ok) == "SUCCESS" and header(rejected) == "REJECT"
    made = [state, tmp_path / "logs"] + list(state.rglob("*")) \
        + list((tmp_path / "logs").rglob("*"))
    names = {p.name for p in made}
    assert {"mailtoticket.sqlite", "wsdl-cache.sqlite", "quarantine", "m.log"} <= names
    assert len([p for p in (state / "quarantine").iterdir() if p.is_file()]) == 2
    for path in made:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path


def test_state_defaults_outside_the_code_tree(server, settings_file, tmp_path):
    settings = settings_file(journal=None, quarantine_dir=None, wsdl_cache=None)
    home = tmp_path / "home"

    result = run_mailtoticket(mail(subject="Default state"), settings,
                              env={"HOME": str(home), "XDG_STATE_HOME": ""})

    assert header(result) == "SUCCESS", result.stderr
    if not os.path.isdir("/var/lib/mailtoticket"):
        assert (home / ".local/state/mailtoticket/mailtoticket.sqlite").exists()
    assert not (REPO / "mailtoticket.sqlite").exists()


# -- the summary line -----------------------------------------------------------

def test_one_summary_line_per_message_even_at_warning_level(server, settings_file, tmp_path):
    settings = settings_file(log_level="WARNING")
    subject = "Summarised"
    run_mailtoticket(mail(subject=subject, message_id="<sum-1@test.example>"), settings)
    codi = [t for t in server.tickets() if t["assumpte"] == subject][0]["codi"]
    run_mailtoticket(mail(subject="Re: [Suport Unitat %s] %s" % (codi, subject),
                          message_id="<sum-2@test.example>"), settings)
    run_mailtoticket(mail(subject="Dry", message_id="<sum-3@test.example>"), settings,
                     "--dry-run")

    lines = [l for l in (tmp_path / "mailtoticket.log").read_text().splitlines()
             if "summary:" in l]
    assert len(lines) == 3
    assert ("summary: message-id=<sum-1@test.example> from=jaume.moral@upc.edu "
            "outcome=SUCCESS ticket=%s comments=0 attachments=0 elapsed=" % codi) in lines[0]
    assert "message-id=<sum-2@test.example>" in lines[1]
    assert "outcome=SUCCESS ticket=%s comments=1" % codi in lines[1]
    assert "DRY-RUN summary: message-id=<sum-3@test.example>" in lines[2]
    assert "outcome=WOULD-SUCCESS" in lines[2]


def test_every_dry_run_line_in_the_log_is_marked(server, settings_file, tmp_path):
    settings = settings_file()
    run_mailtoticket(mail(subject="Dry marked"), settings, "--dry-run")

    lines = (tmp_path / "mailtoticket.log").read_text().splitlines()
    assert any("SUCCESS" in l for l in lines)
    assert lines and all("] DRY-RUN " in l for l in lines if l[:4].isdigit())


# -- credentials ----------------------------------------------------------------

@pytest.mark.parametrize("wrong", [{"password_soa": "wrong"}, {"password_gn6": "wrong"},
                                   {"domini": "nosuchdomini"}])
def test_refused_credentials_wait_with_75_and_the_admin_is_told_once(
        server, settings_file, tmp_path, wrong):
    with SmtpSink() as sink:
        settings = settings_file(notificar_errors=True, servidor_mail=sink.address,
                                 notificar_errors_to=["admin@upc.edu"], **wrong)
        results = [run_mailtoticket(mail(subject="Creds %d" % i), settings)
                   for i in range(3)]

    assert [r.returncode for r in results] == [75, 75, 75]
    assert all(header(r) is None for r in results)
    assert len(sink.messages) == 1
    notice = email.message_from_bytes(sink.messages[0])
    assert "credentials refused" in notice["Subject"]
    assert not (tmp_path / "quarantine").exists()
    log = (tmp_path / "mailtoticket.log").read_text()
    assert log.count("refused the credentials") >= 3


def test_check_names_the_problem_in_one_line_and_fails(server, settings_file):
    result = run_mailtoticket(b"", settings_file(password_gn6="wrong"), "--check")

    assert result.returncode == 1
    problems = [l for l in result.stdout.splitlines() if l.startswith(b"PROBLEM GN6")]
    assert len(problems) == 1 and b"refused the credentials" in problems[0]
    assert b"OK directory" in result.stdout


def test_check_is_ok_when_all_is_well(server, settings_file):
    result = run_mailtoticket(b"", settings_file(), "--check")

    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == b"OK: 0 problem(s)"


def test_dry_run_proves_the_gn6_credentials(server, settings_file):
    result = run_mailtoticket(mail(subject="Dry creds"), settings_file(domini="nosuchdomini"),
                              "--dry-run")

    assert result.returncode == 75
    assert b"refused the credentials" in result.stderr


# -- long waits -----------------------------------------------------------------

def test_a_message_waiting_too_long_is_reported_once(server, settings_file, tmp_path):
    raw = mail(subject="Waiting long")
    with SmtpSink() as sink:
        settings = settings_file(notificar_errors=True, servidor_mail=sink.address,
                                 notificar_errors_to=["admin@upc.edu"],
                                 avis_ajornament_hores=0.000001)
        with server.failing("outage"):
            codes = [run_mailtoticket(raw, settings).returncode for _ in range(3)]

    assert codes == [75, 75, 75]
    waits = [m for m in sink.messages if b"has waited" in m]
    assert len(waits) == 1
    assert (tmp_path / "mailtoticket.log").read_text().count("has been waiting") == 1


# -- commands -------------------------------------------------------------------

def test_status_by_message_id_and_by_ticket(server, settings_file):
    settings = settings_file()
    run_mailtoticket(mail(subject="Status me", message_id="<status-1@test.example>"), settings)
    codi = [t for t in server.tickets() if t["assumpte"] == "Status me"][0]["codi"]

    by_id = run_mailtoticket(b"", settings, "--status", "<status-1@test.example>")
    by_ticket = run_mailtoticket(b"", settings, "--status", codi)
    unknown = run_mailtoticket(b"", settings, "--status", "<nobody@test.example>")

    assert by_id.returncode == 0 and by_id.stdout == by_ticket.stdout
    text = by_id.stdout.decode()
    assert "outcome:  SUCCESS" in text and "ticket:   %s" % codi in text
    assert "attempts: 1" in text and "filtres.nou.FiltreNou" in text
    assert unknown.returncode == 1 and b"nothing in the journal" in unknown.stdout


def test_status_counts_attempts_of_a_waiting_message(server, settings_file):
    settings = settings_file()
    raw = mail(subject="Attempts", message_id="<attempts@test.example>")
    with server.failing("outage"):
        run_mailtoticket(raw, settings)
        run_mailtoticket(raw, settings)

    text = run_mailtoticket(b"", settings, "--status", "attempts@test.example").stdout.decode()

    assert "not finished" in text and "attempts: 2" in text


def test_quarantine_lists_newest_first_one_line_each(server, settings_file, tmp_path):
    settings = settings_file()
    run_mailtoticket(mail(subject="First ghost", sender="ghost1@example.net"), settings)
    run_mailtoticket(mail(subject="Second ghost", sender="ghost2@example.net"), settings)

    listing = run_mailtoticket(b"", settings, "--quarantine")

    lines = listing.stdout.decode().splitlines()
    assert listing.returncode == 0
    assert "Second ghost" in lines[0] and "ghost2@example.net" in lines[0]
    assert "First ghost" in lines[1] and "REJECT" in lines[1] and "no filter" in lines[1]
    assert lines[2].startswith("2 message(s) in ")


def test_replay_prints_the_ticket_and_fails_while_still_rejected(
        server, settings_file, tmp_path):
    raw = mail(subject="Replay ticket", sender="stranger@example.org")
    settings = settings_file()
    run_mailtoticket(raw, settings)
    [kept] = (tmp_path / "quarantine").glob("*.eml")

    still = run_mailtoticket(b"", settings, "--replay", str(kept))
    learnt = settings_file(mails_addicionals={"stranger@example.org": "anna.puig"})
    fixed = run_mailtoticket(b"", learnt, "--replay", str(kept))

    assert still.returncode == 1 and b"REJECT" in still.stdout
    codi = [t for t in server.tickets() if t["assumpte"] == "Replay ticket"][0]["codi"]
    assert fixed.returncode == 0
    assert ("SUCCESS ticket %s" % codi).encode() in fixed.stdout


def test_help_lists_exit_codes_settings_lookup_and_docs():
    result = run_mailtoticket(b"", None, "--help")

    assert result.returncode == 0
    for text in (b"exit codes:", b"75 try again later", b"MAILTOTICKET_SETTINGS",
                 b"settings_default.py", b"docs/deployment.md", b"--check", b"--status",
                 b"--quarantine"):
        assert text in result.stdout


def test_the_readmes_by_hand_commands_work_on_a_fresh_clone(tmp_path):
    """The README's block, as written, against `scripts/demo.py --serve`
    (its folder moved to tmp_path); each command exits 0."""
    readme = (REPO / "README.md").read_text()
    block = readme.split("## By hand", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    lines = [l.split("  #")[0].strip() for l in block.strip().splitlines()]
    assert lines[0].startswith("bash scripts/demo.sh --serve")
    folder = tmp_path / "demo"
    serve = subprocess.Popen([sys.executable, str(REPO / "scripts" / "demo.py"), "--serve"],
                             cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             env=dict(os.environ, MAILTOTICKET_DEMO_DIR=str(folder)))
    try:
        for line in serve.stdout:
            if line.startswith(b"== ready"):
                break
        script = "\n".join(l.replace("demo-run/", str(folder) + "/")
                           .replace(".venv/bin/python", sys.executable)
                           + ' || { echo "FAILED: $?"; exit 1; }' if l.startswith(".venv") else
                           l.replace("demo-run/", str(folder) + "/") for l in lines[1:])
        run = subprocess.run(["bash", "-c", script], cwd=str(REPO), capture_output=True,
                             timeout=300)
        told = _line_within(serve.stdout, b"== mail to the admin", 30)
    finally:
        serve.terminate()
        serve.wait(timeout=10)

    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout.decode()
    assert "OK: 0 problem(s)" in out
    assert "X-Mailtoticket: SUCCESS" in out
    assert "outcome:  SUCCESS" in out and "ticket:   1000" in out
    assert "X-Mailtoticket: REJECT" in out
    assert re.search(r"visitant@example.net.*REJECT.*no filter applies", out)
    assert "1 message(s) in" in out
    assert re.search(r"quarantine/\S+\.eml: SUCCESS ticket 1001", out), out
    assert b"== mail to the admin: mailtoticket REJECT: no filter applies" in told


def _line_within(stream, start, seconds):
    """The first line of `stream` containing `start`, waiting at most
    `seconds` for it (b"" if it never came)."""
    import threading
    found = []

    def read():
        for line in stream:
            if start in line:
                found.append(line)
                return
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(seconds)
    return found[0] if found else b""
