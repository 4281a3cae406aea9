"""The settings of the GN6 back-end (settings_sample.py, the upstream keys),
checked at load after the generic checks of gateway/settings.py."""
import os
import re

from gateway.errors import SettingsError

# Keys the GN6 back-end cannot work without (a misspelt one leaves its
# default "": tickets with no team, or no requester for unknown senders).
REQUIRED = ("url_gn6", "url_identitat", "username_soa", "password_soa", "username_gn6",
            "password_gn6", "domini", "equip_resolutor_nous")
EXTERNAL_FILTER = "filtres.nou_extern.FiltreNouExtern"


def check(settings, base):
    per_call, run = settings["timeout_soa"], settings["temps_maxim_execucio"]
    if not 0 < per_call <= run:
        raise SettingsError("settings key 'timeout_soa' must be more than 0 and at most "
                            "temps_maxim_execucio (%r), not %r" % (run, per_call))


def problems(settings):
    """[(key, what is wrong)] for the keys GN6 needs: presence and shape.
    A delivery refuses settings with any (a configuration failure, the key
    named); --check lists them all."""
    found = []
    required = REQUIRED + (("usuari_extern",) if EXTERNAL_FILTER in settings["filtres"]
                           else ())
    for key in required:
        value = settings[key]
        if not isinstance(value, str) or not value.strip():
            found.append((key, "is needed with backend \"gn6\" and is empty or missing "
                               "(misspelt?)"))
        elif value != value.strip():
            found.append((key, "%r has blanks around it" % value))
    for key in ("url_gn6", "url_identitat"):
        value = settings[key]
        if isinstance(value, str) and value.strip() and not re.match(r"https?://\S+$", value) \
                and not os.path.isfile(settings.resolve_path(value)):
            found.append((key, "%r is neither an http(s) URL nor a WSDL file" % value))
    return found
