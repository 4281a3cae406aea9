"""The staff pages: server-rendered (Jinja2, autoescaped), no JavaScript.

Mail is shown as text and escaped, never as HTML. Forms are POSTed with a
CSRF token and refused from another site; an admin action then redirects
back (303) with what happened.
"""
import logging
from pathlib import Path
from typing import Optional
from urllib.parse import quote, urlencode

from fastapi import Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from web import actions, health as health_module, queries
from web.auth import COOKIE, SESSION_HOURS, Principal

HERE = Path(__file__).resolve().parent
log = logging.getLogger("mailtoticket.web")
templates = Jinja2Templates(directory=str(HERE / "templates"))
API_PREFIXES = ("/api/", "/health", "/metrics")


class LoginNeeded(Exception):
    def __init__(self, path):
        self.path = path


def wants_html(request):
    return not request.url.path.startswith(API_PREFIXES) and \
        "text/html" in request.headers.get("accept", "")


def render(request, name, who=None, status=200, **context):
    auth = request.app.state.auth
    context.update(who=who, csrf=auth.csrf_token(who) if who else "",
                   said=request.query_params.get("said", "")[:500])
    return templates.TemplateResponse(request, name, context, status_code=status)


def error_page(request, status, detail, headers=None):
    who = request.app.state.auth.who(request.headers, request.cookies)
    response = render(request, "error.html", who, status=status, status_code=status,
                      detail=detail)
    for name, value in (headers or {}).items():
        if status != 401:
            response.headers[name] = value
    return response


def page_user(request: Request) -> Principal:
    who = request.app.state.auth.who(request.headers, request.cookies)
    if who is None:
        raise LoginNeeded(request.url.path + ("?" + request.url.query
                                              if request.url.query else ""))
    return who


def checked_form(request, who, csrf):
    """An admin's form: the admin role, this site, the form's CSRF token."""
    auth = request.app.state.auth
    if not who.admin:
        raise queries.Forbidden("this needs the admin role")
    if auth.cross_site(request.headers) or not auth.csrf_ok(who, csrf):
        raise queries.Forbidden("the form's CSRF token is missing or wrong: reload the page")


def back(path, said):
    return RedirectResponse("%s?%s" % (path, urlencode({"said": said})), status_code=303)


def safe_next(value):
    return value if value and value.startswith("/") and not value.startswith("//") \
        and "\\" not in value else "/"


