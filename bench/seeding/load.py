"""A county's applications seeded into a migrated PostgreSQL database: what ``bench/seed.py``
and the page benchmarks (``bench/county_year.py``) share.

1. Through the app: the migrations, the county catalog (``workflows/``) published, the holiday
   calendar seeded, the staff created (clerks, reviewers of every department, a supervisor of
   every department who approves the extensions, an administrator, a leader).
2. The year planned in this process (``county.plan_year``) and numbered by time of receipt.
3. Chunks of consecutive applications written as COPY text by worker processes (``rows``),
   in order, while this process feeds them to one COPY per table (``bulk.BulkLoad``: the
   foreign keys and the applications' and the items' secondary indexes dropped around the
   load, then made again).
4. The sequences and daily number counters moved past what was written; VACUUM (ANALYZE).
"""

from __future__ import annotations

import multiprocessing
import random
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass
from datetime import timedelta

import psycopg
from flask import Flask
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from service.access.operations import create_user
from service.access.roles import Role
from service.catalog.definitions import load_catalog
from service.catalog.operations import list_bundles, machine_for, publish
from service.core.config import PROJECT_ROOT
from service.core.database import db, utcnow
from service.engine.calendar import local_date
from service.engine.states import ApplicantKind
from service.stats import rollup
from service.workdays.operations import calendar_around, seed_from_library

from .bulk import RESTORING, BulkLoad
from .clock import Clock, local_day
from .county import STATES, Staff, applicant, plan_year
from .rows import COLUMNS, Rows
from .shapes import BundleShape, bundle_shape
from .story import Story

PASSWORD = "bench-password-1"
QUERY_CODE = "BENCH23456"  # every seeded application's query code
CLERKS, REVIEWERS = 8, 4
CHUNK = 2_000  # applications per piece of work for a worker
PROGRESS_EVERY = 5.0  # seconds between progress lines
# The events and the results keep their indexes while they are written: their keys arrive in
# order (by application and number, by actor and id, by item), so keeping them costs about as
# much as building them again, which would read the biggest table back from the disk once per
# index after the load (100–140 s for the events' two at a million applications). The items'
# keys arrive scattered (by department, state, date): kept, their indexes made the load of a
# million take 436 s instead of 306 s (more, it seems, than their CPU: the WAL's page images of
# scattered index pages after each checkpoint, not measured), so they are built again.
KEPT_INDEXED = frozenset({"events", "item_results"})


@dataclass(frozen=True)
class Seeded:
    """What was seeded, and applications known to be there."""

    applications: int
    in_state: Counter
    rows: Counter  # per table
    number: str  # the application with the longest history
    id_number: str  # a person's, who applied at least once
    phone: str
    seconds: float  # the whole seeding, setup included
    load_seconds: float  # writing the rows


@dataclass(frozen=True)
class Context:
    """What every worker needs to write rows: set before the workers fork."""

    shapes: tuple[BundleShape, ...]
    clock: Clock
    staff: Staff
    now: int
    audit_key: bytes
    correction_days: int
    remedies: str
    random_seed: int


_context: Context | None = None
_rows: Rows | None = None


def hire_staff(departments: list[str]) -> Staff:
    def hire(username: str, name: str, role: Role, works_for: list[str] | None = None) -> int:
        return create_user(username=username, display_name=name, password=PASSWORD, role=role,
                           departments=works_for or [], by_user_id=None).id

    return Staff(
        clerks=tuple(hire(f"clerk{n}" if n else "clerk", f"窗口{n + 1}号", Role.CLERK)
                     for n in range(CLERKS)),
        reviewers=tuple(hire(f"reviewer{n}", f"审批{n + 1}号", Role.REVIEWER, departments)
                        for n in range(REVIEWERS)),
        supervisor=hire("supervisor", "分管负责人", Role.SUPERVISOR, departments),
        admin=hire("admin", "系统管理员", Role.ADMIN),
        leader=hire("leader", "县领导", Role.LEADER))


def prepare(app: Flask, random_seed: int) -> Context:
    """The migrated database with the catalog, the calendar and the staff."""
    catalog = load_catalog(PROJECT_ROOT / "workflows")
    now = utcnow().replace(microsecond=0)
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        publish(catalog)
        seed_from_library()
        staff = hire_staff(sorted(catalog.departments))
        db.session.commit()
        remedies = app.config["REMEDIES"]
        shapes = tuple(bundle_shape(index, machine_for(version).bundle, version.id, remedies)
                       for index, (_, version) in enumerate(list_bundles()))
        today = local_date(now)
        calendar = calendar_around(today)
        db.engine.dispose()  # the workers fork: no connection may cross into them
    clock = Clock(calendar, app.config["WARNING_YELLOW_SHARE"],
                  today - timedelta(days=800), today + timedelta(days=1200))
    return Context(shapes, clock, staff, int(now.timestamp()), app.config["AUDIT_KEY"].encode(),
                   app.config["CORRECTION_DAYS"], remedies, random_seed)


def _write_chunk(chunk: tuple[int, int, int, list[tuple]]) -> tuple[dict[str, bytes], tuple]:
    """In a worker: the rows of one chunk of consecutive applications."""
    global _rows
    context = _context
    if _rows is None:
        _rows = Rows(context.shapes, context.clock, context.staff, context.now,
                     context.audit_key, generate_password_hash(QUERY_CODE,
                                                               method="pbkdf2:sha256:1000"),
                     context.correction_days, context.remedies)
    index, first_id, first_item_id, planned = chunk
    rng = random.Random(context.random_seed * 1_000_003 + index)
    _rows.longest = (0, "")
    for offset, (received, state, bundle, serial, number) in enumerate(planned):
        shape = context.shapes[bundle]
        story = Story(rng, shape, STATES[state], context.now - received, context.staff)
        _rows.add(first_id + offset, first_item_id, number, received, shape, story,
                  applicant(shape.bundle.audience, serial))
        first_item_id += len(shape.items)
    return _rows.take(), _rows.longest


