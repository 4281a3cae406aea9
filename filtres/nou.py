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

    def state(self):
        """The AltaTiquet parameters but the description, which is the
        message's own (rebuilt the same on a redelivery) after any notes."""
        params = self.parameters()
        params.update(new_ticket_defaults(self.message, self.settings))
        params.pop("descripcio", None)  # a rule may not set it; the message does
        return {"params": params, "notes": self.delivery.notes}

    def restore(self, state):
        self.params = dict(state["params"],
                           descripcio="".join(state["notes"]) + self.delivery.description)

    def filtrar(self):
        open_ticket(self.delivery, self.params)
