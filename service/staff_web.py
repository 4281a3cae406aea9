"""The staff web server (web/, docs/web.md) run inside the service, when
the service file has a `web:` mapping: one process serves the mail and
the pages that show it.

    web = staff_web.prepare(config)   # SettingsError names a wrong web key
    web.start()                       # uvicorn in a thread of the service
    web.stop()                        # SIGTERM, or SIGHUP's new configuration

Its configuration is read where the service file is (at start and at
each SIGHUP): a broken `web:` is refused with the rest of the file, and
the running server is kept. A server that cannot listen (the port taken)
is logged as an ERROR; the mailboxes are served on without it.
"""
import logging
import os
import threading

log = logging.getLogger("mailtoticket.service")


def prepare(config):
    """A StaffWeb for the ServiceConfig, or None without a `web:` mapping."""
    if config.web is None:
        return None
    from web.config import from_service
    return StaffWeb(from_service(config.data, base=os.path.dirname(config.path),
                                 path=config.path))


class StaffWeb:
    def __init__(self, web_config):
        self.web_config = web_config
        self.server = None
        self.thread = None

    def start(self):
        from web.app import Server
        self.server = Server(self.web_config, log_level="warning")
        self.thread = threading.Thread(target=self._run, name="staff-web", daemon=True)
        self.thread.start()

    def _run(self):
        try:
            self.server.run()
        except SystemExit:   # uvicorn's answer to a port it cannot bind (logged by it)
            log.error("the staff web server could not listen on %s:%d; the mailboxes are "
                      "served without it", self.web_config.host, self.web_config.port)
            return
        if not self.server.started:
            log.error("the staff web server on %s:%d stopped before it started",
                      self.web_config.host, self.web_config.port)

    def stop(self, timeout=10):
        if self.thread is None:
            return
        self.server.stop()
        self.thread.join(timeout)
        if self.thread.is_alive():
            log.warning("the staff web server did not stop within %d s", timeout)
        self.thread = None
