"""Reference server for the Jira REST API v2 (loopback test double).

No Jira is reachable from development and CI machines, so tests, the demo
and benchmarks of the Jira back-end talk to this server instead: real HTTP
on loopback, the subset of Jira REST v2 a mail gateway needs (issues,
search with a JQL subset, comments with visibility, multipart attachments
behind ``X-Atlassian-Token: no-check``, transitions, users, watchers,
entity properties, links), Basic (Cloud API token) and Bearer (Server/DC
personal access token) authentication, Jira's error shapes. State is kept
in SQLite, so a restart keeps the issues. Switches (``/_control``) make it
fail the way a real site fails: outage (503), hang, internal error (500),
dropped connection, or any of those right after operation X was carried out
("the answer was lost after the write").

Run it with ``python -m refservers.jira``; drive it from Python with
``refservers.jira.control.ReferenceJira``. docs/jira.md describes both.
"""
