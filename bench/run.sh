#!/usr/bin/env bash
# Make (or refresh) .venv with scripts/venv.sh, then run the benchmark in it.
# Arguments go to bench/run.py (--runs, --messages, --big-mib, --keep).
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(bash scripts/venv.sh --test)
exec "$python" bench/run.py "$@"
