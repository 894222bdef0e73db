"""GET /api/outbox: the messages written with the steps that caused them (administrators)."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import func, select

from ..core.database import db
from .models import OutboxMessage

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


@blp.route("")
@blp.response(200, OutboxMessageSchema(many=True))
@blp.paginate()
def list_messages(pagination_parameters):
    """The newest first."""
    pagination_parameters.item_count = db.session.scalar(
        select(func.count()).select_from(OutboxMessage))
    return list(db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc())
        .offset(pagination_parameters.first_item).limit(pagination_parameters.page_size)))
