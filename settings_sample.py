# mailtoticket settings.
#
# Copy this file (say to settings.py) and change what your deployment needs;
# keys you leave out take the values below, so this file is also the list of
# defaults. The same mapping may be written as YAML (settings.yaml).
# Every key is described in ../shared/settings-contract.md; names are part of
# the public interface, keep them exactly.

settings = {
    # ---------------------------------------------------------------- connection
    # WSDL locations (URL or file path). The service address inside the WSDL is
    # used unless endpoint_gn6 / endpoint_identitat override it (same WSDL,
    # test bus vs production bus).
    "url_gn6": "https://bus-soa.example.edu/gN6/GestioTiquetsv6?wsdl",
    "url_identitat": "https://bus-soa.example.edu/GestioIdentitat/Personesv6?wsdl",
    "endpoint_gn6": None,
    "endpoint_identitat": None,
    # Bus credentials, sent as a WS-Security UsernameToken on every request.
    "username_soa": "",
    "password_soa": "",
    # GN6 instance credentials and instance id (first three parameters of
    # every GN6 operation).
    "username_gn6": "",
    "password_gn6": "",
    "domini": "",
    # Seconds for each SOAP call. A whole run also gives up after
    # temps_maxim_execucio seconds (kept well within fetchmail's patience).
    "timeout_soa": 20,
    "temps_maxim_execucio": 50,
    # Where zeep keeps downloaded WSDLs between runs (None: beside the
    # journal). Saves a WSDL download on every message.
    "wsdl_cache": None,

    # ------------------------------------------------------------------ tickets
    # Filter classes, tried in order; the first applicable one handles the
    # message. Shipped: filtres.reply.FiltreReply,
    # filtres.reply_reobrint.FiltreReplyReobrint, filtres.nou.FiltreNou,
    # filtres.nou_extern.FiltreNouExtern.
    "filtres": ["filtres.reply.FiltreReply", "filtres.nou.FiltreNou"],
    # Team (equipResolutor) of new tickets.
    "equip_resolutor_nous": "",
    # Requester id for tickets and comments from senders nobody knows
    # (FiltreNouExtern; such tickets are created with enviarMissatgeCreacio=N).
    "usuari_extern": "",
    # The support mailbox's own address(es): its mail is never ticketed and it
    # is never added as an additional requester.
    "mail_suport": [],
    # Regex searched in the subject; group 1 is the ticket number of a reply.
    # Set it to your instance's notice template ("[Suport Unitat 1234] ..."):
    # too loose a pattern files "[PATCH 2/3]" or "[draft 3]" as replies.
    # The default wants a bracket naming the desk, then the number.
    "regex_reply": r"(?i)\[[^\]]*\b(?:suport|support|tiquet|ticket)\b[^\]]*?\s#?(\d+)\]",
    # Regex on each id of In-Reply-To / References (these win over the
    # subject); group 1 is the ticket number. Mail whose own Message-ID
    # matches it was sent by GN6 and is skipped.
    "regex_message_id": r"^<[-a-f0-9]+-tiquet-id-([0-9]+)@gn6>$",
    # Regex searched in the subject of a reply: if it matches, the reply
    # becomes a private, not notified comment.
    "regex_privat": r"\[PRIVAT\]",
    # Public comments are created with esNotificat=S.
    "notificar_comentaris_afegits": False,
    # Header rules for new tickets: each rule tests the headers in "order"
    # with re.match (anchored at the start), case-insensitive, on the
    # decoded header and on each bare address of address headers; every
    # matching rule's defaults (AltaTiquet parameters) apply, later rules
    # winning over earlier ones.
    # Example: {"order": ["Subject"], "match": ".*URGENT",
    #           "defaults": {"urgencia": "GRAVETAT_ALTA"}}
    "valors_defecte": [],
    # Keyword classification: a new ticket whose subject contains one of the
    # words (whole words, case- and accent-insensitive) gets the defaults.
    # Example: {"paraules": ["impressora", "printer"],
    #           "defaults": {"equipResolutor": "IMPRESSIO"}}
    "paraules_clau": [],
    # People in Cc whose address resolves to a user become additional
    # requesters of a new ticket.
    "afegir_solicitants_addicionals_en_cc": False,
    # Senders (addresses, domains such as "upc.edu" or "@upc.edu", or regexes
    # starting with ^) that forward mail on behalf of others: a new message
    # they forward is ticketed for the original sender (replies are not).
    "reenviaments": [],
    # Comments carry a reply's own words: its quoted history ("On ... wrote:",
    # "> " lines, Outlook's "From: ... Sent: ..." block, Gmail's and Apple's
    # quote markup) and its signature are left out. Never for new tickets or
    # forwards, never down to nothing. False keeps the whole text.
    "treure_historial_respostes": True,
    # Subject for mail that has none.
    "assumpte_per_defecte": "(no subject)",

    # ------------------------------------------------------------------ senders
    # Domains of the institution: for an address in one of them the local
    # part is tried as a commonName first.
    "dominis_propis": ["upc.edu"],
    # Rewrites applied to every address before anything else (canonical
    # form): {regex: replacement}, e.g. {r"\.upc\.es$": ".upc.edu"}.
    "reescriptura_mails": {},
    # Explicit address -> user map (any case); wins over the directory.
    "mails_addicionals": {},
    # Regex -> user template, tried after the directory (case-insensitive);
    # %s is group 1.
    # Example: {"^(.*)@upc.edu$": "%s"}
    "patrons_mail_addicionals": {},
    # Senders whose mail is skipped: addresses, domains ("@example.org"), or
    # regexes starting with ^.
    "mails_no_ticket": [],
    # Senders always ticketed, even if their mail looks automatic.
    "mails_sempre_ticket": [],

    # -------------------------------------------------------------- attachments
    # Regexes (searched, case-insensitive) on file names not to upload.
    "filtrar_attachments_per_nom": [],
    # MD5 or SHA-256 hex digests of contents not to upload.
    "filtrar_attachments_per_hash": [],
    # Parts strictly larger than this many MiB are not uploaded.
    "max_attachment_mb": 25,
    # Attachment type policy: file extensions (with or without the dot) and
    # MIME types never uploaded; the ticket lists what was left out and why.
    # The defaults are programs and scripts Windows runs on a double click.
    "extensions_no_pujar": [
        "exe", "com", "bat", "cmd", "scr", "pif", "cpl", "msi", "msp", "hta",
        "vbs", "vbe", "js", "jse", "wsf", "wsh", "ps1", "lnk", "reg", "jar"],
    "tipus_no_pujar": [
        "application/x-msdownload", "application/x-msdos-program",
        "application/x-dosexec", "application/x-executable",
        "application/vnd.microsoft.portable-executable",
        "application/x-ms-installer", "application/x-msi", "application/hta"],
    # Upload the signature file of signed mail (smime.p7s, signature.asc);
    # by default the signed content is the message and the signature left out.
    "pujar_signatures": False,

    # ---------------------------------------------------------------- operation
    # Log file (None: stderr only) and level (int or name).
    "log_file": None,
    "log_level": "INFO",
    # REJECT and ERROR messages are kept here (None: a "quarantine" folder
    # beside the log file, or beside the journal without a log file).
    "quarantine_dir": None,
    # SQLite journal that makes redelivery safe (None: mailtoticket.sqlite
    # beside the settings file).
    "journal": None,
    # Days the journal remembers a finished message (a redelivery comes
    # within hours; older entries are pruned now and then).
    "dies_journal": 90,
    # Seconds a delivery waits for another delivery of the same message to
    # finish before giving up with a temporary failure.
    "espera_bloqueig": 30,
    # Loop guard: at most this many new tickets and comments per sender per
    # window; past it the sender's mail is quarantined (REJECT) and the admin
    # told once per window.
    "limit_tiquets_per_remitent": 30,
    "finestra_limit_minuts": 60,
    # Mail the admin (once per message) when a message goes to quarantine.
    "notificar_errors": False,
    "notificar_errors_from": "mailtoticket@localhost",
    "notificar_errors_to": [],
    "servidor_mail": "localhost",
    # Do not echo the message on stdout.
    "no_escriure_sortida": False,
}