def install(app, config):
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(LoginNeeded)
    async def login_needed(request, e):
        return RedirectResponse("/login?" + urlencode({"next": e.path}), status_code=303)

    @app.exception_handler(queries.Forbidden)
    async def forbidden(request, e):
        return error_page(request, 403, str(e))

    @app.get("/login", include_in_schema=False, response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/"):
        return render(request, "login.html", next=safe_next(next))

    @app.post("/login", include_in_schema=False)
    def login(request: Request, name: str = Form(..., max_length=64),
              token: str = Form(..., max_length=200), next: str = Form("/")):
        auth = request.app.state.auth
        if auth.cross_site(request.headers):
            return error_page(request, 403, "cross-site login refused")
        found = auth.tokens.check(token, name=name)
        if found is None:
            log.warning("failed login as %r from %s", name[:64],
                        request.client.host if request.client else "?")
            return render(request, "login.html", status=401, next=safe_next(next),
                          failed=True, name=name)
        response = RedirectResponse(safe_next(next), status_code=303)
        response.set_cookie(COOKIE, auth.session_cookie(Principal(*found, "session")),
                            max_age=SESSION_HOURS * 3600, httponly=True, samesite="strict",
                            secure=config.secure_cookies, path="/")
        return response

    @app.post("/logout", include_in_schema=False)
    def logout():
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    def dashboard(request: Request, who: Principal = Depends(page_user)):
        found = health_module.health(config)
        import time
        return render(request, "dashboard.html", who, health=found,
                      counts=queries.today_counts(config), outcomes=queries.OUTCOMES,
                      today=time.strftime("%Y-%m-%d"))

    @app.get("/messages", include_in_schema=False, response_class=HTMLResponse)
    def messages(request: Request, who: Principal = Depends(page_user),
                 message_id: str = Query("", max_length=998),
                 sender: str = Query("", max_length=320), ticket: str = Query("", max_length=64),
                 queue: str = Query("", max_length=64), outcome: str = Query("", max_length=10),
                 since: str = Query("", max_length=40), until: str = Query("", max_length=40),
                 page: int = Query(1, ge=1, le=100000)):
        from web.api import parse_time
        size = min(50, config.max_page)
        asked = dict(message_id=message_id, sender=sender, ticket=ticket, queue=queue,
                     outcome=outcome, since=since, until=until)
        found = queries.search(config, queue=queue or None, message_id=message_id or None,
                               sender=sender or None, ticket=ticket or None,
                               outcome=outcome or None, since=parse_time(since, "since"),
                               until=parse_time(until, "until"), limit=size,
                               offset=(page - 1) * size)
        more = urlencode({k: v for k, v in asked.items() if v})
        return render(request, "messages.html", who, found=found, asked=asked, page=page,
                      size=size, more=more, queues=[q.name for q in config.queues],
                      outcomes=queries.OUTCOMES)

    @app.get("/messages/{message}", include_in_schema=False, response_class=HTMLResponse)
    def message(request: Request, message: str, who: Principal = Depends(page_user)):
        return render(request, "message.html", who, m=queries.message(config, message))

    @app.get("/tickets", include_in_schema=False)
    def ticket_form(ticket: str = Query("", max_length=64),
                    who: Principal = Depends(page_user)):
        queries.check_ticket(ticket.strip())
        return RedirectResponse("/tickets/" + quote(ticket.strip(), safe=""), status_code=303)

    @app.get("/tickets/{ticket}", include_in_schema=False, response_class=HTMLResponse)
    def ticket(request: Request, ticket: str, who: Principal = Depends(page_user)):
        return render(request, "ticket.html", who, thread=queries.thread(config, ticket))

    @app.get("/quarantine", include_in_schema=False, response_class=HTMLResponse)
    def quarantine(request: Request, who: Principal = Depends(page_user),
                   page: int = Query(1, ge=1, le=100000)):
        size = min(50, config.max_page)
        return render(request, "quarantine.html", who, page=page, size=size,
                      found=queries.quarantine_list(config, limit=size,
                                                    offset=(page - 1) * size))

    @app.get("/quarantine/{entry}", include_in_schema=False, response_class=HTMLResponse)
    def quarantine_entry(request: Request, entry: str, who: Principal = Depends(page_user)):
        return render(request, "quarantine_entry.html", who,
                      e=actions.read_entry(config, entry, who))

    @app.post("/quarantine/{entry}/{action}", include_in_schema=False)
    def quarantine_action(request: Request, entry: str, action: str,
                          csrf: str = Form("", max_length=100),
                          ticket: Optional[str] = Form(None, max_length=64),
                          who: Principal = Depends(page_user)):
        checked_form(request, who, csrf)
        queue, path = queries.parse_file_ref(config, entry)
        if action == "replay":
            result = actions.replay(config, queue, path, who.name)
            said = "replayed %s: %s" % (entry, result.get("detail") or result.get("outcome"))
        elif action == "discard":
            actions.discard(config, queue, path, who.name)
            said = "discarded %s (kept %d days in %s)" % (entry, config.discard_days,
                                                          queries.DISCARDED)
        elif action == "link":
            codi = queries.check_ticket((ticket or "").strip())
            result = actions.link(config, queue, path, codi, who.name)
            said = "linked %s to ticket %s: %s" % (entry, codi, result.get("detail"))
        else:
            raise queries.NotFound("no action %r" % action[:40])
        return back("/quarantine", said)
