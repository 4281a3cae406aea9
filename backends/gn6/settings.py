"""The settings of the GN6 back-end (settings_sample.py, the upstream keys),
checked at load after the generic checks of gateway/settings.py."""
from gateway.errors import SettingsError


def check(settings, base):
    per_call, run = settings["timeout_soa"], settings["temps_maxim_execucio"]
    if not 0 < per_call <= run:
        raise SettingsError("settings key 'timeout_soa' must be more than 0 and at most "
                            "temps_maxim_execucio (%r), not %r" % (run, per_call))
