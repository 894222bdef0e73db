from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint, abort

from ..access.actors import current_actor
from ..access.citizens import receipt_url
from ..access.policy import CITIZEN_VIEWER, Viewer, acting_user, may_fire, viewer_of
from ..access.roles import Role
from ..core.limits import limiter
from ..engine.states import APPLICATION_TRIGGERS, ITEM_TRIGGERS, Channel, Trigger
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

ONLINE_APPLICATIONS_PER_CLIENT = "30 per hour"  # anonymous applicants; staff are not limited


def application_detail(application, viewer: Viewer) -> dict:
    """The application with its history and clocks, as far as ``viewer`` may see it."""
    events = operations.history(application)
    body = present(application, events,
                   operations.paused_spans(application, events), personal_data=viewer.personal_data,
                   staff_names=viewer.staff_names, results=operations.results(application),
                   visits=operations.visits(application))
    if viewer.departments is not None:
        body["items"] = [item for item in body["items"]
                         if item["department_code"] in viewer.departments]
        shown = {item["item_code"] for item in body["items"]}
        body["results"] = [result for result in body["results"]
                           if result["item_code"] in shown]
        body["history"] = [event for event in body["history"]
                           if event["item_code"] is None or event["item_code"] in shown]
        # Data minimisation: a department reads the answers its own items ask for, no more.
        asked = {field for item in application.bundle_version.definition["items"]
                 if item["code"] in shown for field in item["fields"]}
        body["form"] = {field: answer for field, answer in body["form"].items()
                        if field in asked}
    return body


def _visible(number: str, lock: bool = False):
    """The application, if it exists and the user may see it (reviewers: their items);
    locked for a write when ``lock``."""
    try:
        application = (operations.lock if lock else operations.get_application)(number)
    except operations.ApplicationNotFound:
        abort(404, message=f"no application {number!r}")
    departments = viewer_of(current_user).departments
    if departments is not None and not departments & {row.department_code
                                                       for row in application.items}:
        abort(404, message=f"no application {number!r}")
    return application


@blp.route("", methods=["POST"])
@limiter.limit(ONLINE_APPLICATIONS_PER_CLIENT, exempt_when=lambda: acting_user() is not None)
@blp.arguments(ApplicationCreateSchema)
@blp.response(201, ApplicationCreatedSchema)
@blp.alt_response(422, description="a field is not valid, or the form or the materials break "
                  "a rule of the chosen bundle (each bundle has its own fields and materials, "
                  "which this schema cannot list; GET /api/bundles/{code} shows them): the "
                  "problem names the field")
def create_application(payload):
    """Apply for a bundle once, with one form and one set of materials.

    Anyone may apply online; at the window a clerk applies for the applicant. Send an
    ``Idempotency-Key`` header to make a retry safe.
    """
    user = acting_user()
    if payload["channel"] != Channel.ONLINE and (user is None or user.role != Role.CLERK):
        abort(403, message="only a window clerk records applications made at the window")
    application, query_code = operations.create_application(
        bundle_code=payload["bundle"], channel=payload["channel"],
        applicant=payload["applicant"], agent=payload["agent"],
        contact_phone=payload["contact_phone"], form=payload["form"],
        materials=payload["materials"], delivery_method=payload["delivery_method"],
        actor=current_actor(),
    )
    viewer = viewer_of(user) if user is not None else CITIZEN_VIEWER
    body = {**application_detail(application, viewer), "query_code": query_code,
            "receipt_url": receipt_url(application.number, query_code)}
    return body, 201, {"Location": url_for(".get_application", number=application.number)}


@blp.route("")
@blp.arguments(ApplicationFilterSchema, location="query")
@blp.response(200, ApplicationSummarySchema(many=True))
@blp.paginate()
def list_applications(filters, pagination_parameters):
    """Applications, newest first, by bundle, state, department or channel. Department staff
    see the applications with items of their departments."""
    viewer = viewer_of(current_user)
    if viewer.departments is not None:
        wanted = filters.pop("department", None)
        if wanted is not None and wanted not in viewer.departments:
            abort(403, message=f"department {wanted!r} is not yours")
        filters["departments"] = [wanted] if wanted else sorted(viewer.departments)
    elif "department" in filters:
        filters["departments"] = [filters.pop("department")]
    rows, total = operations.list_applications(
        **filters, offset=pagination_parameters.first_item,
        limit=pagination_parameters.page_size)
    pagination_parameters.item_count = total
    return [present(row, personal_data=viewer.personal_data) for row in rows]


@blp.route("/<number>")
@blp.response(200, ApplicationSchema)
def get_application(number):
    """An application: its state, every item's state and its full history."""
    return application_detail(_visible(number), viewer_of(current_user))


@blp.route("/<number>/transitions")
@blp.response(200, AllowedTriggersSchema)
def get_transitions(number):
    """The triggers you may fire now, for the application and for each item."""
    application = _visible(number)
    allowed = operations.allowed_triggers(application)
    departments = {row.item_code: row.department_code for row in application.items}
    seen = viewer_of(current_user).departments  # None: every department
    visible = {code for code, department in departments.items()
               if seen is None or department in seen}
    mine = {
        "application": [trigger for trigger in allowed["application"]
                        if may_fire(current_user, Trigger(trigger), None)],
        "items": {code: [trigger for trigger in triggers
                         if may_fire(current_user, Trigger(trigger), departments[code])]
                  for code, triggers in allowed["items"].items() if code in visible},
    }
    state = state_of(application)
    state["items"] = {code: item_state for code, item_state in state["items"].items()
                      if code in visible}
    return {"number": application.number, "state": state, "allowed": mine}


@blp.route("/<number>/transitions", methods=["POST"])
@blp.arguments(TransitionRequestSchema)
@blp.response(200, ApplicationSchema)
@blp.alt_response(409, description="the trigger is not allowed in the current state")
@blp.alt_response(422, description="the trigger's `data` or `reason` is not what it takes (each "
                  "trigger has its own; see TransitionRequest): the problem names the field")
def fire_transition(payload, number):
    """Fire a trigger: on the application, or on one item (``item``)."""
    application = _visible(number, lock=True)
    trigger = Trigger(payload["trigger"])
    departments = {row.item_code: row.department_code for row in application.items}
    item = payload["item"]
    # A trigger aimed wrong (an unknown item, an item trigger without its item…) is the
    # engine's to refuse with 422, naming the field; permissions apply to well-aimed ones.
    well_aimed = (item is None and trigger in APPLICATION_TRIGGERS) or (
        item in departments and trigger in ITEM_TRIGGERS)
    if well_aimed and not may_fire(current_user, trigger, departments.get(item)):
        abort(403, message=f"a {current_user.role} may not fire {trigger.value!r}"
              + (f" on item {item!r}" if item else ""))
    application = operations.fire_on(application, trigger, item, payload["reason"],
                                     payload["data"], current_actor())
    return application_detail(application, viewer_of(current_user))
