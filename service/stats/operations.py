"""Turnaround, punctuality and the time the bundling saves, from the applications' clocks."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import func, select

from ..applications.models import Application, Visit
from ..catalog.models import BundleVersion
from ..catalog.operations import machine_for
from ..core.database import db
from ..engine.calendar import WorkingCalendar, local_date
from ..engine.states import ApplicationState, Channel
from ..workdays.operations import calendar_for_years


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
    paused_days: int = 0  # working days the clocks stood still, over all applications
    # Over the applications whose every item has a statutory limit: no other is sourced.
    standalone_limit: float | None = None  # mean sum of the items' statutory limits
    time_reduction: float | None = None  # 1 - turnaround / standalone limits
    online_share: float | None = None
    exemption_share: float | None = None  # materials replaced by electronic certificates
    # Of the delivered applications: the visits to the window each took, on average, and the
    # share that took none from submission to delivery (fully online, 全程网办).
    visits_per_application: float | None = None
    fully_online_share: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def turnaround_stats(since: date | None = None, until: date | None = None) -> dict:
    """Figures per bundle and overall, for applications received between the two days."""
    visits = (select(func.count(Visit.id)).where(Visit.application_id == Application.id)
              .correlate(Application).scalar_subquery())
    query = select(Application.bundle_code, Application.bundle_version_id, Application.channel,
                   Application.accepted_on, Application.concluded_at,
                   Application.committed_due, Application.statutory_due,
                   Application.paused_days, Application.created_at, Application.state,
                   visits.label("visits"))
    rows = [row for row in db.session.execute(query)
            if (since is None or local_date(row.created_at) >= since)
            and (until is None or local_date(row.created_at) <= until)]
    versions = {version.id: version for version in db.session.scalars(
        select(BundleVersion).where(BundleVersion.id.in_({row.bundle_version_id
                                                           for row in rows})))}
    days = [row.accepted_on for row in rows if row.accepted_on] + [
        local_date(row.concluded_at) for row in rows if row.concluded_at]
    calendar = calendar_for_years(min(days).year, max(days).year) if days else None
    groups: dict[str, list] = defaultdict(list)
    for row in rows:
        groups[row.bundle_code].append(row)
    bundles = [_figures(code, versions[group[0].bundle_version_id].definition["name"], group,
                        versions, calendar)
               for code, group in sorted(groups.items())]
    overall = _figures("all", "全部", rows, versions, calendar)
    return {"bundles": [figures.as_dict() for figures in bundles], "overall": overall.as_dict()}


def _figures(code: str, name: str, rows: list, versions: dict,
             calendar: WorkingCalendar | None) -> Figures:
    figures = Figures(bundle=code, name=name, applications=len(rows))
    if not rows:
        return figures
    figures.online_share = _share(sum(row.channel == Channel.ONLINE for row in rows), len(rows))
    materials = [versions[row.bundle_version_id].definition["materials"] for row in rows]
    figures.exemption_share = _share(sum(material["exempt"] for listed in materials
                                         for material in listed),
                                     sum(len(listed) for listed in materials))
    figures.paused_days = sum(row.paused_days for row in rows)
    delivered = [row for row in rows if row.state == ApplicationState.DELIVERED]
    if delivered:
        figures.visits_per_application = round(statistics.mean(row.visits for row in delivered),
                                               2)
        figures.fully_online_share = _share(sum(row.visits == 0 for row in delivered),
                                            len(delivered))
    done = [row for row in rows if row.concluded_at and row.accepted_on]
    figures.concluded = len(done)
    if not done:
        return figures
    concluded_on = {id(row): local_date(row.concluded_at) for row in done}
    turnarounds = [calendar.count_working_days(row.accepted_on, concluded_on[id(row)])
                   for row in done]
    standalone = {id(row): machine_for(versions[row.bundle_version_id]).bundle.standalone_limit()
                  for row in done}
    figures.median_turnaround = statistics.median(turnarounds)
    figures.p90_turnaround = (statistics.quantiles(turnarounds, n=10, method="inclusive")[8]
                              if len(turnarounds) > 1 else float(turnarounds[0]))
    figures.on_time_committed = _share(sum(concluded_on[id(row)] <= row.committed_due
                                           for row in done), len(done))
    # A bundle of service commitments alone has no statutory deadline: never lawful or not.
    lawful = [row for row in done if row.statutory_due is not None]
    figures.on_time_statutory = _share(sum(concluded_on[id(row)] <= row.statutory_due
                                           for row in lawful), len(lawful))
    sourced = [(turnaround, standalone[id(row)])
               for row, turnaround in zip(done, turnarounds, strict=True)
               if standalone[id(row)] is not None]
    if sourced:
        figures.standalone_limit = round(statistics.mean(limit for _, limit in sourced), 1)
        figures.time_reduction = round(
            1 - sum(turnaround for turnaround, _ in sourced) / sum(limit for _, limit in sourced),
            3)
    return figures


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None
