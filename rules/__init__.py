"""The settings-driven rules: who a sender is, what is automatic mail or
spam, how a new ticket is classified, what a ticket's provenance line says,
how descriptions are cleaned. They read the settings and the message
(mail/); they never write, and never touch the journal or the ticket
system (tests/test_boundaries.py)."""
