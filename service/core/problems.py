"""Every error an API client sees is an RFC 9457 problem document naming what was wrong; every
error a browser sees on a page is a small HTML page, in the visitor's language."""

import logging
from http import HTTPStatus

import marshmallow as ma
from apispec import BasePlugin
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
    """Documents the body of every error response. Problems of a kind carry members of their
    own (RFC 9457 extensions: ``location``, ``trigger``, ``allowed``, …)."""

    class Meta:
        unknown = ma.INCLUDE  # documented as additionalProperties: extensions are allowed

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


MACHINE_PATHS = ("/api", "/healthz", "/readyz", "/metrics")


def answers_with_problems() -> bool:
    """The API, the probes and the metrics answer problem documents; pages answer HTML."""
    return request.path.startswith("/api/") or request.path in MACHINE_PATHS


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


def _is_error(status) -> bool:
    return status == "default" or str(status)[:1] in ("4", "5")


def _as_problems(content: dict) -> dict:
    """A response's content with its JSON, if any, documented as what an error is sent as."""
    if "application/json" in content:
        content = {(MIMETYPE if media_type == "application/json" else media_type): value
                   for media_type, value in content.items()}
    return content


class ProblemResponses(BasePlugin):
    """Every error response an operation documents (its own ``alt_response`` schemas included)
    is a problem document, as the handlers send it, not ``application/json``."""

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for operation in (operations or {}).values():
            for status, response in operation.get("responses", {}).items():
                if _is_error(status) and isinstance(response, dict):
                    # An alt_response with a description alone is still sent as a problem.
                    response["content"] = _as_problems(response.get("content") or {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}})


# What flask-smorest's X-Pagination header is on the wire: a JSON object serialized to text.
PAGINATION_HEADER = {
    "description": "Pagination metadata, as a JSON object in text: total, total_pages, "
    "first_page, last_page, page, previous_page, next_page (the last two only where there is "
    'one), e.g. `{"total": 1, "total_pages": 1, "first_page": 1, "last_page": 1, "page": 1}`',
    "schema": {"type": "string"},
}


class ProblemApi(Api):
    """flask-smorest's Api, answering errors as problem documents (and, off the API, as
    pages), and documenting them as such."""

    ERROR_SCHEMA = ProblemSchema

    def _init_spec(self, *, extra_plugins=None, **options) -> None:
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), ProblemResponses()],
                           **options)

    def _register_responses(self) -> None:
        """The shared responses (``UNPROCESSABLE_ENTITY``, ``DEFAULT_ERROR``, …) with the
        media type their bodies are sent with."""
        super()._register_responses()
        for name, response in self.spec.components.responses_lazy.items():
            status = "default" if name == self.DEFAULT_ERROR_RESPONSE_NAME else HTTPStatus[name]
            if _is_error(status) and "content" in response:
                response["content"] = _as_problems(response["content"])

    def _register_pagination_header(self) -> None:
        self.spec.components.header("PAGINATION", PAGINATION_HEADER, lazy=True)

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
