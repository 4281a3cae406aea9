"""An LDAP directory of external people, tried after the identity service.

The original tool's `LDAP_SERVER_URL`, `LDAP_BIND_USER`, `LDAP_PASSWORD`
and `LDAP_BASE_SEARCH`: a simple bind, then a subtree search for the
address in `mail`. The first entry names the user as "<cn>@<ou>" (the ou=
of its DN below the base, as upstream built it), or "<cn>" when the entry
sits in no ou (upstream wrote a broken "<cn>@cn=..." there).

ldap3 (pure Python) is imported only when the four settings are set. An
unreachable directory or a refused bind is a temporary failure, as for the
identity service: "unknown" must mean the directory answered and knew
nobody, never that it was down.
"""
import logging

from failures import TemporaryFailure

log = logging.getLogger("mailtoticket.ldap")
KEYS = ("LDAP_SERVER_URL", "LDAP_BIND_USER", "LDAP_PASSWORD", "LDAP_BASE_SEARCH")
MAX_SECONDS = 10


def configured(settings):
    return all(settings.get(key) for key in KEYS)


def user_for(settings, address):
    """The user the LDAP directory names for `address`, or None."""
    import ldap3
    from ldap3.core.exceptions import LDAPException
    from ldap3.utils.conv import escape_filter_chars

    timeout = min(settings["timeout_soa"], MAX_SECONDS)
    base = settings["LDAP_BASE_SEARCH"]
    try:
        server = ldap3.Server(settings["LDAP_SERVER_URL"], get_info=ldap3.NONE,
                              connect_timeout=timeout)
        with ldap3.Connection(server, settings["LDAP_BIND_USER"], settings["LDAP_PASSWORD"],
                              auto_bind=True, receive_timeout=timeout,
                              raise_exceptions=True) as conn:
            conn.search(base, "(mail=%s)" % escape_filter_chars(address),
                        search_scope=ldap3.SUBTREE, attributes=["cn"], size_limit=1,
                        time_limit=timeout)
            entries = list(conn.entries)
    except LDAPException as e:
        if type(e).__name__ in ("LDAPSizeLimitExceededResult",):
            entries = []
        else:
            raise TemporaryFailure("LDAP directory %s: %s: %s"
                                   % (settings["LDAP_SERVER_URL"], type(e).__name__, e))
    if not entries:
        log.info("LDAP: nobody has mail %s", address)
        return None
    entry = entries[0]
    cn = entry.cn.values[0] if entry.cn.values else None
    if not cn:
        return None
    ou = _ou(entry.entry_dn, base)
    user = "%s@%s" % (cn, ou) if ou else cn
    log.info("LDAP: %s is %s (%s)", address, user, entry.entry_dn)
    return user


def _ou(dn, base):
    """The innermost ou= of `dn` below `base`, or None."""
    from ldap3.core.exceptions import LDAPInvalidDnError
    from ldap3.utils.dn import parse_dn
    try:
        parts = parse_dn(dn)
    except LDAPInvalidDnError:
        return None
    base_len = len(parse_dn(base)) if base else 0
    for attribute, value, _ in parts[:len(parts) - base_len]:
        if attribute.lower() == "ou":
            return value
    return None
