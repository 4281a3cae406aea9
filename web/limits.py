"""A ceiling on request bodies. Nothing the API or the pages accept is
bigger than a few hundred bytes (a ticket's code, a login, a CSRF token),
so a body past MAX_BODY is refused with 413 before anything parses it:
by its Content-Length when it says one, else while it streams in."""
import json

from fastapi import HTTPException

MAX_BODY = 64 * 1024


class TooLarge(HTTPException):
    """The body went past the ceiling while it streamed in: an HTTP error,
    so that the body's reader passes it on (FastAPI makes any other
    failure to read a body a 400) and the app answers it."""

    def __init__(self, limit):
        super().__init__(413, "request body larger than %d bytes" % limit)


class BodyLimit:
    """ASGI middleware: 413 {"detail"} for a body larger than `limit`."""

    def __init__(self, app, limit=MAX_BODY):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        said = dict(scope.get("headers") or ()).get(b"content-length")
        if said is not None and (not said.isdigit() or int(said) > self.limit):
            return await self.refuse(send)
        seen, started = 0, False

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise TooLarge(self.limit)
            return message

        async def watched(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)
        try:
            await self.app(scope, counted, watched)
        except TooLarge:
            if not started:
                await self.refuse(send)

    async def refuse(self, send):
        body = json.dumps({"detail": TooLarge(self.limit).detail})
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"application/json"), (b"connection", b"close"),
            (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body.encode()})
