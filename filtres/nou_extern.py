"""A message from a sender nobody knows opens a ticket for `usuari_extern`,
with the sender's address as emailSolicitant. GN6 is not asked to mail a
creation notice (enviarMissatgeCreacio=N): the address is unverified."""
from filtres.nou import FiltreNou
from gateway.writes.new_ticket import base_parameters


class FiltreNouExtern(FiltreNou):
    def es_aplicable(self):
        sender = self.delivery.sender
        return bool(self.settings["usuari_extern"] and sender.address and sender.user is None)

    def parameters(self):
        params = base_parameters(self.delivery, self.settings["usuari_extern"],
                                 self.delivery.sender.email or self.delivery.sender.address)
        params["enviarMissatgeCreacio"] = "N"
        return params
