"""Reference servers of the ticket systems (loopback test doubles): gn6/
(GN6's SOAP bus; ``python -m soa.server`` is kept as a shim) and jira/.

They stand apart from the client code on purpose: a client package never
imports from here, and a deployment needs none of it.
"""
