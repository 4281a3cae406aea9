"""The filter chain: each filter says whether it applies to a message and,
if it does, handles it. Settings name the classes and their order."""
import importlib

# The filter modules of this project (never inspected as site filters).
SHIPPED = ("filtres.filtre", "filtres.nou", "filtres.nou_extern", "filtres.reply",
           "filtres.reply_reobrint", "filtres.rebot")


def load(dotted):
    """The filter class `dotted` names. A class written for the original
    tool's filter interface is refused (filtres/upstream.py raises
    UpstreamFilter, a ValueError, saying what to change)."""
    module, _, name = dotted.rpartition(".")
    try:
        found = getattr(importlib.import_module(module), name)
    except ImportError as e:
        from filtres.upstream import check_import_error
        check_import_error(dotted, e)
        raise
    if module not in SHIPPED:
        from filtres.upstream import check_class
        check_class(dotted, found)
    return found
