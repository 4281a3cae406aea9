"""Crafted mail: nothing blocks the queue, nothing eats the machine.

Each message here once made every delivery run into the deadline (exit 75,
offered again at every poll for ever) or took gigabytes. Now each is
answered at its first delivery, and the ticket says what was left out."""
import email
import json

import pytest

from hostile import run_measured
from smtp_sink import SmtpSink
from support import header, mail, run_mailtoticket

UPSTREAM_REGEX_REPLY = r".*?R[eEvV]:.*?\[Suport Unitat ([\d]+)\]"


def ticket_with_subject(server, subject):
    found = [t for t in server.tickets() if t["assumpte"] == subject]
    assert len(found) == 1, found
    return found[0]


def multipart(subject, parts, head=b""):
    return (b"From: jaume.moral@upc.edu\nTo: suport@upc.edu\nSubject: " + subject.encode()
            + b"\nMessage-ID: <" + subject.replace(" ", ".").encode() + b"@test.example>\n"
            + head + b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=zz\n\n"
            + b"--zz\nContent-Type: text/plain\n\nSee the files.\n" + parts + b"--zz--\n")


@pytest.mark.parametrize("regex_reply", [None, UPSTREAM_REGEX_REPLY])
def test_a_huge_subject_is_ticketed_at_its_first_delivery(server, settings_file, regex_reply):
    subject = "Re: " * 3300 + "[Suport Unitat 12] stuck"     # 13 KB
    overrides = {"regex_reply": regex_reply} if regex_reply else {}

    result = run_mailtoticket(mail(subject=subject), settings_file(**overrides), timeout=60)

    assert result.returncode == 0
    assert header(result) == "SUCCESS"


def test_a_header_folded_over_many_lines_is_cut_and_the_ticket_says_so(server, settings_file):
    subject = "Folded header"
    raw = mail(subject=subject).replace(
        b"\nMessage-ID:", b"\nX-Junk: a\n" + b" b\n" * 300000 + b"Message-ID:", 1)

    result = run_mailtoticket(raw, settings_file(), timeout=60)

    assert header(result) == "SUCCESS"
    description = ticket_with_subject(server, subject)["descripcio"]
    assert "left part of this message out" in description
    assert "X-Junk header field" in description


def test_a_content_type_with_a_huge_number_of_parameters_is_read(server, settings_file):
    subject = "Many parameters"
    raw = multipart(subject, b"--zz\nContent-Type: text/plain; name=a.txt\n\nfile\n").replace(
        b"boundary=zz", b"boundary=zz" + b"; a=b" * 300000, 1)

    result = run_mailtoticket(raw, settings_file(), timeout=60)

    assert header(result) == "SUCCESS"
    assert "Content-Type header field" in ticket_with_subject(server, subject)["descripcio"]


def test_thousands_of_attachments_upload_a_bounded_number_and_the_ticket_says_so(
        server, settings_file, tmp_path):
    from mail.limits import MAX_LEAVES
    subject = "Ten thousand files"
    parts = b"".join(b"--zz\nContent-Type: application/octet-stream; name=f%d.bin\n"
                     b"Content-Transfer-Encoding: base64\n\nAAAA\n" % i for i in range(10000))

    result = run_mailtoticket(multipart(subject, parts), settings_file(), timeout=120)

    assert header(result) == "SUCCESS"
    ticket = ticket_with_subject(server, subject)
    assert len(ticket["annexos"]) == MAX_LEAVES - 1   # the first leaf is the text
    assert "MIME parts after the first %d" % MAX_LEAVES in ticket["descripcio"]
    # One journal row per step, never the whole entry rewritten at each one.
    import sqlite3
    db = sqlite3.connect(str(tmp_path / "journal.sqlite"))
    assert db.execute("SELECT state FROM entries").fetchall() == [("{}",)]
    assert db.execute("SELECT COUNT(*) FROM steps WHERE name LIKE 'annex:%'"
                      " AND name NOT LIKE '%:sent'").fetchone()[0] == MAX_LEAVES - 1


def test_deep_nesting_is_followed_to_a_bounded_depth(server, settings_file):
    from mail.limits import MAX_DEPTH
    subject = "Deeply nested"
    inner = b"Content-Type: text/plain\n\ndeep text\n"
    for level in range(MAX_DEPTH + 20):
        inner = (b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (level, level)
                 + inner + b"--b%d--\n" % level)
    raw = (b"From: jaume.moral@upc.edu\nTo: suport@upc.edu\nSubject: Deeply nested\n"
           b"MIME-Version: 1.0\n" + inner)

    result = run_mailtoticket(raw, settings_file(), timeout=60)

    assert header(result) == "SUCCESS"
    assert "nested deeper than %d" % MAX_DEPTH in ticket_with_subject(server, subject)["descripcio"]


