"""Every error an API client sees is an RFC 9457 problem document naming what was wrong."""

import logging

import marshmallow as ma
from flask import Response, json, request
from flask_smorest import Api
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..engine.errors import InvalidTriggerInput, TriggerNotAllowed, flatten_messages
from .security import csrf

MIMETYPE = "application/problem+json"
log = logging.getLogger(__name__)

# webargs keys its messages by where it looked; clients care about the field, not the location.
_LOCATIONS = ("json", "query", "querystring", "headers", "form", "view_args", "path")


class ProblemSchema(ma.Schema):
    """Documents the body of every error response."""

    type = ma.fields.String(metadata={"description": "URI of the kind of problem"})
    title = ma.fields.String(metadata={"description": "What kind of problem, in words"})
    status = ma.fields.Integer()
    detail = ma.fields.String(metadata={"description": "This occurrence, in words"})
    instance = ma.fields.String()
    errors = ma.fields.Dict(metadata={"description": "Messages by field path"})


def problem(status: int, title: str, detail: str = "", type_: str = "about:blank",
            **extensions) -> Response:
    body = {"type": type_, "title": title, "status": status, "instance": request.path}
    if detail:
        body["detail"] = detail
    body.update(extensions)
    return Response(json.dumps(body), status=status, mimetype=MIMETYPE)


def validation_problem(messages, status: int = 422) -> Response:
    pairs = flatten_messages(messages)
    detail = "; ".join(f"{path}: {message}" if path else message for path, message in pairs)
    return problem(status, "The request is not valid", detail,
                   type_="urn:onething:problem:invalid-request", errors=messages)


class ProblemApi(Api):
    """flask-smorest's Api, answering errors as problem documents."""

    ERROR_SCHEMA = ProblemSchema

    def register_blueprint(self, blp, **options) -> None:
        super().register_blueprint(blp, **options)
        csrf.exempt(blp)  # the API takes bearer tokens, never the session cookie

    def handle_http_exception(self, error: HTTPException):
        if error.code >= 500:
            log.exception("server error on %s %s", request.method, request.path)
        data = getattr(error, "data", None) or {}
        messages = data.get("errors") or data.get("messages")
        if messages:
            if len(messages) == 1 and next(iter(messages)) in _LOCATIONS:
                messages = next(iter(messages.values()))
            return validation_problem(messages, error.code)
        detail = data.get("message") or error.description or ""
        return problem(error.code, error.name, detail)


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
