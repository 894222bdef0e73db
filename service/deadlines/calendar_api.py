from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from ..core.database import utcnow
from ..engine.calendar import local_date
from ..workdays import operations
from ..workdays.schedules import YearSchedule, YearScheduleSchema, schedule_from_document
from .calendar_changes import publish_year

blp = Blueprint("calendar", __name__, url_prefix="/api/calendar",
                description="The working-day calendar: holidays and make-up workdays (调休)")


class CalendarStatusSchema(Schema):
    published_years = fields.List(fields.Integer())
    missing_years = fields.List(fields.Integer(), metadata={
        "description": "years a deadline set today may reach with no published schedule; "
                       "deadlines into them count weekends only and are provisional"})


class CalendarDaySchema(Schema):
    date = fields.Date()
    name = fields.String()


class YearOutSchema(Schema):
    year = fields.Integer()
    source = fields.String()
    holidays = fields.List(fields.Nested(CalendarDaySchema))
    workdays = fields.List(fields.Nested(CalendarDaySchema))


def _present(schedule: YearSchedule) -> dict:
    return {"year": schedule.year, "source": schedule.source,
            "holidays": [{"date": day, "name": name}
                         for day, name in sorted(schedule.holidays.items())],
            "workdays": [{"date": day, "name": name}
                         for day, name in sorted(schedule.workdays.items())]}


@blp.route("")
@blp.response(200, CalendarStatusSchema)
def status():
    """Which years have a published schedule, and which a deadline may need but lacks."""
    return {"published_years": operations.published_years(),
            "missing_years": operations.missing_years(local_date(utcnow()))}


@blp.route("/<int:year>")
@blp.response(200, YearOutSchema)
def get_year(year):
    """A year's holidays and make-up workdays."""
    schedule = operations.year_schedule(year)
    if schedule is None:
        abort(404, message=f"no schedule for {year}: deadlines into it count weekends only "
                           "and are marked provisional")
    return _present(schedule)


@blp.route("/<int:year>", methods=["PUT"])
@blp.arguments(YearScheduleSchema)
@blp.response(200, YearOutSchema)
@blp.alt_response(422, description="the body's `year` is not the URL's, or a field is not "
                  "valid: the problem names it")
def put_year(payload, year):
    """Replace a year's schedule (when the State Council publishes it, or to correct it)."""
    if payload["year"] != year:
        abort(422, errors={"year": [f"the body is for {payload['year']}, the URL for {year}"]})
    document = YearScheduleSchema().dump(payload)
    schedule = schedule_from_document(document, source="admin")
    publish_year(schedule, utcnow(), current_app.config["WARNING_YELLOW_SHARE"],
                 user_id=current_user.id)
    return _present(schedule)