def test_a_message_over_the_size_limit_is_rejected_kept_and_the_admin_told(
        server, settings_file, tmp_path):
    before = len(server.tickets())
    raw = mail(subject="Too big", body="x" * (1536 * 1024))
    with SmtpSink() as sink:
        settings = settings_file(mida_maxima_missatge_mb=1, notificar_errors=True,
                                 notificar_errors_to=["admin@upc.edu"],
                                 servidor_mail=sink.address)
        result = run_mailtoticket(raw, settings)

    assert result.returncode == 0
    assert header(result) == "REJECT"
    assert len(server.tickets()) == before
    kept = list((tmp_path / "quarantine").glob("*.eml"))
    assert len(kept) == 1 and kept[0].read_bytes() == raw
    reason = json.loads(kept[0].with_suffix(".json").read_text())["reason"]
    assert "mida_maxima_missatge_mb" in reason
    assert len(sink.messages) == 1
    assert "mida_maxima_missatge_mb" in email.message_from_bytes(sink.messages[0])["Subject"]


def test_a_long_description_is_capped_and_the_whole_of_it_attached(server, settings_file):
    subject = "Long description"
    body = "".join("line %06d of a very long log pasted into the mail\n" % i
                   for i in range(5000))

    result = run_mailtoticket(mail(subject=subject, body=body),
                              settings_file(mida_maxima_descripcio_kb=32))

    assert header(result) == "SUCCESS"
    ticket = ticket_with_subject(server, subject)
    assert len(ticket["descripcio"]) < 40 * 1024
    assert "descripcio-completa.html" in ticket["descripcio"]
    whole = [a for a in ticket["annexos"] if a["nomFitxer"] == "descripcio-completa.html"]
    assert len(whole) == 1
    assert b"line 004999 of a very long log" in server.annex_bytes(whole[0]["codiAnnex"])


def test_a_big_text_body_costs_a_small_multiple_of_its_size(server, settings_file, tmp_path):
    size_mib = 20
    body = ("a line of text in a big mail body, " * 2 + "\n") * (size_mib * 1024 * 1024 // 71)

    result, peak_mib = run_measured(mail(subject="Big body", body=body),
                                    settings_file(), tmp_path, timeout=120)

    assert header(result) == "SUCCESS"
    assert peak_mib < 80 + 12 * size_mib, peak_mib


EXPONENTIAL = r"^(?:a|a)*x(\d+)"   # a deployment's regex gone wrong


def test_a_message_that_hits_the_deadline_twice_is_quarantined_once_told(
        server, settings_file, tmp_path):
    raw = mail(subject="a" * 200)
    with SmtpSink() as sink:
        settings = settings_file(regex_reply=EXPONENTIAL, temps_maxim_execucio=2,
                                 timeout_soa=1, notificar_errors=True,
                                 notificar_errors_to=["admin@upc.edu"],
                                 servidor_mail=sink.address)
        first = run_mailtoticket(raw, settings, timeout=60)
        second = run_mailtoticket(raw, settings, timeout=60)

    assert first.returncode == 75 and header(first) is None
    assert second.returncode == 0 and header(second) == "ERROR"
    kept = list((tmp_path / "quarantine").glob("*.eml"))
    assert len(kept) == 1
    assert "deadline 2 times while not waiting on the bus" in \
        json.loads(kept[0].with_suffix(".json").read_text())["reason"]
    assert len(sink.messages) == 1


def test_a_slow_bus_never_quarantines(server, settings_file, tmp_path):
    settings = settings_file(temps_maxim_execucio=2, timeout_soa=1)
    raw = mail(subject="Slow bus")
    with server.failing("slow", hang_seconds=0.9):
        results = [run_mailtoticket(raw, settings, timeout=60) for _ in range(3)]

    assert results[0].returncode == 75   # out of time, waiting on the bus
    assert all(header(r) in (None, "SUCCESS") for r in results)
    assert not list((tmp_path / "quarantine").glob("*.eml"))
    assert "deadline hit" not in (tmp_path / "mailtoticket.log").read_text()
