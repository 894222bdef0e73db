"""A month of demo applications, played through the real operations at past dates.

Every step goes through the same operations the API uses, at the moment it would have happened,
so the clocks, warnings and statistics that come out are the engine's own. The random choices
(channel, correction, how long each department takes, pauses) come from a seeded generator.

Once the month is played, most delivered applications are rated (好差评) a little after their
delivery, through the portal's own operation, and the demo supervisor follows up the older bad
ratings, leaving the newest open. The grades are shares of the rated applications, handed out
from the best experience to the worst (late, or sent back for corrections, with chance mixed
in), so a month of any size shows mostly 5 and 4, a few 3 and a few bad ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ..access.models import User
from ..applications import operations
from ..applications.models import Rating
from ..applications.ratings import BAD_GRADES, rate
from ..catalog.operations import list_bundles, machine_for
from ..core.database import db
from ..engine.actors import APPLICANT, Actor
from ..engine.bundle import Bundle
from ..engine.calendar import SHANGHAI, WorkingCalendar
from ..engine.states import ApplicationState, Channel, DeliveryMethod, FollowUpStatus, Trigger
from ..stats.operations import RatingNotFound, follow_up
from .samples import answers_for, applicant_for, approval_for

ONLINE_SHARE = 0.76  # the county handles 76.24% fully online
DELIVERY_SHARES = {  # how results reach the applicant, by the channel applied through
    Channel.ONLINE: {DeliveryMethod.ELECTRONIC: 0.8, DeliveryMethod.POST: 0.2},
    Channel.WINDOW: {DeliveryMethod.WINDOW: 0.7, DeliveryMethod.POST: 0.3},
}
RATED_SHARE = 0.75  # of the delivered applications, those whose applicant rates the service
# Shares of the rated applications, the best experiences first; 5 takes what is left. From five
# ratings on, at least one 3 and one bad rating (1 or 2).
GRADE_SHARES = {4: 0.24, 3: 0.06, "bad": 0.1}
PRAISE = ["一次就办好了，不用来回跑", "网上提交很方便，进度随时能查", "窗口工作人员很耐心",
          "比以前快多了", "材料一次说清楚，省了不少事"]
FAIR = ["办好了，就是等的时间有点长", "材料清单有些看不懂，问了才明白"]
# A bad rating's comment, by what went wrong, with the supervisor's call-back and what was done.
COMPLAINTS = {
    "corrected": ("材料要求没有一次说清楚，又跑了一趟", "已电话回访，向申请人致歉并说明补正要求",
                  "已修订一次性告知书，每项材料的要求逐条写明"),
    "late": ("超过承诺时限才办结，中间没人告知进度", "已电话回访，说明延误原因并致歉",
             "已要求承办部门临近期限时主动告知申请人办理进度"),
    "post": ("邮寄的证照比说好的晚到了好几天", "已电话回访，核实邮寄情况并致歉",
             "已与寄递企业约定当日揽收，并在状态页显示运单号"),
    Channel.WINDOW: ("窗口排队时间太长", "已电话回访，了解等候情况并致歉",
                     "已在上午高峰时段增开一个综合窗口"),
    Channel.ONLINE: ("网上办理页面看不懂，咨询电话也没人接", "已电话回访，指导申请人查看办理进度",
                     "已安排专人接听咨询电话，并在页面补充填写说明"),
}


@dataclass(frozen=True)
class Delivered:
    """A delivered application of the history, and what its applicant went through."""

    number: str
    at: datetime
    complaint: str  # the key in COMPLAINTS of what a bad rating of it would say
    trouble: int  # 0 to 2: concluded late, sent back for corrections


@dataclass
class HistoryReport:
    created: int = 0
    states: dict[str, int] = field(default_factory=dict)
    delivered: list[Delivered] = field(default_factory=list)
    grades: dict[int, int] = field(default_factory=dict)
    followed_up: int = 0  # bad ratings with a follow-up
    open_bad: int = 0  # bad ratings not resolved


@dataclass(frozen=True)
class Cast:
    """Who plays the history: the window's clerk and the departments' reviewer."""

    clerk: Actor
    reviewer: Actor


def play_history(today: date, days: int, per_day: int, calendar: WorkingCalendar, *,
                 clerk: Actor, reviewer: Actor, supervisor: User | None = None,
                 seed: int = 7) -> HistoryReport:
    """Applications received on each of the last ``days`` working days before ``today``; then
    their ratings, and ``supervisor``'s follow-ups of the bad ones (none without one)."""
    rng = random.Random(seed)
    bundles = [machine_for(version).bundle for _, version in list_bundles()]
    report = HistoryReport()
    received = calendar.subtract_working_days(today, days)
    while received < today:
        if calendar.is_working_day(received):
            for _ in range(rng.randint(1, per_day)):
                state = _play_one(rng.choice(bundles), received, today, calendar, rng,
                                  Cast(clerk, reviewer), report, serial=report.created + 100)
                report.created += 1
                report.states[state] = report.states.get(state, 0) + 1
        received += timedelta(days=1)
    bad = _rate(report, today, calendar, rng)
    report.open_bad = len(bad)
    if supervisor is not None:
        _follow_up(bad, supervisor, report, datetime.combine(today, time(), SHANGHAI))
    return report


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)), SHANGHAI)


