"""`python -m soa.server` and `soa.server.control`, as before: GN6's
reference server now lives in refservers/gn6 (apart from the client code,
beside the Jira one). This package only forwards to it."""
