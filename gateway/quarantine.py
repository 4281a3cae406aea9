"""The quarantine: REJECT and ERROR messages, kept on disk.

The message is acknowledged (exit 0) only after its copy is durable: the
file and its folder are fsynced first. Each message is kept once, under a
name derived from its journal key, whatever the number of deliveries; the
reason goes beside it. `mailtoticket.py --replay FILE...` takes these files
back once the admin has fixed what was wrong.
"""
import hashlib
import json
import os
import time

from gateway.errors import TemporaryFailure

REPLAYED = "replayed"


def file_name(key):
    return "%s-%s.eml" % (time.strftime("%Y%m%d-%H%M%S"),
                          hashlib.sha256(key.encode("utf-8", "surrogatepass"))
                          .hexdigest()[:16])


def existing(folder, key):
    suffix = "-%s.eml" % hashlib.sha256(
        key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    try:
        return next((os.path.join(folder, n) for n in sorted(os.listdir(folder))
                     if n.endswith(suffix)), None)
    except FileNotFoundError:
        return None


def keep(folder, raw, key, outcome, reason, log_text=""):
    """Store the raw message and why; returns its path. Raises
    TemporaryFailure if it cannot be made durable (the message must then
    stay in the mailbox)."""
    try:
        os.makedirs(folder, exist_ok=True)
        path = existing(folder, key) or os.path.join(folder, file_name(key))
        _write_durably(path, raw)
        info = {"outcome": outcome, "reason": reason, "key": key,
                "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "log": log_text}
        _write_durably(path[:-4] + ".json",
                       json.dumps(info, indent=2, ensure_ascii=False).encode("utf-8"))
        _fsync_dir(folder)
        return path
    except OSError as e:
        raise TemporaryFailure("quarantine %s not writable: %s" % (folder, e))


def mark_replayed(path):
    """Move a replayed message (and its reason) out of the way."""
    folder = os.path.join(os.path.dirname(path), REPLAYED)
    os.makedirs(folder, exist_ok=True)
    for source in (path, path[:-4] + ".json"):
        if source.endswith((".eml", ".json")) and os.path.exists(source):
            os.replace(source, os.path.join(folder, os.path.basename(source)))


def _write_durably(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _fsync_dir(folder):
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
