"""A county's year of applications in PostgreSQL, and pages timed over it: what the page
benchmarks share (``window_lists.py``, the window clerk's pages; ``review_lists.py``, the
departments' pages).

Seeding. A database created for the run (and dropped at the end, also on failure) is migrated,
the county catalog (``workflows/``) published, the holiday calendar seeded, eight clerks and four
reviewers (of every department) created. N applications are then written straight into
``applications``, ``application_items`` and ``events`` with COPY: received over the last twelve
months, in the states a year leaves them, each with the history that brought it there (the
docstring of ``window_lists.py`` gives the shares). Ids and numbers follow the time of receipt,
so the newest rows are at the end of every primary key. Then VACUUM ANALYZE.

Timing. A page is requested through Flask's test client, signed in, 3 times to warm up and then
R times: the server time of each (``client.get``, in process), the statements it sent and their
time in the database; for a slow page, its slowest statements under EXPLAIN (ANALYZE, BUFFERS).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, partial
from types import SimpleNamespace
from typing import NamedTuple
from urllib.parse import urlencode

import psycopg
from advance import POSTGRES_URL, print_table
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event
from werkzeug.security import generate_password_hash

from service.access.operations import create_user
from service.access.roles import Role
from service.applications.events import event_fields
from service.audit.chain import seal
from service.catalog.definitions import load_catalog
from service.catalog.operations import list_bundles, machine_for, publish
from service.core.config import DEFAULT_REMEDIES, PROJECT_ROOT
from service.core.database import db, utcnow
from service.demo.history import DELIVERY_SHARES, ONLINE_SHARE
from service.demo.samples import answers_for, approval_for, credit_code, resident_id
from service.engine.actors import APPLICANT, SYSTEM, Actor, staff
from service.engine.bundle import Bundle, Item
from service.engine.calendar import local_date
from service.engine.deadlines import Deadlines, deadlines
from service.engine.machine import outcome_of
from service.engine.states import (
    ITEM_FINAL,
    ApplicantKind,
    ApplicationState,
    AutomaticTrigger,
    Bookkeeping,
    Channel,
    DeliveryMethod,
    ItemState,
    Trigger,
)
from service.workdays.operations import calendar_around, seed_from_library

TARGET_MS = 100
PASSWORD = "bench-password-1"
CLERKS, REVIEWERS = 8, 4
WARM_UP = 3
APPLICATIONS_PER_COPY = 5_000  # one transaction and one progress line each
SLOWEST_EXPLAINED = 3

# Where a county's year of applications stands on a given day.
STATE_SHARES = {
    ApplicationState.DELIVERED: 0.85,
    ApplicationState.PROCESSING: 0.04,
    ApplicationState.CONCLUDED: 0.03,
    ApplicationState.SUBMITTED: 0.02,
    ApplicationState.CORRECTION: 0.02,
    ApplicationState.REFUSED: 0.02,
    ApplicationState.WITHDRAWN: 0.02,
}
CORRECTED_SHARE = 0.1  # of the applications accepted, those accepted after a correction notice
REFUSED_AFTER_NOTICE_SHARE = 0.5
DENIED_SHARE = 1 / 12  # applications with an item denied
LATE_SHARE = 0.15  # items decided a few days past their committed limit
YEAR = timedelta(days=365)

# The commonest surnames with their share in percent (2020 census), then others less common.
COMMON_SURNAMES = {"王": 7.1, "李": 7.0, "张": 6.7, "刘": 5.4, "陈": 4.5, "杨": 3.1, "黄": 2.2,
                   "赵": 2.0, "吴": 1.9, "周": 1.9}
OTHER_SURNAMES = ("徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
                  "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
                  "毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN_NAME_CHARACTERS = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍"
                         "红玲建国志文斌宇浩然欣怡涵轩晨阳琪婷峰燕梅")
TRADE_NAME_CHARACTERS = "恒通鑫源华泰宏达金盛永兴瑞丰祥和顺安佳美天成"
TRADES = ("商贸", "科技", "建筑工程", "餐饮管理", "物流", "农业开发", "医药连锁", "物业服务")

APPLICATION_COLUMNS = (
    "id", "number", "bundle_version_id", "bundle_code", "state", "outcome", "channel",
    "applicant_kind", "applicant_name", "applicant_id_number", "contact_phone", "form",
    "materials_handed_in", "materials_missing", "delivery_method", "tracking_number",
    "query_code_hash", "created_at", "updated_at", "accepted_on", "correction_notice_late",
    "committed_due", "statutory_due", "yellow_on", "due_provisional", "predicted_on",
    "paused_days", "concluded_at", "lock_version", "chain_seq", "chain_head")
ITEM_COLUMNS = (
    "id", "application_id", "item_code", "department_code", "position", "state", "opened_at",
    "decided_at", "reason", "clock_started_on", "committed_due", "statutory_due", "yellow_on",
    "due_provisional", "paused_days", "extension_days", "warned_level")
EVENT_COLUMNS = ("id", "application_id", "item_code", "trigger", "from_state", "to_state",
                 "actor_kind", "actor_user_id", "reason", "data", "created_at", "seq",
                 "chain_hash")


def days(count: float) -> timedelta:
    return timedelta(days=count)


def minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


# --- The county's year: who applies, and what happened to each application --------------------


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str
    phone: str


class Applicants:
    """The county's residents and companies, some of whom apply more than once a year."""

    def __init__(self, rng: random.Random, applications: int):
        self.rng = rng
        self.population = max(applications * 4 // 5, 1)
        self.known: dict[tuple[ApplicantKind, int], Applicant] = {}
        self.surnames = [*COMMON_SURNAMES, *OTHER_SURNAMES]
        self.surname_weights = [*COMMON_SURNAMES.values(), *[0.5] * len(OTHER_SURNAMES)]

    def draw(self, kind: ApplicantKind) -> Applicant:
        key = (kind, self.rng.randrange(self.population))
        if key not in self.known:
            self.known[key] = (self._person(key[1]) if kind == ApplicantKind.PERSON
                               else self._company(key[1]))
        return self.known[key]

    def _person(self, serial: int) -> Applicant:
        rng = self.rng
        name = (rng.choices(self.surnames, self.surname_weights)[0]
                + "".join(rng.choices(GIVEN_NAME_CHARACTERS, k=rng.choice((1, 2)))))
        birth = f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        return Applicant(name, resident_id(serial, birth=birth), self._phone())

    def _company(self, serial: int) -> Applicant:
        name = ("县" + "".join(self.rng.sample(TRADE_NAME_CHARACTERS, 2))
                + self.rng.choice(TRADES) + "有限公司")
        return Applicant(name, credit_code(serial), self._phone())

    def _phone(self) -> str:
        return f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"


@dataclass(frozen=True)
class Staff:
    clerks: tuple[int, ...]  # user ids; the first is the clerk whose pages are measured
    reviewers: tuple[int, ...]


class PlannedEvent(NamedTuple):  # a tuple: millions are made
    after: timedelta  # since the application was received
    trigger: str  # an EventKind
    to_state: str
    from_state: str | None = None
    item: str | None = None
    actor: Actor = SYSTEM
    reason: str | None = None
    data: str = "{}"  # JSON text, as COPY takes it


@dataclass(frozen=True)
class Plan:
    """An application as it will be written: when it was received, and what happened since."""

    received: datetime
    state: ApplicationState
    bundle: Bundle
    channel: Channel
    delivery_method: DeliveryMethod
    applicant: Applicant
    events: list[PlannedEvent]
    missing: tuple[str, ...]  # what the correction notice it still waits on asks for


class CountyYear:
    """Plans each application's history, from its receipt to where it stands now."""

    def __init__(self, rng: random.Random, bundles: list[Bundle], team: Staff,
                 correction_days: int, now: datetime, applications: int):
        self.rng, self.bundles = rng, bundles
        self.clerks = [staff(user_id) for user_id in team.clerks]
        self.reviewers = [staff(user_id) for user_id in team.reviewers]
        self.correction_days, self.now = correction_days, now
        self.calendar = calendar_around(local_date(now))
        self.applications = applications
        self.applicants = Applicants(rng, applications)
        self.approvals = {(bundle.code, item.code): json.dumps(approval_for(bundle, item.code),
                                                               ensure_ascii=False)
                          for bundle in bundles for item in bundle.items}
        self.work_order = {bundle.code: [bundle.item(code) for code in bundle.execution_order()]
                           for bundle in bundles}

    def plans(self) -> list[Plan]:
        """The year's applications, the earliest received first."""
        states = self.rng.choices(list(STATE_SHARES), list(STATE_SHARES.values()),
                                  k=self.applications)
        return sorted((self.plan(state) for state in states), key=lambda plan: plan.received)

    def plan(self, state: ApplicationState) -> Plan:
        rng = self.rng
        bundle = rng.choice(self.bundles)
        channel = Channel.ONLINE if rng.random() < ONLINE_SHARE else Channel.WINDOW
        shares = DELIVERY_SHARES[channel]
        delivery = rng.choices(list(shares), list(shares.values()))[0]
        # What is handed in at the window the clerk records; online, the applicant.
        handed_in_by = self.clerk() if channel == Channel.WINDOW else APPLICANT
        events = [PlannedEvent(timedelta(0), Bookkeeping.SUBMIT, ApplicationState.SUBMITTED,
                               actor=handed_in_by, data=json.dumps({"channel": channel}))]
        asked_for = self.missing_materials(bundle) if self.noticed(state) else ()
        if asked_for:  # the notice's data is written once its day is known, below
            events.append(PlannedEvent(minutes(rng.randint(10, 120)), Trigger.REQUEST_CORRECTION,
                                       ApplicationState.CORRECTION, ApplicationState.SUBMITTED,
                                       actor=self.clerk(), reason="材料不全"))
        waiting = events[-1]

        if state == ApplicationState.SUBMITTED:
            stands_for = days(rng.uniform(0, 7))
        elif state == ApplicationState.CORRECTION:
            stands_for = waiting.after + days(rng.uniform(0, 30))
        elif state in (ApplicationState.REFUSED, ApplicationState.WITHDRAWN):
            events.append(self.closing(state, waiting))
            stands_for = self.since(events[-1].after)
        else:
            if asked_for:
                events.append(PlannedEvent(
                    waiting.after + days(rng.uniform(0.5, 5)), Trigger.SUPPLEMENT,
                    ApplicationState.SUBMITTED, ApplicationState.CORRECTION, actor=handed_in_by,
                    data=json.dumps({"materials": list(asked_for), "channel": channel})))
            events, stands_for = self.worked(bundle, state, delivery, events)

        received = self.now - stands_for
        if asked_for:
            events = self.dated_notice(events, received, asked_for)
        supplied = any(each.trigger == Trigger.SUPPLEMENT for each in events)
        return Plan(received, state, bundle, channel, delivery,
                    self.applicants.draw(bundle.audience),
                    sorted(events, key=lambda each: each.after), () if supplied else asked_for)

    def noticed(self, state: ApplicationState) -> bool:
        """Whether an application now in ``state`` had a correction notice at intake."""
        if state == ApplicationState.CORRECTION:
            return True
        if state == ApplicationState.REFUSED:
            return self.rng.random() < REFUSED_AFTER_NOTICE_SHARE
        accepted = state in (ApplicationState.PROCESSING, ApplicationState.CONCLUDED,
                             ApplicationState.DELIVERED)
        return accepted and self.rng.random() < CORRECTED_SHARE

    def missing_materials(self, bundle: Bundle) -> tuple[str, ...]:
        required = [material.code for material in bundle.materials if not material.exempt]
        return tuple(self.rng.sample(required, min(len(required), self.rng.choice((1, 1, 2)))))

    def closing(self, state: ApplicationState, waiting: PlannedEvent) -> PlannedEvent:
        """The refusal or the withdrawal that ended an application at intake."""
        at = waiting.after + days(self.rng.uniform(0.1, 3))
        if state == ApplicationState.WITHDRAWN:
            return PlannedEvent(at, Trigger.WITHDRAW, state, waiting.to_state, actor=APPLICANT)
        return PlannedEvent(at, Trigger.REFUSE, state, waiting.to_state, actor=self.clerk(),
                            reason="不符合法定受理条件",
                            data=json.dumps({"remedies": DEFAULT_REMEDIES}, ensure_ascii=False))

    def worked(self, bundle: Bundle, state: ApplicationState, delivery: DeliveryMethod,
               events: list[PlannedEvent]) -> tuple[list[PlannedEvent], timedelta]:
        """Accepted, its items worked, concluded and delivered as far as ``state``; and how long
        ago it was received."""
        accepted = events[-1].after + days(self.rng.uniform(0, 1))
        events.append(PlannedEvent(accepted, Trigger.ACCEPT, ApplicationState.PROCESSING,
                                   ApplicationState.SUBMITTED, actor=self.clerk()))
        item_events, concluded = self.items(bundle, accepted)
        events += item_events
        if state == ApplicationState.PROCESSING:  # now falls while the items are worked
            stands_for = accepted + (concluded - accepted) * self.rng.random()
            return [each for each in events if each.after <= stands_for], stands_for
        final = {each.item: ItemState(each.to_state) for each in item_events}
        events.append(PlannedEvent(
            concluded, AutomaticTrigger.CONCLUDE, ApplicationState.CONCLUDED,
            ApplicationState.PROCESSING, reason=f"every item decided: {outcome_of(final).value}"))
        if state == ApplicationState.CONCLUDED:
            return events, concluded + days(self.rng.uniform(0, 15))
        delivered = concluded + days(self.rng.uniform(0.5, 5))
        events.append(PlannedEvent(delivered, Trigger.DELIVER, ApplicationState.DELIVERED,
                                   ApplicationState.CONCLUDED, actor=self.clerk(),
                                   data=json.dumps({"method": delivery})))
        return events, self.since(delivered)

    def items(self, bundle: Bundle,
              accepted: timedelta) -> tuple[list[PlannedEvent], timedelta]:
        """Each item opened once its prerequisites are approved, reviewed and decided within
        about its committed limit, or cancelled when a prerequisite was not; and when the last
        was decided."""
        rng = self.rng
        order = self.work_order[bundle.code]
        denied = rng.choice(order).code if rng.random() < DENIED_SHARE else None
        events: list[PlannedEvent] = []
        finished: dict[str, timedelta] = {}
        failed: set[str] = set()
        for item in order:
            code = item.code
            start = max([accepted, *(finished[each] for each in item.prerequisites)])
            if failed.intersection(item.prerequisites):
                failed.add(code)
                finished[code] = start
                events.append(PlannedEvent(start, AutomaticTrigger.CANCEL, ItemState.CANCELLED,
                                           ItemState.PENDING, code,
                                           reason="a prerequisite was not approved"))
                continue
            reviewer = self.reviewer()
            review = start + minutes(rng.randint(5, 90))
            took = days(rng.uniform(0, item.limits.in_working_days("committed")) * 7 / 5
                        + (rng.random() < LATE_SHARE) * rng.uniform(1, 3))
            decided = max(start + took, review + minutes(30))
            events += [
                PlannedEvent(start, AutomaticTrigger.OPEN, ItemState.OPEN, ItemState.PENDING,
                             code, reason="all prerequisites approved" if item.prerequisites
                             else None),
                PlannedEvent(review, Trigger.START_REVIEW, ItemState.REVIEWING, ItemState.OPEN,
                             code, reviewer),
            ]
            if code == denied:
                failed.add(code)
                events.append(PlannedEvent(decided, Trigger.DENY, ItemState.DENIED,
                                           ItemState.REVIEWING, code, reviewer,
                                           reason="不符合法定条件"))
            else:
                events.append(PlannedEvent(decided, Trigger.APPROVE, ItemState.APPROVED,
                                           ItemState.REVIEWING, code, reviewer,
                                           data=self.approvals[bundle.code, code]))
            finished[code] = decided
        return events, max(finished.values())

    def dated_notice(self, events: list[PlannedEvent], received: datetime,
                     asked_for: tuple[str, ...]) -> list[PlannedEvent]:
        """The events with the correction notice's data: what it asks for, and by when."""
        def dated(notice: PlannedEvent) -> PlannedEvent:
            due_on = self.calendar.add_working_days(local_date(received + notice.after),
                                                    self.correction_days)
            return notice._replace(data=json.dumps({
                "missing": [{"material": code, "note": None} for code in asked_for],
                "due_on": due_on.isoformat()}))

        return [dated(each) if each.trigger == Trigger.REQUEST_CORRECTION else each
                for each in events]

    def since(self, last: timedelta) -> timedelta:
        """How long ago an application whose last event came ``last`` after its receipt was
        received: at any time in the last year that leaves room for it."""
        return last + days(self.rng.uniform(0, max((YEAR - last).days, 0)))

    def clerk(self) -> Actor:
        return self.rng.choice(self.clerks)

    def reviewer(self) -> Actor:
        return self.rng.choice(self.reviewers)


# --- Writing the year --------------------------------------------------------------------------


class Rows:
    """Plans as rows of ``applications``, ``application_items`` and ``events``, numbered as the
    database numbers them: ids from 1, application numbers by day of receipt."""

    def __init__(self, versions: dict[str, int], yellow_share: float, now: datetime,
                 audit_key: bytes):
        self.versions = versions
        self.audit_key = audit_key  # each application's events are chained as record() does
        calendar = calendar_around(local_date(now))
        # A few hundred distinct (start, limits) pairs over a year: computed once each.
        self.deadlines = cache(partial(deadlines, calendar, yellow_share=yellow_share))
        self.forms: dict[str, str] = {}  # a bundle's answers, as JSON
        self.query_code_hash = generate_password_hash("BENCH23456", method="pbkdf2:sha256:1000")
        self.received_per_day: Counter[date] = Counter()
        self.added: Counter[str] = Counter()  # rows per table, so also the last id of each
        self.applications: list[tuple] = []
        self.items: list[tuple] = []
        self.events: list[tuple] = []

    def add(self, plan: Plan) -> str:
        """Rows for ``plan``; its application number."""
        self.added["applications"] += 1
        application_id = self.added["applications"]
        day = local_date(plan.received)
        self.received_per_day[day] += 1
        number = f"{day:%Y%m%d}{self.received_per_day[day]:06d}"
        accepted_on = concluded_at = None
        item_events: dict[str, list[tuple[PlannedEvent, datetime]]] = defaultdict(list)
        head = None
        for seq, each in enumerate(plan.events, 1):
            at = plan.received + each.after
            self.added["events"] += 1
            head = seal(self.audit_key, head, event_fields(SimpleNamespace(
                application_id=application_id, seq=seq, trigger=each.trigger,
                item_code=each.item, from_state=each.from_state, to_state=each.to_state,
                actor_kind=each.actor.kind, actor_user_id=each.actor.user_id,
                reason=each.reason, data=json.loads(each.data), created_at=at)))
            self.events.append((
                self.added["events"], application_id, each.item, each.trigger, each.from_state,
                each.to_state, each.actor.kind, each.actor.user_id, each.reason, each.data, at,
                seq, head))
            if each.item is not None:
                item_events[each.item].append((each, at))
            elif each.trigger == Trigger.ACCEPT:
                accepted_on = local_date(at)
            elif each.trigger == AutomaticTrigger.CONCLUDE:
                concluded_at = at
        bundle = plan.bundle
        states = {item.code: self._add_item(application_id, position, item,
                                            item_events[item.code])
                  for position, item in enumerate(bundle.items)}
        clock = self.deadlines(accepted_on, bundle.limits) if accepted_on else None
        finished = plan.state in (ApplicationState.CONCLUDED, ApplicationState.DELIVERED)
        delivered_by_post = (plan.state == ApplicationState.DELIVERED
                             and plan.delivery_method == DeliveryMethod.POST)
        if bundle.code not in self.forms:
            self.forms[bundle.code] = json.dumps(answers_for(bundle), ensure_ascii=False)
        materials = sorted(bundle.material_codes - set(plan.missing))
        self.applications.append((
            application_id, number, self.versions[bundle.code], bundle.code, plan.state,
            outcome_of(states) if finished else None, plan.channel, bundle.audience,
            plan.applicant.name, plan.applicant.id_number, plan.applicant.phone,
            self.forms[bundle.code], json.dumps(materials), json.dumps(list(plan.missing)),
            plan.delivery_method, f"SF{application_id:013d}" if delivered_by_post else None,
            self.query_code_hash, plan.received, plan.received + plan.events[-1].after,
            accepted_on, False, *clock_columns(clock), None, 0, concluded_at, 1,
            len(plan.events), head))
        return number

    def _add_item(self, application_id: int, position: int, item: Item,
                  events: list[tuple[PlannedEvent, datetime]]) -> ItemState:
        state, opened_at, decided_at, reason = ItemState.PENDING, None, None, None
        for each, at in events:
            state = ItemState(each.to_state)
            if state == ItemState.OPEN:
                opened_at = at
            elif state in ITEM_FINAL:
                decided_at, reason = at, each.reason
        started_on = local_date(opened_at) if opened_at else None
        clock = self.deadlines(started_on, item.limits) if started_on else None
        self.added["items"] += 1
        self.items.append((
            self.added["items"], application_id, item.code, item.department.code, position,
            state, opened_at, decided_at, reason, started_on, *clock_columns(clock), 0, 0, None))
        return state

    def copy(self, connection: psycopg.Connection) -> None:
        """Write the rows added since the last copy, in one transaction."""
        with connection.transaction(), connection.cursor() as cursor:
            for table, columns, rows in (("applications", APPLICATION_COLUMNS, self.applications),
                                         ("application_items", ITEM_COLUMNS, self.items),
                                         ("events", EVENT_COLUMNS, self.events)):
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                rows.clear()

    def finish(self, connection: psycopg.Connection) -> None:
        """Move the id sequences and the daily number counters past what was written, so the
        application could go on from here."""
        for table in ("applications", "application_items", "events"):
            if self.added[table]:
                connection.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                                   (table, self.added[table]))
        with connection.cursor().copy("COPY application_counters (day, last) FROM STDIN") as copy:
            for day, last in self.received_per_day.items():
                copy.write_row((day, last))


