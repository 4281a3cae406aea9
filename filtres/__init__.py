"""The filter chain: each filter says whether it applies to a message and,
if it does, handles it. Settings name the classes and their order."""
import importlib


def load(dotted):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)
