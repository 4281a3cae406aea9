"""A message from a known sender opens a new ticket."""
from filtres.filtre import Filtre
from gateway.classify import new_ticket_defaults
from gateway.new_ticket import base_parameters, open_ticket


class FiltreNou(Filtre):
    def es_aplicable(self):
        return self.delivery.sender.user is not None

    def parameters(self):
        sender = self.delivery.sender
        return base_parameters(self.delivery, sender.user, sender.address)

    def filtrar(self):
        params = self.parameters()
        params.update(new_ticket_defaults(self.message, self.settings))
        open_ticket(self.delivery, params)
