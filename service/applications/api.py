from flask import url_for
from flask_smorest import Blueprint, abort

from ..actors import current_actor
from ..engine.states import Trigger
from . import operations
from .presenters import present, state_of
from .schemas import (
    AllowedTriggersSchema,
    ApplicationCreatedSchema,
    ApplicationCreateSchema,
    ApplicationFilterSchema,
    ApplicationSchema,
    ApplicationSummarySchema,
    TransitionRequestSchema,
)

blp = Blueprint("applications", __name__, url_prefix="/api/applications",
                description="Applications: intake, each department's decision, delivery")


def _detail(application) -> dict:
    return present(application, operations.history(application),
                   operations.paused_spans(application))


def _found(number: str):
    try:
        return operations.get_application(number)
    except operations.ApplicationNotFound:
        abort(404, message=f"no application {number!r}")


@blp.route("", methods=["POST"])
@blp.arguments(ApplicationCreateSchema)
@blp.response(201, ApplicationCreatedSchema)
@blp.alt_response(422, description="a field is not valid: the problem names it")
def create_application(payload):
    """Apply for a bundle once, with one form and one set of materials.

    Send an ``Idempotency-Key`` header to make a retry safe.
    """
    application, query_code = operations.create_application(
        bundle_code=payload["bundle"], channel=payload["channel"],
        applicant=payload["applicant"], contact_phone=payload["contact_phone"],
        form=payload["form"], materials=payload["materials"],
        delivery_method=payload["delivery_method"], actor=current_actor(),
    )
    body = {**_detail(application), "query_code": query_code}
    return body, 201, {"Location": url_for(".get_application", number=application.number)}


@blp.route("")
@blp.arguments(ApplicationFilterSchema, location="query")
@blp.response(200, ApplicationSummarySchema(many=True))
@blp.paginate()
def list_applications(filters, pagination_parameters):
    """Applications, newest first, by bundle, state, department or channel."""
    rows, total = operations.list_applications(
        **filters, offset=pagination_parameters.first_item,
        limit=pagination_parameters.page_size)
    pagination_parameters.item_count = total
    return [present(row) for row in rows]


@blp.route("/<number>")
@blp.response(200, ApplicationSchema)
def get_application(number):
    """An application: its state, every item's state and its full history."""
    application = _found(number)
    return _detail(application)


@blp.route("/<number>/transitions")
@blp.response(200, AllowedTriggersSchema)
def get_transitions(number):
    """The triggers allowed now, for the application and for each item."""
    try:
        application, allowed = operations.allowed_triggers(number)
    except operations.ApplicationNotFound:
        abort(404, message=f"no application {number!r}")
    return {"number": application.number, "state": state_of(application), "allowed": allowed}


@blp.route("/<number>/transitions", methods=["POST"])
@blp.arguments(TransitionRequestSchema)
@blp.response(200, ApplicationSchema)
@blp.alt_response(409, description="the trigger is not allowed in the current state")
def fire_transition(payload, number):
    """Fire a trigger: on the application, or on one item (``item``)."""
    try:
        application = operations.fire(number, Trigger(payload["trigger"]), payload["item"],
                                      payload["reason"], payload["data"], current_actor())
    except operations.ApplicationNotFound:
        abort(404, message=f"no application {number!r}")
    return _detail(application)
