"""Logging for one run: the log file at the configured level, warnings on
stderr (fetchmail keeps its MDA's stderr in its own log), and the run's
records in memory for the quarantine copy and the admin's mail."""
import logging
import os

FORMAT = "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"


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
    stderr.setFormatter(logging.Formatter("mailtoticket: %(levelname)s %(message)s"))
    logger.addHandler(stderr)
    records = RunRecords()
    logger.addHandler(records)
    return records


def to_file(settings):
    """Once the settings are known: the log file, at log_level."""
    path = settings.resolve_path(settings["log_file"]) if settings["log_file"] else None
    if not path:
        return
    level = settings["log_level"]
    if isinstance(level, str):
        level = logging.getLevelName(level.upper())
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as e:
        logging.getLogger("mailtoticket").warning("cannot open log file %s: %s", path, e)
        return
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(FORMAT))
    logging.getLogger("mailtoticket").addHandler(handler)
