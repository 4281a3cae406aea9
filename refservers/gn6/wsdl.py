"""Serve the bundled WSDLs with this server's own address in them.

The WSDLs in soa/wsdl/ are the interface and are served unchanged except
for <soap:address location=...>, so that a client built from the served
WSDL calls this server, as a deployment's client built from the same file
calls whatever bus it points at.
"""

import threading
from pathlib import Path

from lxml import etree

WSDL_DIR = Path(__file__).resolve().parents[2] / "soa" / "wsdl"   # the interface, as bundled
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"


class Wsdl:
    """One bundled WSDL, rewritten (and cached) per service address, in a
    WSDL style (refservers/gn6/styles.py; "bundled": unchanged)."""

    def __init__(self, filename, style="bundled"):
        from .styles import Style
        root = etree.fromstring((WSDL_DIR / filename).read_bytes())
        self.style = Style(style, root)
        self.raw = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        self._cache = {}
        self._lock = threading.Lock()

    def for_location(self, location):
        with self._lock:
            if location not in self._cache:
                root = etree.fromstring(self.raw)
                for address in root.iter("{%s}address" % WSDL_SOAP):
                    address.set("location", location)
                self._cache[location] = etree.tostring(
                    root.getroottree(), xml_declaration=True, encoding="UTF-8")
            return self._cache[location]
