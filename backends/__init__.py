"""The ticket systems the gateway can write to, registered by kind.

    backends.kind_of(settings) -> the TicketSystem class `backend` names

A back-end is one folder here (backends/gn6/, backends/jira/) holding one
subclass of backends.base.TicketSystem, and one line in KINDS: the kind's
name and where its class is. The class is imported only when settings
name it, so a GN6 desk never loads Jira's client, nor a Jira desk SOAP.
Another kind (one of a desk's own) is registered with
`backends.register(name, class_or_dotted_path)` before the settings load;
no file of the gateway changes (tests/test_backend_seam.py does it).
"""
import importlib

DEFAULT = "gn6"
# kind -> "module:Class" (imported on first use) or the class itself
KINDS = {
    "gn6": "backends.gn6.tickets:GN6",
    "jira": "backends.jira.tickets:Jira",
}


def register(name, kind):
    """Make `backend: name` choose `kind` (a TicketSystem subclass, or
    "module:Class")."""
    KINDS[name] = kind


def kind_of(settings):
    """The TicketSystem class the settings key `backend` names."""
    name = settings.get("backend") or DEFAULT
    kind = KINDS.get(name) if isinstance(name, str) else None
    if kind is None:
        from gateway.errors import SettingsError
        raise SettingsError("settings key 'backend' must be one of %s, not %r"
                            % (", ".join('"%s"' % k for k in sorted(KINDS)), name))
    if isinstance(kind, str):
        module, _, attribute = kind.partition(":")
        kind = KINDS[name] = getattr(importlib.import_module(module), attribute)
    return kind
