"""Two services on the same mailbox, sharing a PostgreSQL journal.

Each "host" is a `mailtoticket.py serve` process with its own service file,
state folder and queue settings (log, quarantine), reading the same folder
of a real dovecot; the journal is one schema in the session's real
PostgreSQL cluster (tests/postgres_server.py), the ticket system the GN6
reference server. Each message is delivered by one of them and filed once;
a message the other holds is left to it (not waited for, not a failure);
when one is killed mid-delivery the other finishes the message, once,
within the lease.
"""
import time

from service_support import (Service, box, mailbox_entry, service_file,  # noqa: F401
                             status, wait_for, word)
from support import codes, mail, new_tickets

KNOWN = "jaume.moral@upc.edu"


def two_services(box, settings_file, postgres, tmp_path, **top):
    """(folder, processed folder, [service file a, service file b]): two
    hosts reading one fresh folder, one PostgreSQL journal."""
    folder, processed = "shared-%s" % word(), "done-%s" % word()
    journal = postgres.journal_settings()
    paths = []
    for name in ("a", "b"):
        settings = settings_file(folder=tmp_path / name, **journal)
        paths.append(service_file(tmp_path / name, [mailbox_entry(
            box, "suport", settings, folder=folder, processed_folder=processed)], **top))
    return folder, processed, paths


def test_two_services_on_one_mailbox_deliver_and_file_each_message_once(
        box, server, settings_file, postgres, tmp_path):
    w, before = word(), codes(server)
    folder, processed, paths = two_services(box, settings_file, postgres, tmp_path,
                                            deliveries_in_flight=2)
    subjects = ["Shared %s %d" % (w, i) for i in range(12)]

    with Service(paths[0]) as a, Service(paths[1]) as b:
        # both made the folders at once, then wait in IDLE on the same folder
        wait_for(lambda: all(status(p).get("suport", {}).get("last_fetch_ok")
                             for p in paths), 30, "both services ready")
        server.set_mode("slow", hang_seconds=0.2)      # deliveries overlap
        box.append_as("suport", folder, *[mail(s, KNOWN) for s in subjects])
        wait_for(lambda: len(box.folder_of("suport", processed)) >= 12, 90,
                 "every message filed")
        server.set_mode("normal")
        wait_for(lambda: all(status(p).get("suport", {}).get("backlog") == 0
                             for p in paths), 30, "both services' passes")
        logs = a.log() + b.log()

    assert sorted(t["assumpte"] for t in new_tickets(server, before)) == sorted(subjects)
    assert sorted(box.folder_of("suport", processed)) == sorted(subjects)   # moved once
    assert box.folder_of("suport", folder) == []                            # none left
    counts = [status(p)["suport"]["deliveries"] for p in paths]
    assert all(c["TEMPORARY"] == c["ERROR"] == c["REJECT"] == 0 for c in counts), counts
    assert all(c["SUCCESS"] > 0 for c in counts), counts                    # both worked
    assert "reconnecting" not in logs
    assert "Traceback" not in logs and "internal error" not in logs


def test_a_service_killed_mid_delivery_leaves_the_message_to_the_other_within_the_lease(
        box, server, settings_file, postgres, tmp_path):
    w, before = word(), codes(server)
    folder, processed, paths = two_services(box, settings_file, postgres, tmp_path)
    subject = "Killed service %s" % w
    box.append_as("suport", folder, mail(subject, KNOWN))
    server.set_mode("hang", after="AltaTiquet", hang_seconds=60)   # a's answer never comes
    try:
        a = Service(paths[0])
        wait_for(lambda: new_tickets(server, before), 30, "a's ticket on the server")
        b = Service(paths[1])
        wait_for(lambda: "left to it" in b.log(), 30, "b finding the message held")
        a.kill()
        killed = time.monotonic()
    finally:
        server.set_mode("normal")
    try:
        wait_for(lambda: box.folder_of("suport", processed) == [subject], 50,
                 "b filing the message")
        took = time.monotonic() - killed
        wait_for(lambda: status(paths[1]).get("suport", {}).get("backlog") == 0, 30,
                 "b's pass")
    finally:
        b.stop()

    assert took < 30, took                                  # the lease is 60 s
    assert [t["assumpte"] for t in new_tickets(server, before)] == [subject]
    assert box.folder_of("suport", folder) == []
    deliveries = status(paths[1])["suport"]["deliveries"]
    assert deliveries["SUCCESS"] == 1 and deliveries["TEMPORARY"] == 0, deliveries
    assert "is being delivered by another gateway" in b.log()
