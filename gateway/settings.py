"""Load, complete and check the settings.

A settings file is a Python file defining a dict named `settings`, a YAML
file holding the same mapping, or the name of an importable module (as the
original tool took it). Keys it leaves out take the values of
settings_sample.py. Everything is checked before the first message is
touched, and a wrong key is named: an admin reading the log at 3 a.m. should
not have to guess which line of the file is wrong.
"""
import importlib
import logging
import os
import re
import runpy
import sys

from gateway.errors import SettingsError

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
log = logging.getLogger("mailtoticket.settings")

# Keys whose value (or each item / each dict key) must compile as a regex.
REGEX_KEYS = ("regex_reply", "regex_message_id", "regex_privat")
REGEX_LIST_KEYS = ("filtrar_attachments_per_nom",)
REGEX_DICT_KEYS = ("patrons_mail_addicionals", "reescriptura_mails")
ADDRESS_PATTERN_KEYS = ("mails_no_ticket", "mails_sempre_ticket", "reenviaments",
                        "remitents_formularis")
# Regexes whose group 1 is the ticket number.
NUMBER_REGEX_KEYS = ("regex_reply", "regex_message_id")
# Keys whose default is None: a path or URL, or nothing.
OPTIONAL_TEXT_KEYS = ("endpoint_gn6", "endpoint_identitat", "wsdl_cache",
                      "log_file", "quarantine_dir", "journal", "state_dir",
                      "journal_password_file")
# Where state goes when neither state_dir nor journal says (the deployment
# guide creates it, owned by the service user).
SYSTEM_STATE_DIR = "/var/lib/mailtoticket"
# Lists of mappings; every other list holds strings, every mapping maps
# strings to strings.
RULE_KEYS = ("valors_defecte", "paraules_clau", "regles_capcaleres")
# Keys that take a callable (as an upstream settings file sets them to
# netejahtml's functions), a dotted name of one, or None.
CALLABLE_KEYS = ("netejar_mail_nou", "netejar_mail_reply")
# Keys that take a number or None.
OPTIONAL_NUMBER_KEYS = ("llindar_spam",)
HEADER_RULE_ACTIONS = ("SKIP", "REJECT", "PRIVAT")
# The contract: a whole run gives up well within 60 s.
MAX_RUN_SECONDS = 55
# Keys that accept one string where the sample has a list.
ONE_OR_MANY_KEYS = ("mail_suport", "notificar_errors_to", "dominis_propis")


class Settings(dict):
    """The settings mapping, plus where it came from."""

    path = None  # the file it was read from (None for a module)
    warnings = ()  # what load() found worth a warning, logged once the log is open
    unknown = ()   # keys the file sets that no default names (--check: PROBLEM)
    unreadable = False   # fallback(): the defaults standing in for unreadable settings

    @property
    def base_dir(self):
        return os.path.dirname(os.path.abspath(self.path)) if self.path else HERE

    def resolve_path(self, value):
        """A relative path in the settings is relative to the settings file."""
        if value is None or os.path.isabs(value) or "://" in value:
            return value
        return os.path.join(self.base_dir, value)

    @property
    def real_path(self):
        """The settings file's real path (None for a module): names the
        queue of a journal shared by several settings files (web/)."""
        return os.path.realpath(self.path) if self.path else None

    @property
    def state_path(self):
        """The folder of the runtime state (see settings_sample.py)."""
        if self.get("state_dir"):
            return self.resolve_path(self["state_dir"])
        if self["journal"] and "://" not in self["journal"]:
            return os.path.dirname(self.resolve_path(self["journal"]))
        if os.path.isdir(SYSTEM_STATE_DIR):
            return SYSTEM_STATE_DIR
        home = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
        return os.path.join(home, "mailtoticket")

    @property
    def journal_path(self):
        if self["journal"]:
            return self.resolve_path(self["journal"])
        return os.path.join(self.state_path, "mailtoticket.sqlite")

    @property
    def quarantine_path(self):
        if self["quarantine_dir"]:
            return self.resolve_path(self["quarantine_dir"])
        return os.path.join(self.state_path, "quarantine")

    @property
    def instance(self):
        """Identifies the ticket system: journal entries are kept per
        instance. `journal_instance` when set (gateways sharing a journal
        that reach the ticket system by different URLs), else the
        back-end's own name for it."""
        named = self.get("journal_instance")
        if named:
            return str(named)
        import backends
        return backends.kind_of(self).instance(self)


