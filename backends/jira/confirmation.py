"""The confirmation mail of a new Jira issue, as the Jira settings say it.

Jira does not mail outside customers, so the gateway does (as Jicket
does: gateway/writes/confirmation.py sends it, once, through
`servidor_mail`). Its subject carries [KEY] and its Message-ID is
<KEY.hex@host>, so a reply finds the issue by either (jira_key_regex,
regex_message_id: backends/jira/settings.py).
"""
import uuid


def compose(settings, key, subject, address):
    from email.message import EmailMessage
    from email.utils import formatdate
    from urllib.parse import quote
    values = {"key": key, "subject": subject,
              "url": "%s/browse/%s" % (settings["jira_url"].rstrip("/"), quote(key))}
    sender = settings["jira_confirmation_from"]
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = address
    mail["Subject"] = settings["jira_confirmation_subject"].format(**values)
    mail["Date"] = formatdate(localtime=True)
    host = sender.rpartition("@")[2].strip(">") or "localhost"
    mail["Message-ID"] = "<%s.%s@%s>" % (key, uuid.uuid4().hex, host)
    mail["Auto-Submitted"] = "auto-replied"     # RFC 3834: not to be answered by machines
    mail.set_content(settings["jira_confirmation_template_text"].format(**values))
    import html
    escaped = {k: html.escape(v) for k, v in values.items()}
    mail.add_alternative(settings["jira_confirmation_template_html"].format(**escaped),
                         subtype="html")
    return mail
