"""The reform's figures, aggregated in SQL where the rows are (the definitions are in
:mod:`.figures`): per bundle and overall over the applications received in a period, per
department over the items decided in it, week by week, and the ratings with their follow-ups.

What is constant per bundle version (its materials, the items' statutory limits one after
another) is joined in Python to the sums SQL returns per version: the sums add up, so bundles and
the whole county fold from the same rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import exists, func, select, text

from ..access.models import User
from ..applications.models import (
    LATE_CONDITION,
    Application,
    ApplicationItem,
    Rating,
    RatingFollowUp,
)
from ..applications.ratings import BAD_GRADES
from ..catalog.models import Bundle, BundleVersion, Department
from ..catalog.operations import bundle_names, machine_for
from ..core.database import db, utcnow
from ..engine.states import (
    ITEM_RUNNING,
    FollowUpStatus,
)
from . import rollup
from .sql import Period, nearest_rank

OVERALL = "all"


@dataclass
class Figures:
    bundle: str
    name: str
    applications: int = 0
    concluded: int = 0
    median_turnaround: float | None = None  # working days, acceptance to conclusion
    p90_turnaround: float | None = None
    on_time_committed: float | None = None  # share of concluded applications
    on_time_statutory: float | None = None  # of those with a statutory deadline
    paused_days: int = 0
    standalone_limit: float | None = None  # mean of the items' statutory limits one after another
    time_reduction: float | None = None  # 1 - turnaround / standalone limits
    online_share: float | None = None
    exemption_share: float | None = None
    visits_per_application: float | None = None  # of the delivered
    fully_online_share: float | None = None
    corrections_per_application: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Sums:
    """What adds up across versions and bundles."""

    applications: int = 0
    online: int = 0
    paused_days: int = 0
    corrections: int = 0
    concluded: int = 0
    on_time_committed: int = 0
    lawful: int = 0
    on_time_statutory: int = 0
    delivered: int = 0
    visits: int = 0
    fully_online: int = 0
    materials: int = 0
    exempt: int = 0
    sourced: int = 0  # concluded applications whose items' statutory limits are all sourced
    sourced_turnaround: int = 0
    sourced_alone: float = 0

    def add(self, other: _Sums) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


def turnaround_stats(since: date | None = None, until: date | None = None) -> dict:
    """Figures per bundle and overall, over the applications received between the two days."""
    period = Period(since, until)
    sums_by_bundle: dict[str, _Sums] = defaultdict(_Sums)
    stale = rollup.stale_received(period)
    for code, sums in _sums_by_version(period, stale):
        sums_by_bundle[code].add(sums)
    overall = _Sums()
    for sums in sums_by_bundle.values():
        overall.add(sums)
    ranks = _turnarounds(period, stale)
    names = bundle_names(sums_by_bundle)
    bundles = [_figures(code, names[code], sums, ranks.get(code))
               for code, sums in sorted(sums_by_bundle.items())]
    return {"bundles": [figures.as_dict() for figures in bundles],
            "overall": _figures(OVERALL, "全部", overall, ranks.get(OVERALL)).as_dict()}


def _sums_by_version(period: Period, stale: list[tuple[date, int]]) -> list[tuple[str, _Sums]]:
    rows = rollup.sums_by_version(period, stale)
    versions = {version.id: version for version in db.session.scalars(
        select(BundleVersion).where(BundleVersion.id.in_({row.bundle_version_id
                                                          for row in rows})))}
    result = []
    for row in rows:
        version = versions[row.bundle_version_id]
        materials = version.definition["materials"]
        alone = machine_for(version).bundle.standalone_limit()
        sums = _Sums(
            applications=row.applications, online=row.online, paused_days=row.paused_days,
            corrections=row.corrections, concluded=row.concluded,
            on_time_committed=row.on_time_committed, lawful=row.lawful,
            on_time_statutory=row.on_time_statutory, delivered=row.delivered,
            visits=row.visits, fully_online=row.fully_online,
            materials=row.applications * len(materials),
            exempt=row.applications * sum(material["exempt"] for material in materials))
        if alone is not None and row.concluded:
            sums.sourced, sums.sourced_turnaround = row.concluded, row.turnaround
            sums.sourced_alone = row.concluded * alone
        result.append((version.bundle_code, sums))
    return result


def _turnarounds(period: Period, stale: list[tuple[date, int]]) -> dict[str, tuple]:
    """(median, p90) by nearest rank, per bundle and overall."""
    counts = rollup.turnaround_counts(period, stale)
    ranks = {row.grouped: (row.p50, row.p90)
             for row in db.session.execute(nearest_rank(counts, 50, 90))}
    overall_counts = (select(counts.c.value, func.sum(counts.c.k).label("k"))
                      .group_by(counts.c.value).subquery())
    overall = db.session.execute(nearest_rank(overall_counts, 50, 90)).one()
    if overall.p50 is not None:
        ranks[OVERALL] = (overall.p50, overall.p90)
    return ranks


def _figures(code: str, name: str, sums: _Sums, ranks: tuple | None) -> Figures:
    figures = Figures(bundle=code, name=name, applications=sums.applications,
                      concluded=sums.concluded, paused_days=sums.paused_days)
    if not sums.applications:
        return figures
    figures.online_share = _share(sums.online, sums.applications)
    figures.exemption_share = _share(sums.exempt, sums.materials)
    figures.corrections_per_application = round(sums.corrections / sums.applications, 2)
    if sums.delivered:
        figures.visits_per_application = round(sums.visits / sums.delivered, 2)
        figures.fully_online_share = _share(sums.fully_online, sums.delivered)
    if not sums.concluded:
        return figures
    figures.median_turnaround, figures.p90_turnaround = (float(rank) for rank in ranks)
    figures.on_time_committed = _share(sums.on_time_committed, sums.concluded)
    figures.on_time_statutory = _share(sums.on_time_statutory, sums.lawful)
    if sums.sourced:
        figures.standalone_limit = round(sums.sourced_alone / sums.sourced, 1)
        figures.time_reduction = round(1 - sums.sourced_turnaround / sums.sourced_alone, 3)
    return figures


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


# --- departments -------------------------------------------------------------------------------


@dataclass
class DepartmentFigures:
    department: str
    name: str
    decided: int = 0
    approved: int = 0
    on_time_committed: float | None = None
    on_time_statutory: float | None = None
    overdue_now: int = 0


@dataclass
class _Decisions:
    decided: int = 0
    approved: int = 0
    on_time_committed: int = 0
    lawful: int = 0
    on_time_statutory: int = 0

    def add(self, row) -> None:
        for name in rollup.DECISION_SUMS:
            setattr(self, name, getattr(self, name) + getattr(row, name))


def department_stats(period: Period, today: date,
                     departments: frozenset[str] | None = None) -> list[DepartmentFigures]:
    """Per department, over the items it decided in the period, and its items overdue today;
    only ``departments`` where given."""
    item = ApplicationItem
    scope = [item.department_code.in_(departments)] if departments is not None else []
    decided: dict[str, _Decisions] = defaultdict(_Decisions)
    for row in rollup.decisions_by_department(period, departments):
        decided[row.department_code].add(row)
    overdue = dict(db.session.execute(
        select(item.department_code, func.count())
        .where(item.state.in_(ITEM_RUNNING), item.committed_due < today, *scope)
        .group_by(item.department_code)).all())
    codes = set(decided) | set(overdue)
    names = dict(db.session.execute(select(Department.code, Department.name)
                                    .where(Department.code.in_(codes))).all())
    result = []
    for code in sorted(codes, key=lambda each: names.get(each, each)):
        sums = decided.get(code)
        figures = DepartmentFigures(code, names.get(code, code), overdue_now=overdue.get(code, 0))
        if sums is not None:
            figures.decided, figures.approved = sums.decided, sums.approved
            figures.on_time_committed = _share(sums.on_time_committed, sums.decided)
            figures.on_time_statutory = _share(sums.on_time_statutory, sums.lawful)
        result.append(figures)
    return result


# --- week by week ------------------------------------------------------------------------------


@dataclass
class Week:
    monday: date
    received: int = 0
    concluded: int = 0
    overdue: dict[str, int] = field(default_factory=dict)  # by department


def weekly_trends(period: Period, today: date,
                  departments: frozenset[str] | None = None) -> list[Week]:
    """Received and concluded applications (only when ``departments`` is None: the whole
    county's) and overdue items per department, counted per day in SQL, then per week."""
    weeks: dict[date, Week] = {}

    def week_of(day) -> Week:
        day = date.fromisoformat(day) if isinstance(day, str) else day
        monday = day - timedelta(days=day.weekday())
        return weeks.setdefault(monday, Week(monday))

    app, item = Application, ApplicationItem
    if departments is None:
        for day, count in rollup.received_by_day(period, rollup.stale_received(period)).items():
            week_of(day).received += count
        for day, count in db.session.execute(
                select(app.concluded_on, func.count())
                .where(app.concluded_on.is_not(None), *period.holds_day(app.concluded_on))
                .group_by(app.concluded_on)):
            week_of(day).concluded += count
    # Late: decided after the committed day, or running past it. Both have a committed day
    # before today (nothing is decided in the future), so the late items' index, its condition
    # written out as the index has it, holds exactly the rows to count.
    late = text(f"({LATE_CONDITION[db.session.get_bind().dialect.name]})")
    scope = [item.department_code.in_(departments)] if departments is not None else []
    for department, day, count in db.session.execute(
            select(item.department_code, item.committed_due, func.count())
            .where(late, item.committed_due < today, *scope,
                   *period.holds_day(item.committed_due))
            .group_by(item.department_code, item.committed_due)):
        overdue = week_of(day).overdue
        overdue[department] = overdue.get(department, 0) + count
    return [weeks[monday] for monday in sorted(weeks)]


# --- ratings (好差评) --------------------------------------------------------------------------


def rating_stats(period: Period, departments: frozenset[str] | None = None) -> dict:
    """Each grade's count, the bad ratings with their follow-ups, and how many are open."""
    scope = [exists().where(ApplicationItem.application_id == Rating.application_id,
                            ApplicationItem.department_code.in_(departments))
             ] if departments is not None else []
    where = [*period.holds(Rating.created_at), *scope]
    grades = dict(db.session.execute(select(Rating.grade, func.count()).where(*where)
                                     .group_by(Rating.grade)).all())
    bad = db.session.execute(
        select(Rating, Application.number, Bundle.name)
        .join(Application, Application.id == Rating.application_id)
        .join(Bundle, Bundle.code == Application.bundle_code)
        .where(Rating.grade.in_(BAD_GRADES), *where)
        .order_by(Rating.created_at.desc())).all()
    follow_ups = defaultdict(list)
    for follow_up in db.session.scalars(
            select(RatingFollowUp).where(RatingFollowUp.rating_id.in_([row.Rating.id
                                                                       for row in bad]))
            .order_by(RatingFollowUp.created_at, RatingFollowUp.id)):
        follow_ups[follow_up.rating_id].append(follow_up)
    listed = [{"rating": row.Rating, "number": row.number, "bundle": row.name,
               "follow_ups": follow_ups[row.Rating.id],
               "open": all(each.status != FollowUpStatus.RESOLVED
                           for each in follow_ups[row.Rating.id])} for row in bad]
    total = sum(grades.values())
    return {"total": total,
            "grades": {grade: grades.get(grade, 0) for grade in range(5, 0, -1)},
            "shares": {grade: _share(grades.get(grade, 0), total) for grade in range(5, 0, -1)},
            "bad": listed,
            "open_follow_ups": sum(entry["open"] for entry in listed)}


class RatingNotFound(Exception):
    pass


class NotABadRating(Exception):
    pass


def follow_up(rating_id: int, status: FollowUpStatus, note: str, user: User,
              departments: frozenset[str] | None = None,
              now: datetime | None = None) -> RatingFollowUp:
    """Record what was done about a bad rating; only flushes.

    Raises:
        RatingNotFound: no such rating, or not one of ``departments``' applications.
        NotABadRating: only grades 1 and 2 are followed up.
    """
    query = select(Rating).where(Rating.id == rating_id)
    if departments is not None:
        query = query.where(exists().where(
            ApplicationItem.application_id == Rating.application_id,
            ApplicationItem.department_code.in_(departments)))
    rating = db.session.scalar(query)
    if rating is None:
        raise RatingNotFound(rating_id)
    if rating.grade not in BAD_GRADES:
        raise NotABadRating(rating_id)
    record = RatingFollowUp(rating_id=rating.id, status=status, note=note, user_id=user.id,
                            created_at=now or utcnow())
    db.session.add(record)
    db.session.flush()
    return record