def _play_one(bundle: Bundle, received: date, today: date, calendar: WorkingCalendar,
              rng: random.Random, cast: Cast, report: HistoryReport, serial: int) -> str:
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
            late = bool(application.committed_due
                        and application.concluded_on > application.committed_due)
            report.delivered.append(Delivered(
                number, delivered,
                complaint=("late" if late else "corrected" if missing
                           else "post" if delivery == DeliveryMethod.POST else channel),
                trouble=late + bool(missing)))
    return application.state


def _rate(report: HistoryReport, today: date, calendar: WorkingCalendar,
          rng: random.Random) -> list[tuple]:
    """Most delivered applications rated, each a little after its delivery and before
    ``today``, in the order they were rated; the bad ratings, oldest first, with their
    complaint."""
    rated = []
    for delivered in report.delivered:
        when = _later(calendar.add_working_days(delivered.at.date(), rng.choice([0, 0, 1, 1, 2])),
                      delivered.at, rng)
        if rng.random() < RATED_SHARE and when.date() < today:
            rated.append((delivered, when))
    # The best experiences first: the trouble an applicant had, and chance.
    rated.sort(key=lambda each: each[0].trouble * 0.4 + rng.random())
    grades = _grades(len(rated), rng)
    bad = []
    for (delivered, when), grade in sorted(zip(rated, grades, strict=True),
                                           key=lambda pair: pair[0][1]):
        if grade in BAD_GRADES:
            comment = COMPLAINTS[delivered.complaint][0]
        elif grade == 3:
            comment = rng.choice(FAIR)
        else:
            comment = rng.choice(PRAISE) if rng.random() < 0.3 else None
        rating = rate(operations.lock(delivered.number), grade, comment, now=when)
        report.grades[grade] = report.grades.get(grade, 0) + 1
        if grade in BAD_GRADES:
            bad.append((rating.id, delivered.complaint))
    return bad


def _grades(count: int, rng: random.Random) -> list[int]:
    """``count`` grades by GRADE_SHARES, the best first."""
    def share(key) -> int:
        least = 1 if key in (3, "bad") and count >= 5 else 0
        return max(least, round(count * GRADE_SHARES[key]))

    bad = [2 if rng.random() < 0.6 else 1 for _ in range(share("bad"))]
    fours, threes = share(4), share(3)
    return [5] * (count - fours - threes - len(bad)) + [4] * fours + [3] * threes + sorted(
        bad, reverse=True)


def _follow_up_plan(bad: list[tuple]) -> list[tuple[int, str, bool]]:
    """The bad ratings followed up (id, complaint, resolved), oldest first: all but the newest
    are called back; the one before the newest is still being settled unless it is the oldest,
    the older are resolved."""
    return [(rating_id, complaint, index == 0 or index < len(bad) - 2)
            for index, (rating_id, complaint) in enumerate(bad[:-1])]


def _follow_up(bad: list[tuple], supervisor: User, report: HistoryReport,
               present: datetime) -> None:
    """The supervisor's call-backs, each of an application of one of their departments."""
    for rating_id, complaint, resolved in _follow_up_plan(bad):
        _, contacted, settled = COMPLAINTS[complaint]
        rated_at = db.session.get(Rating, rating_id).created_at
        # Called back within hours, settled the next day; never after the demo's present.
        called, closed = (min(rated_at + timedelta(hours=hours), present) for hours in (3, 24))
        try:
            follow_up(rating_id, FollowUpStatus.CONTACTED, contacted, supervisor,
                      departments=supervisor.department_codes, now=called)
        except RatingNotFound:
            continue  # none of the supervisor's departments: another head calls back
        report.followed_up += 1
        if resolved:
            follow_up(rating_id, FollowUpStatus.RESOLVED, settled, supervisor,
                      departments=supervisor.department_codes, now=closed)
            report.open_bad -= 1


def _later(day: date, after: datetime, rng: random.Random) -> datetime:
    """A moment on ``day``, and after ``after``."""
    return max(_at(day, rng), after + timedelta(minutes=rng.randint(10, 120)))
