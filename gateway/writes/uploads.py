"""Attachments onto a ticket, and the HTML that points at them.

Inline images are uploaded like any attachment, then every `cid:` in the
HTML is pointed at the uploaded file's address in the ticket system; the other attachments
are listed as links, and what was not uploaded is listed with the reason.
"""
from mail.htmltext import escape


def upload(delivery, codi, usuari):
    """Upload every selected attachment once; [(attachment, codiAnnex)]."""
    to_upload, _ = delivery.attachments
    uploaded = []
    for index, attachment in enumerate(to_upload):
        codi_annex = delivery.tickets.attach(codi, usuari, index, attachment.name,
                                             file_data(attachment))
        delivery.say("attachment %s (%d bytes) on ticket %s: annex %s",
                     attachment.name, attachment.size, codi, codi_annex)
        uploaded.append((attachment, codi_annex))
    return uploaded


def file_data(attachment):
    """The attachment's bytes as the back-ends take them (backends/base.py
    FileData): streamed from the message when a write sends them."""
    from backends.base import FileData
    return FileData(attachment.open, attachment.size)


def with_attachments(delivery, description, uploaded, skipped):
    """The description with cid: images pointing at the uploaded files
    (their address is the ticket system's), and the lists."""
    file_url = delivery.tickets.file_url
    from mail.body import rewrite_cids
    from mail.cids import cid_key, referenced_cids
    referenced = referenced_cids(description)
    shown = {a.content_id: file_url(codi) for a, codi in uploaded
             if a.content_id and cid_key(a.content_id) in referenced}
    if shown:
        description = rewrite_cids(description, shown)
    if "cid:" in description.lower():  # images that were not uploaded
        from mail.body import replace_cid_images
        description = replace_cid_images(description, {
            a.content_id: "[image %s not uploaded: %s]" % (a.name, reason)
            for a, reason in skipped if a.content_id})
    # Every file the description does not show is listed (an inline image
    # that the HTML never references, too).
    listed = [(a, codi) for a, codi in uploaded if a.content_id not in shown]
    parts = [description]
    if listed:
        items = "".join('<li><a href="%s">%s</a></li>' % (
            escape(file_url(codi)), escape(a.name)) for a, codi in listed)
        parts.append("<p>Attachments:</p><ul>%s</ul>" % items)
    if skipped:
        items = "".join("<li>%s: %s</li>" % (escape(a.name), escape(reason))
                        for a, reason in skipped)
        parts.append("<p>Attachments not uploaded:</p><ul>%s</ul>" % items)
    return "\n".join(parts)
