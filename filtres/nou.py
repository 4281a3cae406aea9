"""A message from a known sender opens a new ticket."""
from filtres.filtre import Filtre
from rules.classify import new_ticket_defaults
from gateway.writes.new_ticket import base_parameters, open_ticket


class FiltreNou(Filtre):
    def es_aplicable(self):
        return self.delivery.sender.user is not None

    def parameters(self):
        sender = self.delivery.sender
        return base_parameters(self.delivery, sender.user, sender.email or sender.address)

    def state(self):
        """The AltaTiquet parameters but the description, which is the
        message's own (rebuilt the same on a redelivery) after any notes."""
        params = self.parameters()
        params.update(new_ticket_defaults(self.message, self.settings))
        params.pop("descripcio", None)  # a rule may not set it; the message does
        from rules.automatic import is_machine_mail
        if is_machine_mail(self.message):
            params["enviarMissatgeCreacio"] = "N"   # no notice back to a machine
        from rules import origin
        # The provenance line is kept with the decision: a message without a
        # Date header would otherwise get another time on a redelivery.
        return {"params": params, "notes": self.delivery.notes,
                "origin": origin.for_ticket(self.delivery)}

    def restore(self, state):
        from rules import cleaning, origin
        body = cleaning.apply(self.settings, "netejar_mail_nou", self.delivery.description)
        line = state.get("origin")
        if line is None:
            line = origin.for_ticket(self.delivery)
        self.params = dict(state["params"], descripcio="".join(state["notes"]) + line + body)

    def filtrar(self):
        open_ticket(self.delivery, self.params)
