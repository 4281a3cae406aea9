# mailtoticket settings.
#
# Copy this file (say to settings.py) and change what your deployment needs;
# keys you leave out take the values below, so this file is also the list of
# defaults. The same mapping may be written as YAML (settings.yaml).
# Every key is described in docs/settings-reference.md (shipped with the
# project); names are part of the public interface, keep them exactly.
# A settings file written for the original UPC mailtoticket loads unchanged;
# docs/upstream.md lists every behaviour that differs from it, on purpose.

settings = {
    # ---------------------------------------------------------------- connection
    # WSDL locations (URL or file path). The service address inside the WSDL is
    # used unless endpoint_gn6 / endpoint_identitat override it (same WSDL,
    # test bus vs production bus).
    # The defaults are the production bus: url_gn6 is the GN6 v6 service the
    # original tool's code has called since 2019 (v6 adds additional
    # requesters; its guide still names v5), url_identitat the guide's
    # Personesv6 address. Pointing at a test bus is a settings change.
    "url_gn6": "https://bus-soa.upc.edu/gN6/GestioTiquetsv6?wsdl",
    "url_identitat": "https://public.bus-soa.upc.edu/GestioIdentitat/Personesv6?wsdl",
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
    # Where zeep keeps downloaded WSDLs between runs (None: in state_dir).
    # Saves a WSDL download on every message.
    "wsdl_cache": None,

    # ------------------------------------------------------------------ tickets
    # Filter classes, tried in order; the first applicable one handles the
    # message. Shipped: filtres.reply.FiltreReply,
    # filtres.reply_reobrint.FiltreReplyReobrint, filtres.nou.FiltreNou,
    # filtres.nou_extern.FiltreNouExtern. A reply to a closed ticket that
    # is not reopened opens a new ticket naming it. A site filter written
    # for the original tool's filter class is refused, saying what to
    # change (docs/upstream.md, "Site filters").
    "filtres": ["filtres.reply.FiltreReply", "filtres.nou.FiltreNou"],
    # Team (equipResolutor) of new tickets.
    "equip_resolutor_nous": "",
    # Requester id for tickets and comments from senders nobody knows
    # (FiltreNouExtern; such tickets are created with enviarMissatgeCreacio=N).
    "usuari_extern": "",
    # The support mailbox's own address(es): its mail is never ticketed and it
    # is never added as an additional requester.
    "mail_suport": [],
    # Regex matched (re.match: anchored at the start, case as written, as
    # the original tool did) against the subject; group 1 is the ticket
    # number of a reply. Set it to your instance's notice template
    # ("[Suport Unitat 1234] ..."): too loose a pattern files "[PATCH 2/3]"
    # or "[draft 3]" as replies. The default skips any prefix (".*?"), then
    # wants a bracket naming the desk, then the number.
    "regex_reply": r"(?i).*?\[[^\]]*\b(?:suport|support|tiquet|ticket)\b[^\]]*?\s#?(\d+)\]",
    # Regex on each id of In-Reply-To / References (these win over the
    # subject); group 1 is the ticket number. Mail whose own Message-ID
    # matches it was sent by GN6 and is skipped.
    "regex_message_id": r"^<[-a-f0-9]+-tiquet-id-([0-9]+)@gn6>$",
    # Regex matched (re.match, case as written) against the subject of a
    # reply: if it matches, the reply becomes a private, not notified
    # comment. Honoured only from senders the directory or the settings
    # maps know: from an outside address the comment stays public.
    "regex_privat": r".*\[PRIVAT\]",
    # Public comments by someone other than the ticket's requester are
    # created with esNotificat=S (the requester hears of them); a comment
    # the requester wrote is never notified back to them.
    "notificar_comentaris_afegits": True,
    # A line put on top of a new ticket's description and of a comment,
    # saying where it came from (as the original tool did). Fields:
    # {from}, {to}, {date} (dd/mm/yyyy), {time} (HH:MM). "" leaves it out.
    "plantilla_origen_tiquet":
        "[Tiquet creat des del correu de {from} a {to} del {date} a les {time}]",
    "plantilla_origen_comentari":
        "[Comentari afegit des del correu de {from} del {date} a les {time}]",
    # Header rules for new tickets: each rule tests the headers in "order"
    # with re.match (anchored at the start), case-insensitive, on the
    # decoded header, on each piece of it between commas (as the original
    # tool split them) and on each bare address of address headers; every
    # matching rule's defaults (AltaTiquet parameters) apply, later rules
    # winning over earlier ones. The first releases' shape, a mapping of an
    # address to the defaults, is read too (docs/upstream.md).
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
    # Regex (re.match on the To/Resent-To address): Cc requesters are added
    # also when the mail was sent to an address matching it, even with
    # afegir_solicitants_addicionals_en_cc off ("" or None: never).
    "afegir_solicitants_addicionals_en_cc_nomes_via": None,
    # A new ticket gets dataResol = its creation date.
    "assignar_data_resolucio_amb_data_creacio": False,
    # Cleaning of the HTML of a new ticket / of a reply before it is
    # written: None (the built-in cleaning only), a callable taking and
    # returning HTML (an upstream settings file's `netejahtml.neteja_nou`
    # and `netejahtml.neteja_reply` are this project's own cleaning), or the
    # dotted name of one ("netejahtml.neteja_reply", for YAML files).
    "netejar_mail_nou": None,
    "netejar_mail_reply": None,
    # Senders (addresses, domains such as "upc.edu" or "@upc.edu", or regexes
    # starting with ^) that forward mail on behalf of others: a new message
    # they forward is ticketed for the original sender (replies are not).
    "reenviaments": [],
    # Comments carry a reply's own words: its quoted history ("On ... wrote:",
    # "> " lines, Outlook's "From: ... Sent: ..." block, Gmail's and Apple's
    # quote markup) and its signature are left out. Never for new tickets or
    # forwards, never down to nothing. False keeps the whole text.
    "treure_historial_respostes": True,
    # Subject for mail that has none; {solicitant} is the requester's user.
    "assumpte_per_defecte": "Tiquet de {solicitant}",

    # ------------------------------------------------------------------ senders
    # Domains of the institution: for an address in exactly one of them the
    # local part is tried as a commonName first. Subdomains (lsi.upc.edu)
    # go to the directory, whose emailPreferent answer names the person,
    # unless dominis_propis_subdominis is true.
    "dominis_propis": ["upc.edu"],
    "dominis_propis_subdominis": False,
    # Rewrites applied to every address before anything else (canonical
    # form): {regex: replacement}. The default is the original tool's
    # canonicalisation: .upc.es -> .upc.edu, @lsi. -> @cs.
    "reescriptura_mails": {r"\.upc\.es$": ".upc.edu", r"@lsi\.": "@cs."},
    # Explicit address -> user map (any case); wins over the directory.
    "mails_addicionals": {},
    # Regex -> user template, tried after the directory (case-insensitive);
    # %s is group 1.
    # Example: {"^(.*)@upc.edu$": "%s"}
    "patrons_mail_addicionals": {},
    # An LDAP directory of external people, tried after the identity
    # service (and before patrons_mail_addicionals), as the original tool's
    # LDAP_* settings: the entry whose mail attribute is the address names
    # the user, "<cn>@<ou>" (the last ou= of its DN), or "<cn>" without one.
    # All four set to use it (None: no LDAP). Needs the ldap3 package.
    "LDAP_SERVER_URL": None,      # e.g. "ldaps://ldap.example.edu"
    "LDAP_BIND_USER": None,       # bind DN
    "LDAP_PASSWORD": None,
    "LDAP_BASE_SEARCH": None,     # e.g. "dc=externs,dc=example,dc=edu"
    # The original tool's key for its REST identity service; this project
    # asks the bus (url_identitat) instead. Accepted and unused.
    "identitat_digital_apikey": None,
    # Senders whose mail is skipped: addresses, domains, or regexes starting
    # with ^. In every address list of these settings (reenviaments,
    # mails_no_ticket, mails_sempre_ticket, remitents_formularis,
    # remitents_permesos, remitents_denegats) an entry is an address (any
    # case); "@example.org": addresses at that domain exactly; "example.org":
    # addresses at that domain and at its subdomains (x@lists.example.org);
    # "^...": a regex matched from the start, case-insensitive.
    "mails_no_ticket": [],
    # Senders always ticketed, even if their mail looks automatic.
    "mails_sempre_ticket": [],
    # Spam: mail with "X-Spam-Flag: YES" is skipped, and so is mail whose
    # capcalera_puntuacio_spam header (its first number, as SpamAssassin's
    # "X-Spam-Score: 7.1" or "X-Spam-Status: Yes, score=7.1") is at least
    # llindar_spam (None: no threshold).
    "capcalera_puntuacio_spam": "X-Spam-Score",
    "llindar_spam": None,
    # General header rules, tried in order before any filter: the first
    # whose header value (decoded) matches "match" (re.match, case as
    # written) decides. "accio": "SKIP" (not ticketed), "REJECT" (kept in
    # the quarantine) or "PRIVAT" (a reply becomes a private comment).
    # Example: {"capcalera": "X-Virus-Status", "match": "Infected",
    #           "accio": "REJECT"}
    "regles_capcaleres": [],

    # -------------------------------------------------------------------- trust
    # Mail is unauthenticated; these say how much the gateway believes it
    # (docs/hostile-input.md).
    # Reply-To names the requester only when From is in dominis_propis or is
    # one of these web-form senders (addresses, domains, ^regexes); on
    # anybody else's mail the ticket belongs to From.
    "remitents_formularis": [],
    # authserv-ids of the institution's own mail servers, whose
    # Authentication-Results headers are believed: a dmarc=fail there for an
    # own domain makes the sender an outsider (nobody's user). Empty: the
    # headers are not read (anybody can write one).
    "authserv_ids_confiats": [],
    # A reply from somebody who is not a party of the ticket (its requester,
    # an addressee of the mail that opened it, or a user the directory or
    # these settings know): "privat" adds it as a private comment saying who
    # sent it; "public" adds it as any comment (upstream's behaviour); "nou"
    # leaves the ticket alone, and the chain goes on (a new ticket).
    "comentaris_de_tercers": "privat",

    # -------------------------------------------------------------- attachments
    # Regexes matched (re.match: at the start of the name, case as written,
    # as the original tool did) on file names not to upload.
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

    # ------------------------------------------------------------------- limits
    # Hostile mail is bounded (docs/hostile-input.md). Fixed bounds, far
    # beyond real mail: the regexes above see the first 256 characters of a
    # subject (255 of a file name, 1024 of a header); 500 header fields of
    # 16,384 characters per MIME part; 200 MIME parts; 50 levels of nesting.
    # Past one, the ticket says what was left out. A message that hits the
    # run's deadline twice while not waiting on the bus is kept in the
    # quarantine as ERROR and the admin told once.
    # A message larger than this many MiB is not ticketed: it is kept in the
    # quarantine as REJECT and the admin told (0: no limit).
    "mida_maxima_missatge_mb": 50,
    # The description sent to GN6 is cut at this many KiB; the whole of it
    # is attached to the ticket as descripcio-completa.html (0: no cap).
    "mida_maxima_descripcio_kb": 1024,

    # ---------------------------------------------------------------- operation
    # Log file (None: stderr only) and level (int or name).
    "log_file": None,
    "log_level": "INFO",
    # Runtime state: the journal, the quarantine and the WSDL cache, unless
    # their own keys say otherwise. None: the folder of "journal" when that
    # key is set (older settings files), else /var/lib/mailtoticket when it
    # exists, else ~/.local/state/mailtoticket. Never the code tree: the
    # service user needs no write access there. Files and folders made here
    # are owner-only (0600/0700) whatever the umask: mail is personal data.
    "state_dir": None,
    # The staff web server (`mailtoticket.py web -c THIS_FILE`): listen,
    # tokens_file, open, secure_cookies, discard_days, max_page (docs/web.md).
    "web": {},
    # REJECT and ERROR messages are kept here (None: state_dir/quarantine).
    "quarantine_dir": None,
    # The journal that makes redelivery safe (docs/journal.md). A file path:
    # SQLite, one host (None: state_dir/mailtoticket.sqlite). A URL
    # postgresql://USER@HOST:PORT/DATABASE?sslmode=verify-full&sslrootcert=CA:
    # PostgreSQL, shared by several gateways (hosts) on the same mail.
    # Its password: journal_password_file, else PGPASSWORD or ~/.pgpass
    # (PGPASSFILE); never in this file.
    "journal": None,
    # A file holding the PostgreSQL journal's password (first line), owned
    # by the service user, mode 0600.
    "journal_password_file": None,
    # The name the journal knows this ticket system by. None: url_gn6 and
    # domini (Jira: jira_url and jira_project), word for word. Gateways
    # sharing a PostgreSQL journal must agree on it: set the same name on
    # each when they reach the ticket system by different URLs (an IP
    # address, another proxy), or each would ticket the same message. A
    # running desk that sets it afterwards starts a new history.
    "journal_instance": None,
    # A message still waiting (exit 75) this many hours after its first
    # attempt is reported to the admin, once (0: never).
    "avis_ajornament_hores": 24,
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
    # Mail the admin: once per message when one goes to the quarantine as
    # ERROR, once per finestra_limit_minuts for REJECTs (unknown senders,
    # spam: --quarantine lists them), once when one has waited
    # avis_ajornament_hores, and
    # once per finestra_limit_minuts while credentials are refused or the
    # settings are wrong (a configuration failure). On by default, to
    # root on the local mail server (Debian's MTA forwards it to the
    # admin through /etc/aliases): set your address and mail server.
    "notificar_errors": True,
    "notificar_errors_from": "mailtoticket@localhost",
    "notificar_errors_to": ["root@localhost"],
    "servidor_mail": "localhost",
    # Do not echo the message on stdout.
    "no_escriure_sortida": False,
    # Echo a message that waits (exit 75) too. Off by default: fetchmail
    # (and cron) would copy the whole message into its log at every poll;
    # the one timestamped line on stderr says why it waits. True restores
    # the first interface's echo of every message.
    "escriure_sortida_ajornats": False,

    # ---------------------------------------------------------- sender lists
    # For both back-ends (docs/jira.md). Addresses, domains or regexes
    # starting with ^, as every address list here (see mails_no_ticket). remitents_permesos not empty: only those senders are ticketed;
    # remitents_denegats: never ticketed. A refused sender's mail is SKIP
    # (logged, not quarantined), like mails_no_ticket.
    "remitents_permesos": [],
    "remitents_denegats": [],

    # ------------------------------------------------------- ticket system
    # "gn6" (the SOAP settings above) or "jira" (the jira_* keys below;
    # docs/jira.md), or a kind a settings file registers itself
    # (`import backends; backends.register("name", "module:Class")`:
    # docs/DESIGN.md, "Adding a ticket system"). Nothing else in these
    # settings changes with it.
    "backend": "gn6",
    # Jira site base URL (Cloud: https://yourdesk.atlassian.net; Server/DC:
    # the base URL with its context path).
    "jira_url": "",
    # Credentials: Cloud, e-mail + API token (Basic); Server/DC, a personal
    # access token (Bearer; wins if set), or username + password.
    "jira_email": "",
    "jira_api_token": "",
    "jira_token": "",
    "jira_username": "",
    "jira_password": "",
    # Seconds for each Jira call (as timeout_soa).
    "jira_timeout": 20,
    # New issues: project key, issue type name, labels every one gets (the
    # message's journal label "mtt-..." is added, to find it again).
    "jira_project": "",
    "jira_issue_type": "Task",
    "jira_labels": [],
    # accountId (Cloud) / username (Server) reporting the issues of senders
    # Jira does not know (usuari_extern defaults to it; list
    # filtres.nou_extern.FiltreNouExtern in filtres). The sender's address is
    # kept in the description, in the entity property jira_property and, if
    # set, in the custom field jira_sender_field ("customfield_10010").
    "jira_reporter": "",
    "jira_sender_field": None,
    "jira_property": "mailtoticket",
    # Where private comments (regex_privat) go: a project role or a group.
    "jira_private_visibility": {"type": "role", "value": "Developers"},
    # Transition (name or id) taken on a reply to a done issue
    # (FiltreReplyReobrint); if Jira refuses it, a new issue is opened and
    # linked to the old one with jira_link_type.
    "jira_reopen_transition": "Reopen Issue",
    "jira_link_type": "Relates",
    # The issue key in a reply's subject (searched anywhere in it; group 1
    # is the key). On Jira it replaces regex_reply, and regex_message_id
    # matches the confirmation mail's Message-ID <KEY.hex@host>.
    "jira_key_regex": r"\[([A-Z][A-Z0-9_]+-\d+)\]",
    # Jira does not mail outside requesters: the gateway confirms a new
    # issue itself (through servidor_mail), never to automatic mail, once
    # per message, and not past the loop guard's limit for the address.
    # Templates: {key}, {subject}, {url} (the address).
    "jira_confirmation": False,
    "jira_confirmation_from": "",
    "jira_confirmation_subject": "[{key}] {subject}",
    "jira_confirmation_template_text": (
        "Your request has been registered as {key}: {subject}\n"
        "Reply to this mail to add to it; keep [{key}] in the subject.\n"),
    "jira_confirmation_template_html": (
        "<p>Your request has been registered as <b>{key}</b>: {subject}</p>"
        "<p>Reply to this mail to add to it; keep [{key}] in the subject.</p>"),
}