def clock_columns(clock: Deadlines | None) -> tuple:
    """committed_due, statutory_due, yellow_on, due_provisional: none before the clock starts."""
    if clock is None:
        return None, None, None, False
    return clock.committed_due, clock.statutory_due, clock.yellow_on, clock.provisional


@dataclass(frozen=True)
class Seeded:
    """What the pages are asked for: how many applications stand in each state, and
    applications known to be there."""

    in_state: Counter[ApplicationState]
    number: str  # the application with the longest history
    id_number: str  # a person's, who applied at least once
    phone: str


def hire_staff(departments: list[str]) -> Staff:
    def hire(username: str, name: str, role: Role, works_for: list[str] | None = None) -> int:
        return create_user(username=username, display_name=name, password=PASSWORD, role=role,
                           departments=works_for or [], by_user_id=None).id

    return Staff(
        clerks=tuple(hire(f"clerk{n}" if n else "clerk", f"窗口{n + 1}号", Role.CLERK)
                     for n in range(CLERKS)),
        reviewers=tuple(hire(f"reviewer{n}", f"审批{n + 1}号", Role.REVIEWER, departments)
                        for n in range(REVIEWERS)))


def seed(url: str, year: CountyYear, rows: Rows) -> Seeded:
    started = time.perf_counter()
    gc.disable()  # millions of small objects and no cycles: a collection would only walk them
    try:
        plans = year.plans()
        count = len(plans)
        print(f"\nplanned {count:,} applications in {time.perf_counter() - started:.1f} s")
        copying = time.perf_counter()
        longest_history, longest_number = 0, ""
        with psycopg.connect(url, autocommit=True) as connection:
            for first in range(0, count, APPLICATIONS_PER_COPY):
                for plan in plans[first:first + APPLICATIONS_PER_COPY]:
                    number = rows.add(plan)
                    if len(plan.events) > longest_history:
                        longest_history, longest_number = len(plan.events), number
                rows.copy(connection)
                added, elapsed = rows.added, time.perf_counter() - copying
                print(f"{added['applications']:>9,} applications {added['items']:>11,} items "
                      f"{added['events']:>11,} events {added.total() / elapsed:>9,.0f} rows/s")
            rows.finish(connection)
            vacuuming = time.perf_counter()
            connection.execute("VACUUM (ANALYZE)")
    finally:
        gc.enable()
    print(f"VACUUM (ANALYZE) in {time.perf_counter() - vacuuming:.1f} s; seeded in "
          f"{time.perf_counter() - started:.1f} s")
    in_state = Counter(plan.state for plan in plans)
    print("states: " + ", ".join(f"{state} {in_state[state]:,}" for state in STATE_SHARES))
    person = next(plan.applicant for plan in plans[count // 2:] + plans[:count // 2]
                  if plan.bundle.audience == ApplicantKind.PERSON)
    return Seeded(in_state, longest_number, person.id_number, person.phone)


# --- Measuring the pages ---------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    query: dict[str, str | int] = field(default_factory=dict)

    def __str__(self) -> str:
        """As the browser asks for it (percent-encoded, which also keeps the table's columns
        aligned)."""
        return self.path + ("?" + urlencode(self.query) if self.query else "")


class StatementLog:
    """The statements the app sends, each with its parameters and its time in the database."""

    def __init__(self, engine):
        self.sent: list[tuple[str, object, int]] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    @staticmethod
    def _before(connection, cursor, statement, parameters, context, executemany) -> None:
        connection.info["bench_sent_at"] = time.perf_counter_ns()

    def _after(self, connection, cursor, statement, parameters, context, executemany) -> None:
        took = time.perf_counter_ns() - connection.info.pop("bench_sent_at")
        self.sent.append((statement, parameters, took))


@dataclass
class Measured:
    page: Page
    server_ns: list[int] = field(default_factory=list)
    database_ns: list[int] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    # Each statement as sent (its text and its parameters), with every time it took.
    sent_ns: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    parameters: dict[tuple[str, str], object] = field(default_factory=dict)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.server_ns) / 1e6

    def row(self) -> list:
        p90 = statistics.quantiles(self.server_ns, n=10, method="inclusive")[8]
        return [self.page.name, str(self.page), self.median_ms, p90 / 1e6,
                statistics.median(self.database_ns) / 1e6,
                float(statistics.median(self.statements))]


