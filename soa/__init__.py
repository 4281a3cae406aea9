"""Everything SOAP: the clients of GN6 and the identity service, the bundled
WSDLs and the reference server. Nothing outside this package imports zeep."""
