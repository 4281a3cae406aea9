"""Logging in one process that delivers for several queues from several
threads.

- Each delivery keeps its own log lines (ThreadRecords: the quarantine copy
  and the admin's mail carry that message's lines only), as an MDA run's
  RunRecords (gateway/logs.py) does for its one message.
- Each queue's `log_file` gets the lines of the messages delivered to that
  queue, as it does under fetchmail; the service's own `log_file` (and
  stderr, which systemd keeps in the journal) gets everything.
"""
import contextlib
import logging
import logging.handlers
import os
import threading

from gateway.logs import FORMAT, SUMMARY

_current = threading.local()


class ThreadRecords(logging.Handler):
    """RunRecords' interface (`lines`, `text()`), one list per thread,
    filled only while that thread delivers a message."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter(FORMAT))
        self._local = threading.local()

    @property
    def lines(self):
        lines = getattr(self._local, "lines", None)
        if lines is None:
            lines = self._local.lines = []
        return lines

    def emit(self, record):
        if getattr(self._local, "active", False):
            self.lines.append(self.format(record))

    def text(self):
        return "\n".join(self.lines) + "\n"

    @contextlib.contextmanager
    def delivering(self, queue):
        """Around one delivery: its own lines, and its queue's log file."""
        self.lines.clear()
        self._local.active = True
        _current.queue = queue.path
        try:
            yield
        finally:
            self._local.active = False
            self.lines.clear()
            _current.queue = None


def level_of(value):
    return logging.getLevelName(value.upper()) if isinstance(value, str) else value


def setup(config, records):
    """The service's handlers on the "mailtoticket" logger (replacing any a
    previous load set): stderr and the service log at `log_level`, each
    queue's log file for its own messages, the per-delivery records."""
    logger = logging.getLogger("mailtoticket")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        if isinstance(handler, logging.FileHandler):
            handler.close()
    level = level_of(config.log_level)
    stderr = logging.StreamHandler()
    stderr.setFormatter(logging.Formatter(FORMAT))
    stderr.setLevel(level)
    logger.addHandler(stderr)
    logger.addHandler(records)
    if config.log_file:
        _file(logger, config.log_file, level, None)
    for queue in config.queues.values():
        settings = queue.settings
        if settings["log_file"]:
            _file(logger, settings.resolve_path(settings["log_file"]),
                  level_of(settings["log_level"]), queue.path)


def _file(logger, path, level, queue):
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        # Reopened when logrotate moves the file away (a long-running process).
        handler = logging.handlers.WatchedFileHandler(path, encoding="utf-8")
    except OSError as e:
        logger.warning("cannot open log file %s: %s", path, e)
        return

    def wanted(record):
        if queue is not None and getattr(_current, "queue", None) != queue:
            return False
        return record.levelno >= level or record.name == SUMMARY
    handler.setLevel(min(level, logging.INFO))
    handler.addFilter(wanted)
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
