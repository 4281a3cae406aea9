"""Logging for one run: the log file at the configured level, warnings on
stderr (fetchmail keeps its MDA's stderr in its own log), and the run's
records in memory for the quarantine copy and the admin's mail."""
import logging
import os

FORMAT = "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"
# stderr ends up in fetchmail's (or the MTA's) log, which has no times of
# its own: every line carries one.
STDERR_FORMAT = "%(asctime)s mailtoticket[%(process)d]: %(levelname)s %(message)s"
# The one line per message (gateway/reports/summary.py): written whatever log_level.
SUMMARY = "mailtoticket.summary"


class RunRecords(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []
        self.setFormatter(logging.Formatter(FORMAT))

    def emit(self, record):
        self.lines.append(self.format(record))

    def text(self):
        return "\n".join(self.lines) + "\n"


def setup(stderr_level=logging.WARNING):
    """Before the settings are known: stderr only."""
    logger = logging.getLogger("mailtoticket")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    stderr = logging.StreamHandler()
    stderr.setLevel(stderr_level)
    stderr.setFormatter(logging.Formatter(STDERR_FORMAT))
    logger.addHandler(stderr)
    # Python's warnings (a library's DeprecationWarning, urllib3's...) go
    # out through the same handler: a timestamp on every stderr line.
    logging.captureWarnings(True)
    warnings_logger = logging.getLogger("py.warnings")
    warnings_logger.handlers[:] = [stderr]
    warnings_logger.propagate = False
    records = RunRecords()
    logger.addHandler(records)
    return records


def to_file(settings, dry_run=False):
    """Once the settings are known: the log file, at log_level. A --dry-run
    marks every line it writes there: never mistaken for work done."""
    path = settings.resolve_path(settings["log_file"]) if settings["log_file"] else None
    level = settings["log_level"]
    if isinstance(level, str):
        level = logging.getLevelName(level.upper())
    to_path(path, level, FORMAT.replace("[%(process)d]", "[%(process)d] DRY-RUN")
            if dry_run else FORMAT)


def to_path(path, level=logging.INFO, line_format=FORMAT):
    """The log file at `path` (None: none); the summary line always passes."""
    if not path:
        return
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as e:
        logging.getLogger("mailtoticket").warning("cannot open log file %s: %s", path, e)
        return
    handler.setLevel(min(level, logging.INFO))
    handler.addFilter(lambda record: record.levelno >= level or record.name == SUMMARY)
    handler.setFormatter(logging.Formatter(line_format))
    logging.getLogger("mailtoticket").addHandler(handler)
