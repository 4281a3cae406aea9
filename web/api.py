"""The JSON API under /api, and /health and /metrics. Each route says the
role it needs; the OpenAPI document (/api/openapi.json, docs/openapi.json)
is generated from these declarations."""
import datetime
import time
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.security import HTTPBasic, HTTPBearer

from web import actions, health as health_module, metrics, missing as missing_module
from web import models, queries
from web.auth import Principal

bearer = HTTPBearer(auto_error=False, description="an API token (`mailtoticket.py web "
                    "--add-token`)")
basic = HTTPBasic(auto_error=False, description="the token's name and the token")
QUEUE = "^%s$" % queries.QUEUE_ID
OUTCOME = "^(%s)?$" % "|".join(queries.OUTCOMES)
DATE = r"^(\d{4}-\d{2}-\d{2}([T ][0-9:.]+)?(Z|[+-]\d{2}:?\d{2})?)?$"
ERRORS = {400: {"model": models.Problem}, 401: {"model": models.Problem},
          403: {"model": models.Problem}, 404: {"model": models.Problem}}
ACTION_ERRORS = {**ERRORS,
                 409: {"model": models.Problem, "description": "refused (the ticket does "
                       "not exist, the loop guard...): nothing changed"},
                 503: {"model": models.Problem, "description": "a temporary failure: "
                       "try again later"}}


def principal(request: Request, _b=Depends(bearer), _c=Depends(basic)) -> Optional[Principal]:
    return request.app.state.auth.who(request.headers, request.cookies)


def reader(who: Optional[Principal] = Depends(principal)) -> Principal:
    if who is None:
        raise HTTPException(401, "log in: an API token (Bearer) or HTTP Basic",
                            headers={"WWW-Authenticate": 'Basic realm="mailtoticket"'})
    return who


def admin(request: Request, who: Principal = Depends(reader)) -> Principal:
    if not who.admin:
        raise HTTPException(403, "this needs the admin role")
    auth = request.app.state.auth
    if request.method not in ("GET", "HEAD"):
        if auth.cross_site(request.headers):
            raise HTTPException(403, "cross-site request refused")
        if who.via == "session" and not auth.csrf_ok(who, request.headers.get("x-csrf-token")):
            raise HTTPException(403, "missing or wrong X-CSRF-Token")
    return who


def opened(part):
    """/health and /metrics: open without a login when `web.open` says so."""
    def check(request: Request, who: Optional[Principal] = Depends(principal)):
        if part in request.app.state.config.open:
            return who
        return reader(who)
    return check


def parse_time(value, name):
    """An ISO 8601 date or date-time (local time when no offset) -> epoch."""
    if value is None or value == "":
        return None
    try:
        stamp = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise queries.BadRequest("%s: an ISO 8601 date or date-time expected "
                                 "(2026-12-01 or 2026-12-01T09:30), not %r"
                                 % (name, value[:40]))
    if stamp.tzinfo is None:
        stamp = stamp.astimezone()
    return stamp.timestamp()


