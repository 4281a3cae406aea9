"""Site filters written for the original tool's filter class, refused at
load with what to change.

The original `Filtre` was built as `Filtre(msg, tickets, identitat)`: a
MailTicket (`self.msg.get_from()`...), the raw GN6 client
(`self.tickets.alta_tiquet(...)`, answers checked with
`SOAService.resultat_erroni`), the directory (`self.identitat.obtenir_uid`),
and the global `settings.get(...)`; `filtrar()` returned True or False.
Here a filter gets the Delivery (filtres/filtre.py) and every write goes
through the journalled ticket system, which is what makes a redelivery
finish a message instead of doubling it. An adapter running such a filter
would have to let it write past the journal, so its tickets could be
doubled on the first redelivery: such a class is refused instead, before
it is asked anything, naming what it uses and what to change
(docs/upstream.md, "Site filters"). The message stays in the mailbox
(a settings error) until the filter is ported.

A class is taken for an original one when it defines `__init__(msg,
tickets, identitat)`, uses the original's attributes and methods or the
global `settings` module, or overrides a hook of the original's classes
(which nothing here would call: its behaviour would silently vanish).
Shipped filters are never inspected; a site filter's methods are read when
the chain loads it (the bytecode, not the source: a filter may ship as
.pyc).
"""
import dis
import inspect

from filtres import SHIPPED

__all__ = ["UpstreamFilter", "check_class", "check_import_error"]

# Modules of the original tool a site filter imported that this project
# does not have (or has with other contents).
UPSTREAM_MODULES = {
    "settings": "settings.get('key') -> self.settings['key']",
    "mailticket": "the MailTicket -> self.message (mail/message.py)",
    "soa.service": "SOAService.resultat_erroni -> nothing: a refusal raises",
    "correu": "correu.enviar -> gateway/reports/notify.py",
    "ldaphelper": "the LDAP directory -> the LDAP_* settings",
}

# Attributes and methods only the original interface had, and their
# replacement here.
UPSTREAM_NAMES = {
    "msg": "self.msg -> self.message (subject, from_address, header(name), "
           "addresses(name), text_body())",
    "set_mail": "set_mail/set_tickets/set_identitat -> the Delivery, given to __init__",
    "identitat": "self.identitat.obtenir_uid(a) -> self.delivery.senders.resolve(a)",
    "obtenir_uid": "obtenir_uid(a) -> self.delivery.senders.resolve(a)",
    "get_uid": "self.get_uid() -> self.delivery.sender.user",
    "get_uid_addicionals": "get_uid_addicionals -> delivery.senders.resolve for "
                           "each of self.message.addresses('Cc')",
    "alta_tiquet": "tickets.alta_tiquet(...) -> gateway.writes.new_ticket.open_ticket"
                   "(self.delivery, params)",
    "afegir_comentari_tiquet": "tickets.afegir_comentari_tiquet(...) -> "
                               "self.tickets.comment(codi, author, text, private, notify)",
    "modificar_tiquet": "tickets.modificar_tiquet(...) -> self.tickets.update(codi, **fields) "
                        "or self.tickets.reopen(codi)",
    "annexar_fitxer_tiquet": "annexar_fitxer_tiquet / afegir_attachments* -> "
                             "gateway.writes.uploads.upload(self.delivery, codi, author)",
    "afegir_attachments_canviant_body": "afegir_attachments_canviant_body -> "
                                        "gateway.writes.uploads",
    "afegir_solicitant_tiquet": "afegir_solicitant_tiquet -> "
                                "self.tickets.add_requester(codi, user)",
    "consulta_tiquet_dades": "consulta_tiquet(s)(_dades) -> self.delivery.ticket(codi)",
    "consulta_tiquet": "consulta_tiquet(s)(_dades) -> self.delivery.ticket(codi)",
    "consulta_tiquets": "consulta_tiquet(s)(_dades) -> self.delivery.ticket(codi)",
    "resultat_erroni": "SOAService.resultat_erroni -> nothing: a refusal raises",
    "obtenir_parametres_addicionals": "obtenir_parametres_addicionals -> "
                                      "rules.classify.new_ticket_defaults",
    "netejar_html": "netejar_html -> rules.cleaning.apply",
    # not attributes: what _old_constructor and _old_names report
    "__init__(msg, tickets, identitat)": "__init__(self, msg, tickets, identitat) -> "
                                         "__init__(self, delivery), calling Filtre's",
    "the global settings": UPSTREAM_MODULES["settings"],
}

