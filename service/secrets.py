"""Secrets named by the service file, never written in it unless the admin
chooses so.

A secret is given by one of four keys (`password` shown here; an OAuth2
client secret uses `client_secret`, `client_secret_file`...):

    password_file: /etc/mailtoticket/suport.secret   # its first line
    password_env: SUPORT_IMAP_PASSWORD               # an environment variable
    password_command: pass show imap/suport          # a command's output (first line)
    password: in-clear                               # the admin's choice, warned

It is read when it is used (each login), so a rotated file or vault entry
is picked up at the next connection without a restart.
"""
import os
import subprocess

from gateway.errors import SettingsError

PASSWORD_KEYS = ("password", "password_file", "password_env", "password_command")


def keys_for(stem):
    return (stem, stem + "_file", stem + "_env", stem + "_command")


class Secret:
    def __init__(self, how, value, where):
        self.how, self.value, self.where = how, value, where

    def __repr__(self):
        return "Secret(%s)" % self.how   # never the value, in a log or a traceback

    def read(self):
        """The secret's text; SettingsError when it cannot be had."""
        if self.how.endswith("_file"):
            try:
                with open(self.value, encoding="utf-8") as f:
                    return _first_line(f.read(), self)
            except OSError as e:
                raise SettingsError("%s: cannot read %s: %s" % (self.where, self.value,
                                                                e.strerror or e))
        if self.how.endswith("_env"):
            value = os.environ.get(self.value)
            if not value:
                raise SettingsError("%s: environment variable %s is not set"
                                    % (self.where, self.value))
            return value
        if self.how.endswith("_command"):
            try:
                done = subprocess.run(self.value, shell=True, capture_output=True,
                                      timeout=30, stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                raise SettingsError("%s: %r did not finish in 30 s" % (self.where, self.value))
            if done.returncode != 0:
                raise SettingsError("%s: %r exited %d: %s" % (
                    self.where, self.value, done.returncode,
                    done.stderr.decode(errors="replace").strip()[:200]))
            return _first_line(done.stdout.decode("utf-8", errors="replace"), self)
        return self.value


def _first_line(text, secret):
    line = text.splitlines()[0].strip() if text.strip() else ""
    if not line:
        raise SettingsError("%s: the secret is empty" % secret.where)
    return line


def check(base, data, where, keys):
    """The one Secret `data` gives with `keys`; SettingsError when none or
    several are given. A file is checked for existence (and for being
    readable by others: warned, not refused)."""
    given = [k for k in keys if data.get(k) is not None]
    if len(given) != 1:
        raise SettingsError("service file key %s: give exactly one of %s%s" % (
            where, ", ".join(keys), " (found %s)" % ", ".join(given) if given else ""))
    how = given[0]
    value = data[how]
    if not isinstance(value, str) or not value:
        raise SettingsError("service file key %s.%s: must be a text" % (where, how))
    if how.endswith("_file"):
        if not os.path.isabs(value):
            value = os.path.join(base, value)
        if not os.path.isfile(value):
            raise SettingsError("service file key %s.%s: no such file %s" % (where, how, value))
    return Secret(how, value, "service file key %s.%s" % (where, how))
