"""How a SOAP call can fail.

The contract insists on telling two things apart. A bus failure (Fault,
timeout, connection refused, HTTP 5xx, a garbled answer) says nothing about
the message: it is temporary, and the message must stay in the mailbox. A
GN6 answer with codiRetorn != "1" is GN6's word on this request: an answer,
which the caller either handles (a closed ticket refuses a comment) or
reports as an error.
"""
import re

from gateway.errors import TemporaryFailure


class BusFailure(TemporaryFailure):
    """The bus or the service did not answer properly; try again later.

    sent: whether the request may have reached the service. A refused
    connection or a WSDL that could not be loaded means it did not; a
    timeout, a reset, a 5xx or a Fault leave it open (the contract: such a
    call may have been carried out all the same).
    """

    def __init__(self, message, sent=True):
        super().__init__(message)
        self.sent = sent


class Refusal(Exception):
    """GN6 answered, and the answer is no (codiRetorn != "1")."""

    def __init__(self, operation, codi, descripcio):
        self.operation = operation
        self.codi = codi
        self.descripcio = descripcio
        # GN6's text goes into log lines and the admin's notice: one line.
        text = re.sub(r"[\x00-\x1f\x7f]+", " ", str(descripcio or "")).strip()
        super().__init__("%s refused by GN6: codiRetorn=%s %s"
                         % (operation, codi, text[:1000]))
