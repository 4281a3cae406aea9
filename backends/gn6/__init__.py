"""The GN6 back-end (SOAP: GestioTiquets and GestioIdentitat): tickets.py
is the TicketSystem, settings.py its settings section."""
