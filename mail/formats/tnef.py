"""The files inside an Outlook winmail.dat (TNEF, application/ms-tnef).

Outlook wraps a message's attachments in one opaque winmail.dat that only
Outlook opens. The desk needs the files inside: they are read with
tnefparse (imported only for such mail) and uploaded one by one. If the
blob cannot be read, the caller keeps it as it is.
"""

import logging

from mail.failsafe import noted

__all__ = ["tnef_files"]

log = logging.getLogger("mailtoticket.tnef")
_MAX_FILES = 100


def tnef_files(data):
    """[(file name, content type, bytes)] of the attachments in TNEF
    `data`; [] if it is not TNEF, holds no files or cannot be read."""
    try:
        from tnefparse import TNEF
        tnef = TNEF(data, do_checksum=False)
    except Exception as e:
        log.info("winmail.dat not readable as TNEF (%s): kept as it is", e)
        return []
    files = []
    for index, attachment in enumerate(tnef.attachments[:_MAX_FILES]):
        try:
            name = attachment.long_filename() or attachment.name
        except Exception as e:  # tnefparse on a broken attribute
            noted("a TNEF file name", e)
            name = ""
        payload = getattr(attachment, "data", b"") or b""
        if not isinstance(payload, bytes):
            continue
        name = (name or "attachment-%d.bin" % (index + 1)).strip("\x00 ")
        files.append((name, _content_type(name), payload))
    return files


def _content_type(name):
    import mimetypes
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or "application/octet-stream"
