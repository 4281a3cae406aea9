"""The running service (`mailtoticket.py serve`, a subprocess) against a real
dovecot: IDLE delivery within seconds (mail that came during a pass too,
and a server repeating EXISTS still waited on), a dovecot restart it
survives, a silent server that neither blocks it nor stalls the other
mailbox, the admin told once about a mailbox failing too long, SIGTERM and
SIGHUP, and kill -9 between the ticket and the MOVE.

Every wait is on what a user would see (a ticket on the reference server,
a message in a folder, the status file), bounded, never a fixed sleep.
"""
import signal
import socket
import threading
import time


from service_support import (ImapProxy, Service, box, mailbox_entry,  # noqa: F401 (fixtures)
                             one_mailbox, run_once, service_file, sink, status, wait_for,
                             word)
from support import codes, mail, new_tickets

KNOWN = "jaume.moral@upc.edu"


def subjects(server, before):
    return sorted(t["assumpte"] for t in new_tickets(server, before))


class SilentServer:
    """Accepts IMAP connections and never says a word (Znuny's ten-minute
    hang): the service must give up on it after its `timeout`."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


def test_idle_makes_a_ticket_within_seconds_and_survives_a_dovecot_restart(
        box, server, settings_file, tmp_path):
    folder, w = "idle-%s" % word(), word()
    box.append_as("suport", folder, mail("Before start %s" % w, KNOWN))
    before = codes(server)
    path = service_file(tmp_path, [mailbox_entry(box, "suport", settings_file(),
                                                 folder=folder)], poll_interval=600,
                        idle_renew=2)
    with Service(path) as service:
        wait_for(lambda: status(path).get("suport", {}).get("idle"), 20, "IDLE")
        assert subjects(server, before) == ["Before start %s" % w]

        started = time.monotonic()
        box.append_as("suport", folder, mail("While idle %s" % w, KNOWN))
        wait_for(lambda: len(new_tickets(server, before)) == 2, 10, "the IDLE ticket")
        assert time.monotonic() - started < 10          # not the 600 s poll
        wait_for(lambda: box.folder_of("suport", folder) == [], 10, "the inbox emptied")

        # IDLE is ended and started again every idle_renew (servers drop it
        # at 29-30 minutes): each renewal is a pass, seen in the status file.
        last = status(path)["suport"]["last_fetch_ok"]
        wait_for(lambda: status(path)["suport"]["last_fetch_ok"] != last, 10, "a renewal")
        assert status(path)["suport"]["idle"] and len(new_tickets(server, before)) == 2

        box.restart()                                     # the mail server goes away
        wait_for(lambda: status(path)["suport"]["last_error"], 30, "the error noticed")
        box.append_as("suport", folder, mail("After restart %s" % w, KNOWN))
        wait_for(lambda: len(new_tickets(server, before)) == 3, 30, "the ticket after restart")
        wait_for(lambda: status(path)["suport"]["last_error"] is None, 10, "healthy again")
        assert service.proc.poll() is None
    assert subjects(server, before) == sorted(
        ["Before start %s" % w, "While idle %s" % w, "After restart %s" % w])


def test_a_message_arriving_during_a_pass_is_delivered_at_once_not_at_the_next_idle(
        box, server, settings_file, tmp_path):
    # the server tells of new mail with the answer to a command of the pass
    # (the MOVE, the SEARCH), not again in the IDLE after it: dovecot's
    # "still here" two minutes later, or the IDLE's renewal, was the next look
    folder, w = "during-%s" % word(), word()
    before = codes(server)
    path = service_file(tmp_path, [mailbox_entry(box, "suport", settings_file(),
                                                 folder=folder)], poll_interval=600)
    with Service(path) as service:
        wait_for(lambda: status(path).get("suport", {}).get("idle"), 20, "IDLE")
        server.set_mode("slow", hang_seconds=2)
        box.append_as("suport", folder, mail("First %s" % w, KNOWN))
        wait_for(lambda: "creating ticket" in service.log(), 20, "the first delivery")
        box.append_as("suport", folder, mail("During the pass %s" % w, KNOWN))
        wait_for(lambda: box.folder_of("suport", folder) == [], 30, "both delivered")
    assert subjects(server, before) == sorted(["First %s" % w, "During the pass %s" % w])


def test_a_server_repeating_exists_with_every_answer_still_has_the_service_wait_in_idle(
        box, server, settings_file, tmp_path):
    # mail told during a pass is looked for at once (above); a server that
    # tells EXISTS with every answer must not have the service pass over
    # the folder without end instead of waiting
    folder, w, before = "chatty-%s" % word(), word(), codes(server)
    proxy = ImapProxy(box.port, command=b"\0never", chatter=True)
    path = service_file(tmp_path, [mailbox_entry(box, "suport", settings_file(),
                                                 folder=folder, port=proxy.port)],
                        poll_interval=600)
    box.append_as("suport", folder, mail("First %s" % w, KNOWN))

    def idles():
        return b"".join(proxy.sent).count(b" IDLE\r\n")
    try:
        with Service(path):
            wait_for(lambda: box.folder_of("suport", folder) == [], 30, "the first pass")
            wait_for(idles, 10, "the service waiting in IDLE")
            box.append_as("suport", folder, mail("Second %s" % w, KNOWN))
            wait_for(lambda: box.folder_of("suport", folder) == [], 30, "the IDLE's pass")
            wait_for(lambda: idles() >= 2, 10, "the service waiting in IDLE again")
    finally:
        proxy.close()
    assert subjects(server, before) == sorted(["First %s" % w, "Second %s" % w])


def test_a_silent_server_neither_blocks_nor_stalls_the_other_mailbox_and_admin_told_once(
        box, server, settings_file, sink, tmp_path):
    silent = SilentServer()
    folder, w = "silent-%s" % word(), word()
    before = codes(server)
    settings = settings_file(notificar_errors=True, notificar_errors_to=["admin@upc.edu"],
                             servidor_mail=sink.address)
    told = len(sink.messages)
    path = service_file(tmp_path, [
        mailbox_entry(box, "quiet", settings, folder=folder) | {"port": silent.port},
        mailbox_entry(box, "suport", settings_file(), folder=folder)],
        timeout=1, connect_timeout=1, alert_after=1, reconnect_max=1)
    try:
        with Service(path):
            box.append_as("suport", folder, mail("Not stalled %s" % w, KNOWN))
            wait_for(lambda: subjects(server, before) == ["Not stalled %s" % w], 15,
                     "the healthy mailbox's ticket")
            quiet = wait_for(lambda: status(path)["quiet"]["last_error"], 10, "the timeout")
            assert "timed out" in quiet.lower() or "timeout" in quiet.lower(), quiet
            wait_for(lambda: len(sink.messages) > told, 15, "the admin's mail")
            # several more failed attempts (reconnect_max 1 s), still one mail
            seen = len(silent.held)
            wait_for(lambda: len(silent.held) >= seen + 2, 15, "more attempts")
    finally:
        silent.close()
    mails = sink.messages[told:]
    assert len(mails) == 1, mails
    text = mails[0].decode(errors="replace") if isinstance(mails[0], bytes) else str(mails[0])
    assert "mailbox quiet not fetched" in text
    assert status(path)["quiet"]["error_since"] is not None


def test_sigterm_finishes_the_message_at_hand(box, server, settings_file, tmp_path):
    w, before = word(), codes(server)
    folder, path = one_mailbox(box, tmp_path, settings_file(), "term")
    with Service(path) as service:
        wait_for(lambda: status(path).get("suport", {}).get("idle"), 20, "IDLE")
        server.set_mode("slow", hang_seconds=1.5)
        try:
            box.append_as("suport", folder, mail("Slow bus %s" % w, KNOWN))
            log = tmp_path / "service.log"
            wait_for(lambda: log.exists() and "Slow bus %s" % w in log.read_text(), 10,
                     "the delivery started")
            service.signal(signal.SIGTERM)
            assert service.proc.wait(30) == 0
        finally:
            server.set_mode("normal")
    assert subjects(server, before) == ["Slow bus %s" % w]
    assert box.folder_of("suport", folder) == []
    assert box.folder_of("suport", "Processed").count("Slow bus %s" % w) == 1


def test_sighup_reloads_a_good_file_and_refuses_a_broken_one(box, server, settings_file,
                                                            tmp_path):
    folder, w = "hup-%s" % word(), word()
    before = codes(server)
    first = mailbox_entry(box, "suport", settings_file(equip_resolutor_nous="SUPORT_N1"),
                          folder=folder)
    path = service_file(tmp_path, [first])
    with Service(path) as service:
        wait_for(lambda: status(path).get("suport", {}).get("idle"), 20, "IDLE")
        # a good file: the queue now files tickets for another team
        second = dict(first, settings=str(settings_file(equip_resolutor_nous="XARXES")))
        service_file(tmp_path, [second])
        service.signal(signal.SIGHUP)
        log = tmp_path / "service.log"
        wait_for(lambda: "reloaded" in log.read_text(), 10, "the reload")
        wait_for(lambda: status(path).get("suport", {}).get("idle"), 20, "IDLE again")
        box.append_as("suport", folder, mail("After reload %s" % w, KNOWN))
        wait_for(lambda: new_tickets(server, before), 10, "the ticket")
        assert new_tickets(server, before)[0]["equipResolutor"] == "XARXES"

        # a broken file: refused, loudly, and the running one kept
        path.write_text(path.read_text().replace("folder:", "fodler:", 1))
        service.signal(signal.SIGHUP)
        wait_for(lambda: "reload refused" in log.read_text(), 10, "the refusal")
        assert "unknown key 'fodler'" in log.read_text()
        box.append_as("suport", folder, mail("Still running %s" % w, KNOWN))
        wait_for(lambda: len(new_tickets(server, before)) == 2, 10, "the ticket")
        assert service.proc.poll() is None


def test_kill_9_between_the_ticket_and_the_move_makes_one_ticket_one_comment(
        box, server, settings_file, tmp_path):
    """The service dies (kill -9) with its work done but the message not
    yet filed: once with the ticket's answer lost on the way, once with the
    comment journalled and the MOVE sent to a server that never answers.
    Restarted, it finishes: one ticket, one comment, nothing left in the
    inbox, one copy in Processed."""
    w, before = word(), codes(server)
    folder, path = one_mailbox(box, tmp_path, settings_file(), "kill")
    box.append_as("suport", folder, mail("Killed %s" % w, KNOWN))
    server.set_mode("hang", after="AltaTiquet", hang_seconds=60)
    try:
        service = Service(path)
        wait_for(lambda: new_tickets(server, before), 20, "the ticket on the server")
        service.kill()
    finally:
        server.set_mode("normal")
    assert box.folder_of("suport", folder) == ["Killed %s" % w]
    result = run_once(path)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    made = new_tickets(server, before)
    assert [t["assumpte"] for t in made] == ["Killed %s" % w]
    assert box.folder_of("suport", folder) == []
    assert box.folder_of("suport", "Processed").count("Killed %s" % w) == 1

    codi = made[0]["codi"]
    reply = "Re: [Suport %s] Killed %s" % (codi, w)
    box.append_as("suport", folder, mail(reply, KNOWN, "Reply %s" % w,
                                         In_Reply_To="<abcd-tiquet-id-%s@gn6>" % codi))
    proxy = ImapProxy(box.port, action="hold")
    try:
        held = service_file(tmp_path, [mailbox_entry(box, "suport", settings_file(),
                                                     folder=folder, port=proxy.port)])
        service = Service(held)
        assert proxy.reached.wait(20), service.log()
        service.kill()
    finally:
        proxy.close()
    assert len(server.ticket(codi)["comentaris"]) == 1
    assert box.folder_of("suport", folder) == [reply]
    result = run_once(path)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    assert len(server.ticket(codi)["comentaris"]) == 1
    assert len(new_tickets(server, before)) == 1
    assert box.folder_of("suport", folder) == []
    assert box.folder_of("suport", "Processed").count(reply) == 1


def test_connection_lost_after_the_move_was_sent_files_once(box, server, settings_file,
                                                           tmp_path):
    folder, w = "cut-%s" % word(), word()
    before = codes(server)
    proxy = ImapProxy(box.port, action="cut")
    path = service_file(tmp_path, [mailbox_entry(box, "suport", settings_file(),
                                                 folder=folder, port=proxy.port)])
    box.append_as("suport", folder, mail("Cut %s" % w, KNOWN), mail("Next %s" % w, KNOWN))
    try:
        with Service(path):
            assert proxy.reached.wait(20)
            wait_for(lambda: len(new_tickets(server, before)) == 2, 20, "both tickets")
            wait_for(lambda: box.folder_of("suport", folder) == [], 20, "the inbox emptied")
    finally:
        proxy.close()
    assert subjects(server, before) == sorted(["Cut %s" % w, "Next %s" % w])
    processed = box.folder_of("suport", "Processed")
    assert processed.count("Cut %s" % w) == 1 and processed.count("Next %s" % w) == 1


def test_a_slow_large_download_is_not_cut_by_the_read_timeout(box, server, settings_file,
                                                              tmp_path):
    """A 600 KiB message over a link that trickles it for several times the
    service's `timeout` (1 s): the timeout bounds silence, not the whole
    download, so the message arrives whole and becomes a ticket."""
    folder, w = "slow-%s" % word(), word()
    before = codes(server)
    attachment = "".join("line %07d of a long log attached to the mail\n" % i
                         for i in range(13000))
    box.append_as("suport", folder, mail("Slow link %s" % w, KNOWN, attachment))
    proxy = ImapProxy(box.port, command=b"never sent", throttle=(64 * 1024, 0.3))
    try:
        path = service_file(tmp_path, [mailbox_entry(box, "suport", settings_file(),
                                                     folder=folder, port=proxy.port)],
                            timeout=1)
        started = time.monotonic()
        result = run_once(path)
        elapsed = time.monotonic() - started
    finally:
        proxy.close()
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    assert elapsed > 3                                   # several timeouts' worth
    made = new_tickets(server, before)
    assert [t["assumpte"] for t in made] == ["Slow link %s" % w]
    assert "line 0012999" in made[0]["descripcio"] or made[0]["annexos"]


def test_a_server_without_move_nor_idle_is_polled_and_filed_by_copy_and_expunge(
        box, server, settings_file, tmp_path):
    """An IMAP server that offers neither MOVE nor IDLE (the proxy strikes
    them from its capabilities): new mail is found by polling, and filed
    by COPY, \\Deleted and UID EXPUNGE of that message only."""
    folder, w, before = "nomove-%s" % word(), word(), codes(server)
    done = "Done-" + w
    proxy = ImapProxy(box.port, command=b"\0never", hide=(b"MOVE", b"IDLE"))
    path = service_file(tmp_path, [mailbox_entry(box, "suport", settings_file(),
                                                 folder=folder, port=proxy.port,
                                                 processed_folder=done)],
                        poll_interval=1)
    box.append_as("suport", folder, mail("Other client's %s" % w, KNOWN))
    try:
        with Service(path) as service:
            wait_for(lambda: box.folder_of("suport", done), 30, "the first pass")
            box.append_as("suport", folder, mail("Polled %s" % w, KNOWN))
            wait_for(lambda: len(box.folder_of("suport", done)) == 2, 20, "a poll")
            polled = status(path)["suport"]
            assert service.stop() == 0
    finally:
        proxy.close()
    sent = b"".join(proxy.sent)

    assert subjects(server, before) == sorted(["Other client's %s" % w, "Polled %s" % w])
    assert box.folder_of("suport", folder) == []
    assert polled["idle"] is False and polled["last_error"] is None
    assert b" UID COPY " in sent and b" UID EXPUNGE " in sent
    assert b" MOVE " not in sent and b" IDLE" not in sent


def test_systemd_is_told_ready_reloading_and_stopping(box, server, settings_file, tmp_path):
    """Type=notify: the manager hears READY=1 once the mailboxes run,
    RELOADING=1 then READY=1 on SIGHUP, STOPPING=1 on SIGTERM."""
    import os
    folder, path = one_mailbox(box, tmp_path, settings_file(), "notify")
    address = str(tmp_path / "notify.sock")
    heard = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    heard.bind(address)
    heard.settimeout(30)
    try:
        with Service(path, env={"NOTIFY_SOCKET": address}) as service:
            said = [heard.recv(256)]
            service.signal(signal.SIGHUP)
            said += [heard.recv(256), heard.recv(256)]
            service.signal(signal.SIGTERM)
            said.append(heard.recv(256))
            assert service.proc.wait(30) == 0
    finally:
        heard.close()
        os.unlink(address)
    assert said == [b"READY=1", b"RELOADING=1", b"READY=1", b"STOPPING=1"]


def test_a_copy_whose_delete_was_lost_leaves_one_copy_in_the_processed_folder(
        box, server, settings_file, tmp_path):
    """osTicket's "copies pile up in the done folder while the inbox is
    never emptied": without MOVE, the COPY reached the server and the
    connection died before \\Deleted. The next session files the message
    without a second copy, and empties the inbox."""
    folder, w, before = "copy-%s" % word(), word(), codes(server)
    done = "Done-" + w
    proxy = ImapProxy(box.port, command=b" UID STORE ", action="hold", hide=(b"MOVE",))
    path = service_file(tmp_path, [mailbox_entry(box, "suport", settings_file(),
                                                 folder=folder, port=proxy.port,
                                                 processed_folder=done)], timeout=2)
    box.append_as("suport", folder, mail("Copied once %s" % w, KNOWN))
    try:
        with Service(path):
            assert proxy.reached.wait(20)
            wait_for(lambda: box.folder_of("suport", folder) == [], 30, "the inbox emptied")
    finally:
        proxy.close()

    assert subjects(server, before) == ["Copied once %s" % w]
    assert box.folder_of("suport", done) == ["Copied once %s" % w]