OLD_INIT = "__init__(msg, tickets, identitat)"
HELP = "see docs/upstream.md, \"Site filters\""


class UpstreamFilter(ValueError):
    """A filter written for the original tool's interface (a settings error
    of the key `filtres`: the caller names it)."""


def check_import_error(dotted, error):
    """Raise UpstreamFilter if `error` (importing the module of filter
    `dotted`) is a missing module of the original tool. The module is then
    imported once more with stand-ins for the original's modules, only to
    read the class and name everything to change in one message; the
    stand-ins and the module are forgotten again."""
    name = getattr(error, "name", None) or ""
    if name not in UPSTREAM_MODULES:
        return
    missing = [name]
    try:
        check_class(dotted, _import_with_stand_ins(dotted, missing))
    except UpstreamFilter as e:
        raise UpstreamFilter("%s (and imports %s, of the original tool)"
                             % (e, ", ".join(repr(m) for m in missing))) from None
    except Exception as e:  # the module does not even load so: say what is known, and why
        why = " (read with stand-ins it fails too: %s: %s)" % (type(e).__name__, e)
    else:
        why = ""
    raise UpstreamFilter(
        "%s imports %r, a module of the original mailtoticket: it was written "
        "for the original filter class%s. Port it: %s; %s"
        % (dotted, name, why, UPSTREAM_MODULES[name], HELP)) from None


def _import_with_stand_ins(dotted, missing):
    import importlib
    import sys
    import types
    module_name, _, class_name = dotted.rpartition(".")
    added = []
    try:
        while True:
            for name in missing:
                if name not in sys.modules:
                    stand_in = types.ModuleType(name)
                    stand_in.__getattr__ = lambda attribute: type(attribute, (), {})
                    sys.modules[name] = stand_in
                    added.append(name)
            try:
                return getattr(importlib.import_module(module_name), class_name)
            except ModuleNotFoundError as e:
                if e.name not in UPSTREAM_MODULES or e.name in missing:
                    raise
                missing.append(e.name)
    finally:
        for name in added + [module_name]:
            sys.modules.pop(name, None)


def check_class(dotted, cls):
    """Raise UpstreamFilter if the class (or a site class it inherits from)
    uses the original filter interface."""
    used = []
    for klass in inspect.getmro(cls):
        if klass is object or klass.__module__ in SHIPPED:
            continue
        _old_constructor(klass, used)
        for name, value in vars(klass).items():
            if name in UPSTREAM_NAMES and name not in used:
                used.append(name)    # overrides a hook nothing here calls
            function = getattr(value, "__func__", value)
            code = getattr(function, "__code__", None)
            if code is not None:
                _old_names(code, getattr(function, "__globals__", {}), used)
    if used:
        changes = []
        for name in used:
            change = UPSTREAM_NAMES[name]
            if change not in changes:
                changes.append(change)
        raise UpstreamFilter(
            "%s is written for the original mailtoticket's filter class (it uses %s), "
            "not this one's (a filter gets the Delivery: __init__(self, delivery); "
            "filtrar() returns nothing and raises on failure). Port it: %s; %s"
            % (dotted, ", ".join(used), "; ".join(changes), HELP))


def _old_constructor(klass, used):
    init = vars(klass).get("__init__")
    if init is None:
        return
    try:
        parameters = list(inspect.signature(init).parameters)
    except (TypeError, ValueError):   # a builtin's: nothing to learn
        return
    if {"msg", "tickets", "identitat"} & set(parameters[1:]) and OLD_INIT not in used:
        used.append(OLD_INIT)


def _old_settings(namespace):
    """Whether the global `settings` of a filter's module is the original
    tool's module (or missing): not, say, gateway.settings."""
    value = namespace.get("settings")
    return value is None or getattr(value, "__name__", None) == "settings"


def _old_names(code, namespace, used):
    for instruction in dis.get_instructions(code):
        name = instruction.argval
        if not isinstance(name, str):
            if inspect.iscode(name):
                _old_names(name, namespace, used)
            continue
        if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME") and name == "settings" \
                and _old_settings(namespace):
            found = "the global settings"
        elif instruction.opname in ("LOAD_ATTR", "LOAD_METHOD", "STORE_ATTR") \
                and name in UPSTREAM_NAMES and not name.startswith(("_", "the ")):
            found = name
        else:
            continue
        if found not in used:
            used.append(found)
