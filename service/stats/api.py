from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields
from marshmallow.validate import Range

from .operations import turnaround_stats
from .sql import EARLIEST, LATEST

blp = Blueprint("stats", __name__, url_prefix="/api/stats",
                description="Turnaround statistics per bundle and overall")


class StatsQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    since = fields.Date(validate=Range(EARLIEST, LATEST),
                        metadata={"description": "received on or after (Asia/Shanghai)"})
    until = fields.Date(validate=Range(EARLIEST, LATEST),
                        metadata={"description": "received on or before"})


class FiguresSchema(Schema):
    """The figures of one bundle; a share, a mean or a percentile is null where there is
    nothing to measure it over (no application concluded, none with a statutory limit, …)."""

    bundle = fields.String()
    name = fields.String()
    applications = fields.Integer()
    concluded = fields.Integer()
    median_turnaround = fields.Float(allow_none=True, metadata={"description": "working days"})
    p90_turnaround = fields.Float(allow_none=True, metadata={"description": "working days"})
    on_time_committed = fields.Float(allow_none=True)
    on_time_statutory = fields.Float(allow_none=True, metadata={
        "description": "of the concluded applications with a statutory deadline"})
    paused_days = fields.Integer()
    standalone_limit = fields.Float(allow_none=True, metadata={
        "description": "the sum of the items' statutory limits, one after another, over the "
                       "applications whose every item has one"})
    time_reduction = fields.Float(allow_none=True, metadata={
        "description": "1 - turnaround / standalone limit (the county reports 0.52)"})
    online_share = fields.Float(allow_none=True)
    exemption_share = fields.Float(allow_none=True, metadata={
        "description": "materials replaced by electronic certificates"})
    visits_per_application = fields.Float(allow_none=True, metadata={
        "description": "visits to the window per delivered application (intake, correction, "
                       "collecting the results)"})
    fully_online_share = fields.Float(allow_none=True, metadata={
        "description": "delivered applications with no visit from submission to delivery, "
                       "delivered electronically"})
    corrections_per_application = fields.Float(allow_none=True, metadata={
        "description": "correction notices before acceptance, per application"})


class StatsSchema(Schema):
    bundles = fields.List(fields.Nested(FiguresSchema))
    overall = fields.Nested(FiguresSchema)


@blp.route("")
@blp.arguments(StatsQuerySchema, location="query")
@blp.response(200, StatsSchema)
def get_stats(query):
    """Applications, turnaround (median, 90th percentile), on-time rates, paused time, the time
    reduction against the items' standalone limits, online and exemption shares, visits per
    delivered application and the share of them handled fully online."""
    return turnaround_stats(query.get("since"), query.get("until"))
