"""The original tool's cleaning module name, for settings files written for it.

Upstream settings files may `import netejahtml` and set
`"netejar_mail_nou": netejahtml.neteja_nou` and
`"netejar_mail_reply": netejahtml.neteja_reply`. These names map to this
project's own cleaning (rules/cleaning.py); nothing here is upstream code.
"""
from rules.cleaning import clean_new as neteja_nou  # noqa: F401
from rules.cleaning import clean_reply as neteja_reply  # noqa: F401
from rules.cleaning import strip_quote as treure_reply  # noqa: F401
from rules.cleaning import strip_signature as treure_signatura  # noqa: F401
