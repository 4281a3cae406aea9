"""Reference server for the GN6 GestioTiquets and GestioIdentitat Personesv6 buses.

The real service bus is unreachable from development and CI machines, so the
demo, the test-suite and the benchmarks talk to this server instead: real
SOAP 1.1 document/literal over HTTP on loopback, the bundled WSDLs served
unchanged (only the service address is rewritten), state kept in SQLite so a
restart keeps the tickets. Switches (``/_control``) make it fail the way a
real bus fails: outage (HTTP 503), hang, SOAP Fault, or "died right after
operation X".

Run it with ``python -m refservers.gn6`` (or, as before, ``python -m
soa.server``); drive it from Python with
``refservers.gn6.control.ReferenceServer``.
"""