def signed_in(app: Flask, username: str) -> FlaskClient:
    """A browser signed in as ``username``, as tests/access/test_pages.py signs in."""
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"signing in as {username!r}: {response.status_code}")
    return client


def fetch(client: FlaskClient, page: Page) -> None:
    response = client.get(page.path, query_string=page.query)
    if response.status_code != 200:  # a wrong answer would make the timing meaningless
        raise RuntimeError(f"{page}: {response.status_code}")


def measure(client: FlaskClient, log: StatementLog, page: Page, repeats: int) -> Measured:
    for _ in range(WARM_UP):
        fetch(client, page)
    measured = Measured(page)
    for _ in range(repeats):
        log.sent.clear()
        start = time.perf_counter_ns()
        fetch(client, page)
        measured.server_ns.append(time.perf_counter_ns() - start)
        measured.statements.append(len(log.sent))
        measured.database_ns.append(sum(took for _, _, took in log.sent))
        for statement, parameters, took in log.sent:
            key = statement, repr(parameters)
            measured.sent_ns[key].append(took)
            measured.parameters[key] = parameters
    return measured


def explain(measured: Measured) -> None:
    """The page's slowest statements under EXPLAIN (ANALYZE, BUFFERS), in short. Call in an
    app context."""
    print(f"\nEXPLAIN (ANALYZE, BUFFERS), {measured.page.name} ({measured.median_ms:.1f} ms)")
    slowest = sorted(measured.sent_ns, key=lambda key: statistics.median(measured.sent_ns[key]),
                     reverse=True)
    connection = db.session.connection()
    for key in slowest[:SLOWEST_EXPLAINED]:
        statement, parameters = key[0], measured.parameters[key]
        plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                          parameters).scalars().all()
        print(f"  {statistics.median(measured.sent_ns[key]) / 1e6:.1f} ms in the page: "
              f"{shortened(statement)}  {parameters}")
        shown = [plan[0], *(line for line in plan[1:]
                            if re.search(r"Scan|Rows Removed|Sort Method", line)), plan[-1]]
        for line in shown:
            print("    " + re.sub(r"  \(cost=[^)]*\)", "", line).strip())
    db.session.rollback()


