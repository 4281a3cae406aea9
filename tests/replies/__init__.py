"""Replies as mail clients write them, with their new text marked."""
