#!/usr/bin/env bash
# The main job, on a fresh machine: a venv, the reference GN6 server, the
# sample message mail.txt through mailtoticket.py, the ticket read back.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(bash scripts/venv.sh)
exec "$python" scripts/demo.py "$@"
