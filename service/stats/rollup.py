"""The daily rollup: the figures' sums per day, so that a year reads a few thousand rows.

Two days key it, both fixed once known: the day an application was received, with its bundle
version (its figures, its turnaround counts), and the day an item was decided, with its
department (the department's figures). Every change to what the figures count (a step, a visit,
a notice, a re-timing, a migration) writes an event, so the rows that may be stale are those of
the applications with events after the mark. A refresh (the sweep, ``flask stats --rebuild``)
recomputes them and moves the mark; a read takes the rollup for the other rows and counts the
stale ones live, so the figures are always current and the same as counting every row. A day
and a version hold a province's few dozen applications: what a read counts live stays small
while steps go on all over the year's applications.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, delete, func, insert, or_, select, tuple_, union_all

from ..applications.models import Application, ApplicationItem, Event
from ..catalog.models import BundleVersion
from ..core.database import db, in_batches
from ..engine.states import ITEM_DECIDED, ApplicationState, Channel, DeliveryMethod, ItemState
from .models import DailyDepartmentFigures, DailyFigures, DailyTurnarounds, RollupMark
from .sql import Period, count_where, end_of, local_day, start_of

# A step's events commit within its request (gunicorn's timeout is 30 s): events younger than
# this may still be uncommitted behind a smaller id, so the mark stays behind them and the next
# refresh looks at them again.
SETTLING = timedelta(minutes=2)
KEYS_PER_STATEMENT = 200  # days, or (day, version) pairs, counted live in one statement
MARK_ROW = 1

SUMS = tuple(column.name for column in DailyFigures.__table__.columns
             if column.name not in ("day", "bundle_version_id"))
DECISION_SUMS = tuple(column.name for column in DailyDepartmentFigures.__table__.columns
                      if column.name not in ("day", "department_code"))


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


def decision_sums() -> list:
    """The sums of :data:`DECISION_SUMS` over a selection of decided items."""
    item = ApplicationItem
    decided_on = local_day(item.decided_at)
    return [
        func.count().label("decided"),
        count_where(item.state == ItemState.APPROVED).label("approved"),
        count_where(decided_on <= item.committed_due).label("on_time_committed"),
        count_where(item.statutory_due.is_not(None)).label("lawful"),
        count_where(decided_on <= item.statutory_due).label("on_time_statutory"),
    ]


def received_as(pairs) -> list:
    """Applications received on a day by a version, for each (day, version) of ``pairs``."""
    app = Application
    return [or_(*(and_(app.bundle_version_id == version, app.created_at >= start_of(day),
                       app.created_at < end_of(day)) for day, version in pairs))]


def decided_as(pairs) -> list:
    """Items decided on a day by a department, for each (day, department) of ``pairs``: ranges
    of the (department, decided_at) index."""
    item = ApplicationItem
    return [item.state.in_(ITEM_DECIDED),
            or_(*(and_(item.department_code == department, item.decided_at >= start_of(day),
                       item.decided_at < end_of(day)) for day, department in pairs))]


# --- what is stale ------------------------------------------------------------------------------


def _mark() -> int:
    return db.session.scalar(select(RollupMark.event_id).where(RollupMark.id == MARK_ROW)) or 0


def _changed():
    """The applications with events after the mark."""
    return select(Event.application_id).where(Event.id > _mark())


def stale_received(period: Period) -> list[tuple[date, int]]:
    """(day received, bundle version) of the applications changed after the mark."""
    day = local_day(Application.created_at)
    return sorted(tuple(row) for row in db.session.execute(
        select(day, Application.bundle_version_id).distinct()
        .where(Application.id.in_(_changed()), *period.holds(Application.created_at))))


def stale_decided(period: Period) -> list[tuple[date, str]]:
    """(day decided, department) of the items decided after the mark: nothing changes an item
    once decided (re-timing and migration move running items only)."""
    item = ApplicationItem
    decisions = (select(Event.application_id, Event.item_code)
                 .where(Event.id > _mark(), Event.item_code.is_not(None),
                        Event.to_state.in_([state.value for state in ITEM_DECIDED]))
                 .subquery())
    day = local_day(item.decided_at)
    return sorted(tuple(row) for row in db.session.execute(
        select(day, item.department_code).distinct()
        .join(decisions, and_(decisions.c.application_id == item.application_id,
                              decisions.c.item_code == item.item_code))
        .where(item.decided_at.is_not(None), *period.holds(item.decided_at))))


# --- reading ------------------------------------------------------------------------------------


def _fresh(rolled, stale: list[tuple[date, int]]):
    return tuple_(rolled.day, rolled.bundle_version_id).not_in(stale)


def sums_by_version(period: Period, stale: list[tuple[date, int]]) -> list:
    """Rows of (bundle_version_id, each of :data:`SUMS`) over the applications received in
    ``period``, from the rollup but for the ``stale`` rows (:func:`stale_received`), counted
    live; a version may come in two rows, which add."""
    rolled = DailyFigures
    rows = db.session.execute(
        select(rolled.bundle_version_id,
               *(func.sum(getattr(rolled, name)).label(name) for name in SUMS))
        .where(*period.holds_day(rolled.day), _fresh(rolled, stale))
        .group_by(rolled.bundle_version_id)).all()
    for pairs in in_batches(stale, KEYS_PER_STATEMENT):
        rows += db.session.execute(
            select(Application.bundle_version_id, *application_sums())
            .where(*received_as(pairs), *period.holds(Application.created_at))
            .group_by(Application.bundle_version_id)).all()
    return rows


def turnaround_counts(period: Period, stale: list[tuple[date, int]]):
    """A subquery of (grouped: the bundle, value: a turnaround, k: how many) for
    :func:`.sql.nearest_rank`, over the applications received in ``period``, as
    :func:`sums_by_version` reads them."""
    rolled = DailyTurnarounds
    parts = [select(BundleVersion.bundle_code.label("grouped"),
                    rolled.turnaround_days.label("value"), rolled.applications.label("k"))
             .join(BundleVersion, BundleVersion.id == rolled.bundle_version_id)
             .where(*period.holds_day(rolled.day), _fresh(rolled, stale))]
    app = Application
    for pairs in in_batches(stale, KEYS_PER_STATEMENT):
        parts.append(
            select(app.bundle_code, app.turnaround_days, func.count())
            .where(*received_as(pairs), *period.holds(app.created_at),
                   app.turnaround_days.is_not(None))
            .group_by(app.bundle_code, app.turnaround_days))
    rows = union_all(*parts).subquery()
    return (select(rows.c.grouped, rows.c.value, func.sum(rows.c.k).label("k"))
            .group_by(rows.c.grouped, rows.c.value).subquery())


def received_by_day(period: Period, stale: list[tuple[date, int]]) -> Counter[date]:
    rolled = DailyFigures
    counts: Counter[date] = Counter(dict(db.session.execute(
        select(rolled.day, func.sum(rolled.applications))
        .where(*period.holds_day(rolled.day), _fresh(rolled, stale))
        .group_by(rolled.day)).all()))
    day = local_day(Application.created_at)
    for pairs in in_batches(stale, KEYS_PER_STATEMENT):
        counts.update(dict(db.session.execute(
            select(day, func.count())
            .where(*received_as(pairs), *period.holds(Application.created_at))
            .group_by(day)).all()))
    return counts


def decisions_by_department(period: Period, departments: frozenset[str] | None) -> list:
    """Rows of (department_code, each of :data:`DECISION_SUMS`) over the items decided in
    ``period`` (only ``departments``' where given); a department may come in two rows."""
    stale = stale_decided(period)
    rolled, item = DailyDepartmentFigures, ApplicationItem
    mine = [rolled.department_code.in_(departments)] if departments is not None else []
    rows = db.session.execute(
        select(rolled.department_code,
               *(func.sum(getattr(rolled, name)).label(name) for name in DECISION_SUMS))
        .where(*period.holds_day(rolled.day),
               tuple_(rolled.day, rolled.department_code).not_in(stale), *mine)
        .group_by(rolled.department_code)).all()
    mine = [item.department_code.in_(departments)] if departments is not None else []
    for pairs in in_batches(stale, KEYS_PER_STATEMENT):
        rows += db.session.execute(
            select(item.department_code, *decision_sums())
            .where(*decided_as(pairs), *period.holds(item.decided_at), *mine)
            .group_by(item.department_code)).all()
    return rows


# --- refreshing ---------------------------------------------------------------------------------


@dataclass
class Refreshed:
    """How many rows were recomputed: by day received and version, by day decided and
    department."""

    received: int
    decided: int
    event_id: int

    def __str__(self) -> str:
        return f"{self.received} rows by day received, {self.decided} by day decided"


def refresh(now: datetime, everything: bool = False) -> Refreshed:
    """Recompute the days whose applications changed since the mark (every day when
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
    by_received = (DailyFigures, DailyTurnarounds)
    if everything:
        for table in (*by_received, DailyDepartmentFigures):
            db.session.execute(delete(table))
        _recompute_received([])
        _recompute_decided([])
        received = db.session.scalar(select(func.count()).select_from(DailyFigures))
        decided = db.session.scalar(select(func.count()).select_from(DailyDepartmentFigures))
    else:
        stale_by_received, stale_by_decided = stale_received(Period()), stale_decided(Period())
        for pairs in in_batches(stale_by_received, KEYS_PER_STATEMENT):
            for table in by_received:
                db.session.execute(delete(table).where(
                    tuple_(table.day, table.bundle_version_id).in_(pairs)))
            _recompute_received(received_as(pairs))
        for pairs in in_batches(stale_by_decided, KEYS_PER_STATEMENT):
            rolled = DailyDepartmentFigures
            db.session.execute(delete(rolled).where(
                tuple_(rolled.day, rolled.department_code).in_(pairs)))
            _recompute_decided(decided_as(pairs))
        received, decided = len(stale_by_received), len(stale_by_decided)
    mark.event_id = max(mark.event_id, settled)
    mark.refreshed_at = now
    db.session.flush()
    return Refreshed(received=received, decided=decided, event_id=mark.event_id)


def _recompute_received(where: list) -> None:
    app = Application
    day = local_day(app.created_at)
    db.session.execute(insert(DailyFigures).from_select(
        ["day", "bundle_version_id", *SUMS],
        select(day, app.bundle_version_id, *application_sums())
        .where(*where).group_by(day, app.bundle_version_id)))
    db.session.execute(insert(DailyTurnarounds).from_select(
        ["day", "bundle_version_id", "turnaround_days", "applications"],
        select(day, app.bundle_version_id, app.turnaround_days, func.count())
        .where(app.turnaround_days.is_not(None), *where)
        .group_by(day, app.bundle_version_id, app.turnaround_days)))


def _recompute_decided(where: list) -> None:
    item = ApplicationItem
    day = local_day(item.decided_at)
    db.session.execute(insert(DailyDepartmentFigures).from_select(
        ["day", "department_code", *DECISION_SUMS],
        select(day, item.department_code, *decision_sums())
        .where(item.state.in_(ITEM_DECIDED), *where).group_by(day, item.department_code)))
