"""Jira as the person directory rules/senders.py asks: an address is a
user when Jira has exactly one active user with it (accountId on Cloud,
username on Server/DC)."""


class JiraPeople:
    def __init__(self, jira):
        self.jira = jira

    def llista_persones(self, address):
        user = self.jira.find_user_by_email(address)
        return [self.jira.user_id(user)] if user else []

    def obtenir_dades_persona(self, cn):
        return None   # Jira has no commonName to look a local part up by
