"""GestioIdentitat Personesv6 operations: the person directory.

Just enough of the directory for the sender-resolution algorithm of the
contract: look people up by address (llistaPersones) and by cn
(obtenirDadesPersona). No instance credentials here, only the bus's
WS-Security.
"""

NAMESPACE = "http://identitat.upc.edu/GestioIdentitat/Personesv6"
WSDL_FILE = "Personesv6.wsdl"


def llista_persones(store, params):
    """Everyone having this address among their emails (any case)."""
    cns = store.people_by_email(params.get("email", ""))
    return {"llistaPersones": {"persona": [{"cn": cn} for cn in cns]}}


def obtenir_dades_persona(store, params):
    """ok=true and the person's data, or ok=false and empty fields."""
    person = store.person(params.get("commonName", "").strip())
    if person is None:
        return {"ok": False, "commonName": "", "emailPreferent": "", "nom": "", "cognoms": ""}
    return {"ok": True, "commonName": person["cn"], "emailPreferent": person["emailPreferent"],
            "nom": person["nom"], "cognoms": person["cognoms"]}


OPERATIONS = {
    "llistaPersones": llista_persones,
    "obtenirDadesPersona": obtenir_dades_persona,
}