def seed_county(app: Flask, url: str, count: int, random_seed: int = 12,
                workers: int | None = None) -> Seeded:
    """``count`` applications in the empty database at ``url``: see the module's docstring."""
    global _context
    started = time.perf_counter()
    _context = context = prepare(app, random_seed)
    shapes, now = context.shapes, context.now
    planned = plan_year(random.Random(random_seed), shapes, count, now)
    per_day: Counter[int] = Counter()
    numbered = []
    for received, state, bundle, serial in planned:
        day = local_day(received)
        per_day[day] += 1
        number = f"{context.clock.date(day):%Y%m%d}{per_day[day]:06d}"
        numbered.append((received, state, bundle, serial, number))
    chunks, first_item_id = [], 1
    for index, first in enumerate(range(0, count, CHUNK)):
        part = numbered[first:first + CHUNK]
        chunks.append((index, first + 1, first_item_id, part))
        first_item_id += sum(len(shapes[each[2]].items) for each in part)
    print(f"prepared and planned in {time.perf_counter() - started:.1f} s; writing "
          f"{count:,} applications …", flush=True)

    loading = time.perf_counter()
    rows: Counter[str] = Counter()
    longest = (0, "")
    progress = Progress(count)
    workers = workers or max(multiprocessing.cpu_count(), 1)
    with BulkLoad(url, COLUMNS, KEPT_INDEXED) as load, multiprocessing.get_context("fork").Pool(
            workers) as pool:
        # In order, and only a few chunks ahead of the database: written rows wait in memory.
        waiting: deque = deque()
        for chunk in chunks:
            waiting.append((pool.apply_async(_write_chunk, (chunk,)), len(chunk[3])))
            if len(waiting) > 2 * workers:
                longest = max(longest, _load(load, waiting.popleft(), rows, progress))
        while waiting:
            longest = max(longest, _load(load, waiting.popleft(), rows, progress))
        load.end()
        progress.done(rows.total())
    slowest = sorted(load.took, key=load.took.get, reverse=True)[:3]
    print(f"tables analyzed in {load.analyzed:.1f} s; indexes and foreign keys made again in "
          f"{load.restored:.1f} s, {RESTORING} at a time "
          "(the longest: " + ", ".join(f"{name} {load.took[name]:.1f} s" for name in slowest)
          + ")", flush=True)
    finishing = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as connection:
        for table in ("applications", "application_items"):
            connection.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                               (table, count if table == "applications" else first_item_id - 1))
        with connection.cursor().copy("COPY application_counters (day, last) FROM STDIN") as copy:
            for day, last in sorted(per_day.items()):
                copy.write_row((context.clock.date(day), last))
        connection.execute("VACUUM (ANALYZE)")
    load_seconds = time.perf_counter() - loading
    print(f"VACUUM (ANALYZE) in {time.perf_counter() - finishing:.1f} s", flush=True)
    rolling = time.perf_counter()
    with app.app_context():  # as `flask stats --rebuild`: the figures read the rollup
        rollup.refresh(utcnow(), everything=True)
        db.session.commit()
        db.engine.dispose()
    print(f"the figures' daily rollup built in {time.perf_counter() - rolling:.1f} s", flush=True)
    in_state = Counter(STATES[each[1]] for each in planned)
    person = next(each for each in numbered[count // 2:] + numbered[:count // 2]
                  if shapes[each[2]].bundle.audience == ApplicantKind.PERSON)
    _, id_number, phone = applicant(ApplicantKind.PERSON, person[3])
    return Seeded(count, in_state, rows, longest[1], id_number, phone,
                  time.perf_counter() - started, load_seconds)


def _load(load: BulkLoad, waiting: tuple, rows: Counter, progress: Progress) -> tuple:
    result, applications = waiting
    written, longest = result.get()
    for table, text in written.items():
        load.write(table, text)
        rows[table] += text.count(b"\n")
    progress.advance(applications, rows.total())
    return longest


class Progress:
    """A line every few seconds: applications written, rows, rows per second, time left. On
    a terminal, one line rewritten."""

    def __init__(self, total: int):
        self.total, self.done_count = total, 0
        self.started = self.shown = time.perf_counter()
        self.terminal = sys.stdout.isatty()

    def advance(self, applications: int, rows: int) -> None:
        self.done_count += applications
        now = time.perf_counter()
        if now - self.shown >= PROGRESS_EVERY or self.done_count == self.total:
            self.shown = now
            elapsed = now - self.started
            left = elapsed * (self.total - self.done_count) / max(self.done_count, 1)
            line = (f"{self.done_count:>11,} / {self.total:,} applications "
                    f"{self.done_count / self.total:6.1%}  {rows:>12,} rows  "
                    f"{rows / elapsed:>9,.0f} rows/s  ETA {timedelta(seconds=round(left))}")
            print("\r" + line if self.terminal else line, end="" if self.terminal else "\n",
                  flush=True)

    def done(self, rows: int) -> None:
        elapsed = time.perf_counter() - self.started
        print(("\n" if self.terminal else "")
              + f"{rows:,} rows in {elapsed:.1f} s: {rows / elapsed:,.0f} rows/s", flush=True)
