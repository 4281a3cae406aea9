"""Reading a SOAP result by the contract's element names, wherever they sit.

SOAP toolkits wrap the same answer differently (the fields directly in the
response, or in a <return> or <OperationResult> element; a list as its list
element, or as the repeated items), and zeep unwraps any single-child
wrapper, so the Python shape of one answer changes with the WSDL. These
helpers look for a name at any depth (nearest first) instead of at a fixed
path; refservers/gn6/styles.py serves the styles the tests prove them against.
"""

MISSING = object()


def field(result, name, default=None):
    """The value of the nearest element called `name` (default: none)."""
    level = [result]
    while level:
        deeper = []
        for node in level:
            if isinstance(node, dict):
                if name in node:
                    return node[name]
                deeper.extend(node.values())
            elif isinstance(node, list):
                deeper.extend(node)
        level = deeper
    return default


def fields(result, names):
    """{name: value} for each of `names` found in the result."""
    found = {}
    for name in names:
        value = field(result, name, MISSING)
        if value is not MISSING:
            found[name] = value
    return found


def items(result, list_name, item_name=None):
    """The items of a list: under its list element (whatever the items are
    called), repeated as `list_name`, repeated as `item_name` directly, or
    the whole (unwrapped) result."""
    value = field(result, list_name, MISSING)
    if value is MISSING and item_name:
        value = field(result, item_name, MISSING)
    if value is MISSING:
        value = result if isinstance(result, list) else None
    if isinstance(value, dict) and len(value) == 1:
        inner = next(iter(value.values()))
        if isinstance(inner, (list, dict)) or inner is None:
            value = inner      # the list element around the items
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]        # one item, not repeated
    return [item for item in value if item is not None]