def defaults():
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    import settings_sample
    return dict(settings_sample.settings)


def fallback(name):
    """The defaults alone, for telling the admin (notificar_errors_to,
    servidor_mail) that the settings `name` cannot be read at all.
    `unreadable` keeps the notice's memory out of the default state folder."""
    settings = Settings(defaults())
    settings.path = name or os.environ.get("MAILTOTICKET_SETTINGS") or "settings_default.py"
    settings.unreadable = True
    return settings


def locate(name=None):
    """Which settings to read: -c, then $MAILTOTICKET_SETTINGS, then
    settings_default.py beside the script."""
    name = name or os.environ.get("MAILTOTICKET_SETTINGS")
    if name:
        return name
    candidate = os.path.join(HERE, "settings_default.py")
    if os.path.exists(candidate):
        return candidate
    raise SettingsError(
        "no settings: give -c SETTINGS, set MAILTOTICKET_SETTINGS or create %s"
        % candidate)


def read(name):
    """The raw mapping from a .py file, a YAML file or a module name."""
    try:
        if name.endswith((".yaml", ".yml")):
            import yaml
            with open(name, "rb") as f:
                data = yaml.safe_load(f)
            if data is None:
                data = {}
            path = name
        elif name.endswith(".py") or os.sep in name:
            data = runpy.run_path(name).get("settings")
            path = name
        else:
            if HERE not in sys.path:
                sys.path.insert(0, HERE)
            module = importlib.import_module(name)
            data = getattr(module, "settings", None)
            path = getattr(module, "__file__", None)
    except SettingsError:
        raise
    except FileNotFoundError:
        raise SettingsError("settings file not found: %s" % name)
    except Exception as e:  # a syntax error in the file is the admin's to see
        raise SettingsError("cannot read settings %s: %s: %s"
                            % (name, type(e).__name__, e))
    if not isinstance(data, dict):
        raise SettingsError("settings %s must define a mapping named 'settings'"
                            % name)
    return data, path


def load(name=None):
    name = locate(name)
    data, path = read(name)
    from gateway.settings_shapes import normalise
    data = normalise(data)   # older upstream shapes (valors_defecte as a dict...)
    base = defaults()
    merged = Settings(base)
    merged.update(data)
    merged.path = path
    merged.unknown = sorted(set(data) - set(base))
    merged.warnings = []
    try:
        import backends
        for key, value in backends.kind_of(merged).defaults.items():
            base.setdefault(key, value)         # a registered back-end's own keys
            merged.setdefault(key, value)
        merged.unknown = sorted(set(data) - set(base))
        merged.warnings = ["settings: unknown key %r ignored (misspelt?)" % key
                           for key in merged.unknown]
        check(merged, base)
    except SettingsError as e:
        # The admin looks in log_file: say it there too when it can be known.
        log_file = data.get("log_file")
        e.log_file = merged.resolve_path(log_file) if isinstance(log_file, str) else None
        e.warnings = merged.warnings
        e.settings = merged     # enough to tell the admin (gateway/reports/alerts.py)
        raise
    return merged


