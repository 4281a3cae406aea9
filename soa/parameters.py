"""Parameter order of the GN6 operations, as the contract gives it.

Positional clients exist, so the order is part of the interface; these
tuples are also what the settings check `valors_defecte` defaults against.
They are plain data so that checking settings never imports zeep.
"""

ALTA_TIQUET = (
    "solicitant", "emailSolicitant", "client", "assumpte", "descripcio",
    "equipResolutor", "assignatA", "producte", "subservei", "urgencia",
    "impacte", "proces", "procesOrigen", "estat", "ip",
    "enviarMissatgeCreacio", "enviarMissatgeTancament", "imputacioAutomatica",
    "infraestructura")

MODIFICAR_TIQUET = (
    "codiTiquet", "equipResolutor", "assignatCn", "proces", "estat",
    "dataCaducitat", "codiTancament", "producte", "subservei", "tipus",
    "dataResol", "solicitant", "client", "telefonSolicitant",
    "emailSolicitant", "dadesContacteSolicitant", "numInventari",
    "numElements", "ip", "assumpte", "descripcio", "origen", "urgencia",
    "impacte")

AFEGIR_COMENTARI_TIQUET = (
    "codiTiquet", "usuari", "descripcio", "tipusComentari", "esNotificat")

ANNEXAR_FITXER_TIQUET = ("codiTiquet", "usuari", "nomFitxer", "fitxerBase64")

AFEGIR_SOLICITANT_TIQUET = ("codiTiquet", "solicitant")

CONSULTA_TIQUETS = (
    "codi", "estat", "dataCreacioInici", "dataCreacioFi",
    "dataTancamentInici", "dataTancamentFi", "client", "solicitant", "ip")

OPERATIONS = {
    "AltaTiquet": ALTA_TIQUET,
    "ModificarTiquet": MODIFICAR_TIQUET,
    "AfegirComentariTiquet": AFEGIR_COMENTARI_TIQUET,
    "AnnexarFitxerTiquet": ANNEXAR_FITXER_TIQUET,
    "AfegirSolicitantTiquet": AFEGIR_SOLICITANT_TIQUET,
    "ConsultaTiquets": CONSULTA_TIQUETS,
    "ConsultaTiquetsDades": CONSULTA_TIQUETS,
}

# Operations that change GN6: started only with a whole timeout ahead.
WRITES = frozenset(("AltaTiquet", "ModificarTiquet", "AfegirComentariTiquet",
                    "AnnexarFitxerTiquet", "AfegirSolicitantTiquet"))

# Values the contract names.
OBERT = "TIQUET_STATUS_OBERT"
TANCAT = "TIQUET_STATUS_TANCAT"
PUBLIC = "COMENT_TIQUET_PUBLIC"
PRIVAT = "COMENT_TIQUET_PRIVAT"
URGENCIA_DEFECTE = "GRAVETAT_MITJA"
PROCES_DEFECTE = "PROCES_AUS"
DATE_FORMAT = "%d-%m-%Y"
FILE_URL = "/tiquetsusuaris/control/file?fileId=%s"
