"""OAuth2 access tokens for XOAUTH2 / OAUTHBEARER logins, obtained and
refreshed by the service itself (Authlib's requests client).

A kind of grant is one class, registered by its `kind:` name:

    client_credentials   Microsoft 365 app-only access: an Entra ID app's
                         client id and secret, the tenant; scope
                         https://outlook.office365.com/.default
    refresh_token        Google Workspace, Microsoft 365 delegated: a
                         refresh token from a one-time consent
                         (`mailtoticket.py serve -c FILE --authorize MAILBOX`)

`provider: microsoft | google` fills in the endpoints and the scope; any
other authorization server is named by `token_url` (and `authorize_url`).
Tokens are cached under the service's state_dir/tokens/, owner-only. A
refused grant (invalid_grant, invalid_client...) is a configuration
failure (GrantRefused: the admin is told once, no retry storm); an
unreachable token endpoint is a connection failure (retried with backoff).
"""
import json
import logging
import os
import threading
import time

from gateway.errors import SettingsError
from service import secrets
from service.imap import LoginRefused

log = logging.getLogger("mailtoticket.service")

OAUTH2 = {"kind": None, "provider": None, "tenant": None, "token_url": None,
          "authorize_url": None, "redirect_uri": "http://localhost/", "client_id": None,
          "client_secret": None, "client_secret_file": None, "client_secret_env": None,
          "client_secret_command": None, "scope": None, "mechanism": "xoauth2",
          "ca_file": None}
SECRET_KEYS = secrets.keys_for("client_secret")
MECHANISMS = ("xoauth2", "oauthbearer")
MICROSOFT = "https://login.microsoftonline.com/%s/oauth2/v2.0/"
PROVIDERS = {
    "microsoft": {
        "token_url": MICROSOFT + "token", "authorize_url": MICROSOFT + "authorize",
        "scope": {"client_credentials": "https://outlook.office365.com/.default",
                  "refresh_token": "https://outlook.office365.com/IMAP.AccessAsUser.All "
                                   "offline_access"}},
    "google": {
        "token_url": "https://oauth2.googleapis.com/token",
        "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
        "scope": {"refresh_token": "https://mail.google.com/"}},
}
# Errors of the token endpoint only the admin can end (RFC 6749 5.2).
REFUSALS = ("invalid_grant", "invalid_client", "unauthorized_client", "invalid_scope",
            "unsupported_grant_type", "access_denied")


class GrantRefused(LoginRefused):
    """The authorization server refused the grant: a configuration failure."""


class TokenEndpointDown(ConnectionError):
    """The token endpoint could not be reached, or answered 5xx."""


KINDS = {}


def kind(name):
    def register(cls):
        KINDS[name] = cls
        cls.kind = name
        return cls
    return register


def check(base, data, where):
    """The oauth2 mapping of a login, completed and checked."""
    from service.config import _complete, _path
    oauth2 = _complete(data, OAUTH2, "service file key " + where)
    if oauth2["kind"] not in KINDS:
        raise SettingsError("service file key %s.kind: %r is not one of %s"
                            % (where, oauth2["kind"], ", ".join(sorted(KINDS))))
    if oauth2["mechanism"] not in MECHANISMS:
        raise SettingsError("service file key %s.mechanism: %r is not one of %s"
                            % (where, oauth2["mechanism"], ", ".join(MECHANISMS)))
    provider = oauth2["provider"]
    if provider is not None:
        if provider not in PROVIDERS:
            raise SettingsError("service file key %s.provider: %r is not one of %s"
                                % (where, provider, ", ".join(PROVIDERS)))
        preset = PROVIDERS[provider]
        if "%s" in preset["token_url"] and not oauth2["tenant"]:
            raise SettingsError("service file key %s.tenant: %s needs the tenant (its "
                                "id or domain)" % (where, provider))
        for key in ("token_url", "authorize_url"):
            if oauth2[key] is None:
                oauth2[key] = preset[key].replace("%s", oauth2["tenant"] or "")
        if oauth2["scope"] is None:
            oauth2["scope"] = preset["scope"].get(oauth2["kind"])
    for key in ("token_url", "client_id", "scope"):
        if not isinstance(oauth2[key], str) or not oauth2[key]:
            raise SettingsError("service file key %s.%s: must be given (or a provider "
                                "that implies it)" % (where, key))
    if oauth2["ca_file"] is not None:
        oauth2["ca_file"] = _path(base, oauth2["ca_file"], where + ".ca_file")
    if any(oauth2[k] is not None for k in SECRET_KEYS) or oauth2["kind"] == "client_credentials":
        oauth2["client_secret"] = secrets.check(base, oauth2, where, SECRET_KEYS)
    return oauth2


def source(oauth2, state_dir, name):
    return KINDS[oauth2["kind"]](oauth2, os.path.join(state_dir, "tokens", name + ".json"))


