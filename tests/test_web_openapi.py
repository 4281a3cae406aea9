"""The API's description is generated, and the web server stays out of a
delivery's way."""
import ast
import json
import subprocess
import sys

from support import REPO

WEB_ONLY = ("web", "fastapi", "starlette", "uvicorn", "jinja2", "prometheus_client",
            "pydantic", "multipart")


def test_docs_openapi_json_is_the_generated_document():
    from web import openapi

    current = json.loads(openapi.DOCUMENT.read_text(encoding="utf-8"))

    assert current == openapi.document(), "stale: run .venv/bin/python -m web.openapi"
    assert set(current["components"]["securitySchemes"]) == {"HTTPBasic", "HTTPBearer"}
    for path in ("/api/messages", "/api/messages/{message}", "/api/tickets/{ticket}/messages",
                 "/api/quarantine/{entry}/replay", "/api/quarantine/{entry}/discard",
                 "/api/quarantine/{entry}/link", "/api/missing", "/health", "/metrics"):
        assert path in current["paths"]


def test_docs_api_md_is_generated_from_it():
    from web import openapi

    assert openapi.MARKDOWN.read_text(encoding="utf-8") == openapi.markdown(
        openapi.document()), "stale: run .venv/bin/python -m web.openapi"
    assert "## POST /api/quarantine/{entry}/replay" in openapi.MARKDOWN.read_text()
    assert "422" not in openapi.DOCUMENT.read_text()     # bad input is a 400 here


def test_the_openapi_check_command_fails_on_a_stale_document(tmp_path, monkeypatch):
    from web import openapi
    monkeypatch.setattr(openapi, "DOCUMENT", tmp_path / "openapi.json")
    monkeypatch.setattr(openapi, "MARKDOWN", tmp_path / "api.md")
    (tmp_path / "openapi.json").write_text("{}")

    assert openapi.main(["--check"]) == 1
    assert openapi.main([]) == 0 and openapi.main(["--check"]) == 0


def test_no_delivery_module_imports_the_web_server():
    found = []
    for folder in ("gateway", "mail", "rules", "filtres", "soa", "jirarest"):
        for file in sorted((REPO / folder).rglob("*.py")):
            if file == REPO / "gateway" / "cli.py":
                continue    # the command line: its `web` command imports it (next test)
            tree = ast.parse(file.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                found += ["%s imports %s" % (file.relative_to(REPO), n) for n in names
                          if n.split(".")[0] in WEB_ONLY]
    assert found == []


def test_the_command_line_loads_the_web_server_only_for_the_web_command():
    probe = ("import sys, mailtoticket, gateway.pipeline, gateway.run, gateway.admin\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in %r))" % (WEB_ONLY,))

    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=str(REPO), timeout=60)

    assert done.stdout.strip() == "[]", done.stderr
