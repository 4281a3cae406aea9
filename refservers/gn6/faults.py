"""The failure switches: make the server fail the way a real bus fails.

A client must tell a bus failure (temporary: retry later) from a GN6 answer
(final). These modes produce each kind of bus failure on demand:

- ``outage``: HTTP 503 with a short text body (the bus is down);
- ``hang``: the request is held, unanswered, for ``hang_seconds`` or until
  the mode changes, then answered 503 (the bus is stuck: clients must time
  out on their own);
- ``fault``: a SOAP Fault (soap:Server) for every SOAP request;
- ``slow``: every SOAP request is carried out, but its answer is held for
  ``hang_seconds`` (a bus that works, slowly: a client's whole-run deadline
  must stop it from starting writes it cannot see answered);
- ``after=OP``: normal until operation OP has been carried out and
  committed, then OP's own answer is replaced by the failure and the mode
  stays on ("the bus died right after AltaTiquet": the ticket exists but the
  client never heard of it).
- ``before=OP``: normal until a request for OP arrives; that request (not
  carried out) and every later one get the failure ("the bus died just as
  the comment was sent": the client cannot know it never arrived).

The mode lives in memory only: a restarted server starts normal.
"""

from refservers.common.faults import DEFAULT_HANG_SECONDS  # noqa: F401
from refservers.common.faults import FaultSwitch as _FaultSwitch

MODES = ("normal", "outage", "hang", "fault", "slow")

OUTAGE_TEXT = b"503 Service Unavailable: service bus outage (reference server)\n"
FAULT_TEXT = "service bus unavailable"


class FaultSwitch(_FaultSwitch):
    """The shared switch (refservers/common/faults.py), with this server's modes."""

    MODES = MODES
