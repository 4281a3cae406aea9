"""docs/openapi.json and docs/api.md, generated from the app's
declarations (never kept by hand):

    .venv/bin/python -m web.openapi           # rewrite both
    .venv/bin/python -m web.openapi --check   # exit 1 if one is stale (tests/test_web_openapi.py)
"""
import json
import sys
import tempfile
from pathlib import Path

DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"
MARKDOWN = DOCUMENT.with_name("api.md")


def document():
    """The OpenAPI document of an app with the default `web` settings."""
    from web.app import build_app
    from web.config import build
    with tempfile.TemporaryDirectory() as state:
        return build_app(build({}, [], [], state)).openapi()


def text(found=None):
    return json.dumps(found or document(), indent=2, sort_keys=True,
                      ensure_ascii=False) + "\n"


def _type(schema):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return "[%s](#%s)" % (name, name.lower())
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"] if s.get("type") != "null")
    if schema.get("type") == "array":
        return "list of %s" % _type(schema.get("items") or {})
    found = schema.get("type", "any")
    limits = ["%s %s" % (word, schema[key]) for key, word in (
        ("minimum", "≥"), ("maximum", "≤"), ("minLength", "length ≥"),
        ("maxLength", "length ≤")) if key in schema]
    for part in schema.get("anyOf", []):
        limits += ["length ≤ %s" % part["maxLength"]] if "maxLength" in part else []
    return found + (" (%s)" % ", ".join(limits) if limits else "")


def _cell(value):
    return str(value or "").replace("|", "\\|").replace("\n", " ")


def markdown(found):
    """docs/api.md: the OpenAPI document as a page to read."""
    lines = ["# The mailtoticket API", "",
             "Generated from [`openapi.json`](openapi.json) by `python -m web.openapi`: "
             "do not edit. Roles, set-up and the rest: [web.md](web.md).", "",
             "Authentication: `Authorization: Bearer TOKEN`, or HTTP Basic with the "
             "token's name and the token. Every error is `{\"detail\": \"...\"}`.", ""]
    for path, operations in sorted(found["paths"].items()):
        for method, op in sorted(operations.items()):
            lines += ["## %s %s" % (method.upper(), path), "", op.get("summary", ""), ""]
            params = op.get("parameters") or []
            if params:
                lines += ["| parameter | in | type | required | description |",
                          "|---|---|---|---|---|"]
                lines += ["| `%s` | %s | %s | %s | %s |" % (
                    p["name"], p["in"], _cell(_type(p.get("schema") or {})),
                    "yes" if p.get("required") else "no",
                    _cell(p.get("description") or (p.get("schema") or {}).get(
                        "description"))) for p in params]
                lines.append("")
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            if body:
                lines += ["Body: %s" % _type(body["schema"]), ""]
            lines += ["| answer | content |", "|---|---|"]
            for code, answer in sorted(op.get("responses", {}).items()):
                content = answer.get("content") or {}
                kind = next(iter(content), "")
                schema = (content.get(kind) or {}).get("schema") or {}
                lines.append("| %s | %s %s |" % (code, _cell(answer.get("description")),
                                                 _cell(_type(schema)) if schema else kind))
            lines.append("")
    lines += ["## Schemas", ""]
    for name, schema in sorted(found["components"]["schemas"].items()):
        lines += ["### %s" % name, "", _cell(schema.get("description")), "",
                  "| field | type | description |", "|---|---|---|"]
        required = set(schema.get("required") or ())
        for field, prop in (schema.get("properties") or {}).items():
            lines.append("| `%s`%s | %s | %s |" % (field, "" if field in required else " (opt.)",
                                                    _cell(_type(prop)),
                                                    _cell(prop.get("description"))))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    found = document()
    wanted = {DOCUMENT: text(found), MARKDOWN: markdown(found)}
    if "--check" in argv:
        stale = [path for path, content in wanted.items() if not path.exists()
                 or path.read_text(encoding="utf-8") != content]
        for path in stale:
            print("%s is stale: run .venv/bin/python -m web.openapi" % path)
        return 1 if stale else 0
    for path, content in wanted.items():
        path.write_text(content, encoding="utf-8")
        print("wrote %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
