"""Who is asking: a token (Bearer), HTTP Basic (the token's name and the
token), or the pages' session cookie; and the CSRF check of the pages' forms.

The session cookie is signed (HMAC-SHA256 with <state_dir>/web-secret,
made once, 0600), HttpOnly, SameSite=Strict, Secure behind HTTPS
(`web.secure_cookies`), and lasts SESSION_HOURS; its name is checked
against the token file at every request, so removing a token ends its
sessions. A form's CSRF token is an HMAC of the session's nonce.
"""
import base64
import binascii
import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass

COOKIE = "mtt_session"
SESSION_HOURS = 8


@dataclass(frozen=True)
class Principal:
    name: str
    role: str
    via: str            # "token", "basic", "session"
    nonce: str = ""

    @property
    def admin(self):
        return self.role == "admin"


def load_secret(config):
    path = config.secret_file
    try:
        with open(path, "rb") as f:
            secret = f.read()
        if len(secret) >= 32:
            return secret
    except FileNotFoundError:
        pass
    os.makedirs(config.state_dir, mode=0o700, exist_ok=True)
    secret = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(secret)
    return secret


class Authenticator:
    def __init__(self, config, tokens):
        self.config = config
        self.tokens = tokens
        self.secret = load_secret(config)

    def _sign(self, text):
        return hmac.new(self.secret, text.encode("utf-8"), hashlib.sha256).hexdigest()

    # -- the session cookie
    def session_cookie(self, principal):
        nonce = secrets.token_hex(16)
        body = "%s|%s|%d|%s" % (principal.name, principal.role,
                                time.time() + SESSION_HOURS * 3600, nonce)
        return "%s|%s" % (body, self._sign(body))

    def from_cookie(self, value):
        parts = (value or "").split("|")
        if len(parts) != 5:
            return None
        name, role, expires, nonce, signature = parts
        if not hmac.compare_digest(self._sign("|".join(parts[:4])), signature):
            return None
        if not expires.isdigit() or int(expires) < time.time():
            return None
        current = {c.get("name"): c.get("role") for c in self.tokens.credentials()}
        if current.get(name) != role:
            return None     # removed, or its role changed: log in again
        return Principal(name, role, "session", nonce)

    def csrf_token(self, principal):
        return self._sign("csrf|" + principal.nonce)[:32]

    @staticmethod
    def cross_site(headers):
        """Whether a browser says the request comes from another site."""
        if headers.get("sec-fetch-site") in ("cross-site", "same-site"):
            return True
        origin = headers.get("origin")
        if origin and origin != "null":
            return origin.split("://", 1)[-1] != headers.get("host")
        return origin == "null"

    def csrf_ok(self, principal, given):
        return bool(given) and hmac.compare_digest(self.csrf_token(principal), given)

    # -- a request
    def who(self, headers, cookies):
        header = headers.get("authorization") or ""
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            found = self.tokens.check(value.strip())
            return Principal(*found, "token", "token:" + found[0]) if found else None
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(value.strip()).decode(
                    "utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None
            found = self.tokens.check(password, name=user)
            return Principal(*found, "basic", "basic:" + found[0]) if found else None
        if header:
            return None
        return self.from_cookie(cookies.get(COOKIE))
