"""Record: a plain class's repr and equality, from the names of its fields.

For the few value classes every delivery makes (gateway/outcome.py Outcome,
rules/senders.py Sender, mail/attachments.py Attachment): a dataclass would
write the same methods, but importing dataclasses and making each class
costs every delivery 2-3 ms at start-up (bench/run.py).
"""


class Record:
    FIELDS = ()         # the attributes repr shows and == compares
    __hash__ = None     # mutable, as a dataclass is by default

    def _values(self):
        return tuple(getattr(self, name) for name in self.FIELDS)

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, ", ".join(
            "%s=%r" % pair for pair in zip(self.FIELDS, self._values())))

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()
