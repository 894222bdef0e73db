"""How fast the departments' pages answer over a county's year of applications (issue 13).

The target: a department's reviewer's lists and item page, and its supervisor's board, in under
100 ms of server time each, with 100,000 applications in PostgreSQL. Three parts:

1. Seeding. The county's year of ``window_lists.py`` (``seeding/load.py``: every state a year
   leaves, each item with its history and its clock, written with COPY, then VACUUM ANALYZE).
   Then the busiest department, the one with the most items open to a decision (open,
   reviewing, paused, correction: the seed starts a review within 90 minutes of an item
   opening, so state ``open`` alone counts a handful), gets its own reviewer and supervisor,
   and those items their assignees in one UPDATE, as a department of four works them: one in
   four nobody's yet, the rest shared evenly between the reviewer measured and three colleagues
   (the seed's reviewers, of every department, who had taken the items they reviewed). The
   reviewer has asked for a few extensions, waiting for the supervisor in
   ``extension_requests`` beside the seed's. ANALYZE again, so the planner sees the
   assignments.
2. Pages, requested 3 times to warm up, then R times: signed in as the reviewer, the
   department's list (``/review``) as it opens, with each filter (mine, red, yellow, nobody's,
   the bundle with the most items there), its last page and an open item's page; signed in as
   the supervisor, the board (``/supervise``). ``median`` and ``p90`` time ``client.get``: in
   process, so server time (the signed-in user, the queries, the template) without a network.
   ``SQL ms`` is the median time per request spent in the database, from sending a statement to
   holding its rows: the rest is Python. ``SQL/req`` counts the statements sent.
3. For each page over 100 ms (every page with ``--explain``): its three slowest statements, each
   with its median time in the page, then run once more under EXPLAIN (ANALYZE, BUFFERS): the
   plan's top line, its scans (which index, or none) and the execution time. ``--try SQL``
   runs a statement after seeding and the assignments (create an index, drop one): a fix
   measured before its migration is written.

One process, one request at a time, no network: compare the rows of one run, as figures drift
±15% between runs when other work shares the two cores.
"""

from __future__ import annotations

import logging
import math
import random
from dataclasses import dataclass

import psycopg
from advance import postgres_database
from county_year import (
    WARM_UP,
    Page,
    StatementLog,
    arguments,
    build,
    measure,
    report,
    signed_in,
    try_statements,
)
from seeding.load import PASSWORD

from service import create_app
from service.access.operations import create_user
from service.access.roles import Role
from service.core.database import db
from service.engine.states import ExtensionState, ItemState
from service.review.worklist import WORKING
from service.staff.views import PAGE_SIZE

REVIEWER, SUPERVISOR = "dept_reviewer", "dept_supervisor"
COLLEAGUES = ("reviewer0", "reviewer1", "reviewer2")  # the seed's, of every department
NOBODYS_SHARE = 1 / 4  # of the items to decide: opened before anyone took them
PENDING_EXTENSIONS = 5


@dataclass(frozen=True)
class Department:
    """The department measured, and what its pages are asked for."""

    code: str
    name: str
    working: dict[str, int]  # items to decide, by state
    mine: int  # of them, the reviewer's
    nobodys: int
    bundle: str  # the bundle with the most items to decide there
    bundle_items: int
    # (application number, item code, state): an open item (else one under review) with the
    # longest history
    item: tuple[str, str, str]


