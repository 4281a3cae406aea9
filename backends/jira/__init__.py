"""The Jira back-end (REST v2, Cloud or Server/DC; docs/jira.md): tickets.py
is the TicketSystem, settings.py its settings section, people.py its person
directory, confirmation.py the mail the gateway sends a new issue's
requester."""
