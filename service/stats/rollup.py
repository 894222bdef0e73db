"""The daily rollup: the figures' sums per day received, so a year reads a few thousand rows.

Every change to what the figures count (a step, a visit, a notice, a re-timing, a migration)
writes an event, so the days whose rollup may be stale are the days received of the applications
with events after the mark. A refresh (by the sweep, ``flask stats rollup``) recomputes those days
from the applications and moves the mark; a read takes the rollup for the other days and counts
the stale ones live, so the figures are always current and the same as counting every row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, delete, func, insert, or_, select, union_all

from ..applications.models import Application, Event
from ..core.database import db
from ..engine.states import ApplicationState, Channel, DeliveryMethod
from .models import DailyFigures, DailyTurnarounds, RollupMark
from .sql import Period, count_where, end_of, local_day, start_of

# A step's events commit within its request (gunicorn's timeout is 30 s): events younger than
# this may still be uncommitted behind a smaller id, so the mark stays behind them and the next
# refresh looks at them again.
SETTLING = timedelta(minutes=5)
DAYS_PER_STATEMENT = 60
MARK_ROW = 1

SUMS = tuple(column.name for column in DailyFigures.__table__.columns
             if column.name not in ("day", "bundle_version_id"))


def application_sums() -> list:
    """The sums of :data:`SUMS` over a selection of applications, labelled by name."""
    app = Application
    concluded = and_(app.concluded_on.is_not(None), app.turnaround_days.is_not(None))
    delivered = app.state == ApplicationState.DELIVERED
    return [
        func.count().label("applications"),
        count_where(app.channel == Channel.ONLINE).label("online"),
        func.coalesce(func.sum(app.paused_days), 0).label("paused_days"),
        func.coalesce(func.sum(app.correction_notices), 0).label("corrections"),
        count_where(concluded).label("concluded"),
        func.coalesce(func.sum(app.turnaround_days), 0).label("turnaround"),
        count_where(and_(concluded, app.concluded_on <= app.committed_due))
        .label("on_time_committed"),
        count_where(and_(concluded, app.statutory_due.is_not(None))).label("lawful"),
        count_where(and_(concluded, app.concluded_on <= app.statutory_due))
        .label("on_time_statutory"),
        count_where(delivered).label("delivered"),
        func.coalesce(func.sum(case((delivered, app.visit_count), else_=0)), 0).label("visits"),
        count_where(and_(delivered, app.delivery_method == DeliveryMethod.ELECTRONIC,
                         app.visit_count == 0)).label("fully_online"),
    ]


def received_on(days: Iterable[date]):
    """Applications received on one of ``days``, as ranges the created_at index serves."""
    return or_(*(and_(Application.created_at >= start_of(day),
                      Application.created_at < end_of(day)) for day in days))


# --- reading ------------------------------------------------------------------------------------


def stale_days(period: Period) -> list[date]:
    """The days received, in ``period``, of the applications changed after the mark."""
    mark = db.session.scalar(select(RollupMark.event_id).where(RollupMark.id == MARK_ROW)) or 0
    day = local_day(Application.created_at)
    return sorted(db.session.scalars(
        select(day).distinct().join(Event, Event.application_id == Application.id)
        .where(Event.id > mark, *period.holds(Application.created_at))))


def sums_by_version(period: Period, stale: list[date]) -> list:
    """Rows of (bundle_version_id, each of :data:`SUMS`) over the applications received in
    ``period``, from the rollup but for the ``stale`` days (:func:`stale_days`), counted live;
    a version may come in two rows, which add."""
    rolled = DailyFigures
    rows = db.session.execute(
        select(rolled.bundle_version_id,
               *(func.sum(getattr(rolled, name)).label(name) for name in SUMS))
        .where(*period.holds_day(rolled.day), rolled.day.not_in(stale))
        .group_by(rolled.bundle_version_id)).all()
    for days in _batches(stale):
        rows += db.session.execute(
            select(Application.bundle_version_id, *application_sums())
            .where(received_on(days), *period.holds(Application.created_at))
            .group_by(Application.bundle_version_id)).all()
    return rows


def turnaround_counts(period: Period, stale: list[date]):
    """A subquery of (grouped: the bundle, value: a turnaround, k: how many) for
    :func:`.sql.nearest_rank`, over the applications received in ``period``, as
    :func:`sums_by_version` reads them."""
    rolled = DailyTurnarounds
    parts = [select(rolled.bundle_code.label("grouped"), rolled.turnaround_days.label("value"),
                    rolled.applications.label("k"))
             .where(*period.holds_day(rolled.day), rolled.day.not_in(stale))]
    app = Application
    for days in _batches(stale):
        parts.append(
            select(app.bundle_code, app.turnaround_days, func.count())
            .where(received_on(days), *period.holds(app.created_at),
                   app.turnaround_days.is_not(None))
            .group_by(app.bundle_code, app.turnaround_days))
    rows = union_all(*parts).subquery()
    return (select(rows.c.grouped, rows.c.value, func.sum(rows.c.k).label("k"))
            .group_by(rows.c.grouped, rows.c.value).subquery())


# --- refreshing ---------------------------------------------------------------------------------


@dataclass
class Refreshed:
    days: int
    event_id: int


def refresh(now: datetime, everything: bool = False) -> Refreshed:
    """Recompute the days whose applications changed since the mark (every day received when
    ``everything``), then move the mark; only flushes. Two refreshes at once take turns on the
    mark's row."""
    mark = db.session.scalar(select(RollupMark).where(RollupMark.id == MARK_ROW)
                             .with_for_update())
    if mark is None:
        mark = RollupMark(id=MARK_ROW, event_id=0, refreshed_at=now)
        db.session.add(mark)
        db.session.flush()
    settled = db.session.scalar(select(func.max(Event.id))
                                .where(Event.created_at < now - SETTLING)) or 0
    if everything:
        db.session.execute(delete(DailyFigures))
        db.session.execute(delete(DailyTurnarounds))
        _recompute(None)
        days = db.session.scalar(select(func.count(DailyFigures.day.distinct())))
    else:
        stale = stale_days(Period())
        for chunk in _batches(stale):
            db.session.execute(delete(DailyFigures).where(DailyFigures.day.in_(chunk)))
            db.session.execute(delete(DailyTurnarounds).where(DailyTurnarounds.day.in_(chunk)))
            _recompute(received_on(chunk))
        days = len(stale)
    mark.event_id = max(mark.event_id, settled)
    mark.refreshed_at = now
    db.session.flush()
    return Refreshed(days=days, event_id=mark.event_id)


def _recompute(received) -> None:
    """Insert the rollup of the applications ``received`` selects (all when None)."""
    app = Application
    day = local_day(app.created_at)
    where = [received] if received is not None else []
    db.session.execute(insert(DailyFigures).from_select(
        ["day", "bundle_version_id", *SUMS],
        select(day, app.bundle_version_id, *application_sums())
        .where(*where).group_by(day, app.bundle_version_id)))
    db.session.execute(insert(DailyTurnarounds).from_select(
        ["day", "bundle_code", "turnaround_days", "applications"],
        select(day, app.bundle_code, app.turnaround_days, func.count())
        .where(app.turnaround_days.is_not(None), *where)
        .group_by(day, app.bundle_code, app.turnaround_days)))


def _batches(days: list[date]) -> list[list[date]]:
    return [days[start:start + DAYS_PER_STATEMENT]
            for start in range(0, len(days), DAYS_PER_STATEMENT)]
