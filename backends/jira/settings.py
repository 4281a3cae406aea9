"""The settings of the Jira back-end (docs/jira.md), checked at load.

`check` (Jira.check_settings) runs after the generic checks of gateway/settings.py: it refuses a
Jira configuration that cannot work (naming the key) and fills in what the
rest of the gateway reads under its own names, so that nothing outside the
back-end needs to know which ticket system runs:

- `usuari_extern` (the requester of unknown senders) defaults to
  `jira_reporter`;
- `regex_reply` (a reply's ticket in its subject) becomes `jira_key_regex`
  searched anywhere in the subject, and `regex_message_id` matches the
  Message-ID of the gateway's confirmation mail, <KEY.hex@host>, unless the
  settings file set them itself.
"""
import re

from gateway.errors import SettingsError

# Jira fields a ticket-opening rule (valors_defecte, paraules_clau) may set.
FIELDS = ("project", "issuetype", "labels", "priority", "components", "assignee")
CUSTOM_FIELD = re.compile(r"customfield_\d+$")
MESSAGE_ID_REGEX = r"<?([A-Z][A-Z0-9_]+-\d+)\.[0-9a-f]+@"


class _RuleFields:
    """The Jira fields a rule may set: `name in RULE_FIELDS`, as
    gateway/settings.py asks of GN6's AltaTiquet parameters."""

    def __contains__(self, name):
        return isinstance(name, str) and (name in FIELDS or bool(CUSTOM_FIELD.match(name)))


RULE_FIELDS = _RuleFields()


def check(settings, base):
    for key in ("jira_url", "jira_project", "jira_issue_type"):
        if not settings[key].strip():
            raise SettingsError("settings key %r is needed with backend \"jira\"" % key)
    if not re.match(r"https?://", settings["jira_url"]):
        raise SettingsError("settings key 'jira_url' must be an http(s) URL, not %r"
                            % settings["jira_url"])
    if not (settings["jira_token"] or (settings["jira_email"] and settings["jira_api_token"])
            or (settings["jira_username"] and settings["jira_password"])):
        raise SettingsError("settings key 'jira_token' (or jira_email + jira_api_token, or "
                            "jira_username + jira_password) is needed with backend \"jira\"")
    timeout = settings["jira_timeout"]
    if not 0 < timeout <= settings["temps_maxim_execucio"]:
        raise SettingsError("settings key 'jira_timeout' must be more than 0 and at most "
                            "temps_maxim_execucio (%r), not %r"
                            % (settings["temps_maxim_execucio"], timeout))
    visibility = settings["jira_private_visibility"]
    if visibility.get("type") not in ("role", "group") or not visibility.get("value"):
        raise SettingsError("settings key 'jira_private_visibility' must be "
                            "{\"type\": \"role\" or \"group\", \"value\": NAME}, not %r"
                            % visibility)
    for label in settings["jira_labels"]:
        if not label or re.search(r"\s", label):
            raise SettingsError("settings key 'jira_labels': %r: a Jira label has no spaces"
                                % label)
    field = settings["jira_sender_field"]
    if field is not None and not CUSTOM_FIELD.match(field):
        raise SettingsError("settings key 'jira_sender_field' must be a custom field id "
                            "such as \"customfield_10010\", not %r" % field)
    try:
        compiled = re.compile(settings["jira_key_regex"])
    except re.error as e:
        raise SettingsError("settings key 'jira_key_regex': invalid regex %r: %s"
                            % (settings["jira_key_regex"], e))
    if compiled.groups < 1:
        raise SettingsError("settings key 'jira_key_regex': the regex needs a group (...) "
                            "around the issue key")
    if settings["jira_confirmation"] and not settings["jira_confirmation_from"]:
        raise SettingsError("settings key 'jira_confirmation_from' is needed when "
                            "jira_confirmation is true")
    for key in ("jira_confirmation_subject", "jira_confirmation_template_text",
                "jira_confirmation_template_html"):
        try:
            settings[key].format(key="SUP-1", subject="s", url="u")
        except (KeyError, IndexError, ValueError) as e:
            raise SettingsError("settings key %r: bad template: %s (use {key}, {subject}, "
                                "{url})" % (key, e))
    if not settings["usuari_extern"]:
        settings["usuari_extern"] = settings["jira_reporter"]
    if settings["regex_reply"] == base["regex_reply"]:
        settings["regex_reply"] = "(?s).*?" + settings["jira_key_regex"]
    if settings["regex_message_id"] == base["regex_message_id"]:
        settings["regex_message_id"] = MESSAGE_ID_REGEX


PROJECT_KEY = re.compile(r"[A-Z][A-Z0-9_]+$")


def settings_problems(settings):
    """[(key, what is wrong)] beyond what check() refuses at load: shapes a
    delivery cannot work with. --check lists them; a delivery refuses."""
    problems = []
    if not PROJECT_KEY.match(settings["jira_project"].strip()):
        problems.append(("jira_project", "%r is not a Jira project key (capitals, such as "
                                         "\"SUP\")" % settings["jira_project"]))
    extern = "filtres.nou_extern.FiltreNouExtern" in settings["filtres"]
    if extern and not settings["usuari_extern"]:
        problems.append(("jira_reporter", "is needed with filtres.nou_extern.FiltreNouExtern "
                                          "(who reports unknown senders' issues)"))
    return problems
