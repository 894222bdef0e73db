"""Seed a county's applications at a province's scale into a PostgreSQL database, and leave it
there for the benchmarks that load it (``bench/scale.py``, ``bench/run.py``).

    .venv/bin/python bench/seed.py                  # 1,000,000 applications into onething_bench
    .venv/bin/python bench/seed.py 100000 --name onething_small --replace

The database is created on the server (``--url``; $BENCH_POSTGRES_URL), migrated, given the
county catalog (``workflows/``, every bundle), the holiday calendar and the staff, then N
applications received over the last twelve months: 85% delivered, 4% under review, 3%
concluded and waiting to be handed out, 2% each waiting for intake, waiting on a correction,
refused and withdrawn; each with the history that brought it there, hash-chained as the app
chains it, and what its steps wrote beside it (paused spans, extension requests, results,
visits, the warnings the sweep announced: see ``seeding/story.py`` and ``seeding/rows.py``);
running items past their committed and a few past their statutory deadline, so the overdue
board has content. Rows go in through COPY (``seeding/load.py``);
progress is printed in rows per second. Every seeded application's query code is the same
(printed at the end), so is every account's password. ``--check N`` reads N of them back
through the app and checks them against its rules (``seeding/check.py``).
"""

from __future__ import annotations

import argparse
import logging
import time

import psycopg
from advance import POSTGRES_URL
from seeding.check import check
from seeding.load import PASSWORD, QUERY_CODE, seed_county

from service import create_app

DEFAULT_NAME = "onething_bench"


def create_database(server: str, name: str, replace: bool) -> str:
    """The URL of a new, empty database ``name`` on ``server``."""
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                               (name,)).fetchone()
        if exists and not replace:
            raise SystemExit(f"database {name!r} exists: --replace to drop it and seed again")
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = server.rpartition("/")
    return f"{base}/{name}"


def drop_database(server: str, name: str) -> None:
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("applications", type=int, nargs="?", default=1_000_000,
                        help="applications to seed (default: %(default)s)")
    parser.add_argument("--name", default=DEFAULT_NAME,
                        help="the database to create (default: %(default)s)")
    parser.add_argument("--url", default=POSTGRES_URL,
                        help="the server, as a URL to a database on it that exists "
                             "(default: $BENCH_POSTGRES_URL or %(default)s)")
    parser.add_argument("--replace", action="store_true",
                        help="drop the database first if it exists")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes writing rows (default: one per core)")
    parser.add_argument("--seed", type=int, default=12, help="random seed (default: %(default)s)")
    parser.add_argument("--check", type=int, default=0, metavar="N",
                        help="then check N applications drawn at random against the app's "
                             "rules, and the whole database for what a query can tell")
    args = parser.parse_args()
    if args.applications < 1:
        parser.error("seed at least 1 application")

    started = time.perf_counter()
    url = create_database(args.url, args.name, args.replace)
    try:
        logging.disable(logging.INFO)  # the migrations log at INFO
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        seeded = seed_county(app, url, args.applications, args.seed, args.workers)
    except BaseException:
        drop_database(args.url, args.name)
        raise
    took = time.perf_counter() - started
    rows = seeded.rows.total()
    print(f"\nseeded {seeded.applications:,} applications in {took:.1f} s "
          f"({seeded.load_seconds:.1f} s writing {rows:,} rows: "
          f"{rows / seeded.load_seconds:,.0f} rows/s, indexes and VACUUM included)")
    print("rows: " + ", ".join(f"{table} {count:,}" for table, count in seeded.rows.items()))
    print("states: " + ", ".join(f"{state} {count:,}"
                                 for state, count in seeded.in_state.most_common()))
    print(f"\ndatabase: {url}")
    print(f"accounts: clerk, clerk1…, reviewer0… (every department), supervisor, admin, leader; "
          f"password {PASSWORD}")
    print(f"query code of every application: {QUERY_CODE}; the longest history: "
          f"{seeded.number}")
    if args.check:
        print()
        if check(app, args.check):
            raise SystemExit(1)


if __name__ == "__main__":
    main()
