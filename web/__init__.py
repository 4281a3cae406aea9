"""The staff web server: a JSON API (OpenAPI 3), pages, health and metrics
over the journal and the quarantine (docs/web.md).

Loaded only by `mailtoticket.py web` (and by the service, which starts the
server in a thread): a delivery never imports this package's web modules.
`web.missing` (the `--missing DAYS` command) and `web.queries` import
nothing but the standard library and gateway/.
"""