def router(config):
    api = APIRouter()
    limit_query = Query(50, ge=1, le=config.max_page,
                        description="page size (at most %d)" % config.max_page)

    @api.get("/api/messages", response_model=models.MessagePage, tags=["messages"],
             responses=ERRORS, summary="Search messages (read role)")
    def search_messages(
            message_id: Optional[str] = Query(None, max_length=998,
                                              description="Message-ID, with or without <>"),
            sender: Optional[str] = Query(None, max_length=320,
                                          description="the sender's address (any case)"),
            ticket: Optional[str] = Query(None, max_length=64,
                                          description="a ticket it opened, commented on or "
                                          "was linked to"),
            queue: Optional[str] = Query(None, pattern=QUEUE, description="a queue's name"),
            outcome: Optional[str] = Query(None, pattern=OUTCOME, description="SUCCESS, "
                                           "SKIP, REJECT, ERROR or WAITING"),
            since: Optional[str] = Query(None, pattern=DATE, description="ISO 8601, first "
                                         "attempt at or after"),
            until: Optional[str] = Query(None, pattern=DATE,
                                         description="ISO 8601, first attempt before"),
            limit: int = limit_query,
            offset: int = Query(0, ge=0, le=1_000_000, description="items to skip"),
            _who: Principal = Depends(reader)):
        return queries.search(config, queue=queue, message_id=message_id, sender=sender,
                              ticket=ticket, outcome=outcome,
                              since=parse_time(since, "since"),
                              until=parse_time(until, "until"), limit=limit, offset=offset)

    @api.get("/api/messages/{message}", response_model=models.Message, tags=["messages"],
             responses=ERRORS, summary="One message: steps, writes, where it is (read role)")
    def one_message(message: str, _who: Principal = Depends(reader)):
        return queries.message(config, message)

    @api.post("/api/messages/{message}/link", response_model=models.ActionResult,
              tags=["messages"], responses=ACTION_ERRORS,
              summary="Make a kept message a comment on a ticket (admin role)")
    def link_message(message: str, body: models.LinkRequest,
                     who: Principal = Depends(admin)):
        queue, key = queries.parse_message_ref(config, message)
        path = actions.kept_copy(config, queue, key)
        return actions.link(config, queue, path, body.ticket, who.name)

    @api.get("/api/tickets/{ticket}/messages", response_model=models.Thread,
             tags=["messages"], responses=ERRORS,
             summary="A ticket's mails, oldest first (read role)")
    def ticket_messages(ticket: str = Path(pattern=queries.TICKET_RE.pattern,
                                           description="the ticket's code"),
                        _who: Principal = Depends(reader)):
        return queries.thread(config, ticket)

    @api.get("/api/quarantine", response_model=models.QuarantineList, tags=["quarantine"],
             responses=ERRORS, summary="The quarantine, newest first (read role)")
    def quarantine_list(queue: Optional[str] = Query(None, pattern=QUEUE),
                        limit: int = limit_query,
                        offset: int = Query(0, ge=0, le=1_000_000, description="items to skip"),
                        _who: Principal = Depends(reader)):
        return queries.quarantine_list(config, queue, limit=limit, offset=offset)

    @api.get("/api/quarantine/{entry}", response_model=models.QuarantineEntry,
             tags=["quarantine"], responses=ERRORS,
             summary="One quarantined message; its body for the admin role only")
    def quarantine_entry(entry: str, who: Principal = Depends(reader)):
        return actions.read_entry(config, entry, who)

    def file_action(name, do, summary):
        """POST /api/quarantine/{entry}/<name>: an admin's action on one file."""
        def action(entry: str, who: Principal = Depends(admin)):
            queue, path = queries.parse_file_ref(config, entry)
            return do(config, queue, path, who.name)
        api.post("/api/quarantine/{entry}/%s" % name, response_model=models.ActionResult,
                 tags=["quarantine"], responses=ACTION_ERRORS, summary=summary,
                 operation_id="%s_quarantined" % name)(action)

    file_action("replay", actions.replay, "Replay, as --replay does (admin role)")
    file_action("discard", actions.discard, "Move aside, kept web.discard_days (admin role)")

    @api.post("/api/quarantine/{entry}/link", response_model=models.ActionResult,
              tags=["quarantine"], responses=ACTION_ERRORS,
              summary="Make it a comment on a ticket staff name (admin role)")
    def link_quarantined(entry: str, body: models.LinkRequest,
                         who: Principal = Depends(admin)):
        queue, path = queries.parse_file_ref(config, entry)
        return actions.link(config, queue, path, body.ticket, who.name)

    @api.get("/api/missing", response_model=models.Missing, tags=["checks"],
             responses=ERRORS, summary="Journal records the ticket system does not know "
             "(admin role)")
    def missing(days: int = Query(7, ge=1, le=366), who: Principal = Depends(admin)):
        found = missing_module.check(config.queues, days, config=config)
        actions.audit(config, who.name, "missing", "last %d day(s)" % days, {
            "checked": found["checked"], "missing": len(found["missing"])})
        return found

    @api.get("/health", response_model=models.Health, tags=["checks"],
             responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
                        503: {"model": models.Health, "content": {"text/plain": {
                            "schema": {"type": "string"}}}}},
             summary="ok / degraded (200), failing (503); ?format=nagios for one line")
    def health(response: Response, format: str = Query("json", pattern="^(json|nagios)$"),
               _who=Depends(opened("health"))):
        found = health_module.health(config)
        status = health_module.HTTP_STATUS[found["status"]]
        if format == "nagios":
            return Response(health_module.nagios_text(found), status_code=status,
                            media_type="text/plain")
        response.status_code = status
        return found

    @api.get("/metrics", tags=["checks"], response_class=Response,
             summary="Prometheus text format")
    def prometheus(_who=Depends(opened("metrics"))):
        from prometheus_client import CONTENT_TYPE_LATEST
        return Response(metrics.render(metrics.registry(config)),
                        media_type=CONTENT_TYPE_LATEST)

    return api


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
