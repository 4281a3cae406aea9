#!/usr/bin/env bash
# The whole test suite, on a fresh machine: system packages for the
# end-to-end mailbox tests (fetchmail, dovecot, sieve, procmail), the LDAP
# tests (slapd), openssl (the service's test CA), logrotate (tests/test_logrotate.py), the shared-journal tests
# (postgresql, faketime), iproute2 (tests/test_network_cut.py's network namespace), a venv made with the system python3 when there is one
# (scripts/venv.sh), pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for pair in fetchmail:fetchmail dovecot:dovecot-imapd sieve-test:dovecot-sieve procmail:procmail \
        slapd:slapd ldapsearch:ldap-utils logrotate:logrotate flock:util-linux crontab:cron \
        adduser:adduser runuser:util-linux chromium:chromium chromedriver:chromium-driver faketime:faketime \
        openssl:openssl ip:iproute2; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] || need+=("${pair#*:}")
done
# the PostgreSQL journal's tests start a cluster of their own (tests/postgres_server.py)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "installing ${need[*]}" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
    else
        echo "missing ${need[*]}: the mailbox tests will be skipped (run as root to install)" >&2
    fi
fi
python=$(bash scripts/venv.sh --test)
echo "tests run with $("$python" -c 'import sys; print(sys._base_executable, sys.version.split()[0])')" >&2
export MAILTOTICKET_TEST_SH=1   # tests/test_install.py: the venv is the system python's
exec "$python" -m pytest -q "$@"