def check(settings, base):
    """Refuse wrong types and invalid regexes, naming the key."""
    for key, default in base.items():
        value = settings[key]
        if key in ONE_OR_MANY_KEYS and isinstance(value, str):
            if re.search(r"[,;\s]", value.strip()):   # a YAML list that became one string
                raise SettingsError("settings key %r: %r is one string; write a list: "
                                    "[\"a\", \"b\"]" % (key, value))
            settings[key] = value = [value] if value else []
        _check_type(key, value, default)
        if isinstance(default, str) and isinstance(value, int) and key != "log_level":
            settings[key] = value = str(value)
        _check_items(key, value)
    _check_times(settings)
    for key in REGEX_KEYS:
        compiled = _compile(key, settings[key])
        if key in NUMBER_REGEX_KEYS and compiled.groups < 1:
            raise SettingsError("settings key %r: the regex needs a group (...) around "
                                "the ticket number" % key)
    for key in REGEX_LIST_KEYS:
        for item in settings[key]:
            _compile(key, item)
    for key in REGEX_DICT_KEYS:
        for pattern in settings[key]:
            _compile(key, pattern)
    for key in ADDRESS_PATTERN_KEYS:
        for item in settings[key]:
            if not isinstance(item, str):
                raise SettingsError("settings key %r: %r is not a string" % (key, item))
            if item.startswith("^"):
                _compile(key, item)
    if settings["afegir_solicitants_addicionals_en_cc_nomes_via"]:
        _compile("afegir_solicitants_addicionals_en_cc_nomes_via",
                 settings["afegir_solicitants_addicionals_en_cc_nomes_via"])
    for key in CALLABLE_KEYS:
        settings[key] = _callable(key, settings[key])
    _check_header_rules(settings["regles_capcaleres"])
    if settings["comentaris_de_tercers"] not in ("privat", "public", "nou"):
        raise SettingsError("settings key 'comentaris_de_tercers' must be \"privat\", "
                            "\"public\" or \"nou\", not %r" % settings["comentaris_de_tercers"])
    _check_log_level(settings["log_level"])
    _check_journal(settings["journal"])
    if not all(isinstance(f, str) and "." in f for f in settings["filtres"]):
        raise SettingsError("settings key 'filtres': dotted class paths expected")
    _check_sender_lists(settings)
    import backends
    kind = backends.kind_of(settings)
    _check_rules(settings, kind.rule_fields)
    kind.check_settings(settings, base)
    for key, text in required_problems(settings)[:1]:
        raise SettingsError("settings key %r %s" % (key, text))


def required_problems(settings):
    """[(key, what is wrong)]: the keys the back-end cannot work without,
    missing or misshapen (its own settings section knows which)."""
    import backends
    return backends.kind_of(settings).settings_problems(settings)


def _check_type(key, value, default):
    if isinstance(default, str) and isinstance(value, int) and not isinstance(value, bool):
        return  # an id written as a number (domini: 999); load() makes it text
    if key in CALLABLE_KEYS:
        ok = value is None or callable(value) or isinstance(value, str)
        expected = "a function, the dotted name of one, or None"
    elif key in OPTIONAL_NUMBER_KEYS:
        ok = value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))
        expected = "a number or None"
    elif default is None or key in OPTIONAL_TEXT_KEYS:
        ok = value is None or isinstance(value, str)
        expected = "a string or None"
    elif key == "log_level":
        ok = isinstance(value, (str, int)) and not isinstance(value, bool)
        expected = "a level name or number"
    elif isinstance(default, bool):
        ok = isinstance(value, bool)
        expected = "true or false"
    elif isinstance(default, (int, float)):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
        expected = "a non-negative number"
    else:
        ok = isinstance(value, type(default))
        expected = "a %s" % type(default).__name__
    if not ok:
        raise SettingsError("settings key %r must be %s, not %r" % (key, expected, value))


def _check_items(key, value):
    if key in RULE_KEYS or key == "web":    # "web": checked by web/config.py
        return
    if isinstance(value, list):
        for item in value:
            if not isinstance(item, str):
                raise SettingsError("settings key %r: %r is not a string" % (key, item))
    elif isinstance(value, dict):
        for name, item in value.items():
            if not isinstance(name, str) or not isinstance(item, str):
                raise SettingsError("settings key %r: %r: %r must map a string to a string"
                                    % (key, name, item))


def _check_times(settings):
    run = settings["temps_maxim_execucio"]
    if not 0 < run <= MAX_RUN_SECONDS:
        raise SettingsError("settings key 'temps_maxim_execucio' must be more than 0 and "
                            "at most %d seconds, not %r" % (MAX_RUN_SECONDS, run))
    for digest in settings["filtrar_attachments_per_hash"]:
        if len(digest) not in (32, 64) or not all(c in "0123456789abcdefABCDEF" for c in digest):
            raise SettingsError("settings key 'filtrar_attachments_per_hash': %r is neither "
                                "an MD5 nor a SHA-256 hex digest" % digest)


