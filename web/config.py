"""What the web server serves: its queues, mailboxes and own settings.

`-c FILE` is either an MDA settings file (one queue, no mailboxes) or the
service file (docs/service.md), recognised by its `mailboxes` key. Of the
service file only `state_dir`, `web` and each mailbox's `name`,
`settings`, `routes[].settings`, `processed_folder` and
`quarantine_folder` are read; every other key is the service's.

The `web` section (a mapping, in either file; docs/web.md):

    listen: 127.0.0.1:8025        # host:port; loopback by default
    tokens_file: PATH             # default: <state_dir>/web-tokens.json
    open: [health, metrics]       # served without a login (default: none)
    secure_cookies: false         # true behind an HTTPS reverse proxy
    discard_days: 30              # discarded quarantine files kept this long
    max_page: 200                 # the largest page a search may ask for
"""
import os
import re
from dataclasses import dataclass, field

from gateway.errors import SettingsError

DEFAULT_LISTEN = "127.0.0.1:8025"
WEB_KEYS = {"listen", "tokens_file", "open", "secure_cookies", "discard_days",
            "max_page"}
OPENABLE = {"health", "metrics"}
NAME = re.compile(r"^[a-z0-9_-]{1,64}$")


@dataclass
class Queue:
    """One settings file: its journal, quarantine and ticket system."""
    name: str
    settings: object             # gateway.settings.Settings
    mailbox: str | None = None   # the mailbox whose default queue or route it is


@dataclass
class Mailbox:
    name: str
    queues: list
    processed_folder: str | None = None
    quarantine_folder: str | None = None
    raw: dict = field(default_factory=dict)   # the whole entry (the service's keys)
    base: str = "."                 # the service file's folder (relative paths in `raw`)
    state_dir: str | None = None    # the service's (its OAuth2 token caches)


@dataclass
class WebConfig:
    path: str | None
    state_dir: str
    queues: list
    mailboxes: list = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 8025
    tokens_file: str = ""
    open: frozenset = frozenset()
    secure_cookies: bool = False
    discard_days: int = 30
    max_page: int = 200

    @property
    def status_file(self):
        return os.path.join(self.state_dir, "service-status.json")

    @property
    def audit_log(self):
        return os.path.join(self.state_dir, "web-audit.log")

    @property
    def secret_file(self):
        return os.path.join(self.state_dir, "web-secret")

    def queue(self, name):
        return next((q for q in self.queues if q.name == name), None)


def load(path):
    """The WebConfig of `-c FILE`; SettingsError names the key at fault."""
    from gateway import settings as settings_module
    if _is_service_file(path):
        data = _read_yaml(path)
        return from_service(data, base=os.path.dirname(os.path.abspath(path)), path=path)
    settings = settings_module.load(path)
    name = os.path.splitext(os.path.basename(settings.path or "settings"))[0]
    queue = Queue(_safe_name(name), settings)
    return build(settings.get("web") or {}, [queue], [], settings.state_path, path)


