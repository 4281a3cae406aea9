"""The incoming message: parsed whatever it is, never raising (what it
cannot read it records in `Message.defects`), and knowing nothing of the
settings module, the journal or the ticket system (tests/test_boundaries.py)."""
