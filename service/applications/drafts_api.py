"""/api/drafts: applications saved before they are submitted (a clerk's, at the window)."""

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint

from ..access.actors import current_actor
from ..access.citizens import receipt_url
from ..access.policy import viewer_of
from ..engine.states import Channel
from . import drafts
from .api import application_detail
from .schemas import ApplicationCreatedSchema, DraftSchema, DraftWriteSchema

blp = Blueprint("drafts", __name__, url_prefix="/api/drafts",
                description="Drafts: an application saved before it is submitted, for 30 days")


@blp.route("")
@blp.response(200, DraftSchema(many=True))
@blp.paginate()
def list_drafts(pagination_parameters):
    """Your drafts that have not expired, the most recently saved first."""
    rows, total = drafts.list_drafts(current_actor(), offset=pagination_parameters.first_item,
                                     limit=pagination_parameters.page_size)
    pagination_parameters.item_count = total
    return rows


@blp.route("", methods=["POST"])
@blp.arguments(DraftWriteSchema)
@blp.response(201, DraftSchema)
def create_draft(payload):
    """Save what the applicant has given so far, to finish later."""
    draft = drafts.save(current_actor(), payload["bundle"], payload["content"], Channel.WINDOW)
    return draft, 201, {"Location": url_for(".get_draft", draft_id=draft.id)}


@blp.route("/<int:draft_id>")
@blp.response(200, DraftSchema)
def get_draft(draft_id):
    return drafts.find(current_actor(), draft_id)


@blp.route("/<int:draft_id>", methods=["PUT"])
@blp.arguments(DraftWriteSchema)
@blp.response(200, DraftSchema)
def put_draft(payload, draft_id):
    """Replace the draft's content (and renew it)."""
    return drafts.save(current_actor(), payload["bundle"], payload["content"], Channel.WINDOW,
                       draft_id=draft_id)


@blp.route("/<int:draft_id>", methods=["DELETE"])
@blp.response(204)
def delete_draft(draft_id):
    drafts.discard(current_actor(), draft_id)


@blp.route("/<int:draft_id>/submit", methods=["POST"])
@blp.response(201, ApplicationCreatedSchema)
@blp.alt_response(422, description="the draft breaks a rule of its bundle: the problem names it")
def submit_draft(draft_id):
    """Submit the draft as an application, with every rule of its bundle; the draft goes."""
    application, query_code = drafts.submit(current_actor(), draft_id)
    body = {**application_detail(application, viewer_of(current_user)),
            "query_code": query_code, "receipt_url": receipt_url(application.number, query_code)}
    return body, 201, {"Location": url_for("applications.get_application",
                                           number=application.number)}