def staff_department(app, url: str, random_seed: int) -> Department:
    """The busiest department's reviewer and supervisor, its items assigned, and extension
    requests waiting; then ANALYZE."""
    working = [state.value for state in WORKING]
    with psycopg.connect(url, autocommit=True) as connection:
        code, name = connection.execute(
            "SELECT i.department_code, d.name FROM application_items i"
            " JOIN departments d ON d.code = i.department_code WHERE i.state = ANY(%s)"
            " GROUP BY i.department_code, d.name ORDER BY count(*) DESC, i.department_code"
            " LIMIT 1", (working,)).fetchone()
    with app.app_context():
        reviewer = create_user(username=REVIEWER, display_name="科室审批员", password=PASSWORD,
                               role=Role.REVIEWER, departments=[code], by_user_id=None).id
        create_user(username=SUPERVISOR, display_name="科室负责人", password=PASSWORD,
                    role=Role.SUPERVISOR, departments=[code], by_user_id=None)
        db.session.commit()
        db.engine.dispose()

    rng = random.Random(random_seed)
    with psycopg.connect(url, autocommit=True) as connection:
        team = [reviewer, *(user_id for user_id, in connection.execute(
            "SELECT id FROM users WHERE username = ANY(%s) ORDER BY username",
            (list(COLLEAGUES),)))]
        items = connection.execute(
            "SELECT id, state FROM application_items WHERE department_code = %s"
            " AND state = ANY(%s) ORDER BY id", (code, working)).fetchall()
        # Every item to decide given again (the seed's reviewers of every department took the
        # ones they reviewed): one in four to nobody.
        assigned = [(item_id, None if rng.random() < NOBODYS_SHARE else rng.choice(team))
                    for item_id, _ in items]
        with connection.transaction():
            connection.execute(
                "UPDATE application_items SET assignee_user_id = a.user_id,"
                " assigned_at = CASE WHEN a.user_id IS NOT NULL"
                " THEN opened_at + interval '2 hours' END"
                " FROM unnest(%s::int[], %s::int[]) AS a(id, user_id)"
                " WHERE application_items.id = a.id",
                ([item_id for item_id, _ in assigned], [user_id for _, user_id in assigned]))
            # The reviewer's most urgent items under review: what one asks more time for.
            connection.execute(
                "INSERT INTO extension_requests (application_id, item_id, days, reason, state,"
                " requested_by_user_id, requested_at)"
                " SELECT application_id, id, 10, '需现场核查，申请延长审查期限', %s, %s,"
                " now() - interval '3 hours'"
                " FROM application_items WHERE assignee_user_id = %s AND state = %s"
                " ORDER BY committed_due, id LIMIT %s",
                (ExtensionState.PENDING.value, reviewer, reviewer, ItemState.REVIEWING.value,
                 PENDING_EXTENSIONS))
        connection.execute("ANALYZE application_items")
        connection.execute("ANALYZE extension_requests")
        connection.execute("ANALYZE users")
        connection.execute("ANALYZE user_departments")
        by_state = dict(connection.execute(
            "SELECT state, count(*) FROM application_items WHERE department_code = %s"
            " AND state = ANY(%s) GROUP BY state", (code, working)).fetchall())
        bundle, bundle_items = connection.execute(
            "SELECT a.bundle_code, count(*) FROM application_items i"
            " JOIN applications a ON a.id = i.application_id"
            " WHERE i.department_code = %s AND i.state = ANY(%s)"
            " GROUP BY a.bundle_code ORDER BY count(*) DESC, a.bundle_code LIMIT 1",
            (code, working)).fetchone()
        item = connection.execute(
            "SELECT a.number, i.item_code, i.state FROM application_items i"
            " JOIN applications a ON a.id = i.application_id"
            " WHERE i.department_code = %s AND i.state = ANY(%s)"
            " ORDER BY i.state = %s DESC,"
            " (SELECT count(*) FROM events e WHERE e.application_id = a.id) DESC, i.id"
            " LIMIT 1", (code, working, ItemState.OPEN.value)).fetchone()
        requests = connection.execute("SELECT count(*) FROM extension_requests WHERE state = %s",
                                      (ExtensionState.PENDING.value,)).fetchone()[0]
    department = Department(code, name, by_state, sum(1 for _, user in assigned
                                                      if user == reviewer),
                            sum(1 for _, user in assigned if user is None), bundle,
                            bundle_items, tuple(item))
    print(f"\ndepartment {code} ({name}): {len(items):,} items to decide ("
          + ", ".join(f"{state} {count:,}" for state, count in sorted(by_state.items()))
          + f"); {department.mine:,} the reviewer's, {department.nobodys:,} nobody's; "
          f"{requests} extension requests pending")
    return department


def pages_to_measure(department: Department) -> tuple[list[Page], list[Page]]:
    """The reviewer's pages, and the supervisor's."""
    last_page = max(math.ceil(sum(department.working.values()) / PAGE_SIZE), 1)
    number, item_code, state = department.item
    return [
        Page("department, page 1", "/review"),
        Page("mine", "/review", {"view": "mine"}),
        Page("red", "/review", {"level": "red"}),
        Page("yellow", "/review", {"level": "yellow"}),
        Page("nobody's", "/review", {"assignee": "nobody"}),
        Page(f"bundle ({department.bundle_items:,} items)", "/review",
             {"bundle": department.bundle}),
        Page("department, last page", "/review", {"page": last_page}),
        Page(f"item ({state})", f"/review/items/{number}/{item_code}"),
    ], [
        Page("supervisor: board", "/supervise"),
    ]


def main() -> None:
    args = arguments(__doc__)
    database = postgres_database()
    if database is None:
        raise SystemExit("this benchmark needs PostgreSQL")
    url, drop = database
    try:
        logging.disable(logging.INFO)  # migrations and requests log at INFO
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        build(app, url, args.applications, args.seed)
        department = staff_department(app, url, args.seed)
        try_statements(url, args.trials)
        with app.app_context():
            log = StatementLog(db.engine)
        reviewer_pages, supervisor_pages = pages_to_measure(department)
        results = []
        for username, pages in ((REVIEWER, reviewer_pages), (SUPERVISOR, supervisor_pages)):
            client = signed_in(app, username)
            results += [measure(client, log, page, args.repeats) for page in pages]
        report(app, f"Department pages, {department.code}'s reviewer (supervisor: the board) "
                    f"signed in, {args.applications:,} applications, {args.repeats} requests "
                    f"each after {WARM_UP} to warm up",
               results, args.explain)
    finally:
        logging.disable(logging.NOTSET)
        drop()


if __name__ == "__main__":
    main()
