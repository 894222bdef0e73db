"""GET /api/outbox: the messages written with the steps that caused them, and how their
delivery goes (administrators)."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import func, select

from ..core.database import db
from .models import OutboxStatus
from .operations import newest

blp = Blueprint("outbox", __name__, url_prefix="/api/outbox",
                description="Messages for applicants and departments, sent or not yet")


class OutboxMessageSchema(Schema):
    id = fields.Integer()
    application_id = fields.Integer()
    item_code = fields.String(allow_none=True)
    recipient_kind = fields.String(metadata={"description": "citizen or department"})
    recipient = fields.String()
    kind = fields.String()
    payload = fields.Dict()
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True, metadata={"description": "null: not sent yet"})
    status = fields.String(metadata={
        "description": "pending, leased (a delivery holds it until lease_expires_at), sent, "
                       "or dead (every try failed: `flask outbox retry` or the console)"})
    attempts = fields.Integer(metadata={"description": "tries made in the current series"})
    lease_expires_at = fields.DateTime(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True, metadata={
        "description": "pending: not tried again before"})
    last_error = fields.String(allow_none=True)


class OutboxQuerySchema(Schema):
    status = fields.Enum(OutboxStatus, by_value=True, metadata={
        "description": "only the messages in this state"})


@blp.route("")
@blp.arguments(OutboxQuerySchema, location="query")
@blp.response(200, OutboxMessageSchema(many=True))
@blp.paginate()
def list_messages(query, pagination_parameters):
    """The newest first."""
    chosen = newest(query.get("status"))
    pagination_parameters.item_count = db.session.scalar(
        select(func.count()).select_from(chosen.order_by(None).subquery()))
    return list(db.session.scalars(
        chosen.offset(pagination_parameters.first_item).limit(pagination_parameters.page_size)))
