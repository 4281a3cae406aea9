"""The journal's engines (gateway/journal.py is the interface and holds every
query): SQLite (the default, one host) and PostgreSQL (several gateways),
each imported only when chosen, and --copy-journal between them."""
