# -*- coding: utf-8 -*-
# Test fixture: the shape, keys and values of the original UPC/mailtoticket
# settings_sample.py (its last release), as an admin of that tool has it.
# Tests copy it, then change only the bus addresses and credentials, as an
# admin pointing a deployment at a test bus would.
import logging
import tempfile
import os

# One temporary folder per instance when several share a machine:
#
# tempfile.tempdir = os.environ['HOME'] + "/tmp"

settings = {

    # SOA and GN6 users
    "username_soa": "xxx",
    "password_soa": "xxx",
    "username_gn6": "xxx",
    "password_gn6": "xxx",
    "identitat_digital_apikey": "xxx",

    # GN6 instance of the tickets
    "domini": "999",

    # Default team of new tickets
    "equip_resolutor_nous": "99999",

    # User of tickets from unknown senders (FiltreNouExtern only)
    "usuari_extern": "extern.general",

    # Ticket parameters by header
    "valors_defecte": [
        {
            "order": ['Resent-To', 'To'],
            "match": r"^webmaster@unitat\.upc\.edu$",
            "defaults": {"equipResolutor": "11111"}
        },
        {
            "order": ['Resent-From', 'From'],
            "match": r"^nom\.cognom@upc\.edu$",
            "defaults": {"equipResolutor": "11113"}
        },
        {
            "order": ['Resent-From'],
            "match": r"^nom@unitat\.upc\.edu$",
            "defaults": {"equipResolutor": "11112"}
        },
        {
            "order": ['Subject'],
            "match": ".*URGENT",
            "defaults": {"urgencia": "GRAVETAT_ALTA"}
        }
    ],

    # Notify the requester of comments added by someone else
    "notificar_comentaris_afegits": True,

    # Active filters
    "filtres": [
        "filtres.reply.FiltreReply",
        "filtres.nou.FiltreNou"
    ],

    # Ticket number in the subject
    "regex_reply": r".*?R[eEvV]:.*?\[Suport Unitat ([\d]+)\]",

    # Private comment marker
    "regex_privat": r"(?i)\(comentari privat\)",

    # Unit addresses the identity service does not know
    "mails_addicionals": {
        "gestio.pfc@escola.upc.edu": "nom.cognom",
        "cap.estudis@escola.upc.edu": "escola.cap.estudis",
    },

    # Address patterns naming a user
    "patrons_mail_addicionals": {
        r"^root@([a-z0-9.\-]+\.)?unitat\.upc\.e(s|du)$": "extern.general",
        "^(.*)@upc.edu$": "%s",
        "^(.*)@upcnet.es$": "%s"
    },

    # Senders never ticketed
    "mails_no_ticket": [
        "info.exemple@upc.edu",
        r"^.*@example\.com$",
    ],

    # Attachments not uploaded, by name or MD5
    "filtrar_attachments_per_nom": [
        r"paic\d+.jpg"
    ],

    "filtrar_attachments_per_hash": [
        "76f6a359e98f9e0effc214033373b9cf",
        "7526d0f3f7864090353c181158b218c3"
    ],

    # Log file and level
    "log_file": tempfile.gettempdir() + "/mailtoticket.log",
    "log_level": logging.INFO,

    # Error reports by mail
    "notificar_errors": True,
    "notificar_errors_from": "mailtoticket@unitat.upc.edu",
    "notificar_errors_to": "nom.cognom@unitat.upc.edu",
    "servidor_mail": "relay.upc.edu"
}
