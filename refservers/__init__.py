"""Reference servers of ticket systems other than GN6 (loopback test doubles).

They stand apart from the client code on purpose: a client package never
imports from here, and a deployment needs none of it. GN6's reference
server stays where it was (``soa/server``).
"""
