"""A local OAuth2 authorization server (Authlib): refservers/oauth2/server.py."""
