"""WSDL styles: the same contract, wrapped the ways SOAP toolkits wrap it.

The real bus's WSDLs are not public, and toolkits (Axis2, JAX-WS, CXF,
spyne, .NET) put a result's fields in different places. A client that reads
results by the contract's element names, wherever they sit, works with any
of them; the reference server can serve and answer in each style so that
the tests prove it (``python -m refservers.gn6 --wsdl-style STYLE``):

- ``bundled``: the WSDLs of soa/wsdl/ as they are: the fields directly in
  ``<OperationResponse>``; GN6's ``llistaTiquets`` repeated, one element per
  ticket; the directory's ``llistaPersones`` a list element of ``persona``s.
- ``return``: the fields inside one ``<return>`` element (JAX-WS, Axis2).
- ``result``: the fields inside ``<OperationResult>`` (.NET, CXF), and
  every list as a list element holding its items (``llistaTiquets`` of
  ``tiquet``s).
- ``items``: every list as its items repeated directly in the response,
  without the list element (``persona``s straight under the response).

Each style is a rewrite of the bundled WSDL's schema and of the answer's
fields; the operations, their parameters and their order never change.
"""
import copy

from lxml import etree

STYLES = ("bundled", "return", "result", "items")
XSD = "http://www.w3.org/2001/XMLSchema"
X = "{%s}" % XSD


def _q(name):
    return X + name


def _local(qname):
    return qname.split(":")[-1] if qname else None


class Style:
    """One style, for one service's WSDL: rewrites the WSDL (at start-up)
    and each answer's fields."""

    def __init__(self, name, wsdl_root):
        if name not in STYLES:
            raise ValueError("WSDL style must be one of %s" % ", ".join(STYLES))
        self.name = name
        self.lists = {}     # response field -> its item element (style "result")
        self.flatten = {}   # list element -> its item element (style "items")
        if name != "bundled":
            self._rewrite(wsdl_root)

    # -- the WSDL ------------------------------------------------------------
    def _rewrite(self, root):
        for schema in root.iter(_q("schema")):
            types = {t.get("name"): t for t in schema.findall(_q("complexType"))}
            for element in schema.findall(_q("element")):
                name = element.get("name", "")
                if not name.endswith("Response"):
                    continue
                sequence = element.find("%s/%s" % (_q("complexType"), _q("sequence")))
                if sequence is None:
                    continue
                if self.name == "items":
                    self._items(sequence, types)
                elif self.name == "result":
                    self._listed(schema, sequence, types)
                    self._wrap(sequence, name[:-len("Response")] + "Result")
                else:
                    self._wrap(sequence, "return")

    def _items(self, sequence, types):
        """A field whose type is a list of one repeated item: the items."""
        for field in list(sequence):
            inner = types.get(_local(field.get("type")))
            children = [] if inner is None else inner.findall(
                "%s/%s" % (_q("sequence"), _q("element")))
            if len(children) == 1 and children[0].get("maxOccurs") == "unbounded":
                item = copy.deepcopy(children[0])
                item.set("minOccurs", "0")
                field.addprevious(item)
                sequence.remove(field)
                self.flatten[field.get("name")] = item.get("name")

    def _listed(self, schema, sequence, types):
        """A repeated field: one list element holding the items."""
        for field in list(sequence):
            if field.get("maxOccurs") != "unbounded":
                continue
            item_type = _local(field.get("type"))
            item_name = item_type[0].lower() + item_type[1:]
            array = "ArrayOf" + item_type
            if array not in types:
                complex_type = etree.SubElement(schema, _q("complexType"), name=array)
                seq = etree.SubElement(complex_type, _q("sequence"))
                etree.SubElement(seq, _q("element"), name=item_name, type=field.get("type"),
                                 minOccurs="0", maxOccurs="unbounded")
                types[array] = complex_type
            prefix = field.get("type").split(":")[0]
            field.set("type", "%s:%s" % (prefix, array))
            del field.attrib["maxOccurs"]
            self.lists[field.get("name")] = item_name

    @staticmethod
    def _wrap(sequence, wrapper):
        """The fields, one level down, inside a single element."""
        fields = list(sequence)
        element = etree.SubElement(sequence, _q("element"), name=wrapper, minOccurs="0")
        inner = etree.SubElement(etree.SubElement(element, _q("complexType")), _q("sequence"))
        for field in fields:
            inner.append(field)

    # -- the answers ---------------------------------------------------------
    def answer(self, operation, fields):
        if self.name == "bundled":
            return fields
        if self.name == "items":
            out = {}
            for key, value in fields.items():
                if key in self.flatten and isinstance(value, dict):
                    out[self.flatten[key]] = value.get(self.flatten[key])
                else:
                    out[key] = value
            return out
        if self.name == "result":
            fields = {key: ({self.lists[key]: value} if key in self.lists else value)
                      for key, value in fields.items()}
            return {operation + "Result": fields}
        return {"return": fields}
