#!/usr/bin/env bash
# Create (or refresh) .venv from requirements.txt; prints the venv's python.
# Re-installs only when requirements.txt changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv >&2
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt >&2
    echo "$want" > "$stamp"
fi
echo "$PWD/.venv/bin/python"
