"""The applicant's own view: open a session with number and query code, then read the
application and supplement materials or withdraw."""

from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, fields, validate

from ..access import citizens
from ..access.policy import CITIZEN_VIEWER
from ..access.roles import CITIZEN_TRIGGERS
from ..applications import operations
from ..applications.api import application_detail
from ..applications.schemas import ApplicationSchema
from ..core.limits import limiter
from ..core.problems import problem
from ..engine.actors import APPLICANT
from ..engine.states import Trigger

blp = Blueprint("citizen", __name__, url_prefix="/api/citizen",
                description="Applicants: their own application, by number and query code")

NOT_FOUND = "no application with this number and query code"


class SessionRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    number = fields.String(required=True, validate=validate.Length(min=1, max=20))
    query_code = fields.String(required=True, validate=validate.Length(min=1, max=20))


class SessionSchema(Schema):
    token = fields.String(metadata={"description": "send as 'Authorization: Bearer …'"})
    expires_in = fields.Integer(metadata={"description": "seconds"})


class CitizenTransitionSchema(Schema):
    class Meta:
        unknown = RAISE

    trigger = fields.String(required=True, validate=validate.OneOf(
        sorted(trigger.value for trigger in CITIZEN_TRIGGERS)))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    data = fields.Dict(keys=fields.String(), load_default=dict)


@blp.route("/session", methods=["POST"])
@limiter.limit(citizens.ATTEMPTS_PER_CLIENT)
@blp.arguments(SessionRequestSchema)
@blp.response(200, SessionSchema)
@blp.alt_response(404, description=NOT_FOUND)
@blp.alt_response(429, description="too many attempts from this client: wait as long as "
                  "Retry-After says")
def open_session(payload):
    """Prove the application number and query code printed on the receipt.

    A client's wrong attempts (here and on the look-up page alike) lock that client out for a
    while, longer with each further one; the application stays open to its applicant.
    """
    wait = citizens.lookup_wait()
    if wait:
        response = problem(429, "Too Many Requests",
                           f"too many wrong numbers or codes from here: try again in {wait} s")
        response.headers["Retry-After"] = str(wait)
        return response
    application = operations.find_by_query_code(payload["number"], payload["query_code"])
    if application is None:
        citizens.lookup_failed(payload["number"])
        abort(404, message=NOT_FOUND)
    return {"token": citizens.issue_token(application.number),
            "expires_in": citizens.TOKEN_SECONDS}


@blp.route("/application")
@blp.response(200, ApplicationSchema)
def get_application():
    """Your application: where it stands, what each department is doing, what you must do."""
    return application_detail(operations.get_application(citizens.current_citizen()),
                              CITIZEN_VIEWER)


@blp.route("/application/transitions", methods=["POST"])
@blp.arguments(CitizenTransitionSchema)
@blp.response(200, ApplicationSchema)
def fire_transition(payload):
    """Supplement the materials a correction notice asked for, or withdraw before a decision."""
    number = citizens.current_citizen()
    try:
        application = operations.fire(number, Trigger(payload["trigger"]), None,
                                      payload["reason"], payload["data"], APPLICANT)
    except operations.ApplicationNotFound:
        abort(404, message=NOT_FOUND)
    return application_detail(application, CITIZEN_VIEWER)
