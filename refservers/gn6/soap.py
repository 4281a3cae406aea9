"""SOAP 1.1 document/literal on the wire: read a request, check its
WS-Security header, write a response or a Fault.

Kept apart from the operations so that they deal in plain dicts of strings,
and so that the envelope rules (what is a malformed request, what a Fault
looks like) are the same for both services.
"""

import base64
import hashlib
import hmac

from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = "#PasswordText"
PASSWORD_DIGEST = "#PasswordDigest"


class SoapFault(Exception):
    """Answer with a SOAP Fault: code is "Client" or "Server"."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class Request:
    """One parsed SOAP request: operation name, parameters, security header."""

    __slots__ = ("operation", "params", "security")

    def __init__(self, operation, params, security):
        self.operation = operation
        self.params = params        # local name -> text ("" when empty)
        self.security = security    # the wsse:Security element, or None


def _parser():
    # huge_tree: a 25 MiB attachment is one ~34 MB text node, beyond
    # libxml2's default 10 MB limit. No entities, no network: the input is
    # whatever a client sent. A parser per request: lxml parsers are not
    # meant to be shared between threads.
    return etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True,
                           remove_comments=True, remove_pis=True)


def parse_request(body):
    """Parse an envelope; raise SoapFault("Client") if it is not one."""
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise SoapFault("Client", "malformed request: %s" % exc) from None
    if root.tag != "{%s}Envelope" % SOAP_ENV:
        raise SoapFault("Client", "not a SOAP 1.1 envelope")
    body_el = root.find("{%s}Body" % SOAP_ENV)
    if body_el is None:
        raise SoapFault("Client", "SOAP envelope without Body")
    wrapper = next((c for c in body_el if isinstance(c.tag, str)), None)
    if wrapper is None:
        raise SoapFault("Client", "empty SOAP Body")
    params = {}
    for child in wrapper:
        if isinstance(child.tag, str):
            params[etree.QName(child).localname] = child.text or ""
            # Drop the (possibly 34 MB) text from the tree as soon as it has
            # been copied out: one copy less in memory.
            child.text = None
    security = root.find("{%s}Header/{%s}Security" % (SOAP_ENV, WSSE))
    return Request(etree.QName(wrapper).localname, params, security)


def check_security(security, password_of):
    """True if the UsernameToken names a bus user with the right password.

    password_of(username) gives the expected password or None. PasswordText
    is what zeep's UsernameToken sends; PasswordDigest is checked too.
    """
    if security is None:
        return False
    token = security.find("{%s}UsernameToken" % WSSE)
    if token is None:
        return False
    user = (token.findtext("{%s}Username" % WSSE) or "").strip()
    pw_el = token.find("{%s}Password" % WSSE)
    expected = password_of(user) if user else None
    if pw_el is None or expected is None:
        return False
    given = pw_el.text or ""
    kind = pw_el.get("Type", PASSWORD_TEXT)
    if kind.endswith(PASSWORD_DIGEST):
        nonce = token.findtext("{%s}Nonce" % WSSE) or ""
        created = token.findtext(
            "{http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd}Created") or ""
        try:
            raw_nonce = base64.b64decode(nonce)
        except ValueError:
            return False
        digest = base64.b64encode(
            hashlib.sha1(raw_nonce + created.encode() + expected.encode()).digest()).decode()
        return hmac.compare_digest(digest, given.strip())
    if not kind.endswith(PASSWORD_TEXT):
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def _append(parent, ns, name, value):
    """Serialise value as element(s) `name`: str, bool, dict (children in
    order), list (the element repeated), None (left out)."""
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            _append(parent, ns, name, item)
        return
    el = etree.SubElement(parent, "{%s}%s" % (ns, name))
    if isinstance(value, dict):
        for key, sub in value.items():
            _append(el, ns, key, sub)
    elif isinstance(value, bool):
        el.text = "true" if value else "false"
    else:
        el.text = str(value)


def _envelope():
    env = etree.Element("{%s}Envelope" % SOAP_ENV, nsmap={"soap": SOAP_ENV})
    return env, etree.SubElement(env, "{%s}Body" % SOAP_ENV)


def build_response(ns, operation, fields):
    """<operationResponse> in the service's namespace, fields in order."""
    env, body = _envelope()
    wrapper = etree.SubElement(body, "{%s}%sResponse" % (ns, operation), nsmap={"tns": ns})
    for name, value in fields.items():
        _append(wrapper, ns, name, value)
    return etree.tostring(env, xml_declaration=True, encoding="utf-8")


def build_fault(code, message):
    """A SOAP 1.1 Fault; sent with HTTP 500."""
    env, body = _envelope()
    fault = etree.SubElement(body, "{%s}Fault" % SOAP_ENV)
    etree.SubElement(fault, "faultcode").text = "soap:%s" % code
    etree.SubElement(fault, "faultstring").text = message
    return etree.tostring(env, xml_declaration=True, encoding="utf-8")
