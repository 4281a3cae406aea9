"""The interface every filter shares, as in the original tool."""


class Filtre:
    """One way of handling a message.

    The chain asks `es_aplicable()` of each filter in the settings' order;
    the first that answers True gets `filtrar()`, which does the work or
    raises (TemporaryFailure: retry later; Refusal/PermanentFailure: ERROR).
    `es_aplicable` may read from GN6 but never writes, except where a filter
    says so (reopening a closed ticket is how FiltreReplyReobrint finds out
    whether it applies).
    """

    def __init__(self, delivery):
        self.delivery = delivery
        self.message = delivery.message
        self.settings = delivery.settings
        self.tiquets = delivery.tiquets

    def es_aplicable(self):
        raise NotImplementedError

    def filtrar(self):
        raise NotImplementedError

    def __str__(self):
        return type(self).__name__
