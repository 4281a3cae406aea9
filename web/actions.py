"""What an admin does from the API or the pages: replay, discard, link.

Replay and link run as their own processes, exactly as an admin's shell
would (`mailtoticket.py -c SETTINGS --replay FILE`, `python -m
web.linking`): the same rules, the same log file, the run's deadline and
its alarm, and no ticket-system library in the server. Discard only moves
files inside the queue's quarantine folder. Every action is written to the
audit log (<state_dir>/web-audit.log) with who did it, whatever happens.
"""
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from web import queries
from web.queries import DISCARDED, NotFound, file_ref

REPO = Path(__file__).resolve().parents[1]
LINKED = "linked"
FETCHED = "fetched"          # copies taken from a processed folder to link by hand
ACTION_TIMEOUT = 300

log = logging.getLogger("mailtoticket.web")


class ActionFailed(RuntimeError):
    """The action ran and did not go through; `status` is the HTTP answer."""

    def __init__(self, text, status=409, result=None):
        super().__init__(text)
        self.status = status
        self.result = result or {}


def audit(config, who, action, target, result):
    """One JSON line per admin action: when, who, what, on what, how it went."""
    line = json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "who": who,
                       "action": action, "target": target, "result": result},
                      ensure_ascii=False)
    log.info("admin action: %s", line)
    os.makedirs(config.state_dir, mode=0o700, exist_ok=True)
    fd = os.open(config.audit_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def read_entry(config, ref, who):
    """A quarantined message as `who` may see it; the admin's reading of
    a body (a requester's mail) is audited like an action."""
    found = queries.quarantine_entry(config, ref, with_body=who.admin)
    if who.admin:
        audit(config, who.name, "read_body", ref, {"size": found["size"]})
    return found


def _run(command):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    try:
        return subprocess.run(command, capture_output=True, timeout=ACTION_TIMEOUT,
                              cwd=str(REPO), env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise ActionFailed("gave up after %d s; try again later" % ACTION_TIMEOUT, 503)


def _settings_arg(queue):
    return queue.settings.path or os.environ.get("MAILTOTICKET_SETTINGS") or ""


def replay(config, queue, path, who):
    """--replay of one quarantined file. {"outcome", "ticket", "detail"}."""
    done = _run([sys.executable, str(REPO / "mailtoticket.py"), "-c", _settings_arg(queue),
                 "--replay", path])
    line = next((l for l in done.stdout.decode("utf-8", "replace").splitlines()
                 if l.startswith(path + ": ")), "")
    said = line[len(path) + 2:]
    outcome = said.split(" ", 1)[0] if said and not said.startswith("TEMPORARY") else None
    ticket = said.split(" ticket ", 1)[1].split(" ", 1)[0] if " ticket " in said else None
    result = {"outcome": outcome, "ticket": ticket, "detail": said or _last_line(done),
              "exit_code": done.returncode}
    audit(config, who, "replay", file_ref(queue, path), result)
    if done.returncode == 75:
        raise ActionFailed("temporary failure, still in the quarantine: %s"
                           % result["detail"], 503, result)
    return result


def discard(config, queue, path, who):
    """Move a quarantined message aside (quarantine/discarded/); it is kept
    `discard_days` and deleted after that by prune_discarded()."""
    ref = file_ref(queue, path)
    moved = move_aside(path, DISCARDED)
    audit(config, who, "discard", ref, {"moved_to": moved,
                                        "kept_days": config.discard_days})
    prune_discarded(config)
    return {"moved_to": moved, "kept_days": config.discard_days}


def link(config, queue, path, codi, who):
    """Make a kept message a comment on ticket `codi` (web/linking.py)."""
    done = _run([sys.executable, "-m", "web.linking", "-c", _settings_arg(queue),
                 "--ticket", codi, "--by", who, path])
    try:
        result = json.loads(done.stdout.decode("utf-8", "replace").strip().splitlines()[-1])
    except (ValueError, IndexError):
        result = {"outcome": None, "detail": _last_line(done)}
    result["exit_code"] = done.returncode
    audit(config, who, "link", "%s -> ticket %s" % (os.path.basename(path), codi), result)
    if done.returncode == 75:
        raise ActionFailed(result["detail"], 503, result)
    if done.returncode != 0:
        raise ActionFailed(result["detail"], 409, result)
    if os.path.dirname(os.path.abspath(path)) == \
            os.path.abspath(queue.settings.quarantine_path):
        result["moved_to"] = move_aside(path, LINKED)
    return result


def move_aside(path, sub):
    """Move the .eml and its .json into a subfolder of its own folder;
    its modification time becomes now (the retention counts from here)."""
    folder = os.path.join(os.path.dirname(path), sub)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    for source in (path, path[:-4] + ".json"):
        if os.path.exists(source):
            target = os.path.join(folder, os.path.basename(source))
            os.replace(source, target)
            os.utime(target)
    return os.path.join(sub, os.path.basename(path))


def prune_discarded(config):
    """Delete discarded files older than discard_days (and nothing else)."""
    limit = time.time() - config.discard_days * 86400
    for queue in config.queues:
        folder = os.path.join(queue.settings.quarantine_path, DISCARDED)
        try:
            names = os.listdir(folder)
        except FileNotFoundError:
            continue
        for name in names:
            path = os.path.join(folder, name)
            try:
                if name.endswith((".eml", ".json")) and os.stat(path).st_mtime < limit:
                    os.remove(path)
            except FileNotFoundError:
                pass


def kept_copy(config, ref_queue, key):
    """A copy of a journal entry's message to link: the quarantine's (or
    its replayed/, linked/, discarded/ one), else, for a service mailbox,
    the one in its processed folder (fetched into quarantine/fetched/)."""
    from gateway import quarantine as q
    folder = ref_queue.settings.quarantine_path
    for where in (folder, os.path.join(folder, q.REPLAYED), os.path.join(folder, LINKED),
                  os.path.join(folder, DISCARDED), os.path.join(folder, FETCHED)):
        found = q.existing(where, key)
        if found:
            return found
    box = next((b for b in config.mailboxes if ref_queue in b.queues and b.processed_folder),
               None)
    message_id = key.split(" ", 1)[0]
    if box is not None and message_id != "-":
        from web import folders
        try:
            raw = folders.fetch_by_message_id(box, message_id)
        except folders.FolderProblem as e:
            raise ActionFailed("cannot read the processed folder of %s: %s" % (box.name, e),
                               503)
        if raw is not None:
            return q.keep(os.path.join(folder, FETCHED), raw, key, "SUCCESS",
                          "fetched from %s of mailbox %s to be linked by hand"
                          % (box.processed_folder, box.name))
    raise NotFound("the gateway keeps no copy of this message (it was acknowledged): "
                   "forward it from the mailbox to the ticket instead")


def _last_line(done):
    text = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
    return text[-1] if text else "exit %d" % done.returncode
