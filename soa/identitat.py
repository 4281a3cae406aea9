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
        result = self.service.call("llistaPersones", email)
        # zeep unwraps single-child wrappers: the answer may come as the
        # response, the list element, or the list of personas itself.
        for name in ("llistaPersones", "persona"):
            if isinstance(result, dict):
                result = result.get(name)
        return [p["cn"] for p in result or [] if p and p.get("cn")]

    def obtenir_dades_persona(self, common_name):
        """{commonName, emailPreferent, nom, cognoms}, or None if unknown."""
        result = self.service.call("obtenirDadesPersona", common_name)
        if not result or not result.get("ok"):
            return None
        return result
