"""Telling the admin that a mailbox is not being fetched.

Once per failure: when fetching has failed for longer than `alert_after`
(the server down, the network cut), or at once for what only the admin can
end (credentials or an OAuth2 grant refused). A mailbox that works again
is told about anew the next time it fails. The mail goes through the
mailbox's default queue's `notificar_errors` settings (gateway/reports/notify.py);
the log line is written whatever happens to the mail.
"""
import json
import logging
import time

log = logging.getLogger("mailtoticket.service")


def check(mailbox, status, config, configuration=False):
    """Tell the admin if it is time; remembers it in `status`."""
    if status.alerted or status.error_since is None:
        return
    failing = time.time() - status.error_since
    if not configuration and failing < config.alert_after:
        return
    status.alerted = True
    if configuration:
        subject = "mailtoticket: mailbox %s refuses the service's login" % mailbox.name
        text = ("The service cannot log in to mailbox %s (%s, user %s):\n\n  %s\n\n"
                "This is a configuration matter: fix the login in the service file "
                "(or grant access again: mailtoticket.py serve -c %s --authorize %s), "
                "then reload the service (systemctl reload mailtoticket). Mail waits in "
                "the mailbox meanwhile; nothing is lost.\n"
                % (mailbox.name, mailbox.server, mailbox.login["user"], status.last_error,
                   config.path, mailbox.name))
    else:
        subject = "mailtoticket: mailbox %s not fetched for %d minutes" % (
            mailbox.name, failing // 60)
        text = ("Fetching mailbox %s (%s, folder %s) has failed since %s:\n\n  %s\n\n"
                "The service keeps trying (with backoff); mail waits in the mailbox "
                "meanwhile. You are told once per failure.\n"
                % (mailbox.name, mailbox.server, mailbox.folder,
                   time.strftime("%Y-%m-%d %H:%M", time.localtime(status.error_since)),
                   status.last_error))
    log.error("%s: %s", subject, status.last_error)
    from gateway.reports import notify
    status_text = json.dumps(status.as_json(), indent=1)
    notify.send(mailbox.queue.settings, subject, text, b"", status_text)
