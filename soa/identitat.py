"""Client of GestioIdentitat Personesv6, the person directory.

Only lookups; an outage raises BusFailure like any bus failure, so that a
known user is never taken for an unknown one because the directory was down.
"""


class GestioIdentitat:
    def __init__(self, settings, deadline):
        from soa.tiquets import service_for
        self.service = service_for(settings, deadline, "url_identitat",
                                   "endpoint_identitat")

    def llista_persones(self, email):
        """The cn of every person with that address."""
        from soa.results import field, items
        result = self.service.call("llistaPersones", email)
        return [field(p, "cn") for p in items(result, "llistaPersones", "persona")
                if field(p, "cn")]

    def obtenir_dades_persona(self, common_name):
        """{commonName, emailPreferent, nom, cognoms}, or None if unknown."""
        from soa.results import field, fields
        result = self.service.call("obtenirDadesPersona", common_name)
        if not result or not field(result, "ok"):
            return None
        return fields(result, ("ok", "commonName", "emailPreferent", "nom", "cognoms"))
