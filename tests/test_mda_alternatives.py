"""mailtoticket delivered to by the mail server itself, instead of fetchmail.

The shipped examples are run, paths substituted and nothing else changed:

- procmailrc.example, for real, with Debian's procmail (``procmail -m``):
  exit 0 once the ticket is made; exit 75 (EX_TEMPFAIL, the mail server
  retries) while the bus is down, and one ticket at the retry.
- postfix-master.cf.example: its service line is parsed the way Postfix
  reads master.cf, and its argv is run as pipe(8) runs it: no shell, the
  ${...} macros expanded, the flags' headers prepended (R: Return-Path),
  a minimal environment, and the exit code read as pipe(8) reads it.
  Postfix itself is not run here (see docs/deployment.md).
"""

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from support import codes, mail, new_tickets

REPO = Path(__file__).resolve().parents[1]
PROCMAILRC_EXAMPLE = REPO / "procmailrc.example"
MASTER_CF_EXAMPLE = REPO / "postfix-master.cf.example"

EX_TEMPFAIL = 75
KNOWN = "anna.puig@gmail.com"
UNKNOWN = "nobody@example.com"


def token():
    return uuid.uuid4().hex[:10]


def install_paths(settings, var):
    """The examples' install paths and where the test puts them (longest
    first: the venv python and the settings file before the prefix)."""
    return [
        ("/opt/mailtoticket/.venv/bin/python", sys.executable),
        ("/opt/mailtoticket/settings.py", str(settings)),
        ("/opt/mailtoticket", str(REPO)),
        ("/var/lib/mailtoticket", str(var / "lib")),
        ("/var/log/mailtoticket", str(var / "log")),
    ]


def substitute(text, pairs):
    for old, new in pairs:
        text = text.replace(old, new)
    assert "/opt/mailtoticket" not in text and "/var/lib/mailtoticket" not in text
    return text


def log_of(settings):
    p = Path(settings).parent / "mailtoticket.log"
    return p.read_text(errors="replace")[-4000:] if p.exists() else "(no log)"


# ------------------------------------------------------------------ procmail

def procmail_bin():
    from shutil import which
    found = which("procmail")
    if found:
        return found
    why = "procmail is not installed (apt-get install procmail)"
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(why + " -- CI must install it", pytrace=False)
    pytest.skip(why)


@pytest.fixture
def procmail(tmp_path, settings_file):
    """run(raw) -> (exit code, folders): procmailrc.example, paths
    substituted, run as ``procmail -m rcfile`` with the message on stdin."""
    binary = procmail_bin()
    settings = settings_file()
    var = tmp_path / "var"
    (var / "lib" / "Maildir").mkdir(parents=True)
    (var / "log").mkdir(parents=True)
    rc = tmp_path / "procmailrc"
    rc.write_text(substitute(PROCMAILRC_EXAMPLE.read_text(), install_paths(settings, var)))
    rc.chmod(0o644)     # procmail refuses an rcfile others may write

    def run(raw):
        result = subprocess.run([binary, "-m", str(rc)], input=raw, capture_output=True,
                                timeout=300, cwd="/")
        return result.returncode

    def folder(name):
        d = var / "lib" / "Maildir" / name / "new"
        return [p.read_bytes() for p in sorted(d.iterdir())] if d.is_dir() else []

    run.folder = folder
    run.settings = settings
    run.log = lambda: (var / "log" / "procmail.log").read_text(errors="replace") \
        if (var / "log" / "procmail.log").exists() else "(no procmail log)"
    return run


def test_procmail_recipe_success(procmail, server):
    word = token()
    before = codes(server)
    raw = mail("Procmail %s" % word, KNOWN, "Body %s" % word)

    assert procmail(raw) == 0, (procmail.log(), log_of(procmail.settings))

    made = new_tickets(server, before)
    assert [t["assumpte"] for t in made] == ["Procmail %s" % word]
    # the backup copy, as it came; the processed copy, with its header
    assert procmail.folder("backup") == [raw]
    [done] = procmail.folder("processats")
    assert done.startswith(b"X-Mailtoticket: SUCCESS")
    assert procmail.folder("revisar") == []


