"""Server time at a province's scale: the reads issue 18 sets targets for, over the database
``seed.py`` left (1,000,000 applications by default), each beside its target.

    .venv/bin/python bench/seed.py                 # once: onething_bench
    .venv/bin/python bench/scale.py                # then, as often as needed
    .venv/bin/python bench/scale.py --url postgresql://postgres@127.0.0.1:5432/onething_small

In process, through Flask's test client, one request at a time, as the page benchmarks measure
(``county_year.py``): the time of ``client.get`` (authentication, the queries, the response;
no network), the statements each request sent and their time in the database. Each read is
requested a few times to warm up (once when it is slow), then N times (200 by default; fewer,
at least 3, when a read is so slow that N would outlast ``--budget`` seconds):

- the citizen's status read, ``GET /api/citizen/application`` with a citizen's token, and the
  clerk's read of one application, ``GET /api/applications/<number>`` with a clerk's token,
  each over N applications drawn at random (each request another one);
- a reviewer's list of items to decide, the ``/review`` page: as a reviewer of the department
  with the most items to decide (an account ``reviewer.<department>`` made on the first run),
  and as a reviewer of every department (the seed's ``reviewer0``);
- the overdue board, ``GET /api/overdue`` as the supervisor of every department, and its
  statutorily overdue items (``?level=statutory``);
- the statistics, ``GET /api/stats`` as the supervisor: every application, and the last month;
- the leaders' dashboard, ``/dashboard`` (every figure, chart and table of the page) as the
  seed's leader: its default four weeks, and a year.

The targets (issue 18): the status reads p99 < 20 ms; the reviewer's list and the overdue board
< 100 ms, the statistics < 1 s (server time: compared at the median). For each read over its
target, its slowest statements under EXPLAIN (ANALYZE, BUFFERS). The database is only read,
but for the API tokens (one per account per run) and the department's reviewer.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import time
from dataclasses import dataclass
from datetime import timedelta

import psycopg
from advance import POSTGRES_URL, print_table
from county_year import Measured, Page, StatementLog, explain, signed_in
from flask import Flask
from seed import DEFAULT_NAME
from seeding.load import PASSWORD

from service import create_app
from service.access import citizens
from service.access.models import User
from service.access.operations import create_user, issue_token
from service.access.roles import Role
from service.core.database import db, utcnow
from service.engine.calendar import local_date
from service.review.worklist import WORKING

WARM_UP = 5
LEADER = "leader"  # the seed's


@dataclass(frozen=True)
class Read:
    name: str
    target_ms: float
    percentile: str  # which the target is compared with: "p50" or "p99"
    paths: list[str]  # requested in turn
    headers: dict[str, str] | list[dict[str, str]]  # the same for each, or one per path
    client: str  # the signed-in user whose session sends it, or "" for none


def numbers(url: str, count: int, rng: random.Random) -> list[str]:
    """``count`` application numbers drawn at random."""
    with psycopg.connect(url) as connection:
        last = connection.execute("SELECT max(id) FROM applications").fetchone()[0]
        ids = [rng.randint(1, last) for _ in range(count)]
        found = dict(connection.execute("SELECT id, number FROM applications WHERE id = ANY(%s)",
                                        (ids,)).fetchall())
    return [found[each] for each in ids]


def busiest_department(url: str) -> str:
    with psycopg.connect(url) as connection:
        return connection.execute(
            "SELECT department_code FROM application_items WHERE state = ANY(%s)"
            " GROUP BY department_code ORDER BY count(*) DESC, department_code LIMIT 1",
            ([state.value for state in WORKING],)).fetchone()[0]


def accounts(app: Flask, department: str) -> dict[str, str]:
    """API tokens of the clerk and the supervisor; the department's reviewer, made if new."""
    with app.app_context():
        username = f"reviewer.{department}"
        if db.session.scalar(db.select(User.id).where(User.username == username)) is None:
            create_user(username=username, display_name="科室审批员", password=PASSWORD,
                        role=Role.REVIEWER, departments=[department], by_user_id=None)
        tokens = {}
        for name in ("clerk", "supervisor"):
            user = db.session.scalar(db.select(User).where(User.username == name))
            tokens[name] = issue_token(user, "bench/scale.py", days=1)[1]
        db.session.commit()
        db.engine.dispose()
    return tokens


