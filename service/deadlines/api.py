from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, fields, validate

from ..access.policy import viewer_of
from ..applications.early_warnings import reached
from ..core.database import utcnow
from ..engine.calendar import local_date
from ..engine.states import WARNINGS, Level
from ..workdays.operations import calendar_for_years
from . import board

blp = Blueprint("overdue", __name__, url_prefix="/api/overdue",
                description="Items near or past their deadlines (红黄牌)")


class OverdueQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    department = fields.String(validate=validate.Length(min=1, max=64))
    bundle = fields.String(validate=validate.Length(min=1, max=64))
    level = fields.String(validate=validate.OneOf([level.value for level in WARNINGS]), metadata={
        "description": "yellow: near the committed deadline; red: past it; statutory: past "
                       "the statutory deadline"})


class OverdueItemSchema(Schema):
    application = fields.String()
    bundle = fields.String()
    item = fields.String()
    department = fields.String()
    state = fields.String()
    level = fields.String()
    statutory_overdue = fields.Boolean()
    committed_due = fields.Date()
    statutory_due = fields.Date(allow_none=True, metadata={
        "description": "null for a service commitment, never statutorily overdue"})
    working_days_late = fields.Integer(metadata={"description": "past the committed deadline"})
    provisional = fields.Boolean(metadata={
        "description": "the deadline reaches a year whose holiday schedule is not published"})


@blp.route("")
@blp.arguments(OverdueQuerySchema, location="query")
@blp.response(200, OverdueItemSchema(many=True))
@blp.paginate()
def list_overdue(filters, pagination_parameters):
    """Running items at or past their warning day, most late first. A supervisor sees the
    board of their departments."""
    today = local_date(utcnow())
    wanted = filters.pop("department", None)
    mine = viewer_of(current_user).departments  # None: every department
    if mine is not None and wanted is not None and wanted not in mine:
        abort(403, message=f"department {wanted!r} is not yours")
    departments = [wanted] if wanted else (sorted(mine) if mine is not None else None)
    rows, total = board.overdue_items(today, departments=departments, **filters,
                                      offset=pagination_parameters.first_item,
                                      limit=pagination_parameters.page_size)
    pagination_parameters.item_count = total
    calendar = calendar_for_years(min(row.committed_due for row, _, _ in rows).year,
                                  today.year) if rows else None
    return [
        {
            "application": number, "bundle": bundle_code, "item": row.item_code,
            "department": row.department_code, "state": row.state,
            "level": Level.RED if row.committed_due < today else Level.YELLOW,
            "statutory_overdue": reached(row, today) == Level.STATUTORY,
            "committed_due": row.committed_due, "statutory_due": row.statutory_due,
            "working_days_late": calendar.count_working_days(row.committed_due, today),
            "provisional": row.due_provisional,
        }
        for row, number, bundle_code in rows
    ]
