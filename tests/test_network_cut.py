"""A service whose network is cut mid-delivery: the other carries on
within the lease (issue 23, docs/journal.md "the lease").

Two "hosts": service A runs in a network namespace of its own, joined to
this one by a veth pair on a private /30, and reaches dovecot, PostgreSQL
and the GN6 reference server through it; service B runs here and reaches
them at the same address (a local one here, which the cut leaves alone),
with the same settings. The servers are this module's own, listening on
loopback and on the veth's address. A opens the ticket of a message and never hears the
answer (the server holds it); then A's link goes down: no packet, no RST,
nothing tells the servers, as when a cable or a switch fails. The
message's lock lives in A's database session, which only the server's TCP
keepalives can end: B must leave the message to A until then, deliver
the mail that keeps arriving meanwhile, then finish A's message within
the lease (LEASE_SECONDS) by finding A's ticket on the server, never
making a second. A's link comes back: A reconnects and carries on.
"""
import os
import re
import shutil
import subprocess
import time

import pytest
import yaml

from conftest import base_settings
from gateway.journals.postgres import LEASE_SECONDS
from refservers.gn6.control import ReferenceServer
from service_support import (Service, ServiceMailbox, make_ca, mailbox_entry, mb, service_file,
                             serving, status, wait_for, word)
from support import codes, mail, new_tickets

KNOWN = "jaume.moral@upc.edu"


class OtherHost:
    """A network namespace joined to this one by a veth pair: `address`
    is this side's end (where the servers listen for it), `guest` its
    own. cut() takes its end of the link down (the servers' packets to it
    vanish; nothing is answered), restore() brings it back. Names and
    the /30 come from the pid, so parallel runs do not meet."""

    def __init__(self):
        pid = os.getpid()
        self.name = "mtt-cut-%d" % pid
        self.outer, self.inner = "mtt%da" % pid, "mtt%db" % pid
        at = pid % 16384
        base, first = "10.234.%d." % (at // 64), at % 64 * 4
        self.network = "%s%d/30" % (base, first)
        self.address, self.guest = base + str(first + 1), base + str(first + 2)
        self.prefix = ("ip", "netns", "exec", self.name)

    @staticmethod
    def ip(*args):
        done = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=30)
        if done.returncode:
            raise OSError("ip %s: %s" % (" ".join(args), done.stderr.strip()))

    def make(self):
        self.remove_stale()
        self.ip("netns", "add", self.name)
        self.ip("link", "add", self.outer, "type", "veth", "peer", "name", self.inner)
        self.ip("link", "set", self.inner, "netns", self.name)
        self.ip("addr", "add", self.address + "/30", "dev", self.outer)
        self.ip("link", "set", self.outer, "up")
        self.ip("-n", self.name, "addr", "add", self.guest + "/30", "dev", self.inner)
        self.ip("-n", self.name, "link", "set", "lo", "up")
        self.restore()

    def cut(self):
        self.ip("-n", self.name, "link", "set", self.inner, "down")

    def restore(self):
        self.ip("-n", self.name, "link", "set", self.inner, "up")

    @classmethod
    def remove_stale(cls):
        """The namespaces of runs that died without cleaning up (their
        veth ends go with them)."""
        listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True,
                                timeout=30).stdout
        for pid in re.findall(r"^mtt-cut-(\d+)\b", listed, re.MULTILINE):
            if not os.path.exists("/proc/%s" % pid):
                cls.ip("netns", "del", "mtt-cut-%s" % pid)

    def remove(self):
        for args in (("link", "del", self.outer), ("netns", "del", self.name)):
            try:
                self.ip(*args)
            except OSError:
                pass            # not made, or gone with the other


@pytest.fixture(scope="module")
def host():
    if os.geteuid() != 0 or shutil.which("ip") is None:
        pytest.skip("a network namespace needs root and iproute2's `ip`")
    other = OtherHost()
    try:
        other.make()
    except OSError as e:
        other.remove()
        pytest.skip("no network namespace can be made here: %s" % e)
    try:
        yield other
    finally:
        other.remove()


class ReachableMailbox(ServiceMailbox):
    """The service's dovecot, listening on the veth's address too, over
    TLS there (the service sends a password in clear only on loopback):
    implicit TLS on tls_port, its certificate naming that address."""

    def __init__(self, also):
        super().__init__()
        self.also = also
        self.tls_port = mb.free_port()
        self.ca_file = make_ca(self.tmp, names=("127.0.0.1", also))

    def config_text(self):
        return super().config_text().replace(
            "listen = 127.0.0.1", "listen = 127.0.0.1, %s" % self.also).replace(
            "address = 127.0.0.1", "address = 127.0.0.1, %s" % self.also)


@pytest.fixture(scope="module")
def box(host):
    yield from serving(ReachableMailbox, also=host.address)


@pytest.fixture(scope="module")
def server(host):
    """The GN6 reference server on every address (its WSDL names the one
    it was asked on)."""
    with ReferenceServer(host="0.0.0.0") as srv:
        yield srv