def test_procmail_recipe_outage_is_a_tempfail_then_one_ticket(procmail, server):
    word = token()
    before = codes(server)
    raw = mail("Procmail outage %s" % word, KNOWN, "Body %s" % word)

    with server.failing("outage"):
        code = procmail(raw)
    assert code == EX_TEMPFAIL, procmail.log()
    assert new_tickets(server, before) == []
    assert procmail.folder("processats") == [] and procmail.folder("revisar") == []
    assert "Program failure (75)" in procmail.log()

    # The mail server retries the same message later: one ticket.
    assert procmail(raw) == 0, (procmail.log(), log_of(procmail.settings))
    made = new_tickets(server, before)
    assert [t["assumpte"] for t in made] == ["Procmail outage %s" % word]
    assert procmail(raw) == 0           # a third delivery: still one
    assert len(new_tickets(server, before)) == 1


def test_procmail_recipe_files_a_reject_for_review(procmail, server):
    word = token()
    before = codes(server)
    assert procmail(mail("Procmail reject %s" % word, UNKNOWN, "Body")) == 0, procmail.log()
    assert new_tickets(server, before) == []
    [kept] = procmail.folder("revisar")
    assert kept.startswith(b"X-Mailtoticket: REJECT")
    assert procmail.folder("processats") == []


# ---------------------------------------------------------- postfix pipe(8)

def master_cf_entries(text):
    """Logical lines of master.cf: comments and blank lines dropped, a line
    starting with white space continues the previous one (master(5))."""
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace():
            assert entries, "continuation line with nothing to continue"
            entries[-1] += " " + line.strip()
        else:
            entries.append(line.strip())
    return entries