def shortened(statement: str) -> str:
    """One line; each long list of selected columns as …"""
    statement = " ".join(statement.split())
    return re.sub(r"SELECT (.+?) FROM ", lambda columns: "SELECT " + (
        "…" if len(columns.group(1)) > 40 else columns.group(1)) + " FROM ", statement)


def build(app: Flask, url: str, applications: int, random_seed: int) -> Seeded:
    """The migrated database with the catalog, the calendar, the staff and the county's year."""
    catalog = load_catalog(PROJECT_ROOT / "workflows")
    now = utcnow()
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        publish(catalog)
        seed_from_library()
        team = hire_staff(sorted(catalog.departments))
        db.session.commit()
        published = [(machine_for(version).bundle, version.id) for _, version in list_bundles()]
        year = CountyYear(random.Random(random_seed), [bundle for bundle, _ in published], team,
                          app.config["CORRECTION_DAYS"], now, applications)
        rows = Rows({bundle.code: version_id for bundle, version_id in published},
                    app.config["WARNING_YELLOW_SHARE"], now, app.config["AUDIT_KEY"].encode())
        return seed(url, year, rows)


def try_statements(url: str, trials: list[str]) -> None:
    """The statements to try (an index, say) before the pages are measured."""
    with psycopg.connect(url, autocommit=True) as connection:
        for statement in trials:
            print(f"trying: {statement}")
            connection.execute(statement)


