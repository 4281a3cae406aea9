"""Readers of formats few messages carry (winmail.dat, opaque-signed S/MIME,
uuencode, invitations and encrypted or PGP-signed mail), each imported only
by the message that needs it."""
