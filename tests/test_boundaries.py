"""The layout's boundaries (docs/DESIGN.md), checked on the imports of
every module, function-local ones included (the code imports lazily)."""
import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# What the incoming message (mail/) must never reach: it is parsed
# whatever it is, and knows nothing of the run that reads it.
RUN_SIDE = ("gateway", "rules", "soa", "zeep", "filtres", "jirarest", "failures",
            "mailtoticket")


def modules(*folders):
    for folder in folders:
        path = REPO / folder
        for file in sorted([path] if path.suffix == ".py" else path.rglob("*.py")):
            yield file.relative_to(REPO).as_posix(), file


def imports(file):
    """Every module name `file` imports (absolute; relative ones resolved)."""
    tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
    package = ".".join(file.relative_to(REPO).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join(p for p in parts + [base] if p)
            yield base
            yield from ("%s.%s" % (base, alias.name) for alias in node.names)


def under(name, prefixes):
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def crossings(folders, forbidden, allowed_files=()):
    found = []
    for path, file in modules(*folders):
        if path in allowed_files:
            continue
        found += ["%s imports %s" % (path, name) for name in imports(file)
                  if under(name, forbidden)]
    return found


def test_the_failure_taxonomy_imports_nothing_of_the_project():
    assert crossings(["failures.py"], ("gateway", "soa", "jirarest", "filtres",
                                        "refservers", "mailtoticket")) == []


@pytest.mark.parametrize("client", ["soa", "jirarest"])
def test_the_service_clients_import_nothing_of_the_gateway(client):
    shim = {path for path, _ in modules("soa/server")}   # python -m soa.server, kept
    assert crossings([client], ("gateway", "filtres", "mailtoticket", "refservers"),
                     allowed_files=shim) == []


def test_python_m_soa_server_still_starts_the_gn6_reference_server():
    import subprocess
    import sys
    shown = subprocess.run([sys.executable, "-m", "soa.server", "--help"], cwd=str(REPO),
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "--wsdl-style" in shown.stdout


def test_the_reference_servers_stand_apart_from_the_client_code():
    assert crossings(["refservers"],
                     ("gateway", "filtres", "mailtoticket", "jirarest", "soa")) == []


CORE = ["mailtoticket.py", "gateway", "rules", "filtres", "mail", "web"]


@pytest.mark.parametrize("kind, client", [("gn6", ("soa", "zeep")),
                                          ("jira", ("jirarest", "requests"))])
def test_only_its_back_end_imports_a_ticket_systems_client(kind, client):
    others = [path for path, _ in modules("backends")
              if not path.startswith("backends/%s/" % kind)]
    assert crossings(CORE + others, client) == []


def test_the_core_reaches_the_back_ends_only_through_the_registry_and_the_interface():
    kinds = [path.split("/")[1] for path, file in modules("backends")
             if file.name == "__init__.py" and file.parent.parent.name == "backends"]
    assert sorted(kinds) == ["gn6", "jira"]
    assert crossings(CORE, tuple("backends." + kind for kind in kinds)) == []


def test_the_back_ends_import_no_run_filter_or_rule_but_the_settings_error():
    found = crossings(["backends"], ("gateway", "filtres", "rules", "mailtoticket",
                                     "refservers"))
    assert [line for line in found
            if not line.endswith(("gateway.errors", "gateway.errors.SettingsError"))] == []


def test_the_core_never_compares_a_kind_of_back_end_by_name():
    found = []
    for path, file in modules(*CORE):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        found += ["%s:%d" % (path, node.lineno) for node in ast.walk(tree)
                  if isinstance(node, ast.Compare)
                  and any(isinstance(c, ast.Constant) and c.value in ("gn6", "jira")
                          for c in [node.left] + node.comparators)]
    assert found == []


def test_the_message_side_imports_nothing_of_settings_journal_or_soap():
    assert crossings(["mail"], RUN_SIDE) == []


def test_the_rules_read_settings_and_message_and_touch_no_journal_or_ticket():
    assert crossings(["rules"], ("gateway", "soa", "zeep", "filtres", "jirarest",
                                 "mailtoticket", "sqlite3")) == []


def attributes_read(folders, names, allowed_files=()):
    found = []
    for path, file in modules(*folders):
        if path in allowed_files:
            continue
        tree = ast.parse(file.read_text(encoding="utf-8"))
        found += ["%s:%d reads .%s" % (path, node.lineno, node.attr)
                  for node in ast.walk(tree)
                  if isinstance(node, ast.Attribute) and node.attr in names]
    return found


def test_only_the_run_reads_the_mode():
    """The journal, the ticket system and the quarantine come out of the
    Run in the right variant: nobody else asks about dry run or replay."""
    mode = {"dry_run", "replay", "replaying", "account", "readonly"}
    assert attributes_read(["mailtoticket.py", "filtres", "gateway", "rules", "mail"], mode, {
        "gateway/run.py", "gateway/journal.py",    # Journal(readonly=...) is its variant
        "gateway/journals/sqlite.py", "gateway/journals/postgres.py",   # and its engines'
        "gateway/cli.py"}) == []                   # where the mode comes from: argv


def test_filters_see_the_delivery_not_the_run():
    assert attributes_read(["filtres"], {"run", "backend"}) == []


def test_filters_use_only_the_public_api_of_what_they_are_given():
    found = []
    for path, file in modules("filtres"):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        found += ["%s:%d reads %s._%s" % (path, node.lineno, ast.unparse(node.value),
                                           node.attr.lstrip("_"))
                  for node in ast.walk(tree)
                  if isinstance(node, ast.Attribute) and node.attr.startswith("_")
                  and not node.attr.startswith("__")
                  and ast.unparse(node.value) != "self"]
    assert found == []


def test_only_the_pipeline_reaches_the_filter_chain():
    """Filters use the gateway; the gateway loads the chain in one place
    (gateway/pipeline.py) and asks rules/, not a filter, what a reply is."""
    assert crossings(["gateway", "backends", "rules", "mail"], ("filtres",),
                     allowed_files={"gateway/pipeline.py"}) == []


def test_no_catch_all_is_silent():
    """Every `except Exception` (or bare except) in production code raises,
    or records what it caught: a log line, a defect on the message, a line
    for the admin, the error in what it answers. A silent fallback hides
    the bug it catches."""
    production = ["mailtoticket.py", "failures.py", "gateway", "backends", "rules", "mail",
                  "filtres", "soa", "jirarest", "netejahtml.py", "web"]
    silent = []
    for path, file in modules(*production):
        if path.startswith("soa/server/"):
            continue
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ExceptHandler):
                continue
            caught = ast.unparse(node.type) if node.type is not None else "BaseException"
            if caught not in ("Exception", "BaseException"):
                continue
            acts = [n for statement in node.body for n in ast.walk(statement)
                    if isinstance(n, (ast.Call, ast.Raise))
                    or isinstance(n, ast.Name) and n.id == node.name]   # it uses the error
            if not acts:
                silent.append("%s:%d" % (path, node.lineno))
    assert silent == []


SQL = re.compile(r"\b(SELECT .+ FROM|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE TABLE)\b")


def test_only_the_journal_speaks_sql_to_the_journal():
    """Every query of the journal is in gateway/journal.py, so each engine
    (SQLite, PostgreSQL) runs all of them; nothing else opens the database.
    (soa/'s WSDL cache is a file of its own, not the journal.)"""
    found = []
    for path, file in modules("mailtoticket.py", "gateway", "rules", "filtres", "mail",
                              "service", "web"):
        if path in ("gateway/journal.py", "gateway/journals/sqlite.py",
                    "gateway/journals/postgres.py"):
            continue
        text = file.read_text(encoding="utf-8")
        found += ["%s: %s" % (path, m.group(0)) for m in SQL.finditer(text)]
        found += ["%s imports %s" % (path, name) for name in ("sqlite3", "psycopg")
                  if re.search(r"^\s*(import|from) %s\b" % name, text, re.M)]
    assert found == []