def _compile(key, pattern):
    if not isinstance(pattern, str):
        raise SettingsError("settings key %r: %r is not a regex string" % (key, pattern))
    try:
        return re.compile(pattern)
    except re.error as e:
        raise SettingsError("settings key %r: invalid regex %r: %s" % (key, pattern, e))


def _check_rules(settings, ALTA_TIQUET):
    """The rules' fields, as the back-end names them (backends/*: rule_fields)."""
    for i, rule in enumerate(settings["valors_defecte"]):
        where = "valors_defecte[%d]" % i
        if not isinstance(rule, dict) or not isinstance(rule.get("order"), list) \
                or not all(isinstance(h, str) for h in rule["order"]) \
                or not isinstance(rule.get("match"), str):
            raise SettingsError("settings key %r: needs 'order' (a list of headers), "
                                "'match' (a regex) and 'defaults'" % where)
        _compile(where, rule["match"])
        _check_defaults(where, rule.get("defaults"), ALTA_TIQUET)
    for i, rule in enumerate(settings["paraules_clau"]):
        where = "paraules_clau[%d]" % i
        if not isinstance(rule, dict) or not isinstance(rule.get("paraules"), list) \
                or not all(isinstance(w, str) for w in rule["paraules"]):
            raise SettingsError("settings key %r: needs 'paraules' (a list of words) "
                                "and 'defaults'" % where)
        _check_defaults(where, rule.get("defaults"), ALTA_TIQUET)


def _check_sender_lists(settings):
    for key in ("remitents_permesos", "remitents_denegats"):
        for item in settings[key]:
            if item.startswith("^"):
                _compile(key, item)
            elif not item or re.search(r"\s", item):
                raise SettingsError("settings key %r: %r is neither an address, a "
                                    "domain nor a ^regex" % (key, item))


def _callable(key, value):
    """A dotted name ("netejahtml.neteja_reply") becomes the function."""
    if not isinstance(value, str):
        return value
    module, _, name = value.rpartition(".")
    try:
        function = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as e:
        raise SettingsError("settings key %r: cannot load %r: %s" % (key, value, e))
    if not callable(function):
        raise SettingsError("settings key %r: %r is not a function" % (key, value))
    return function


def _check_header_rules(rules):
    for i, rule in enumerate(rules):
        where = "regles_capcaleres[%d]" % i
        if not isinstance(rule, dict) or not isinstance(rule.get("capcalera"), str) \
                or not isinstance(rule.get("match"), str) \
                or rule.get("accio") not in HEADER_RULE_ACTIONS:
            raise SettingsError("settings key %r: needs 'capcalera' (a header name), "
                                "'match' (a regex) and 'accio' (one of %s)"
                                % (where, ", ".join(HEADER_RULE_ACTIONS)))
        _compile(where, rule["match"])


def _check_defaults(where, defaults, allowed):
    if not isinstance(defaults, dict):
        raise SettingsError("settings key %r: 'defaults' must be a mapping" % where)
    for name, value in defaults.items():
        if name not in allowed:
            raise SettingsError("settings key %r: %r is not an AltaTiquet parameter"
                                % (where, name))
        if not isinstance(value, str):
            raise SettingsError("settings key %r: value of %r must be a string"
                                % (where, name))


def _check_journal(location):
    """A file path, or a URL some journal engine takes (gateway/journal.py)."""
    if location and "://" in location:
        from gateway.journal import engine_known
        if not engine_known(location):
            raise SettingsError("settings key 'journal': %r is neither a file path nor "
                                "a postgresql:// URL" % (location.split("://")[0] + "://..."))


def _check_log_level(level):
    if isinstance(level, str) and not isinstance(logging.getLevelName(level.upper()), int):
        raise SettingsError("settings key 'log_level': unknown level %r" % level)
