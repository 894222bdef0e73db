"""How fast the window clerk's pages answer over a county's year of applications (issue 12).

The target: the desk and the lists of the window in under 100 ms of server time each, with
100,000 applications in PostgreSQL. Three parts:

1. Seeding. A database this script creates (and drops at the end, also on failure) is seeded by
   ``seeding/load.py``, as ``seed.py`` seeds one at a province's scale: migrated, the county
   catalog (``workflows/``) published, the holiday calendar seeded, eight clerks, four
   reviewers, a supervisor and an administrator created. N applications are then written
   straight into the tables with COPY (through the operations it would take an hour):
   received over the last twelve months, spread evenly over the bundles, three in four
   online, in the states a year leaves them (85% delivered; 2–4% each waiting for intake, for
   a correction, under review, to be handed out; 2% each refused and withdrawn), each with the
   history that brought it there: submitted, for one in ten a correction notice and the
   missing material, accepted, every item opened, reviewed (a few paused, extended or waiting
   on a correction the department asked for) and decided (one application in twelve has an
   item denied, and what depends on it cancelled), concluded, delivered; the warnings the
   sweep announced; the results, visits, paused spans and extension requests the steps wrote.
   Ids and numbers follow the time of receipt as in production, so the queues hold the newest
   rows. Progress is printed in rows per second, then VACUUM ANALYZE (autovacuum does the
   same to tables this old).
2. Pages, signed in as the first clerk through Flask's test client: each is requested 3 times to
   warm up, then R times. ``median`` and ``p90`` time ``client.get``: in process, so server time
   (the signed-in user, the queries, the template) without a network. ``SQL ms`` is the median
   time per request spent in the database, from sending a statement to holding its rows: the
   rest is Python. ``SQL/req`` counts the statements sent.
3. For each page over 100 ms (every page with ``--explain``): its three slowest statements, each
   with its median time in the page, then run once more under EXPLAIN (ANALYZE, BUFFERS): the
   plan's top line, its scans (which index, or none) and the execution time. ``--try SQL``
   runs a statement after seeding (create an index, drop one): a fix measured before its
   migration is written.

One process, one request at a time, no network: compare the rows of one run, as figures drift
±15% between runs when other work shares the two cores.
"""

from __future__ import annotations

import logging
import math

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
from seeding.load import Seeded

from service import create_app
from service.core.database import db
from service.staff.views import PAGE_SIZE
from service.window.queues import QUEUE_STATES, Queue

NAME_PREFIX = "王"  # the commonest surname: the broadest search by name


def pages_to_measure(seeded: Seeded) -> list[Page]:
    queues = {queue: seeded.in_state[state] for queue, state in QUEUE_STATES.items()}
    longest_queue = max(queues, key=queues.get)
    last_page = max(math.ceil(queues[longest_queue] / PAGE_SIZE), 1)
    lists = "/window/applications"
    return [
        Page("home", "/window"),
        *(Page(f"{queue} queue, page 1", lists, {"queue": queue}) for queue in Queue),
        Page(f"{longest_queue} queue, last page", lists,
             {"queue": longest_queue, "page": last_page}),
        Page("search: application number", lists, {"q": seeded.number}),
        Page("search: ID number", lists, {"q": seeded.id_number}),
        Page("search: phone", lists, {"q": seeded.phone}),
        Page("search: name prefix", lists, {"q": NAME_PREFIX}),
        Page("application", f"{lists}/{seeded.number}"),
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
        seeded = build(app, url, args.applications, args.seed)
        try_statements(url, args.trials)
        with app.app_context():
            log = StatementLog(db.engine)
        client = signed_in(app, "clerk")
        results = [measure(client, log, page, args.repeats) for page in pages_to_measure(seeded)]
        report(app, f"Window pages, clerk signed in, {args.applications:,} applications, "
                    f"{args.repeats} requests each after {WARM_UP} to warm up",
               results, args.explain)
    finally:
        logging.disable(logging.NOTSET)
        drop()


if __name__ == "__main__":
    main()