def split_args(text):
    """master.cf words; { ... } groups a word with spaces (Postfix >= 3.0)."""
    words, i = [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
        elif text[i] == "{":
            j = text.index("}", i)
            words.append(text[i + 1:j].strip())
            i = j + 1
        else:
            j = i
            while j < len(text) and not text[j].isspace():
                j += 1
            words.append(text[i:j])
            i = j
    return words


def pipe_service(text, name="mailtoticket"):
    services = {}
    for entry in master_cf_entries(text):
        fields = split_args(entry)
        assert len(fields) >= 8, entry
        service, kind, private, unpriv, chroot, wakeup, maxproc, command = fields[:8]
        services[service] = dict(type=kind, private=private, unpriv=unpriv, chroot=chroot,
                                 wakeup=wakeup, maxproc=maxproc, command=command,
                                 args=fields[8:])
    return services[name]


def pipe_attributes(args):
    """pipe(8) attributes: name=value ..., argv= last, taking the rest."""
    attrs = {}
    for i, word in enumerate(args):
        name, sep, value = word.partition("=")
        assert sep, "not an attribute: %r" % word
        if name == "argv":
            attrs["argv"] = ([value] if value else []) + args[i + 1:]
            return attrs
        attrs[name] = value
    raise AssertionError("pipe(8) service without argv=")


PIPE_FLAGS = set("BDFORXhqu.>")


def expand_macros(word, values):
    def repl(m):
        name = m.group(1) or m.group(2)
        assert name in values, "pipe(8) macro not known here: %s" % name
        return values[name]
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", repl, word)


def run_as_pipe(service, raw, sender, recipient, env_home):
    """Deliver `raw` the way pipe(8) does with this service's attributes."""
    attrs = pipe_attributes(service["args"])
    flags = attrs.get("flags", "")
    assert set(flags) <= PIPE_FLAGS, flags
    values = {"sender": sender, "recipient": recipient, "original_recipient": recipient,
              "nexthop": recipient.partition("@")[2], "user": recipient.partition("@")[0],
              "extension": "", "mailbox": recipient.partition("@")[0],
              "domain": recipient.partition("@")[2], "size": str(len(raw)),
              "queue_id": "4ABCDEF0123", "client_address": "127.0.0.1",
              "client_hostname": "localhost", "client_helo": "localhost",
              "client_protocol": "ESMTP", "sasl_method": "", "sasl_username": "",
              "sasl_sender": ""}
    argv = [expand_macros(w, values) for w in attrs["argv"]]
    prefix = b""
    if "F" in flags:
        prefix += b"From %s  Thu Jan  1 00:00:00 2026\n" % (sender or "MAILER-DAEMON").encode()
    if "R" in flags:
        prefix += b"Return-Path: <%s>\n" % sender.encode()
    if "O" in flags:
        prefix += b"X-Original-To: %s\n" % recipient.encode()
    if "D" in flags:
        prefix += b"Delivered-To: %s\n" % recipient.encode()
    body = raw
    if "." in flags:
        body = re.sub(rb"(?m)^\.", b"..", body)
    if ">" in flags:
        body = re.sub(rb"(?m)^From ", b">From ", body)
    # No shell; PATH reset; the user's HOME/LOGNAME/USER/SHELL; LANG/TZ kept
    # (export_environment). The user= switch is not done here (see the doc).
    env = {"PATH": "/usr/bin:/bin", "HOME": str(env_home), "LOGNAME": attrs["user"],
           "USER": attrs["user"], "SHELL": "/bin/sh"}
    for keep in ("TZ", "LANG"):
        if keep in os.environ:
            env[keep] = os.environ[keep]
    result = subprocess.run(argv, input=prefix + body, capture_output=True, timeout=300,
                            env=env, cwd="/")
    return argv, result


def pipe_verdict(code):
    """What pipe(8) makes of an exit code (sysexits; Postfix sys_exits.c)."""
    if code == 0:
        return "delivered"
    if code in (EX_TEMPFAIL, 71):       # EX_TEMPFAIL, EX_OSERR: 4.3.0
        return "deferred"
    return "bounced"


def test_master_cf_example_is_a_pipe_transport():
    service = pipe_service(MASTER_CF_EXAMPLE.read_text())
    assert service["type"] == "unix" and service["command"] == "pipe"
    assert service["unpriv"] == "n" and service["chroot"] == "n"
    attrs = pipe_attributes(service["args"])
    assert "R" in attrs["flags"] and "q" in attrs["flags"]
    assert attrs["user"] and attrs["user"] != "root"
    assert attrs["argv"] == ["/opt/mailtoticket/.venv/bin/python",
                             "/opt/mailtoticket/mailtoticket.py",
                             "-c", "/opt/mailtoticket/settings.py"]


@pytest.fixture
def pipe(tmp_path, settings_file):
    settings = settings_file()
    text = substitute(MASTER_CF_EXAMPLE.read_text(), install_paths(settings, tmp_path))
    service = pipe_service(text)
    home = tmp_path / "home"
    home.mkdir()

    def deliver(raw, sender="anna.puig@gmail.com", recipient="suport@upc.edu"):
        argv, result = run_as_pipe(service, raw, sender, recipient, home)
        assert argv[0] == sys.executable and argv[1] == str(REPO / "mailtoticket.py")
        return result

    deliver.settings = settings
    return deliver


def test_postfix_pipe_delivers(pipe, server):
    word = token()
    before = codes(server)
    result = pipe(mail("Pipe %s" % word, KNOWN, "Body %s" % word))
    assert pipe_verdict(result.returncode) == "delivered", (result.stderr, log_of(pipe.settings))
    assert [t["assumpte"] for t in new_tickets(server, before)] == ["Pipe %s" % word]


def test_postfix_pipe_defers_while_the_bus_is_down(pipe, server):
    word = token()
    before = codes(server)
    raw = mail("Pipe outage %s" % word, KNOWN, "Body %s" % word)
    with server.failing("outage"):
        result = pipe(raw)
    assert result.returncode == EX_TEMPFAIL
    assert pipe_verdict(result.returncode) == "deferred"
    assert new_tickets(server, before) == []

    # Postfix retries the same queue file later: one ticket.
    result = pipe(raw)
    assert pipe_verdict(result.returncode) == "delivered", (result.stderr, log_of(pipe.settings))
    assert [t["assumpte"] for t in new_tickets(server, before)] == ["Pipe outage %s" % word]


def test_postfix_pipe_bounce_return_path_is_skipped(pipe, server):
    """flags=R gives a bounce "Return-Path: <>": automatic mail, no ticket,
    and delivered (exit 0), so Postfix does not bounce a bounce."""
    before = codes(server)
    raw = mail("Undelivered Mail Returned to Sender", "mailer-daemon@upc.edu", "bounce")
    result = pipe(raw, sender="")
    assert result.returncode == 0, (result.stderr, log_of(pipe.settings))
    assert result.stdout.startswith(b"X-Mailtoticket: SKIP")
    assert new_tickets(server, before) == []


# ------------------------------------------------- the mailbox's Sieve rules

DEPLOYMENT_DOC = REPO / "docs" / "deployment.md"


def sieve_rules():
    text = DEPLOYMENT_DOC.read_text()
    marker = text.index("<!-- sieve-rules:")
    start = text.index("```sieve\n", marker) + len("```sieve\n")
    return text[start:text.index("```", start)]


SIEVE_CASES = {
    # message -> folders it is stored in (the inbox: implicit keep)
    "new request": (b"From: jaume.moral@upc.edu\nSubject: Printer\n\nbroken\n",
                    {"backup", "INBOX"}),
    "reply to a GN6 notification": (
        b"From: jaume.moral@upc.edu\nSubject: Re: [Suport 1234] Printer\n"
        b"In-Reply-To: <abcd-ef01-tiquet-id-1234@gn6>\n\nstill broken\n",
        {"backup", "mailtoticket"}),
    "processed by mailtoticket": (
        b"X-Mailtoticket: SUCCESS\nFrom: jaume.moral@upc.edu\nSubject: Re: x\n"
        b"In-Reply-To: <abcd-ef01-tiquet-id-1234@gn6>\n\nx\n",
        {"backup", "processats"}),
    "rejected by mailtoticket": (
        b"X-Mailtoticket: REJECT\nFrom: nobody@example.com\nSubject: Re: x\n"
        b"In-Reply-To: <abcd-ef01-tiquet-id-1234@gn6>\n\nx\n",
        {"backup", "INBOX"}),
}


@pytest.mark.parametrize("case", sorted(SIEVE_CASES))
def test_deployment_sieve_rules(case):
    """The Sieve rules of docs/deployment.md, with Pigeonhole's sieve-test
    (package dovecot-sieve; skipped when it is not installed)."""
    import shutil
    import tempfile
    binary = shutil.which("sieve-test")
    if binary is None:
        why = "sieve-test not installed (apt-get install dovecot-sieve)"
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(why + " -- CI must install it", pytrace=False)
        pytest.skip(why)
    raw, expected = SIEVE_CASES[case]
    work = Path(tempfile.mkdtemp(prefix="mailtoticket-sieve-"))
    try:
        work.chmod(0o755)
        (work / "rules.sieve").write_text(sieve_rules())
        (work / "message.eml").write_bytes(raw)
        for p in work.iterdir():
            p.chmod(0o644)
        if os.getuid() == 0:     # sieve-test refuses to act for root
            shutil.chown(work, "nobody", "nogroup")
            user = ["-o", "mail_uid=nobody", "-o", "mail_gid=nogroup"]
        else:
            user = []
        result = subprocess.run(
            [binary, "-c", "/dev/null", *user, "-o", "mail_location=maildir:%s/mail" % work,
             str(work / "rules.sieve"), str(work / "message.eml")],
            capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
        folders = set(re.findall(r"store message in folder: (\S+)", result.stdout))
        assert folders == expected, result.stdout
    finally:
        shutil.rmtree(work, ignore_errors=True)
