"""How long the hot path takes: firing a trigger on an application ("advance").

Three parts, each printed as a table:

1. Engine alone, no database. For each bundle in ``workflows/``: building its BundleMachine (ms),
   then one ``fire`` of ``accept`` (application level, opens the first items), ``start_review``
   and ``approve`` (approve also opens the items waiting on it), and one ``allowed()`` (µs).
2. The full stack through Flask's test client, one request at a time, on PostgreSQL (a database
   this script creates and drops) and on SQLite in a temporary file: N applications are created,
   then accepted, then their first item is reviewed and approved, then read back. ``req/s`` is
   N divided by the wall time of that phase; ``SQL/req`` counts statements sent per request.
3. With ``--profile``: cProfile of the advance requests (start_review + approve): own time per
   package (sqlalchemy, psycopg, transitions, flask…), then the top 15 functions by cumulative
   time. cProfile slows every call, so read the shares, not the milliseconds.

Read medians for comparisons, p90/p99 for tails. Absolute figures drift ±15% between runs, more
when other work shares the cores: compare rows of one run, not runs. There is no server and no
concurrency here (see docs/PERFORMANCE.md for gunicorn figures): this is the CPU and the
database round trips of one request, one after another.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import psycopg
from flask_migrate import upgrade
from sqlalchemy import event

from service import create_app
from service.access.operations import create_user, issue_token
from service.access.roles import Role
from service.catalog.definitions import Catalog, load_catalog
from service.catalog.operations import publish
from service.core.config import PROJECT_ROOT
from service.core.database import db
from service.demo.samples import answers_for, applicant_for, approval_for
from service.engine.bundle import Bundle
from service.engine.machine import BundleMachine, Guards, WorkflowState
from service.engine.states import ApplicationState, ItemState
from service.workdays.operations import seed_from_library

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/postgres")
def summary(samples_ns: list[int], scale: float) -> list[float]:
    """Median, p90 and p99 of ``samples_ns``, divided by ``scale``."""
    cuts = statistics.quantiles(samples_ns, n=100, method="inclusive")
    return [statistics.median(samples_ns) / scale, cuts[89] / scale, cuts[98] / scale]


def timed(function: Callable[[], object], times: int) -> list[int]:
    samples = []
    for _ in range(times):
        start = time.perf_counter_ns()
        function()
        samples.append(time.perf_counter_ns() - start)
    return samples


def print_table(title: str, headers: list[str], rows: list[list]) -> None:
    """Text columns (the first two) left-aligned, figures right-aligned."""
    cells = [[f"{c:,.1f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]

    def line(row: list[str]) -> str:
        return " | ".join(c.ljust(w) if i < 2 else c.rjust(w)
                          for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    print(f"\n{title}\n{line(headers)}\n{'-' * len(line(headers))}")
    for row in cells:
        print(line(row))


def bundle_of(catalog: Catalog, code: str) -> Bundle:
    return Bundle.from_snapshot(catalog.bundles[code], Catalog.digest(catalog.bundles[code]))


def first_item(bundle: Bundle) -> str:
    return next(item.code for item in bundle.items if not item.prerequisites)


def bench_engine(catalog: Catalog, iterations: int, builds: int) -> None:
    rows = []
    for code in sorted(catalog.bundles):
        bundle = bundle_of(catalog, code)
        machine, first = BundleMachine(bundle), first_item(bundle)  # also warms up the build
        build = timed(lambda b=bundle: BundleMachine(b), builds)
        rows.append([code, "build BundleMachine", builds, "ms", *summary(build, 1e6)])
        pending = dict.fromkeys(bundle.item_codes, ItemState.PENDING)
        submitted = WorkflowState(ApplicationState.SUBMITTED, pending)
        opened = WorkflowState(ApplicationState.PROCESSING, {**pending, first: ItemState.OPEN})
        reviewing = WorkflowState(ApplicationState.PROCESSING,
                                  {**pending, first: ItemState.REVIEWING})
        cases = {  # each call starts from the same state: set_state happens inside fire()
            "fire accept (+auto open)": lambda m=machine, s=submitted:
                m.fire(s, "accept", None, Guards()),
            "fire start_review": lambda m=machine, s=opened, i=first:
                m.fire(s, "start_review", i, Guards()),
            "fire approve (+auto open)": lambda m=machine, s=reviewing, i=first:
                m.fire(s, "approve", i, Guards()),
            "allowed()": lambda m=machine, s=opened: m.allowed(s, Guards()),
        }
        for name, case in cases.items():
            case()  # warm up
            rows.append([code, name, iterations, "µs", *summary(timed(case, iterations), 1e3)])
    print_table("Engine alone (no database)",
                ["bundle", "operation", "n", "unit", "median", "p90", "p99"], rows)


def payload(bundle: Bundle, serial: int) -> dict:
    """Like tests/factories.application_payload: a valid application, everything handed in."""
    return {"bundle": bundle.code, "channel": "window", "applicant": applicant_for(bundle, serial),
            "contact_phone": "13800138000", "form": answers_for(bundle),
            "materials": sorted(bundle.material_codes), "delivery_method": "window"}


class Stack:
    """A migrated, published app on one database, with a test client and a statement counter."""

    def __init__(self, url: str, catalog: Catalog, bundle_code: str):
        self.app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        self.statements = 0
        with self.app.app_context():
            upgrade(directory=str(PROJECT_ROOT / "migrations"))
            publish(catalog)
            seed_from_library()
            self.headers = {
                role: {"Authorization": "Bearer " + issue_token(create_user(
                    username=role, display_name=role, password="bench-password-1",
                    role=Role(role), departments=departments, by_user_id=None), "bench")[1]}
                for role, departments in (("clerk", []), ("supervisor", list(catalog.departments)))
            }
            db.session.commit()
            event.listen(db.engine, "before_cursor_execute", self._count)
        self.bundle = bundle_of(catalog, bundle_code)
        self.item = first_item(self.bundle)
        self.client = self.app.test_client()
        self.serial = 0

    def _count(self, *_args) -> None:
        self.statements += 1

    def create(self) -> str:
        self.serial += 1
        return self.call("POST", "/api/applications", 201,
                         payload(self.bundle, self.serial))["number"]

    def fire(self, number: str, trigger: str, item: str | None = None) -> None:
        data = approval_for(self.bundle, item) if trigger == "approve" else {}
        self.call("POST", f"/api/applications/{number}/transitions", 200,
                  {"trigger": trigger, "item": item, "data": data},
                  role="supervisor" if item else "clerk")

    def call(self, method: str, path: str, status: int = 200, body: dict | None = None,
             role: str = "clerk") -> dict:
        response = self.client.open(path, method=method, json=body, headers=self.headers[role])
        if response.status_code != status:  # a wrong answer would make the timing meaningless
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.get_json()}")
        return response.get_json()


def bench_stack(stack: Stack, n: int, backend: str, rows: list[list]) -> None:
    """Time each operation over ``n`` applications, one phase after another."""
    for _ in range(3):  # warm up: first requests build the machine and compile statements
        number = stack.create()
        stack.fire(number, "accept")
        stack.call("GET", f"/api/applications/{number}")
    numbers: list[str] = []
    item = stack.item
    phases = [
        ("create", lambda i: numbers.append(stack.create())),
        ("accept", lambda i: stack.fire(numbers[i], "accept")),
        ("start_review", lambda i: stack.fire(numbers[i], "start_review", item)),
        ("approve (+auto open)", lambda i: stack.fire(numbers[i], "approve", item)),
        ("GET application", lambda i: stack.call("GET", f"/api/applications/{numbers[i]}")),
        ("GET transitions",
         lambda i: stack.call("GET", f"/api/applications/{numbers[i]}/transitions")),
    ]
    for name, step in phases:
        samples, statements = [], stack.statements
        wall = time.perf_counter_ns()
        for i in range(n):
            start = time.perf_counter_ns()
            step(i)
            samples.append(time.perf_counter_ns() - start)
        wall = time.perf_counter_ns() - wall
        rows.append([backend, name, n, n / (wall / 1e9), *summary(samples, 1e6),
                     (stack.statements - statements) / n])


def profile_advance(stack: Stack, n: int, backend: str) -> None:
    n = min(n, 50)  # creating is slow (see the table); 100 advance requests profile well enough
    numbers = [stack.create() for _ in range(n)]
    for number in numbers:
        stack.fire(number, "accept")
    profiler = cProfile.Profile()
    profiler.enable()
    for number in numbers:
        stack.fire(number, "start_review", stack.item)
        stack.fire(number, "approve", stack.item)
    profiler.disable()
    stats, per_request = pstats.Stats(profiler), 1e3 / (2 * n)  # seconds -> ms per request
    by_package = Counter()
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():
        by_package[package_of(filename)] += own
    total = sum(by_package.values())
    print(f"\ncProfile, {backend}, {2 * n} advance requests (start_review + approve), "
          f"{total * per_request:.1f} ms each\nown time by package:")
    for name, own in by_package.most_common(8):
        print(f"{own * per_request:7.2f} ms {own / total:4.0%}  {name}")
    # The request's own call chain (test client, Flask, flask-smorest wrappers) tops a cumulative
    # sort at ~100%; leaving out frames above 80% shows where the time splits.
    print("top 15 by cumulative time (below 80%), per request:\n cum ms  own ms   calls  function")
    stats.sort_stats("cumulative")
    below = [key for key in stats.fcn_list if stats.stats[key][3] < 0.8 * total]
    for key in below[:15]:
        _, calls, own, cumulative, _ = stats.stats[key]
        print(f"{cumulative * per_request:7.2f} {own * per_request:7.2f} "
              f"{calls * per_request / 1e3:7.1f}  {pstats.func_std_string(key).split('/')[-1]}")


def package_of(filename: str) -> str:
    """``sqlalchemy``, ``transitions``, ``flask``…; ``service`` for this project; else ``other``."""
    if "site-packages" in filename:
        return Path(filename).parts[Path(filename).parts.index("site-packages") + 1]
    if str(PROJECT_ROOT / "service") in filename:
        return "service"
    return "other (stdlib, C builtins)"


def postgres_database() -> tuple[str, Callable[[], None]] | None:
    name = f"onething_bench_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        print(f"\nPostgreSQL skipped, not reachable at {POSTGRES_URL}: {error}")
        return None

    def drop() -> None:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    base, _, _ = POSTGRES_URL.rpartition("/")
    return f"{base}/{name}", drop


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"PostgreSQL admin URL: $BENCH_POSTGRES_URL (default {POSTGRES_URL}).")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--postgres-only", action="store_true", help="skip SQLite")
    only.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--n", type=int, default=100,
                        help="applications per full-stack phase (default: %(default)s)")
    parser.add_argument("--iterations", type=int, default=200,
                        help="calls per engine operation (default: %(default)s)")
    parser.add_argument("--builds", type=int, default=20,
                        help="machine builds per bundle (default: %(default)s)")
    parser.add_argument("--bundle", default="newborn",
                        help="bundle for the full stack (default: %(default)s)")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of the advance requests per backend")
    parser.add_argument("--skip-engine", action="store_true", help="skip part 1 (engine alone)")
    args = parser.parse_args()
    if args.n < 2 or args.iterations < 2 or args.builds < 2:
        parser.error("--n, --iterations and --builds need at least 2 samples for quantiles")

    catalog = load_catalog(PROJECT_ROOT / "workflows")
    if not args.skip_engine:
        bench_engine(catalog, args.iterations, args.builds)

    backends: list[tuple[str, Callable]] = []
    if not args.sqlite_only:
        backends.append(("postgresql", postgres_database))
    if not args.postgres_only:
        temp = tempfile.TemporaryDirectory(prefix="onething_bench_")
        backends.append(("sqlite", lambda: (f"sqlite:///{temp.name}/bench.sqlite3", temp.cleanup)))
    rows: list[list] = []
    for backend, make_database in backends:
        database = make_database()
        if database is None:
            continue
        url, drop = database
        try:
            logging.disable(logging.INFO)  # migrations and requests log at INFO
            stack = Stack(url, catalog, args.bundle)
            bench_stack(stack, args.n, backend, rows)
            if args.profile:
                profile_advance(stack, args.n, backend)
            with stack.app.app_context():
                db.engine.dispose()
        finally:
            logging.disable(logging.NOTSET)
            drop()
    if rows:
        print_table(f"Full stack, Flask test client, bundle {args.bundle!r}, one request at a time",
                    ["backend", "operation", "n", "req/s", "median ms", "p90 ms", "p99 ms",
                     "SQL/req"], rows)


if __name__ == "__main__":
    main()
