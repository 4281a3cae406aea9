"""The service's main thread: signals in, the mailbox threads stopped and
started.

    SIGTERM, SIGINT  each mailbox finishes the message at hand, then the
                     service exits 0 (systemctl stop, Ctrl-C)
    SIGHUP           the service file and the queues' settings are read
                     again; a broken one is refused and the running
                     configuration kept, with an ERROR line that names the
                     key (systemctl reload)

Under systemd (Type=notify) the manager is told READY, RELOADING and
STOPPING ($NOTIFY_SOCKET); elsewhere that is a no-op.
"""
import logging
import os
import queue
import signal
import socket

from gateway.outcome import EX_TEMPFAIL

log = logging.getLogger("mailtoticket.service")


def sd_notify(state):
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.connect(address)
            s.sendall(state.encode())
    except OSError as e:
        log.warning("cannot tell systemd %s: %s", state, e)


def run_until_stopped(make_service, reload):
    """Run the service until SIGTERM/SIGINT (0); SIGHUP reloads; a
    delivery thread left behind (service/watchdog.py) ends it with 75."""
    events = queue.SimpleQueue()     # put() is safe from a signal handler
    signal.signal(signal.SIGTERM, lambda signum, frame: events.put("stop"))
    signal.signal(signal.SIGINT, lambda signum, frame: events.put("stop"))
    signal.signal(signal.SIGHUP, lambda signum, frame: events.put("reload"))
    service = make_service()
    service.start()
    log.warning("service started: %d mailbox(es), pid %d", len(service.workers), os.getpid())
    sd_notify("READY=1")
    while True:
        service.switch.rearm()
        try:
            event = events.get(timeout=1)
        except queue.Empty:
            if not service.restart_needed.is_set():
                continue
            log.critical("a delivery thread was left behind: stopping, to be restarted "
                         "(exit 75; systemd's Restart=on-failure starts a fresh process)")
            sd_notify("STOPPING=1")
            service.stop()
            service.write_status()
            return EX_TEMPFAIL
        if event == "stop":
            sd_notify("STOPPING=1")
            log.warning("stopping: each mailbox finishes the message at hand")
            service.stop()
            service.write_status()
            log.warning("service stopped")
            return 0
        sd_notify("RELOADING=1")
        new = reload()
        if new is not None:
            service.stop()
            service = new
            service.start()
            service.switch.rearm()
        sd_notify("READY=1")
