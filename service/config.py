"""The service file: read, completed with defaults, checked.

A YAML file lists the mailboxes the service owns (docs/service.md has
every key, service.yaml.example a commented one). Everything is checked
before the first connection, and a wrong key is refused naming it, as the
settings file does: the service does not start (or a SIGHUP keeps the old
file) until it is fixed. The queues' own settings files are loaded here
too (gateway/settings.py), so a broken one is named at start, not at the
first message.

`web:` belongs to the web pages (docs/web.md): passed through unchecked.
"""
import os
import re

from gateway.errors import SettingsError

# Service-wide keys and their defaults.
TOP = {
    "state_dir": None,          # status file, token caches (default: the first queue's state folder)
    "log_file": None,           # the service's own log (each queue's log_file still gets its messages)
    "log_level": "INFO",
    "poll_interval": 60,        # seconds between passes when IDLE is not offered
    "idle_renew": 25 * 60,      # IDLE is ended and started again this often (servers drop it at 29-30 min)
    "retry_interval": 300,      # a temporarily failed message is tried again after this long
    "timeout": 60,              # seconds a connection may stay silent before it counts as dead
    "connect_timeout": 20,
    "reconnect_max": 300,       # the reconnect backoff's ceiling, seconds
    "alert_after": 1800,        # a mailbox failing this long: the admin is told, once
    "deliveries_in_flight": 4,  # messages of one mailbox delivered at once
    "web": None,                # docs/web.md
    "mailboxes": None,
}
MAILBOX = {
    "name": None,
    "server": None,
    "port": None,               # 993 with tls: implicit, else 143
    "tls": "implicit",
    "ca_file": None,
    "login": None,
    "folder": "INBOX",
    "processed_folder": "Processed",   # None: delivered mail is deleted
    "quarantine_folder": "Quarantine",
    "settings": None,
    "routes": [],
    "idle": True,               # False: poll even where the server offers IDLE
}
LOGIN = {"user": None, "mechanism": "login", "password": None, "password_file": None,
         "password_env": None, "password_command": None, "oauth2": None}
ROUTE = {"recipient": None, "settings": None}
TLS_MODES = ("implicit", "starttls", "none")
MECHANISMS = ("login", "plain")
NAME = re.compile(r"^[a-z0-9_-]{1,40}$")
POSITIVE = ("poll_interval", "idle_renew", "retry_interval", "timeout", "connect_timeout",
            "reconnect_max", "alert_after")
LOOPBACK = ("127.0.0.1", "::1", "localhost")


class Queue:
    """One settings file and its Run, built once and reused for every
    message routed to it (gateway/run.py)."""

    def __init__(self, path, settings):
        self.path = path
        self.settings = settings
        self.run = None     # made by the service once logging is set up

    def __repr__(self):
        return "Queue(%s)" % self.path


class Route:
    def __init__(self, recipients, queue):
        self.recipients = recipients
        self.queue = queue


class Mailbox:
    """One mailbox: where to connect, how to log in, which folders, which queues."""

    def __init__(self, data, login, queue, routes):
        self.__dict__.update(data)
        self.login = login
        self.queue = queue          # the default queue
        self.routes = routes

    @property
    def queues(self):
        return [self.queue] + [r.queue for r in self.routes]


class ServiceConfig:
    def __init__(self, path, data, mailboxes, queues):
        self.path = path
        self.__dict__.update({k: v for k, v in data.items() if k != "mailboxes"})
        self.mailboxes = mailboxes
        self.queues = queues        # settings path -> Queue
        self.warnings = []

    @property
    def status_path(self):
        return os.path.join(self.state_dir, "service-status.json")


def load(path):
    """The checked ServiceConfig of the file at `path`; SettingsError names
    what is wrong."""
    import yaml
    try:
        with open(path, "rb") as f:
            data = yaml.safe_load(f)
    except FileNotFoundError:
        raise SettingsError("service file not found: %s" % path)
    except (OSError, yaml.YAMLError) as e:
        raise SettingsError("cannot read service file %s: %s" % (path, e))
    if not isinstance(data, dict):
        raise SettingsError("service file %s: must hold a mapping (state_dir, mailboxes...)"
                            % path)
    base = os.path.dirname(os.path.abspath(path))
    top = _complete(data, TOP, "service file")
    for key in POSITIVE:
        _number(top, key, key)
    if not isinstance(top["deliveries_in_flight"], int) or isinstance(
            top["deliveries_in_flight"], bool) or not 1 <= top["deliveries_in_flight"] <= 32:
        raise SettingsError("service file key 'deliveries_in_flight': a whole number "
                            "from 1 to 32, not %r" % top["deliveries_in_flight"])
    if top["idle_renew"] >= 29 * 60:
        raise SettingsError("service file key 'idle_renew': %s s; servers end IDLE at "
                            "29-30 minutes, give less than 1740" % top["idle_renew"])
    if top["web"] is not None and not isinstance(top["web"], dict):
        raise SettingsError("service file key 'web': must be a mapping (docs/web.md)")
    for key in ("state_dir", "log_file"):
        if top[key] is not None:
            top[key] = _path(base, top[key], key)
    boxes = top["mailboxes"]
    if not isinstance(boxes, list) or not boxes:
        raise SettingsError("service file key 'mailboxes': must list at least one mailbox")
    queues = {}
    warnings = []
    mailboxes = [_mailbox(base, item, i, queues, warnings) for i, item in enumerate(boxes)]
    names = [m.name for m in mailboxes]
    for name in names:
        if names.count(name) > 1:
            raise SettingsError("service file: mailbox name %r is used twice" % name)
    if top["state_dir"] is None:
        # As the web pages read it (web/config.py): the first queue's state folder.
        top["state_dir"] = mailboxes[0].queue.settings.state_path
    config = ServiceConfig(os.path.abspath(path), top, mailboxes, queues)
    config.warnings = warnings
    config.data = data      # the file as read: the staff web server's (service/staff_web.py)
    return config


