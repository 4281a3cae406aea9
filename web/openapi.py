"""docs/openapi.json, generated from the app's declarations (never kept by
hand):

    .venv/bin/python -m web.openapi           # rewrite docs/openapi.json
    .venv/bin/python -m web.openapi --check   # exit 1 if it is stale (tests/test_web_openapi.py)
"""
import json
import sys
import tempfile
from pathlib import Path

DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"


def document():
    """The OpenAPI document of an app with the default `web` settings."""
    from web.app import build_app
    from web.config import build
    with tempfile.TemporaryDirectory() as state:
        return build_app(build({}, [], [], state)).openapi()


def text():
    return json.dumps(document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    wanted = text()
    if "--check" in argv:
        current = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else ""
        if current != wanted:
            print("%s is stale: run .venv/bin/python -m web.openapi" % DOCUMENT)
            return 1
        return 0
    DOCUMENT.write_text(wanted, encoding="utf-8")
    print("wrote %s" % DOCUMENT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
