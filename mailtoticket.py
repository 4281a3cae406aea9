#!/usr/bin/env python3
"""mailtoticket: one mail on stdin becomes a GN6 ticket, or a comment on one.

This file only starts the command line, gateway/cli.py (arguments,
settings, the Run, the echo, the exit code); the pipeline is
gateway/pipeline.py.

Run as fetchmail's MDA (see fetchmailrc.example):

    mailtoticket.py [-c SETTINGS] [--dry-run] [--replay FILE...]
    mailtoticket.py [-c SETTINGS] --check [--fetchmailrc FILE] | --status ID | --quarantine
    mailtoticket.py [-c SETTINGS] --missing DAYS
    mailtoticket.py web -c FILE [--add-token NAME --role read|admin | ...]   (docs/web.md)
    mailtoticket.py -c SETTINGS --copy-journal OLD_JOURNAL_FILE
    mailtoticket.py serve -c SERVICE_FILE [--once | --check | --authorize MAILBOX]

The message is echoed on stdout with an `X-Mailtoticket:` header saying what
happened. Exit 0 acknowledges the message (fetchmail deletes it) and is only
given once the work is durable: the ticket work done and journalled, or the
message kept in the quarantine. Exit 75 means "try again at the next poll".
The names are public: docs/settings-reference.md.
"""
import gc

gc.disable()    # the imports' collections, wasted: gateway/cli.py turns it on as needed
from gateway.cli import exit_now, safe_main  # noqa: E402

if __name__ == "__main__":
    exit_now(safe_main())
