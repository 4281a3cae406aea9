"""Exactly-once in the service, beyond kill -9 (tests/test_service_daemon.py):
what the peers' users report, each against a real dovecot.

- the same message in two mailboxes (a Cc to both addresses): one ticket;
- a message expunged by another client while it was being delivered: no
  duplicate, no error (Zammad on Office 365);
- the folder restored with a new UIDVALIDITY and the old mail in it again:
  nothing ticketed twice, the inbox emptied;
- every pass does not ticket the same mail again (osTicket), and the inbox
  is really emptied, with one copy in the processed folder.

The journal's message key is what makes this hold, never the UIDs.
"""
import signal


from service_support import (Service, box, mailbox_entry, one_mailbox,  # noqa: F401 (box)
                             run_once, service_file, status, wait_for, word)
from support import codes, mail, new_tickets

KNOWN = "jaume.moral@upc.edu"


def test_the_same_message_in_two_mailboxes_makes_one_ticket(box, server, settings_file,
                                                             tmp_path):
    folder, w = "twice-%s" % word(), word()
    before = codes(server)
    raw = mail("Cc to both %s" % w, KNOWN, to="suport@upc.edu",
               Cc="suport-xarxa@upc.edu")
    box.append_as("suport", folder, raw)
    box.append_as("xarxa", folder, raw)
    settings = settings_file()
    path = service_file(tmp_path, [
        mailbox_entry(box, "suport", settings, folder=folder),
        mailbox_entry(box, "xarxa", settings, user="xarxa", folder=folder)])
    result = run_once(path)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    assert [t["assumpte"] for t in new_tickets(server, before)] == ["Cc to both %s" % w]
    assert box.folder_of("suport", folder) == [] and box.folder_of("xarxa", folder) == []
    done = status(path)
    assert done["suport"]["deliveries"]["SUCCESS"] + done["xarxa"]["deliveries"]["SUCCESS"] == 2


def test_a_message_expunged_by_another_client_during_delivery_is_not_doubled(
        box, server, settings_file, tmp_path):
    w, before = word(), codes(server)
    folder, path = one_mailbox(box, tmp_path, settings_file(), "vanish")
    box.append_as("suport", folder, mail("Vanishing %s" % w, KNOWN))
    server.set_mode("slow", hang_seconds=1.5)
    try:
        with Service(path):
            log = tmp_path / "service.log"
            wait_for(lambda: log.exists() and "Vanishing %s" % w in log.read_text(), 15,
                     "the delivery started")
            other = box.imap_as("suport")           # another client empties the folder
            other.select(folder)
            other.store("1:*", "+FLAGS", r"(\Deleted)")
            other.expunge()
            other.logout()
            wait_for(lambda: status(path)["suport"]["deliveries"]["SUCCESS"] == 1, 15,
                     "the delivery finished")
            server.set_mode("normal")
            box.append_as("suport", folder, mail("Next %s" % w, KNOWN))
            wait_for(lambda: len(new_tickets(server, before)) == 2, 15, "the next ticket")
            assert status(path)["suport"]["last_error"] is None
    finally:
        server.set_mode("normal")
    assert sorted(t["assumpte"] for t in new_tickets(server, before)) == [
        "Next %s" % w, "Vanishing %s" % w]
    assert box.folder_of("suport", folder) == []


def test_a_new_uidvalidity_with_the_old_mail_again_tickets_nothing_twice(
        box, server, settings_file, tmp_path):
    w, before = word(), codes(server)
    folder, path = one_mailbox(box, tmp_path, settings_file(), "restored")
    raws = [mail("Restored %s %d" % (w, i), KNOWN) for i in range(2)]
    box.append_as("suport", folder, *raws)
    assert run_once(path).returncode == 0
    assert len(new_tickets(server, before)) == 2

    # The folder is deleted and restored from a backup: a new UIDVALIDITY,
    # the same mail in it again, and one new message.
    c = box.imap_as("suport")
    typ, data = c.status(folder, "(UIDVALIDITY)")
    c.delete(folder)
    c.logout()
    box.append_as("suport", folder, *raws, mail("Really new %s" % w, KNOWN))
    c = box.imap_as("suport")
    assert c.status(folder, "(UIDVALIDITY)")[1] != data
    c.logout()

    for _ in range(2):                 # and a pass after that finds nothing to do
        result = run_once(path)
        assert result.returncode == 0, result.stderr.decode()[-3000:]
    subjects = sorted(t["assumpte"] for t in new_tickets(server, before))
    assert subjects == ["Really new %s" % w, "Restored %s 0" % w, "Restored %s 1" % w]
    assert box.folder_of("suport", folder) == []
    processed = box.folder_of("suport", "Processed")
    assert processed.count("Really new %s" % w) == 1
    assert "already handled" in (tmp_path / "service.log").read_text()


EXPONENTIAL = r"^(?:a|a)*x(\d+)"   # a deployment's regex gone wrong (tests/test_hostile_mail.py)


def test_a_poison_message_that_freezes_the_service_is_quarantined_at_the_third_start(
        box, server, settings_file, tmp_path):
    """A subject that sends a bad regex exponential freezes the whole
    process (a loop in C holding the interpreter: no thread can interrupt
    it). The dead man's switch ends the process (SIGALRM); after two such
    starts the third quarantines the message without delivering it, and
    the message beside it is ticketed once."""
    folder, w = "poison-%s" % word(), word()
    before = codes(server)
    settings = settings_file(regex_reply=EXPONENTIAL, temps_maxim_execucio=2, timeout_soa=1)
    path = service_file(tmp_path, [mailbox_entry(box, "suport", settings, folder=folder)],
                        deliveries_in_flight=1)
    box.append_as("suport", folder, mail("a" * 200, KNOWN), mail("Healthy %s" % w, KNOWN))

    for _ in range(2):
        frozen = run_once(path, timeout=60)
        assert frozen.returncode == -signal.SIGALRM, frozen.stderr.decode()[-2000:]
        assert "a" * 200 in box.folder_of("suport", folder)

    result = run_once(path)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    assert box.folder_of("suport", folder) == []
    assert box.folder_of("suport", "Quarantine") == ["a" * 200]
    assert [t["assumpte"] for t in new_tickets(server, before)] == ["Healthy %s" % w]
    kept = list((tmp_path / "quarantine").glob("*.json"))
    assert len(kept) == 1 and "stopped 2 times" in kept[0].read_text()