def reads(app: Flask, url: str, requests: int, rng: random.Random) -> list[Read]:
    department = busiest_department(url)
    tokens = accounts(app, department)
    drawn = numbers(url, requests + WARM_UP, rng)
    with app.test_request_context():
        citizen_tokens = [citizens.issue_token(number) for number in drawn]
    month_ago = (local_date(utcnow()) - timedelta(days=30)).isoformat()
    year_ago = (local_date(utcnow()) - timedelta(days=365)).isoformat()
    clerk = {"Authorization": f"Bearer {tokens['clerk']}"}
    supervisor = {"Authorization": f"Bearer {tokens['supervisor']}"}
    return [
        Read("citizen's status read", 20, "p99", ["/api/citizen/application"] * len(drawn),
             [{"Authorization": f"Bearer {token}"} for token in citizen_tokens], ""),
        Read("clerk's read of one application", 20, "p99",
             [f"/api/applications/{number}" for number in drawn], clerk, ""),
        Read(f"reviewer's list ({department})", 100, "p50", ["/review"],
             {}, f"reviewer.{department}"),
        Read("reviewer's list (every department)", 100, "p50", ["/review"], {}, "reviewer0"),
        Read("overdue board", 100, "p50", ["/api/overdue"], supervisor, ""),
        Read("overdue board, statutory", 100, "p50", ["/api/overdue?level=statutory"],
             supervisor, ""),
        Read("statistics, every application", 1000, "p50", ["/api/stats"], supervisor, ""),
        Read("statistics, the last month", 1000, "p50", [f"/api/stats?since={month_ago}"],
             supervisor, ""),
        Read("dashboard, the last four weeks", 1000, "p50", ["/dashboard"], {}, LEADER),
        Read("dashboard, a year", 1000, "p50", [f"/dashboard?since={year_ago}"], {}, LEADER),
    ]


def measure(app: Flask, log: StatementLog, read: Read, requests: int,
            budget: float) -> Measured:
    client = signed_in(app, read.client) if read.client else app.test_client()

    def fetch(index: int) -> None:
        path = read.paths[index % len(read.paths)]
        headers = (read.headers[index % len(read.headers)] if isinstance(read.headers, list)
                   else read.headers)
        response = client.get(path, headers=headers)
        if response.status_code != 200:  # a wrong answer would make the timing meaningless
            raise RuntimeError(f"{read.name}: {path}: {response.status_code}")

    started = time.perf_counter()
    for index in range(WARM_UP):
        fetch(index)
        if time.perf_counter() - started > budget / 10:
            break  # one slow read warms up enough
    measured = Measured(Page(read.name, read.paths[0]))
    started = time.perf_counter()
    for index in range(WARM_UP, WARM_UP + requests):
        measured.record(log, lambda index=index: fetch(index))
        if index >= WARM_UP + 2 and time.perf_counter() - started > budget:
            break  # three of a slow read
    return measured


def percentile(samples: list[int], which: str) -> float:
    if which == "p50" or len(samples) < 2:
        return statistics.median(samples) / 1e6
    return statistics.quantiles(samples, n=100, method="inclusive")[98] / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    base, _, _ = POSTGRES_URL.rpartition("/")
    parser.add_argument("--url", default=f"{base}/{DEFAULT_NAME}",
                        help="the database seed.py left (default: %(default)s)")
    parser.add_argument("--requests", type=int, default=200,
                        help="requests per read after the warm-up (default: %(default)s)")
    parser.add_argument("--budget", type=float, default=60,
                        help="seconds a read may take in all before fewer requests are made "
                             "(default: %(default)s)")
    parser.add_argument("--seed", type=int, default=18, help="random seed (default: %(default)s)")
    parser.add_argument("--only", metavar="WORDS",
                        help="measure only the reads whose name contains WORDS (e.g. dashboard)")
    args = parser.parse_args()

    logging.disable(logging.INFO)
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url})
    with psycopg.connect(args.url) as connection:
        count = connection.execute("SELECT count(*) FROM applications").fetchone()[0]
    to_measure = [read for read in reads(app, args.url, args.requests, random.Random(args.seed))
                  if args.only is None or args.only in read.name]
    with app.app_context():
        log = StatementLog(db.engine)
    results = [(read, measure(app, log, read, args.requests, args.budget))
               for read in to_measure]
    rows = []
    for read, measured in results:
        compared = percentile(measured.server_ns, read.percentile)
        rows.append([read.name, f"{len(measured.server_ns)}", percentile(measured.server_ns,
                                                                          "p50"),
                     percentile(measured.server_ns, "p99"),
                     statistics.median(measured.database_ns) / 1e6,
                     float(statistics.median(measured.statements)),
                     f"{read.percentile} < {read.target_ms:,.0f}",
                     "yes" if compared < read.target_ms else "NO"])
    print_table(f"Server time over {count:,} applications ({args.url.rpartition('/')[2]}), "
                f"in process, one request at a time",
                ["read", "n", "p50 ms", "p99 ms", "SQL ms", "SQL/req", "target ms", "met"],
                rows)
    missed = [(read, measured) for read, measured in results
              if percentile(measured.server_ns, read.percentile) >= read.target_ms]
    print("\nMissed: " + (", ".join(read.name for read, _ in missed) or "none"))
    with app.app_context():
        for _, measured in missed:
            explain(measured)
        db.engine.dispose()


if __name__ == "__main__":
    main()
