"""What the reference servers (refservers/gn6, refservers/jira) share.

Both are loopback test doubles run the same way: a subprocess started by a
harness, a fault switch, a command line, an SQLite store. The protocol
parts (SOAP, REST) stay in each server; only the plumbing lives here, so a
fix to, say, process start-up reaches both servers at once.
"""