def arguments(description: str) -> argparse.Namespace:
    """The options every page benchmark takes."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"PostgreSQL admin URL: $BENCH_POSTGRES_URL (default {POSTGRES_URL}).")
    parser.add_argument("--applications", type=int, default=100_000,
                        help="applications to seed (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=30,
                        help="requests per page after the warm-up (default: %(default)s)")
    parser.add_argument("--explain", action="store_true",
                        help="explain the slowest statements of every page, not only the slow")
    parser.add_argument("--try", dest="trials", action="append", default=[], metavar="SQL",
                        help="run SQL after seeding, before measuring (repeatable): an index "
                             "tried without a migration")
    parser.add_argument("--seed", type=int, default=12, help="random seed (default: %(default)s)")
    args = parser.parse_args()
    if args.applications < 1 or args.repeats < 2:
        parser.error("--applications needs at least 1, --repeats 2 for a p90")
    return args


def report(app: Flask, title: str, results: list[Measured], explain_all: bool) -> None:
    """The table, the pages over the target, and the plans of their slowest statements (of
    every page with ``explain_all``)."""
    print_table(title, ["page", "request", "median ms", "p90 ms", "SQL ms", "SQL/req"],
                [measured.row() for measured in results])
    slow = [measured for measured in results if measured.median_ms > TARGET_MS]
    print(f"\nOver {TARGET_MS} ms (median): "
          + (", ".join(measured.page.name for measured in slow) or "none"))
    with app.app_context():
        for measured in results if explain_all else slow:
            explain(measured)
        db.engine.dispose()