@pytest.fixture(scope="module")
def postgres(host):
    from postgres_server import PostgresServer, available
    if not available():
        pytest.fail("PostgreSQL binaries missing (scripts/test.sh installs postgresql)")
    with PostgresServer(listen=("127.0.0.1", host.address), admit=(host.network,)) as pg:
        yield pg


def gateway(name, host, box, server, schema, postgres, tmp_path, folder, processed, **top):
    """A host's service file. Both hosts' are alike but for their own
    folders: each reaches every server at the veth's address (dovecot over
    TLS), so that they name the ticket system alike (url_gn6 and domini
    key the journal's entries and locks: docs/journal.md)."""
    home = tmp_path / name
    home.mkdir()
    settings = base_settings(server, home)
    for key in ("url_gn6", "url_identitat"):
        settings[key] = settings[key].replace("127.0.0.1", host.address)
    settings.update(postgres.journal_settings(schema, host=host.address))
    path = home / "settings.yaml"
    path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return service_file(home, [mailbox_entry(
        box, "suport", path, folder=folder, processed_folder=processed, server=host.address,
        tls="implicit", port=box.tls_port, ca_file=str(box.ca_file))], **top)


def test_a_service_cut_off_mid_delivery_leaves_the_message_to_the_other_within_the_lease(
        host, box, server, postgres, tmp_path):
    w, before = word(), codes(server)
    folder, processed = "shared-%s" % word(), "done-%s" % word()
    schema = postgres.new_schema()
    # A: reconnects every few seconds once its link is back (not up to 5 minutes)
    path_a = gateway("a", host, box, server, schema, postgres, tmp_path, folder,
                     processed, reconnect_max=5)
    path_b = gateway("b", host, box, server, schema, postgres, tmp_path, folder,
                     processed)
    held = "Cut off %s" % w
    during = ["During the cut %s %d" % (w, i) for i in range(3)]
    after = "After the cut %s" % w
    box.append_as("suport", folder, mail(held, KNOWN))

    server.set_mode("hang", after="AltaTiquet", hang_seconds=120)   # a's answer never comes
    a = Service(path_a, prefix=host.prefix)
    b = None
    try:
        wait_for(lambda: new_tickets(server, before), 30, "a's ticket on the server")
        host.cut()
        cut = time.monotonic()
        server.set_mode("normal")       # the held answer goes nowhere
        b = Service(path_b)
        wait_for(lambda: "left to it" in b.log(), 30, "b finding the message held")
        box.append_as("suport", folder, *[mail(s, KNOWN) for s in during])
        wait_for(lambda: set(during) <= set(box.folder_of("suport", processed)), 30,
                 "b delivering the mail that came meanwhile")
        meanwhile = time.monotonic() - cut
        wait_for(lambda: held in box.folder_of("suport", processed), LEASE_SECONDS + 30,
                 "b filing the message a held")
        took = time.monotonic() - cut

        host.restore()
        restored = time.monotonic()
        b.stop()
        box.append_as("suport", folder, mail(after, KNOWN))
        wait_for(lambda: after in box.folder_of("suport", processed), 90,
                 "a delivering on its own, its link back")
        back = time.monotonic() - restored
        wait_for(lambda: status(path_a).get("suport", {}).get("backlog") == 0, 30,
                 "a's pass")
        a_ran_on = a.proc.poll() is None
    except BaseException:
        for name, service in (("a", a), ("b", b)):      # shown with the failure
            print("--- %s's log\n%s" % (name, service.log()[-6000:] if service else "-"))
        raise
    finally:
        server.set_mode("normal")
        host.restore()
        if b is not None:
            b.stop()
        a.stop(timeout=15)
    log_a, log_b = a.log(), b.log()
    print("b delivered the mail of the cut in %.1f s, a's message %.1f s after the cut; "
          "a delivered again %.1f s after its link was back" % (meanwhile, took, back))

    # b left a's message to it while the lease lasted, delivered the rest,
    # then finished a's message within the lease: the cut was silent (no
    # RST ended a's session early), the lease held, and it ended
    assert meanwhile < LEASE_SECONDS / 2, meanwhile
    assert LEASE_SECONDS / 2 < took < LEASE_SECONDS + 15, took
    # one ticket a message: b found a's ticket on the server
    assert sorted(t["assumpte"] for t in new_tickets(server, before)) == sorted(
        [held, after] + during)
    assert "the answer to an earlier AltaTiquet was lost" in log_b
    # each filed once, none left
    assert sorted(box.folder_of("suport", processed)) == sorted([held, after] + during)
    assert box.folder_of("suport", folder) == []
    # a gave the message up when its journal fell silent (a temporary
    # failure, within its run), ran on without a restart, and delivered
    # again once its link was back
    deliveries = status(path_a)["suport"]["deliveries"]
    assert deliveries["SUCCESS"] == 1 and deliveries["TEMPORARY"] == 1, deliveries
    assert "temporary failure, the message stays in the mailbox" in log_a
    assert a_ran_on and a.proc.returncode == 0, a.proc.returncode
    assert "left behind" not in log_a
    deliveries = status(path_b)["suport"]["deliveries"]
    assert deliveries["SUCCESS"] == 4 and deliveries["TEMPORARY"] == 0, deliveries
    for log in (log_a, log_b):
        assert "Traceback" not in log and "internal error" not in log
