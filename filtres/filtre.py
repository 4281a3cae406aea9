"""The interface every filter shares, as in the original tool."""


class Filtre:
    """One way of handling a message.

    The chain asks `es_aplicable()` of each filter in the settings' order;
    the first that answers True gets `filtrar()`, which does the work or
    raises (TemporaryFailure: retry later; Refused/PermanentFailure: ERROR).
    `es_aplicable` may read from GN6 but never writes, except where a filter
    says so (reopening a closed ticket is how FiltreReplyReobrint finds out
    whether it applies).

    Before the first write, the pipeline journals which filter applied and
    its `state()` (the ticket number, the requester, the parameters: what
    the decision was made of). A redelivery does not ask the chain again: it
    `restore()`s that filter and finishes its `filtrar()`, so a ticket closed
    meanwhile, or a directory that answers differently, cannot turn half a
    comment into a new ticket.
    """

    def __init__(self, delivery):
        self.delivery = delivery
        self.message = delivery.message
        self.settings = delivery.settings
        self.tickets = delivery.tickets   # backends/base.py, journalled
        self.tiquets = self.tickets        # the name of earlier versions

    def es_aplicable(self):
        raise NotImplementedError

    def state(self):
        """What `filtrar` works from, as JSON-able data."""
        return {}

    def restore(self, state):
        """Take up `state` (from `state()`, maybe of an earlier delivery)."""

    def filtrar(self):
        raise NotImplementedError

    def __str__(self):
        return type(self).__name__
