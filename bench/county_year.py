"""What the page benchmarks share (``window_lists.py``, the window clerk's pages;
``review_lists.py``, the departments' pages): a county's year of applications in PostgreSQL,
and pages timed over it.

Seeding. A database created for the run (and dropped at the end, also on failure) is seeded by
``seeding/load.py`` (what ``seed.py`` seeds at a province's scale): migrated, the county catalog
(``workflows/``) published, the holiday calendar seeded, the staff created (eight clerks, four
reviewers of every department, a supervisor, an administrator), then N applications received
over the last twelve months, in the states a year leaves them, each with the history that
brought it there, written with COPY (``seed.py``'s docstring gives the shares). Ids and numbers
follow the time of receipt, so the newest rows are at the end of every primary key. Then
VACUUM ANALYZE.

Timing. A page is requested through Flask's test client, signed in, 3 times to warm up and then
R times: the server time of each (``client.get``, in process), the statements it sent and their
time in the database; for a slow page, its slowest statements under EXPLAIN (ANALYZE, BUFFERS).
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import psycopg
from advance import POSTGRES_URL, print_table
from flask import Flask
from flask.testing import FlaskClient
from seeding.load import PASSWORD, Seeded, seed_county
from sqlalchemy import event

from service.core.database import db

TARGET_MS = 100
WARM_UP = 3
SLOWEST_EXPLAINED = 3


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

    def record(self, log: StatementLog, fetch: Callable[[], None]) -> None:
        """One request: its server time, and the statements it sent with their times."""
        log.sent.clear()
        start = time.perf_counter_ns()
        fetch()
        self.server_ns.append(time.perf_counter_ns() - start)
        self.statements.append(len(log.sent))
        self.database_ns.append(sum(took for _, _, took in log.sent))
        for statement, parameters, took in log.sent:
            key = statement, repr(parameters)
            self.sent_ns[key].append(took)
            self.parameters[key] = parameters

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
        measured.record(log, lambda: fetch(client, page))
    return measured


def explain(measured: Measured) -> None:
    """The page's slowest statements (by their median time) under EXPLAIN (ANALYZE, BUFFERS),
    in short, each with the parameters of its slowest run. Call in an app context."""
    print(f"\nEXPLAIN (ANALYZE, BUFFERS), {measured.page.name} ({measured.median_ms:.1f} ms)")
    runs: dict[str, list[tuple[int, tuple[str, str]]]] = defaultdict(list)
    for key, took in measured.sent_ns.items():
        runs[key[0]] += [(each, key) for each in took]
    slowest = sorted(runs, key=lambda statement: statistics.median(
        took for took, _ in runs[statement]), reverse=True)
    connection = db.session.connection()
    for statement in slowest[:SLOWEST_EXPLAINED]:
        took = [each for each, _ in runs[statement]]
        parameters = measured.parameters[max(runs[statement])[1]]
        plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                          parameters).scalars().all()
        print(f"  {statistics.median(took) / 1e6:.1f} ms in the page (median of {len(took)}, "
              f"slowest {max(took) / 1e6:.1f}): {shortened(statement)}  "
              f"{_parameters(parameters)}")
        shown = [plan[0], *(line for line in plan[1:]
                            if re.search(r"Scan|Rows Removed|Sort Method", line)), plan[-1]]
        for line in shown:
            print("    " + re.sub(r"  \(cost=[^)]*\)", "", line).strip())
    db.session.rollback()


def shortened(statement: str) -> str:
    """One line; each long list of selected columns as …, each list of more than three
    parameters as their count."""
    statement = " ".join(statement.split())
    statement = re.sub(r"SELECT (.+?) FROM ", lambda columns: "SELECT " + (
        "…" if len(columns.group(1)) > 40 else columns.group(1)) + " FROM ", statement)
    return re.sub(r"\((?:%\(\w+\)s(?:::\w+)?, ){3,}%\(\w+\)s(?:::\w+)?\)",
                  lambda listed: f"({listed.group(0).count('%(')} parameters)", statement)


def _parameters(parameters) -> str:
    """The parameters, those of a long list (a department_code_1_… each) left out."""
    if not isinstance(parameters, dict):
        return str(parameters)
    return str({name: value for name, value in parameters.items()
                if not re.fullmatch(r"\w+_\d+_(?:[4-9]|\d{2,})", name)})


def build(app: Flask, url: str, applications: int, random_seed: int) -> Seeded:
    """The migrated database with the catalog, the calendar, the staff and the county's year
    (``seeding/load.py``, which ``seed.py`` uses too)."""
    seeded = seed_county(app, url, applications, random_seed)
    print(f"seeded {applications:,} applications in {seeded.seconds:.1f} s; states: "
          + ", ".join(f"{state} {count:,}" for state, count in seeded.in_state.most_common()))
    return seeded


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
