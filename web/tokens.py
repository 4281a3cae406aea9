"""Credentials: named API tokens with a role, stored hashed.

The file (web.tokens_file, default <state_dir>/web-tokens.json, mode 0600)
is managed with `mailtoticket.py web -c FILE --add-token NAME --role
read|admin`, `--remove-token NAME`, `--list-tokens`. A token is shown once,
when it is made; the file keeps its scrypt hash (with its own salt) and a
short SHA-256 prefix to find it by. The same token is the password of HTTP
Basic with the token's name as the user.
"""
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time

ROLES = ("read", "admin")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
PREFIX = "mtt_"
# scrypt's cost: ~30 ms a check; a checked token is remembered (by its
# SHA-256) while the file is unchanged, so a client pays it once.
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1, "dklen": 32}


class TokenError(ValueError):
    pass


def _hash(token, salt):
    return hashlib.scrypt(token.encode("utf-8"), salt=salt, maxmem=64 * 1024 * 1024,
                          **SCRYPT).hex()


def _finder(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:12]


class TokenFile:
    def __init__(self, path):
        self.path = path
        self._lock = threading.Lock()
        self._checked = {}      # sha256(token) -> (name, role), for this file version
        self._version = None

    # -- reading
    def credentials(self):
        try:
            with open(self.path, encoding="utf-8") as f:
                data = json.load(f)
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as e:
            raise TokenError("token file %s unreadable: %s" % (self.path, e))
        found = data.get("credentials") if isinstance(data, dict) else None
        return [c for c in found or [] if isinstance(c, dict)]

    def check(self, token, name=None):
        """(name, role) of a valid token (for Basic: with its name), or None."""
        if not token or len(token) > 200:
            return None
        try:
            version = os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            return None
        digest = hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
        with self._lock:
            if version != self._version:
                self._checked, self._version = {}, version
            known = self._checked.get(digest)
        if known is not None:
            return known if name in (None, known[0]) else None
        finder = _finder(token)
        for cred in self.credentials():
            if (name is None and cred.get("finder") != finder) or \
                    (name is not None and cred.get("name") != name):
                continue
            try:
                salt = bytes.fromhex(cred["salt"])
            except (KeyError, ValueError):
                continue
            if hmac.compare_digest(_hash(token, salt), str(cred.get("hash"))) and \
                    cred.get("role") in ROLES:
                found = (cred["name"], cred["role"])
                with self._lock:
                    self._checked[digest] = found
                return found
        return None

    # -- the admin's command
    def add(self, name, role):
        """A new token for `name` (replacing its old one); returns it."""
        if not NAME_RE.match(name or ""):
            raise TokenError("a token name is letters, digits, '.', '_', '@' or '-' "
                             "(at most 64), not %r" % name)
        if role not in ROLES:
            raise TokenError("role is read or admin, not %r" % role)
        token = PREFIX + secrets.token_urlsafe(32)
        salt = secrets.token_bytes(16)
        creds = [c for c in self.credentials() if c.get("name") != name]
        creds.append({"name": name, "role": role, "salt": salt.hex(),
                      "hash": _hash(token, salt), "finder": _finder(token),
                      "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
        self._write(creds)
        return token

    def remove(self, name):
        creds = self.credentials()
        kept = [c for c in creds if c.get("name") != name]
        if len(kept) == len(creds):
            raise TokenError("no token named %r" % name)
        self._write(kept)

    def _write(self, creds):
        folder = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(folder, mode=0o700, exist_ok=True)
        tmp = "%s.%d.tmp" % (self.path, os.getpid())
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"credentials": creds}, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
