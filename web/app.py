"""The web server: build_app(config) -> the ASGI app; serve(config) runs it.

    from web.app import build_app, serve, Server
    config = web.config.from_service(service_mapping, base=folder)   # or web.config.load(path)
    serve(config)                    # blocking (mailtoticket.py web)
    server = Server(config); threading.Thread(target=server.run).start(); server.stop()

Routes: /api/... (JSON, described by /api/openapi.json), /health,
/metrics, and the staff pages (web/pages.py). docs/web.md says who may
see what.
"""
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from web import actions, queries
from web.auth import Authenticator
from web.limits import BodyLimit
from failures import TemporaryFailure
from web.tokens import TokenError, TokenFile

log = logging.getLogger("mailtoticket.web")
VERSION = "1.0"


def build_app(config):
    """The whole app for one WebConfig (web/config.py)."""
    from web import api, pages
    app = FastAPI(title="mailtoticket", version=VERSION,
                  description="What happened to a mail: the journal, the quarantine, "
                              "health and metrics of a mailtoticket gateway (docs/web.md).",
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.openapi = lambda: described(app)
    app.state.config = config
    app.state.auth = Authenticator(config, TokenFile(config.tokens_file))
    app.include_router(api.router(config))
    pages.install(app, config)
    app.add_middleware(BodyLimit)

    @app.middleware("http")
    async def security_headers(request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; "
                                    "frame-ancestors 'none'; form-action 'self'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    def problem(request, status, detail, headers=None):
        if pages.wants_html(request):
            return pages.error_page(request, status, detail, headers)
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)

    @app.exception_handler(queries.NotFound)
    async def not_found(request: Request, e: queries.NotFound):
        return problem(request, 404, str(e))

    @app.exception_handler(queries.BadRequest)
    async def bad_request(request: Request, e: queries.BadRequest):
        return problem(request, 400, str(e))

    @app.exception_handler(actions.ActionFailed)
    async def action_failed(request: Request, e: actions.ActionFailed):
        if pages.wants_html(request):
            return pages.error_page(request, e.status, str(e))
        return JSONResponse({"detail": str(e), "result": e.result}, status_code=e.status)

    @app.exception_handler(TemporaryFailure)
    async def unavailable(request: Request, e: TemporaryFailure):
        log.warning("%s: %s", request.url.path, e)     # a journal or state folder in trouble
        return problem(request, 503, "temporarily unavailable: %s" % e)

    @app.exception_handler(TokenError)
    async def tokens_broken(request: Request, e: TokenError):
        log.error("%s", e)
        return problem(request, 503, "the token file cannot be read (the server's log says why)")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, e: StarletteHTTPException):
        return problem(request, e.status_code, str(e.detail), getattr(e, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, e: RequestValidationError):
        said = "; ".join("%s: %s" % (".".join(str(p) for p in err.get("loc", ())[1:]) or
                                     "request", err.get("msg")) for err in e.errors())
        return problem(request, 400, "bad request: %s" % said)

    @app.exception_handler(Exception)
    async def internal(request: Request, e: Exception):
        # a bug: the server's log has the traceback, the client one line
        log.exception("internal error on %s", request.url.path)
        return problem(request, 500, "internal error (the server's log has the details)")

    actions.prune_discarded(config)
    return app


def described(app):
    """The OpenAPI document as the API answers: a parameter that fails
    validation is a 400 with {"detail"} (see build_app), not FastAPI's 422."""
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi
        document = get_openapi(title=app.title, version=app.version,
                               description=app.description, routes=app.routes)
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses", {})
                if responses.pop("422", None) is not None:
                    responses.setdefault("400", {
                        "description": "Bad request", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}}}})
        schemas = document.get("components", {}).get("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        app.openapi_schema = document
    return app.openapi_schema


class Server:
    """uvicorn's server for one config; run() blocks (in any thread: signal
    handlers are only installed in the main one), stop() asks it to end."""

    def __init__(self, config, log_level="info"):
        import uvicorn
        self.config = config
        self.uvicorn = uvicorn.Server(uvicorn.Config(
            build_app(config), host=config.host, port=config.port, log_level=log_level,
            access_log=True, proxy_headers=True, forwarded_allow_ips="127.0.0.1",
            server_header=False, date_header=True))

    def run(self):
        self.uvicorn.run()

    def stop(self):
        self.uvicorn.should_exit = True

    @property
    def started(self):
        return self.uvicorn.started


def serve(config, log_level="info"):
    """Run the server for `config` until interrupted (blocking)."""
    Server(config, log_level).run()


def app_from_service(mapping, base="."):
    """The app for the service file's mapping (the service calls this)."""
    from web.config import from_service
    return build_app(from_service(mapping, base=base))
