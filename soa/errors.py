"""How a SOAP call can fail.

The contract insists on telling two things apart. A bus failure (Fault,
timeout, connection refused, HTTP 5xx, a garbled answer) says nothing about
the message: it is temporary, and the message must stay in the mailbox. A
GN6 answer with codiRetorn != "1" is GN6's word on this request: an answer,
which the caller either handles (a closed ticket refuses a comment) or
reports as an error.
"""
import re

from failures import CredentialsRefused as _CredentialsRefused
from failures import Refused, TemporaryFailure

# What a refusal of our credentials says: the bus's WS-Security Fault, or
# GN6's answer to a wrong username_gn6/password_gn6/domini. Matched on the
# text, as neither has a code of its own in the contract. Compiled (and
# cached by re) at the first refusal: an answered call never needs it.
CREDENTIALS_TEXT = (
    r"authenticat|credential|credencial|unauthori[sz]ed|password|contrasenya"
    r"|security token|invalid (user|domini)|domini\b.*(unknown|desconegut|no existeix)")


class BusFailure(TemporaryFailure):
    """The bus or the service did not answer properly; try again later.

    sent: whether the request may have reached the service. A refused
    connection or a WSDL that could not be loaded means it did not; a
    timeout, a reset, a 5xx or a Fault leave it open (the contract: such a
    call may have been carried out all the same).

    unavailable: the bus said it took nothing in (connection refused, HTTP
    503). A comment or an upload is then "not sent" (resent with no
    duplicate warning); AltaTiquet still looks before it resends, as a
    bus in front of GN6 may answer 503 for work GN6 did.
    """

    def __init__(self, message, sent=True, unavailable=False):
        super().__init__(message)
        self.sent = sent
        self.unavailable = unavailable or not sent


class Refusal(Refused):
    """GN6 answered, and the answer is no (codiRetorn != "1")."""

    def __init__(self, operation, codi, descripcio):
        self.operation = operation
        self.codi = codi
        self.descripcio = descripcio
        # GN6's text goes into log lines and the admin's notice: one line.
        text = re.sub(r"[\x00-\x1f\x7f]+", " ", str(descripcio or "")).strip()
        super().__init__("%s refused by GN6: codiRetorn=%s %s"
                         % (operation, codi, text[:1000]))


class CredentialsRefused(BusFailure, _CredentialsRefused):
    """The bus (WS-Security) or GN6 (username_gn6, password_gn6, domini)
    refused our credentials: a settings problem, the same for every
    message. Temporary (exit 75, the mail stays) and never quarantined;
    the admin is told once per window. Nothing was done (sent=False)."""

    def __init__(self, service, message):
        super().__init__("%s refused the credentials: %s" % (service, message), sent=False)
        self.service = service


def is_credentials_text(text):
    return bool(re.search(CREDENTIALS_TEXT, text or "", re.IGNORECASE))
