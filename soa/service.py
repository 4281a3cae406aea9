"""One SOAP service, as mailtoticket needs it: zeep with the WSDL cached on
disk, WS-Security on every request, a timeout on every call, and every bus
failure turned into one exception type.

zeep's operations have no timeout by default, and a bus that accepts the
connection and never answers would hold fetchmail (and the cron lock) for
ever; here each call gets min(timeout_soa, what is left of the run).
zeep is imported when the first call is made, not before: a message that is
skipped never pays for it.
"""
import logging
import os

from soa.errors import BusFailure

log = logging.getLogger("mailtoticket.soa")

# One day: the WSDL of a service changes with a deployment, not per message.
WSDL_CACHE_SECONDS = 24 * 3600


class SoapService:
    """A zeep client built on first use.

    wsdl: URL or file path of the WSDL; endpoint: service address that
    overrides the WSDL's (None: the WSDL's); credentials: (user, password)
    of the bus, sent as a WS-Security UsernameToken; timeout: seconds per
    call; deadline: the run's Deadline; cache_path: SQLite file for zeep's
    download cache (None: no cache).
    """

    def __init__(self, wsdl, endpoint, credentials, timeout, deadline,
                 cache_path=None):
        self.wsdl = wsdl
        self.endpoint = endpoint
        self.credentials = credentials
        self.timeout = timeout
        self.deadline = deadline
        self.cache_path = cache_path
        self._service = None
        self._transport = None

    def call(self, operation, *args):
        """Call `operation` with positional arguments; the result as plain
        dicts and lists. Raises BusFailure for anything temporary."""
        import requests
        from lxml import etree
        from zeep import exceptions as zexc
        from zeep.helpers import serialize_object
        temporary = (zexc.Fault, zexc.TransportError, zexc.XMLSyntaxError,
                     zexc.XMLParseError, requests.RequestException,
                     etree.XMLSyntaxError, OSError)
        timeout = self.deadline.timeout(self.timeout)
        try:
            service = self._client(timeout)
            self._transport.operation_timeout = timeout
            result = getattr(service, operation)(*args)
        except temporary as e:
            raise BusFailure("%s: %s: %s" % (operation, type(e).__name__,
                                             _short(e))) from None
        return serialize_object(result, dict)

    def _client(self, timeout):
        if self._service is None:
            from zeep import Client
            from zeep.transports import Transport
            from zeep.wsse.username import UsernameToken
            cache = None
            if self.cache_path:
                from zeep.cache import SqliteCache
                os.makedirs(os.path.dirname(self.cache_path) or ".", exist_ok=True)
                cache = SqliteCache(path=self.cache_path, timeout=WSDL_CACHE_SECONDS)
            self._transport = Transport(cache=cache, timeout=timeout,
                                        operation_timeout=timeout)
            user, password = self.credentials
            client = Client(self.wsdl, transport=self._transport,
                            wsse=UsernameToken(user, password))
            if self.endpoint:
                binding = next(iter(next(iter(
                    client.wsdl.services.values())).ports.values())).binding
                self._service = client.create_service(binding.name, self.endpoint)
            else:
                self._service = client.service
            self._client_ref = client  # the service proxy needs it alive
        return self._service


def _short(error, limit=300):
    text = str(error).strip().replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "..."
