"""Every error an API client sees is an RFC 9457 problem document naming what was wrong; every
error a browser sees on a page is a small HTML page, in the visitor's language."""

import logging

import marshmallow as ma
from flask import Response, json, render_template, request
from flask_smorest import Api
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..engine.errors import InvalidTriggerInput, TriggerNotAllowed, flatten_messages
from .security import csrf

MIMETYPE = "application/problem+json"
log = logging.getLogger(__name__)

# webargs keys its messages by where it looked; clients care about the field, not the location.
_LOCATIONS = ("json", "query", "querystring", "headers", "form", "view_args", "path")
# A thousand unknown codes must not answer with a thousand messages, each echoing its code.
MAX_MESSAGES = 20
MAX_MESSAGE_LENGTH = 200
# When the database is back, usually: a restart, a fail-over.
RETRY_AFTER_SECONDS = 30


class Missing(LookupError):
    """What a URL, a session or a signed link names and does not exist: a 404 wherever it is
    raised (a problem document on the API, a page elsewhere). ``what`` picks the page's words."""

    what: str | None = None


class ProblemSchema(ma.Schema):
    """Documents the body of every error response."""

    type = ma.fields.String(metadata={"description": "URI of the kind of problem"})
    title = ma.fields.String(metadata={"description": "What kind of problem, in words"})
    status = ma.fields.Integer()
    detail = ma.fields.String(metadata={"description": "This occurrence, in words"})
    instance = ma.fields.String()
    errors = ma.fields.Dict(metadata={"description": "Messages by field path (at most "
                                      f"{MAX_MESSAGES}; errors_omitted counts the rest)"})


def problem(status: int, title: str, detail: str = "", type_: str = "about:blank",
            **extensions) -> Response:
    body = {"type": type_, "title": title, "status": status, "instance": request.path}
    if detail:
        body["detail"] = detail
    body.update(extensions)
    return Response(json.dumps(body), status=status, mimetype=MIMETYPE)


def answers_with_problems() -> bool:
    """The API and the health check answer problem documents; pages answer HTML."""
    return request.path.startswith("/api/") or request.path in ("/api", "/healthz")


def error_page(status: int, missing: str | None = None) -> Response:
    """A page's error in plain words (the technical detail is for the API and the log);
    ``missing`` names what a URL or session pointed to that no longer exists."""
    return Response(render_template("errors/error.html", status=status, missing=missing),
                    status=status, mimetype="text/html")


def error_response(status: int, title: str, detail: str = "", type_: str = "about:blank",
                   headers: dict | None = None, **extensions) -> Response:
    """A problem document on the API, an error page elsewhere."""
    if answers_with_problems():
        response = problem(status, title, detail, type_, **extensions)
    else:
        response = error_page(status)
    response.headers.update(headers or {})
    return response


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _capped(messages, budget: int):
    """``messages`` with at most ``budget`` of its leaf messages, each shortened: (kept, used)."""
    if isinstance(messages, str):
        return _short(messages, MAX_MESSAGE_LENGTH), 1
    pairs = messages.items() if isinstance(messages, dict) else enumerate(messages)
    kept: dict = {}
    used = 0
    for key, value in pairs:
        if used >= budget:
            break
        kept[_short(key, 100) if isinstance(key, str) else key], count = _capped(
            value, budget - used)
        used += count
    return (kept if isinstance(messages, dict) else list(kept.values())), used


def validation_problem(messages, status: int = 422) -> Response:
    total = len(flatten_messages(messages))
    messages, shown = _capped(messages, MAX_MESSAGES)
    detail = "; ".join(f"{_short(path, 100)}: {message}" if path else message
                       for path, message in flatten_messages(messages))
    extensions = {}
    if total > shown:
        detail += f"; … and {total - shown} more"
        extensions["errors_omitted"] = total - shown
    return problem(status, "The request is not valid", detail,
                   type_="urn:onething:problem:invalid-request", errors=messages, **extensions)


class ProblemApi(Api):
    """flask-smorest's Api, answering errors as problem documents (and, off the API, as
    pages)."""

    ERROR_SCHEMA = ProblemSchema

    def register_blueprint(self, blp, **options) -> None:
        super().register_blueprint(blp, **options)
        csrf.exempt(blp)  # the API takes bearer tokens, never the session cookie

    def handle_http_exception(self, error: HTTPException):
        if error.code >= 500:
            log.exception("server error on %s %s", request.method, request.path)
        data = getattr(error, "data", None) or {}
        headers = {name: value for name, value in error.get_headers()
                   if name.lower() != "content-type"}  # Allow on a 405, Retry-After on a 429
        headers.update(data.get("headers") or {})
        if not answers_with_problems():
            response = error_page(error.code)
        elif messages := data.get("errors") or data.get("messages"):
            if len(messages) == 1 and next(iter(messages)) in _LOCATIONS:
                messages = next(iter(messages.values()))
            response = validation_problem(messages, error.code)
        else:
            response = problem(error.code, error.name,
                               data.get("message") or error.description or "")
        response.headers.update(headers)
        return response


def database_unreachable(error: DBAPIError) -> bool:
    """A connection that could not be made or was lost, or a server refusing work for now;
    not a statement the database refused (that one is a bug: 500)."""
    if error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    state = getattr(error.orig, "sqlstate", None)  # PostgreSQL's SQLSTATE, when it answered
    if state is not None:  # connection exception, insufficient resources, shutting down
        return state.startswith(("08", "53", "57P"))
    sqlite_error = getattr(error.orig, "sqlite_errorname", None)
    if sqlite_error is not None:  # no such table and the like are bugs, not outages
        return sqlite_error.startswith(("SQLITE_CANTOPEN", "SQLITE_BUSY", "SQLITE_IOERR"))
    return True  # psycopg with no SQLSTATE: no server answered


def init_app(app) -> None:
    @app.errorhandler(TriggerNotAllowed)
    def trigger_not_allowed(error: TriggerNotAllowed):
        return problem(409, "Trigger not allowed now", str(error),
                       type_="urn:onething:problem:trigger-not-allowed",
                       trigger=error.trigger, item=error.item, state=error.state,
                       allowed=error.allowed)

    @app.errorhandler(InvalidTriggerInput)
    def invalid_trigger_input(error: InvalidTriggerInput):
        return validation_problem(error.errors)

    @app.errorhandler(ma.ValidationError)
    def invalid(error: ma.ValidationError):
        return validation_problem(error.messages)

    @app.errorhandler(StaleDataError)
    def changed_concurrently(error: StaleDataError):
        return problem(409, "Changed concurrently",
                       "another request changed this application at the same moment; "
                       "read it again and retry if the trigger is still allowed",
                       type_="urn:onething:problem:concurrent-change")

    # An applicant's session, signed link or receipt can outlive their application.
    @app.errorhandler(Missing)
    def missing(error: Missing):
        if not answers_with_problems():
            return error_page(404, missing=error.what)
        name = f"{error.what} " if error.what else ""
        return problem(404, "Not Found", f"no {name}{error.args[0]!r}" if error.args else "")

    @app.errorhandler(DBAPIError)
    def database_unavailable(error: DBAPIError):
        if not database_unreachable(error):
            raise error
        log.warning("database unavailable on %s %s: %s", request.method, request.path,
                    error.orig)
        return error_response(503, "Database unavailable",
                              "the service cannot reach its database; try again shortly",
                              type_="urn:onething:problem:database-unavailable",
                              headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
