"""The parts of the mailtoticket pipeline, one job per module."""
