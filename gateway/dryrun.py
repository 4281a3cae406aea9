"""--dry-run: GN6 is read, never written; the calls that would be made are
told on stderr with their arguments, in the contract's order."""
from soa import parameters as P

PLACEHOLDER = "(dry-run)"


class DryRunTiquets:
    def __init__(self, real, say):
        self.real = real
        self.say = say

    def consulta_tiquet(self, codi):
        return self.real.consulta_tiquet(codi)

    def consulta_tiquets_dades(self, **filters):
        return self.real.consulta_tiquets_dades(**filters)

    def _would(self, operation, values):
        shown = []
        for name in P.OPERATIONS[operation]:
            value = values.get(name, "")
            if name == "fitxerBase64":
                value = "<%d characters of base64>" % len(value)
            if value:
                shown.append("%s=%r" % (name, value))
        self.say("would call %s(%s)" % (operation, ", ".join(shown)))

    def alta_tiquet(self, **values):
        from soa.tiquets import ALTA_DEFECTES
        self._would("AltaTiquet", {**ALTA_DEFECTES, **values})
        return PLACEHOLDER

    def modificar_tiquet(self, codiTiquet, **values):
        self._would("ModificarTiquet", dict(values, codiTiquet=codiTiquet))

    def afegir_comentari_tiquet(self, codiTiquet, usuari, descripcio,
                                tipusComentari, esNotificat):
        self._would("AfegirComentariTiquet", dict(
            codiTiquet=codiTiquet, usuari=usuari, descripcio=descripcio,
            tipusComentari=tipusComentari, esNotificat=esNotificat))

    def annexar_fitxer_tiquet(self, codiTiquet, usuari, nomFitxer, fitxerBase64):
        self._would("AnnexarFitxerTiquet", dict(
            codiTiquet=codiTiquet, usuari=usuari, nomFitxer=nomFitxer,
            fitxerBase64=fitxerBase64))
        return PLACEHOLDER

    def afegir_solicitant_tiquet(self, codiTiquet, solicitant):
        self._would("AfegirSolicitantTiquet",
                    dict(codiTiquet=codiTiquet, solicitant=solicitant))
