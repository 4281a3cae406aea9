"""A local OAuth2 authorization server for the service's tests and demo,
built on Authlib (its Flask integration).

It plays Microsoft Entra ID / Google for mailtoticket's token logins:

- POST /token        RFC 6749: client_credentials (Microsoft 365 app-only),
                     authorization_code and refresh_token (Google, Microsoft
                     delegated); refresh tokens rotate, as Entra ID's do
- GET  /authorize    the consent page, answered at once for the user the
                     client was registered for (no browser in a test)
- POST /revoke       RFC 7009
- POST /introspect   RFC 7662, what dovecot's `oauth2` passdb asks:
                     `active` and `username` (the mailbox the token opens)
- GET  /_state       for tests: token requests and grants by type, tokens alive

Tokens live in memory. The token endpoint is served over HTTPS (a test
CA's certificate) and, for dovecot's introspection on loopback, over HTTP
on a second port. Clients and lifetimes come from a JSON file:

    {"clients": [{"client_id": "...", "client_secret": "...", "user": "suport",
                  "redirect_uri": "http://localhost/", "scope": "..."}],
     "expires_in": 3600}
"""
import secrets
import threading
import time

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from flask import Flask, jsonify, request

AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


class Client(ClientMixin):
    def __init__(self, client_id, client_secret, user, redirect_uri="http://localhost/",
                 scope=""):
        self.client_id, self.client_secret, self.user = client_id, client_secret, user
        self.redirect_uri, self.scope = redirect_uri, scope

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uri

    def get_allowed_scope(self, scope):
        return scope or self.scope

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret or "", self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in AUTH_METHODS

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type in ("client_credentials", "authorization_code", "refresh_token")


class Token(TokenMixin):
    def __init__(self, data, client, user):
        self.access_token = data["access_token"]
        self.refresh_token = data.get("refresh_token")
        self.scope = data.get("scope", "")
        self.expires_in = data["expires_in"]
        self.issued_at = time.time()
        self.client, self.user = client, user
        self.revoked = False

    def check_client(self, client):
        return client.client_id == self.client.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return time.time() >= self.issued_at + self.expires_in

    def is_revoked(self):
        return self.revoked

    def get_user(self):
        return self.user

    def get_client(self):
        return self.client


class Store:
    def __init__(self, clients):
        self.clients = {c.client_id: c for c in clients}
        self.tokens = []
        self.codes = {}
        self.issued = {}         # tokens given, by grant type
        self.requests = {}       # token requests, refused ones included
        self.lock = threading.Lock()

    def by_access(self, value):
        return next((t for t in self.tokens if t.access_token == value), None)

    def by_refresh(self, value):
        return next((t for t in self.tokens if t.refresh_token == value), None)


def build(config):
    store = Store([Client(**c) for c in config["clients"]])
    app = Flask("mailtoticket-oauth2")
    app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = True
    lifetime = config.get("expires_in", 3600)
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {
        "client_credentials": lifetime, "authorization_code": lifetime,
        "refresh_token": lifetime}

    def save_token(data, req):
        if req.grant_type == "client_credentials":
            data.pop("refresh_token", None)     # app-only: no refresh token (as Entra ID)
        with store.lock:
            store.tokens.append(Token(data, req.client, req.user or req.client.user))
            store.issued[req.grant_type] = store.issued.get(req.grant_type, 0) + 1

    server = AuthorizationServer(app, query_client=store.clients.get, save_token=save_token)

    class ClientCredentials(grants.ClientCredentialsGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    class AuthorizationCode(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

        def save_authorization_code(self, code, req):
            store.codes[code] = (req.client, req.user, req.payload.redirect_uri,
                                 req.payload.scope)

        def query_authorization_code(self, code, client):
            found = store.codes.get(code)
            if found and found[0].client_id == client.client_id:
                return Code(code, *found)

        def delete_authorization_code(self, authorization_code):
            store.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code):
            return authorization_code.user

    class RefreshToken(grants.RefreshTokenGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS
        INCLUDE_NEW_REFRESH_TOKEN = True

        def authenticate_refresh_token(self, refresh_token):
            token = store.by_refresh(refresh_token)
            if token and not token.revoked:
                return token

        def authenticate_user(self, credential):
            return credential.user

        def revoke_old_credential(self, credential):
            credential.revoked = True

    class Revocation(RevocationEndpoint):
        CLIENT_AUTH_METHODS = AUTH_METHODS

        def query_token(self, token_string, token_type_hint):
            return store.by_access(token_string) or store.by_refresh(token_string)

        def revoke_token(self, token, req):
            token.revoked = True    # the whole grant: its access and refresh token

    class Introspection(IntrospectionEndpoint):
        CLIENT_AUTH_METHODS = AUTH_METHODS

        def query_token(self, token_string, token_type_hint):
            return store.by_access(token_string)

        def check_permission(self, token, client, req):
            return True      # the resource server (dovecot) may ask about any token

        def introspect_token(self, token):
            return {"active": True, "client_id": token.client.client_id,
                    "token_type": "Bearer", "username": token.user,
                    "scope": token.scope,
                    "exp": int(token.issued_at + token.expires_in)}

    server.register_grant(ClientCredentials)
    server.register_grant(AuthorizationCode)
    server.register_grant(RefreshToken)
    server.register_endpoint(Revocation)
    server.register_endpoint(Introspection)

    app.add_url_rule("/token", "token", server.create_token_response, methods=["POST"])
    app.add_url_rule("/revoke", "revoke", lambda: server.create_endpoint_response(
        Revocation.ENDPOINT_NAME), methods=["POST"])
    app.add_url_rule("/introspect", "introspect", lambda: server.create_endpoint_response(
        Introspection.ENDPOINT_NAME), methods=["POST"])

    @app.get("/authorize")
    def authorize():
        client = store.clients.get(request.args.get("client_id"))
        return server.create_authorization_response(grant_user=client and client.user)

    @app.before_request
    def count():
        if request.path == "/token":
            kind = request.form.get("grant_type", "?")
            with store.lock:
                store.requests[kind] = store.requests.get(kind, 0) + 1

    @app.get("/_state")
    def state():
        return jsonify(issued=store.issued, requests=store.requests, alive=sum(
            1 for t in store.tokens if not t.revoked and not t.is_expired()))

    return app


class Code:
    def __init__(self, code, client, user, redirect_uri, scope):
        self.code, self.client, self.user = code, client, user
        self.redirect_uri, self.scope = redirect_uri, scope
        self.code_challenge = self.code_challenge_method = self.nonce = None
        self.auth_time = time.time()

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return None

    def get_auth_time(self):
        return self.auth_time