def from_service(data, base=".", path=None):
    """The WebConfig of a service file's mapping (what the service passes)."""
    from gateway import settings as settings_module
    if not isinstance(data.get("mailboxes"), list) or not data["mailboxes"]:
        raise SettingsError("service file: key 'mailboxes': a list of mailboxes expected")
    queues, mailboxes, by_path = [], [], {}

    def queue_of(file, mailbox, label):
        file = os.path.join(base, os.path.expanduser(str(file)))
        real = os.path.realpath(file)
        if real not in by_path:
            try:
                loaded = settings_module.load(file)
            except SettingsError as e:
                raise SettingsError("%s (%s)" % (e, label))
            by_path[real] = Queue(_safe_name(os.path.splitext(os.path.basename(file))[0]),
                                  loaded, mailbox)
            if any(q.name == by_path[real].name for q in queues):
                by_path[real].name += "-%d" % len(queues)
            queues.append(by_path[real])
        return by_path[real]

    for index, box in enumerate(data["mailboxes"]):
        if not isinstance(box, dict) or not box.get("name") or not box.get("settings"):
            raise SettingsError("service file: mailboxes[%d]: 'name' and 'settings' expected"
                                % index)
        name = str(box["name"])
        own = [queue_of(box["settings"], name, "mailboxes[%d].settings" % index)]
        for r, route in enumerate(box.get("routes") or []):
            if isinstance(route, dict) and route.get("settings"):
                own.append(queue_of(route["settings"], name,
                                    "mailboxes[%d].routes[%d].settings" % (index, r)))
        # the service's defaults for the folders it files into (service/config.py)
        mailboxes.append(Mailbox(name, own, box.get("processed_folder", "Processed"),
                                 box.get("quarantine_folder", "Quarantine"), box))
    state = os.path.join(base, os.path.expanduser(str(
        data.get("state_dir") or queues[0].settings.state_path)))
    for box in mailboxes:     # to log in as the service does (web/folders.py)
        box.base, box.state_dir = base, state
    return build(data.get("web") or {}, queues, mailboxes, state, path)


def build(web, queues, mailboxes, state_dir, path=None):
    if not isinstance(web, dict):
        raise SettingsError("settings key 'web': a mapping expected")
    unknown = sorted(set(web) - WEB_KEYS)
    if unknown:
        raise SettingsError("settings key 'web': unknown key(s) %s (known: %s)"
                            % (", ".join(unknown), ", ".join(sorted(WEB_KEYS))))
    host, port = _listen(str(web.get("listen") or DEFAULT_LISTEN))
    opened = set(web.get("open") or ())
    if not opened <= OPENABLE:
        raise SettingsError("settings key 'web.open': only %s may be opened without a login"
                            % " and ".join(sorted(OPENABLE)))
    for key in ("discard_days", "max_page"):
        if key in web and (not isinstance(web[key], int) or web[key] < 1):
            raise SettingsError("settings key 'web.%s': a positive integer expected" % key)
    return WebConfig(
        path=path, state_dir=os.path.abspath(state_dir), queues=queues, mailboxes=mailboxes,
        host=host, port=port,
        tokens_file=web.get("tokens_file") or os.path.join(os.path.abspath(state_dir),
                                                           "web-tokens.json"),
        open=frozenset(opened), secure_cookies=bool(web.get("secure_cookies")),
        discard_days=web.get("discard_days", 30), max_page=web.get("max_page", 200))


def exposure_warning(config):
    """What the admin must know when the server listens beyond loopback:
    tokens, Basic passwords and session cookies cross the network as
    sent, so a TLS reverse proxy must front it (docs/web.md); None on
    loopback."""
    import ipaddress
    try:
        loopback = ipaddress.ip_address(config.host).is_loopback
    except ValueError:
        loopback = config.host == "localhost"
    if loopback:
        return None
    return ("web.listen %s:%d is not loopback: tokens and cookies cross the network in "
            "clear unless a TLS reverse proxy fronts this server (docs/web.md, "
            "'Behind a reverse proxy (TLS)')%s" % (
                config.host, config.port, "" if config.secure_cookies else
                "; set web.secure_cookies: true once it is served over HTTPS"))


def _listen(text):
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) < 65536:
        raise SettingsError("settings key 'web.listen': HOST:PORT expected, not %r" % text)
    return host.strip("[]") or "127.0.0.1", int(port)


def _safe_name(text):
    name = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")[:64]
    return name or "queue"


def _is_service_file(path):
    if not path or not str(path).endswith((".yaml", ".yml")) or not os.path.isfile(path):
        return False
    data = _read_yaml(path)
    return isinstance(data, dict) and "mailboxes" in data


def _read_yaml(path):
    import yaml
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f) or {}
    except (OSError, yaml.YAMLError) as e:
        raise SettingsError("cannot read %s: %s" % (path, e))
