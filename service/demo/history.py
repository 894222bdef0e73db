"""A month of demo applications, played through the real operations at past dates.

Every step goes through the same operations the API uses, at the moment it would have happened,
so the clocks, warnings and statistics that come out are the engine's own. The random choices
(channel, correction, how long each department takes, pauses) come from a seeded generator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ..applications import operations
from ..catalog.operations import list_bundles, machine_for
from ..engine.actors import APPLICANT, Actor
from ..engine.bundle import Bundle
from ..engine.calendar import SHANGHAI, WorkingCalendar
from ..engine.states import ApplicationState, Channel, DeliveryMethod, Trigger
from .samples import answers_for, applicant_for, approval_for

ONLINE_SHARE = 0.76  # the county handles 76.24% fully online
DELIVERY_SHARES = {  # how results reach the applicant, by the channel applied through
    Channel.ONLINE: {DeliveryMethod.ELECTRONIC: 0.8, DeliveryMethod.POST: 0.2},
    Channel.WINDOW: {DeliveryMethod.WINDOW: 0.7, DeliveryMethod.POST: 0.3},
}


@dataclass
class HistoryReport:
    created: int = 0
    states: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Cast:
    """Who plays the history: the window's clerk and the departments' reviewer."""

    clerk: Actor
    reviewer: Actor


def play_history(today: date, days: int, per_day: int, calendar: WorkingCalendar, *,
                 clerk: Actor, reviewer: Actor, seed: int = 7) -> HistoryReport:
    """Applications received on each of the last ``days`` working days before ``today``."""
    rng = random.Random(seed)
    bundles = [machine_for(version).bundle for _, version in list_bundles()]
    report = HistoryReport()
    received = calendar.subtract_working_days(today, days)
    while received < today:
        if calendar.is_working_day(received):
            for _ in range(rng.randint(1, per_day)):
                state = _play_one(rng.choice(bundles), received, today, calendar, rng,
                                  Cast(clerk, reviewer), serial=report.created + 100)
                report.created += 1
                report.states[state] = report.states.get(state, 0) + 1
        received += timedelta(days=1)
    return report


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)), SHANGHAI)


def _play_one(bundle: Bundle, received: date, today: date, calendar: WorkingCalendar,
              rng: random.Random, cast: Cast, serial: int) -> str:
    missing = [code for code in sorted(bundle.material_codes) if rng.random() < 0.08]
    channel = Channel.ONLINE if rng.random() < ONLINE_SHARE else Channel.WINDOW
    # Online applicants mostly take their results electronically, the window's at the window.
    delivery = rng.choices(list(DELIVERY_SHARES[channel]),
                           weights=list(DELIVERY_SHARES[channel].values()))[0]
    application, _ = operations.create_application(
        bundle_code=bundle.code, channel=channel,
        applicant=applicant_for(bundle, serial), contact_phone="13800138000",
        form=answers_for(bundle), materials=[code for code in sorted(bundle.material_codes)
                                             if code not in missing],
        delivery_method=delivery, actor=cast.clerk, now=_at(received, rng))
    number = application.number
    day = received
    if bundle.missing_materials(set(application.materials_handed_in)):
        operations.fire(number, Trigger.REQUEST_CORRECTION, None, "材料不全", {}, cast.clerk,
                        now=_at(day, rng))
        day = calendar.add_working_days(day, rng.randint(1, 3))
        if day >= today:
            return application.state
        # Who applied at the window brings the missing materials there; the others upload them.
        operations.fire(number, Trigger.SUPPLEMENT, None, None,
                        {"materials": bundle.missing_materials(
                            set(application.materials_handed_in))},
                        cast.clerk if channel == Channel.WINDOW else APPLICANT, now=_at(day, rng))
    accepted_at = _at(day, rng)
    operations.fire(number, Trigger.ACCEPT, None, None, {}, cast.clerk, now=accepted_at)

    # Plan each item's steps, then play them in time order: parallel items interleave.
    steps: list[tuple[datetime, Trigger, str, str | None, dict]] = []
    finished: dict[str, datetime] = {}
    for code in bundle.execution_order():
        item = bundle.item(code)
        opened = max([accepted_at, *(finished[each] for each in item.prerequisites)])
        # Most departments keep their promise; some take a day or two more.
        took = rng.randint(0, item.limits.committed) + (rng.random() < 0.15) * rng.randint(1, 3)
        decided = _later(calendar.add_working_days(opened.date(), took), opened, rng)
        if decided.date() >= today:
            break  # still under review today; what depends on it waits
        review = opened + timedelta(minutes=rng.randint(5, 90))
        steps.append((review, Trigger.START_REVIEW, code, None, {}))
        if rng.random() < 0.1 and took >= 2:
            paused = _later(calendar.add_working_days(opened.date(), 1), review, rng)
            resumed = _later(calendar.add_working_days(paused.date(), rng.randint(1, 3)),
                             paused, rng)
            steps.append((paused, Trigger.PAUSE, code, "现场检测", {"cause": "inspection"}))
            steps.append((resumed, Trigger.RESUME, code, None, {}))
            decided = max(decided, resumed + timedelta(minutes=30))
            if decided.date() >= today:
                break
        steps.append((max(decided, review + timedelta(minutes=30)), Trigger.APPROVE, code,
                      None, approval_for(bundle, code, serial)))
        finished[code] = steps[-1][0]
    for when, trigger, code, reason, data in sorted(steps, key=lambda step: step[0]):
        if when.date() < today:
            operations.fire(number, trigger, code, reason, data, cast.reviewer, now=when)
    if application.state == ApplicationState.CONCLUDED:
        delivered = _later(calendar.add_working_days(max(finished.values()).date(), 1),
                           max(finished.values()), rng)
        if delivered.date() < today:
            data = ({"tracking_number": f"SF{serial:013d}"}
                    if delivery == DeliveryMethod.POST else {})
            operations.fire(number, Trigger.DELIVER, None, None, data, cast.clerk,
                            now=delivered)
    return application.state


def _later(day: date, after: datetime, rng: random.Random) -> datetime:
    """A moment on ``day``, and after ``after``."""
    return max(_at(day, rng), after + timedelta(minutes=rng.randint(10, 120)))