class TokenSource:
    """A cached access token, fetched again shortly before it expires."""

    def __init__(self, oauth2, cache_path):
        self.oauth2 = oauth2
        self.cache_path = cache_path
        self.failures = 0           # refreshes that failed (the status file shows it)
        self._lock = threading.Lock()
        self._refused = None        # (GrantRefused, cache stamp) once refused
        self._token = self._read_cache()

    def token(self):
        """The access token; GrantRefused again, without asking the
        authorization server, while a refused grant has not changed (a new
        consent written to the cache, or a reload, ends that)."""
        with self._lock:
            if self._refused is not None:
                error, stamp = self._refused
                if stamp == self._cache_stamp():
                    raise error
                self._refused, self._token = None, self._read_cache()
            token = self._token or {}
            if not token.get("access_token") or self._expiring(token):
                try:
                    self._token = self._obtain(token)
                except GrantRefused as e:
                    self._refused = (e, self._cache_stamp())
                    raise
                self._write_cache()
            return self._token["access_token"]

    def _cache_stamp(self):
        try:
            return os.stat(self.cache_path).st_mtime_ns
        except OSError:
            return None

    def forget(self):
        """The access token was refused by the mail server: the next
        token() fetches another (a refresh token is kept)."""
        with self._lock:
            if self._token:
                self._token.pop("access_token", None)

    @staticmethod
    def _expiring(token):
        expires_at = token.get("expires_at")
        if not expires_at:
            return False
        lifetime = token.get("expires_in") or 3600
        return time.time() > expires_at - min(60, lifetime / 4)

    # -- the authorization server
    def session(self, **kwargs):
        from authlib.integrations.requests_client import OAuth2Session
        oauth2 = self.oauth2
        secret = oauth2["client_secret"]
        session = OAuth2Session(oauth2["client_id"], secret.read() if secret else None,
                                scope=oauth2["scope"], **kwargs)
        if oauth2["ca_file"]:
            # REQUESTS_CA_BUNDLE would override `verify` when the session
            # trusts the environment: a private authority's CA must win.
            session.trust_env = False
            session.verify = oauth2["ca_file"]
        return session

    def _call(self, what, call):
        import requests
        from authlib.integrations.requests_client import OAuthError
        try:
            token = dict(call())
        except OAuthError as e:
            self.failures += 1
            if e.error in REFUSALS:
                raise GrantRefused("%s refused the %s grant: %s %s" % (
                    self.oauth2["token_url"], what, e.error, e.description or ""))
            raise TokenEndpointDown("%s: %s %s" % (self.oauth2["token_url"], e.error,
                                                   e.description or ""))
        except (requests.RequestException, ValueError) as e:
            self.failures += 1
            raise TokenEndpointDown("%s: %s" % (self.oauth2["token_url"], e))
        if "expires_at" not in token and token.get("expires_in"):
            token["expires_at"] = time.time() + int(token["expires_in"])
        return token

    # -- the cache (owner-only)
    def _read_cache(self):
        try:
            with open(self.cache_path, encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:
            log.warning("token cache %s unreadable, ignored: %s", self.cache_path, e)
            return None

    def _write_cache(self):
        os.makedirs(os.path.dirname(self.cache_path), mode=0o700, exist_ok=True)
        temporary = self.cache_path + ".tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(self._token, f)
        os.replace(temporary, self.cache_path)


@kind("client_credentials")
class ClientCredentials(TokenSource):
    """Microsoft 365 app-only: nothing to consent to by a person."""

    def _obtain(self, token):
        with self.session() as session:
            return self._call("client credentials", lambda: session.fetch_token(
                self.oauth2["token_url"], grant_type="client_credentials", timeout=30))


@kind("refresh_token")
class RefreshToken(TokenSource):
    """Google, Microsoft 365 delegated: a refresh token from the admin's
    one-time consent; a rotated refresh token is kept."""

    def _obtain(self, token):
        if not token.get("refresh_token"):
            raise GrantRefused("no refresh token yet: run mailtoticket.py serve -c FILE "
                               "--authorize MAILBOX once")
        with self.session() as session:
            new = self._call("refresh token", lambda: session.refresh_token(
                self.oauth2["token_url"], refresh_token=token["refresh_token"], timeout=30))
        new.setdefault("refresh_token", token["refresh_token"])
        return new

    def authorize(self, read=input, say=print):
        """The one-time consent: the URL to open, then the code (or the
        whole address the browser was sent back to)."""
        oauth2 = self.oauth2
        if not oauth2.get("authorize_url"):
            raise SettingsError("oauth2: no authorize_url (nor a provider) to ask consent at")
        with self.session(redirect_uri=oauth2["redirect_uri"]) as session:
            url, state = session.create_authorization_url(
                oauth2["authorize_url"], access_type="offline", prompt="consent")
            say("Open this address, sign in as the mailbox's user and consent:\n\n  %s\n"
                % url)
            answer = read("Then paste the code (or the whole address you were sent "
                          "back to): ").strip()
            if "code=" in answer:
                fetch = lambda: session.fetch_token(oauth2["token_url"],
                                                    authorization_response=answer,
                                                    state=state, timeout=30)
            else:
                fetch = lambda: session.fetch_token(oauth2["token_url"], code=answer,
                                                    timeout=30)
            token = self._call("authorization code", fetch)
        if not token.get("refresh_token"):
            raise GrantRefused("the authorization server gave no refresh token (is "
                               "offline_access in the scope?)")
        with self._lock:
            self._token = token
            self._write_cache()
        say("Authorized: the refresh token is kept in %s (owner-only)." % self.cache_path)


def authorize(config, name):
    """`serve -c FILE --authorize MAILBOX`; exit code."""
    boxes = {m.name: m for m in config.mailboxes}
    mailbox = boxes.get(name)
    if mailbox is None or mailbox.login["oauth2"] is None:
        log.error("--authorize %s: no mailbox of that name with an oauth2 login (mailboxes: %s)",
                  name, ", ".join(boxes))
        return 1
    tokens = source(mailbox.login["oauth2"], config.state_dir, name)
    if not hasattr(tokens, "authorize"):
        log.error("--authorize %s: a %s login needs no consent", name, tokens.kind)
        return 1
    try:
        tokens.authorize()
    except (GrantRefused, TokenEndpointDown, SettingsError, EOFError) as e:
        log.error("--authorize %s failed: %s", name, e)
        return 1
    return 0
