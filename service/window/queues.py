"""What waits at the window, and finding an application: reads only.

Three queues, each against the window's own limit in working days: applications waiting for
the intake decision (5 days to send a correction notice, 行政许可法 art. 32), applications waiting
for the applicant's correction (the notice's day), results waiting to be handed out (10 days,
art. 44). The oldest first: they are the most urgent. Applications submitted online wait in
the first queue like the others, for the window's pre-review (预审), and may be listed alone.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import func, or_, select
from sqlalchemy.orm import raiseload

from ..applications.models import Application, Event
from ..catalog.operations import bundle_names
from ..core.database import db
from ..engine import identifiers
from ..engine.calendar import WorkingCalendar, local_date
from ..engine.deadlines import DELIVERY_DAYS, intake_notice_due, level, short_limit_level
from ..engine.states import ApplicationState, Channel, EventKind, Level


class Queue(StrEnum):
    INTAKE = "intake"  # 待受理: submitted, online or at the window
    CORRECTION = "correction"  # 待补正
    DELIVERY = "delivery"  # 待送达


QUEUE_STATES = {
    Queue.INTAKE: ApplicationState.SUBMITTED,
    Queue.CORRECTION: ApplicationState.CORRECTION,
    Queue.DELIVERY: ApplicationState.CONCLUDED,
}
_QUEUE_OF_STATE = {state: queue for queue, state in QUEUE_STATES.items()}


@dataclass(frozen=True)
class Row:
    application: Application
    bundle_name: str
    due: date | None  # the window's limit for what the application waits for; None: nothing
    level: Level | None

    @property
    def prereview(self) -> bool:
        """Submitted online, waiting for the window's pre-review (网上申请 · 待预审)."""
        return (self.application.channel == Channel.ONLINE
                and self.application.state == ApplicationState.SUBMITTED)


@dataclass(frozen=True)
class Counts:
    queues: dict[Queue, int]
    online_intake: int  # of the intake queue, those submitted online (待预审)


def counts() -> Counts:
    rows = db.session.execute(
        select(Application.state, Application.channel, func.count())
        .where(Application.state.in_(QUEUE_STATES.values()))
        .group_by(Application.state, Application.channel))
    found = dict.fromkeys(Queue, 0)
    online_intake = 0
    for state, channel, count in rows:
        found[_QUEUE_OF_STATE[state]] += count
        if state == ApplicationState.SUBMITTED and channel == Channel.ONLINE:
            online_intake = count
    return Counts(found, online_intake)


def waiting(queue: Queue, calendar: WorkingCalendar, today: date, offset: int = 0,
            limit: int = 20, channel: Channel | None = None) -> tuple[list[Row], int]:
    """A page of the queue (of one channel's applications only, with ``channel``), the oldest
    first, and how many wait in all."""
    query = select(Application).where(Application.state == QUEUE_STATES[queue])
    if channel is not None:
        query = query.where(Application.channel == channel)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = _applications(query.order_by(Application.id).offset(offset).limit(limit))
    return standing(page, calendar, today), total


def search(text: str, calendar: WorkingCalendar, today: date, offset: int = 0,
           limit: int = 20) -> tuple[list[Row], int]:
    """Applications by number, ID number or phone (exact) or name (its first characters),
    the newest first."""
    conditions = _search_conditions(text.strip())
    if not conditions:
        return [], 0
    query = select(Application).where(or_(*conditions))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = _applications(query.order_by(Application.id.desc()).offset(offset).limit(limit))
    return standing(page, calendar, today), total


def recent(user_id: int, calendar: WorkingCalendar, today: date, limit: int = 8) -> list[Row]:
    """The applications ``user_id`` last acted on, the latest first."""
    latest = db.session.scalars(
        select(Event.application_id).where(Event.actor_user_id == user_id)
        .order_by(Event.id.desc()).limit(limit * 10))
    ids = list(dict.fromkeys(latest))[:limit]
    found = {application.id: application for application in _applications(
        select(Application).where(Application.id.in_(ids)))}
    return standing([found[each] for each in ids if each in found], calendar, today)


_NUMBER = re.compile(r"^\d{14}$")


def _search_conditions(text: str) -> list:
    if not text:
        return []
    compact = re.sub(r"[\s-]", "", text).upper()
    conditions = []
    if _NUMBER.match(compact):
        conditions.append(Application.number == compact)
    for check in (identifiers.resident_id, identifiers.credit_code):
        with suppress(identifiers.InvalidIdentifier):
            conditions.append(Application.applicant_id_number == check(compact))
    with suppress(identifiers.InvalidIdentifier):
        conditions.append(Application.contact_phone == identifiers.phone(text))
    if not conditions:  # not a number of any kind: a name
        conditions.append(Application.applicant_name.startswith(text, autoescape=True))
    return conditions


def _applications(query) -> list[Application]:
    # Lists show neither items nor the bundle's definition (kilobytes of JSON a row): neither is
    # loaded; ``standing`` reads the bundles' names.
    return list(db.session.scalars(query.options(raiseload(Application.items),
                                                 raiseload(Application.bundle_version))))


def standing(applications: list[Application], calendar: WorkingCalendar,
             today: date) -> list[Row]:
    """Each application with the window's limit for what it waits for (for one in process, its
    committed deadline), and today's level."""
    notices = _correction_due(application.id for application in applications
                              if application.state == ApplicationState.CORRECTION)
    names = bundle_names(application.bundle_code for application in applications)
    rows = []
    for application in applications:
        due = None
        if application.state == ApplicationState.SUBMITTED:
            due = intake_notice_due(calendar, local_date(application.created_at))
        elif application.state == ApplicationState.CORRECTION:
            due = notices.get(application.id)
        elif application.state == ApplicationState.CONCLUDED:
            due = calendar.add_working_days(local_date(application.concluded_at), DELIVERY_DAYS)
        elif application.state == ApplicationState.PROCESSING and application.committed_due:
            rows.append(Row(application, names[application.bundle_code],
                            application.committed_due,
                            level(today, application.committed_due, application.yellow_on)))
            continue
        rows.append(Row(application, names[application.bundle_code], due,
                        short_limit_level(calendar, due, today) if due else None))
    return rows


def _correction_due(ids) -> dict[int, date]:
    """The day each application's latest correction notice at intake asks for."""
    ids = list(ids)
    if not ids:
        return {}
    events = db.session.execute(
        select(Event.application_id, Event.data)
        .where(Event.application_id.in_(ids), Event.item_code.is_(None),
               Event.trigger == EventKind.REQUEST_CORRECTION)
        .order_by(Event.id))
    due = {}
    for application_id, data in events:
        if data.get("due_on"):
            due[application_id] = date.fromisoformat(data["due_on"])
    return due
