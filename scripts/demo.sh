#!/usr/bin/env bash
# The main job, on a fresh machine: a venv, the reference GN6 server, the
# sample message mail.txt through mailtoticket.py, the ticket read back.
# --jira: the same against the reference Jira server and an SMTP sink.
# --service: the long-running service on a private dovecot (docs/service.md).
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(bash scripts/venv.sh)
if [ "${1:-}" = "--jira" ]; then   # the same mail into the reference Jira (docs/jira.md)
    shift
    exec "$python" scripts/demo_jira.py "$@"
fi
if [ "${1:-}" = "--service" ]; then   # needs root and dovecot-imapd
    shift
    exec "$python" scripts/demo_service.py "$@"
fi
exec "$python" scripts/demo.py "$@"
