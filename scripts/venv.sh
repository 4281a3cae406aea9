#!/usr/bin/env bash
# Create (or refresh) .venv from requirements.txt; prints the venv's python.
# With --test, requirements-test.txt too (the suite's and the benchmarks'
# tools: a deployment installs only what production runs).
# Re-installs only when the requirement files or the interpreter changed since
# the last install (the stamp holds both).
#
# The venv is made with the system's python3 (/usr/bin/python3, Debian's or
# Ubuntu's own) when there is one, so that what the tests prove is what a
# stock server runs; $MAILTOTICKET_PYTHON overrides it (e.g. a pyenv 3.10).
# Debian ships the venv module apart (python3-venv): installed here when
# running as root, named otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
reqs=(requirements.txt)
if [ "${1:-}" = --test ]; then reqs+=(requirements-test.txt); fi
base=${MAILTOTICKET_PYTHON:-}
if [ -z "$base" ]; then
    if [ -x /usr/bin/python3 ]; then base=/usr/bin/python3; else base=$(command -v python3); fi
fi
if ! "$base" -c "import venv, ensurepip" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing python3-venv for $base" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
    else
        echo "$base has no venv module: apt-get install python3-venv (as root)" >&2
        exit 1
    fi
fi
stamp=.venv/.requirements.sha256
want="$(cat "${reqs[@]}" | sha256sum | cut -d' ' -f1) $("$base" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
if [ -x .venv/bin/python ] && [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    # made by another interpreter, or a different requirements.txt
    current=$(.venv/bin/python -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || true)
    wanted=$("$base" -c 'import sys; print(sys.version.split()[0])')
    if [ "$current" != "$wanted" ]; then
        echo "rebuilding .venv with $base ($wanted, was ${current:-broken})" >&2
        rm -rf .venv
    fi
fi
if [ ! -x .venv/bin/python ]; then
    "$base" -m venv .venv >&2
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check "${reqs[@]/#/-r}" >&2
    echo "$want" > "$stamp"
fi
# The project's own bytecode, as pip compiles the libraries it installs: a
# delivery is a new process, and without .pyc files (a code folder the
# service user cannot write, PYTHONDONTWRITEBYTECODE) each one would compile
# every module it imports. Only changed files are compiled again.
.venv/bin/python -m compileall -q -x '/(\.venv|\.git|tests)/' "$PWD" >&2 || true
echo "$PWD/.venv/bin/python"