def _complete(data, keys, where):
    if not isinstance(data, dict):
        raise SettingsError("%s: must be a mapping" % where)
    unknown = sorted(set(data) - set(keys), key=str)
    if unknown:
        raise SettingsError("%s: unknown key %r (misspelt? see docs/service.md)"
                            % (where, unknown[0]))
    merged = dict(keys)
    merged.update(data)
    return merged


def _number(data, key, where):
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise SettingsError("%s: must be a positive number of seconds, not %r"
                            % (_key(where), value))


def _key(where):
    """How a key is named: 'poll_interval' at the top, mailboxes[suport].port below."""
    nested = "." in where or "[" in where
    return "service file key %s" % (where if nested else repr(where))


def _text(data, key, where, required=True):
    value = data[key]
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SettingsError("%s: must be a non-empty text, not %r" % (_key(where), value))
    return value


def _path(base, value, where):
    if not isinstance(value, str) or not value:
        raise SettingsError("%s: must be a path, not %r" % (_key(where), value))
    return value if os.path.isabs(value) else os.path.join(base, value)


def mailbox_access(base, item, index=0):
    """A service file's mailbox entry, its server, TLS, login and folders
    checked as the service checks them, without its queues: what another
    reader of the mailbox needs (the staff web server's processed-folder
    check, web/folders.py). SettingsError names the key at fault."""
    data, login, where = _connection(base, item, index, [])
    return Mailbox(data, login, None, [])


def _mailbox(base, item, index, queues, warnings):
    data, login, where = _connection(base, item, index, warnings)
    queue = _queue(base, data["settings"], where + ".settings", queues)
    routes = data["routes"] or []
    if not isinstance(routes, list):
        raise SettingsError("service file key %s.routes: must be a list" % where)
    made = []
    for i, route in enumerate(routes):
        rwhere = "%s.routes[%d]" % (where, i)
        route = _complete(route, ROUTE, "service file key " + rwhere)
        recipients = route["recipient"]
        if isinstance(recipients, str):
            recipients = [recipients]
        if not isinstance(recipients, list) or not recipients or not all(
                isinstance(r, str) and "@" in r for r in recipients):
            raise SettingsError("service file key %s.recipient: one address or a list of "
                                "addresses, not %r" % (rwhere, route["recipient"]))
        made.append(Route([r.strip().lower() for r in recipients],
                          _queue(base, route["settings"], rwhere + ".settings", queues)))
    return Mailbox(data, login, queue, made)


def _connection(base, item, index, warnings):
    """(data, login, where) of a mailbox entry: all but its queues."""
    where = "mailboxes[%d]" % index
    data = _complete(item, MAILBOX, where)
    name = data["name"]
    if not isinstance(name, str) or not NAME.match(name):
        raise SettingsError("service file key %s.name: %r must be 1-40 of a-z 0-9 _ -"
                            % (where, name))
    where = "mailboxes[%s]" % name
    _text(data, "server", where + ".server")
    if data["tls"] not in TLS_MODES:
        raise SettingsError("service file key %s.tls: %r is not one of %s"
                            % (where, data["tls"], ", ".join(TLS_MODES)))
    if data["tls"] == "none":
        if data["server"] not in LOOPBACK:
            raise SettingsError("service file key %s.tls: 'none' sends the password in "
                                "clear; only allowed for a server on loopback" % where)
        warnings.append("mailbox %s: tls none (loopback only): no encryption" % name)
    if data["port"] is None:
        data["port"] = 993 if data["tls"] == "implicit" else 143
    if isinstance(data["port"], bool) or not isinstance(data["port"], int) \
            or not 0 < data["port"] < 65536:
        raise SettingsError("service file key %s.port: %r is not a port" % (where, data["port"]))
    if data["ca_file"] is not None:
        data["ca_file"] = _path(base, data["ca_file"], where + ".ca_file")
        if not os.path.isfile(data["ca_file"]):
            raise SettingsError("service file key %s.ca_file: no such file %s"
                                % (where, data["ca_file"]))
    for key in ("folder", "quarantine_folder"):
        _text(data, key, "%s.%s" % (where, key))
    _text(data, "processed_folder", where + ".processed_folder", required=False)
    if not isinstance(data["idle"], bool):
        raise SettingsError("service file key %s.idle: must be true or false" % where)
    login = _login(base, data["login"], where + ".login")
    return data, login, where


def _login(base, data, where):
    from service import secrets, tokens
    login = _complete(data, LOGIN, "service file key " + where)
    _text(login, "user", where + ".user")
    if login["oauth2"] is not None:
        given = [k for k in secrets.PASSWORD_KEYS if login[k] is not None]
        if given:
            raise SettingsError("service file key %s.%s: a login is either a password or "
                                "oauth2, not both" % (where, given[0]))
        login["oauth2"] = tokens.check(base, login["oauth2"], where + ".oauth2")
        return login
    if login["mechanism"] not in MECHANISMS:
        raise SettingsError("service file key %s.mechanism: %r is not one of %s"
                            % (where, login["mechanism"], ", ".join(MECHANISMS)))
    login["password"] = secrets.check(base, login, where, secrets.PASSWORD_KEYS)
    return login


def _queue(base, value, where, queues):
    from gateway import settings as settings_module
    path = _path(base, value, where)
    if path not in queues:
        try:
            queues[path] = Queue(path, settings_module.load(path))
        except SettingsError as e:
            raise SettingsError("service file key %s: %s" % (where, e))
    return queues[path]
