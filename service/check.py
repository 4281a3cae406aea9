"""`mailtoticket.py serve -c SERVICE_FILE --check`: what the service would
meet, before it runs. The service file is already loaded and checked
(a wrong key never gets here); then, one line each, "OK ..." or
"PROBLEM ...": the state folder, each mailbox (TLS, the login, its token,
the folders), and each queue's own check (mailtoticket.py -c SETTINGS
--check: journal, quarantine, log, the ticket system). Exit 0 when all is
well, 1 otherwise: fit for a monitoring job after every change.
"""
import os
import sys

from gateway.errors import SettingsError


def say(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def check(service):
    """`service`: a Service (service/main.py), not started."""
    config = service.config
    problems = 0
    try:
        os.makedirs(config.state_dir, mode=0o700, exist_ok=True)
        probe = os.path.join(config.state_dir, ".check-%d" % os.getpid())
        open(probe, "w").close()
        os.remove(probe)
        say("OK state_dir: %s writable" % config.state_dir)
    except OSError as e:
        problems += 1
        say("PROBLEM state_dir: %s" % e)
    for mailbox in config.mailboxes:
        problems += _mailbox(service, mailbox)
    from gateway import admin
    for queue in config.queues.values():
        say("-- queue %s" % queue.path)
        if admin.check(queue.settings) != 0:
            problems += 1
    say("%s: %d problem(s)" % ("PROBLEM" if problems else "OK", problems))
    return 1 if problems else 0


def _mailbox(service, mailbox):
    from service.imap import CONNECTION_ERRORS, LoginRefused, Session
    config = service.config
    where = "mailbox %s (%s:%s)" % (mailbox.name, mailbox.server, mailbox.port)
    session = Session(mailbox, (config.connect_timeout, config.timeout),
                      service.token_source(mailbox))
    try:
        session.open()
        missing = [f for f in (mailbox.folder, mailbox.processed_folder,
                               mailbox.quarantine_folder)
                   if f and not session.client.folder_exists(f)]
        waiting = session.count(mailbox.folder)
    except (LoginRefused, SettingsError) as e:
        say("PROBLEM %s: %s" % (where, e))
        return 1
    except CONNECTION_ERRORS as e:
        say("PROBLEM %s: %s: %s" % (where, type(e).__name__, e))
        return 1
    finally:
        session.close()
    say("OK %s: logged in as %s%s; %s message(s) waiting in %s%s" % (
        where, mailbox.login["user"],
        " (OAuth2 %s)" % mailbox.login["oauth2"]["kind"] if mailbox.login["oauth2"] else "",
        waiting if waiting is not None else "no", mailbox.folder,
        "; created at start: %s" % ", ".join(missing) if missing else ""))
    return 0
