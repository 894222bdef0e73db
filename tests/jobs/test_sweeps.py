"""Two SLA sweeps at once (beat's and a person's `flask sla sweep`, or two workers) announce each
warning once: the first holds the rows it announces, the second skips them (SKIP LOCKED)."""

import threading
from datetime import UTC, datetime

from sqlalchemy import func, select

from service.applications.models import Event
from service.core.database import db
from service.deadlines.sweep import sweep
from service.outbox.models import OutboxMessage
from tests.conftest import postgresql_only
from tests.deadlines.test_sweep import accepted_restaurant, at

YELLOW_DAY = datetime(2026, 6, 2, 1, tzinfo=UTC)  # 09:00 in Shanghai: each item's yellow day


def announced(report) -> int:
    return sum(report.announced.values())


@postgresql_only
def test_a_sweep_running_while_another_holds_its_rows_announces_nothing_twice(app, client):
    for _ in range(3):
        accepted_restaurant(client)
    locked, finish, reports = threading.Event(), threading.Event(), {}

    def first_sweep():
        with app.app_context():
            reports["first"] = sweep(YELLOW_DAY)  # flushed, its rows locked, not committed
            locked.set()
            finish.wait(10)
            db.session.commit()

    with at(6, 2, hour=9):
        thread = threading.Thread(target=first_sweep)
        thread.start()
        try:
            assert locked.wait(10)
            with app.app_context():
                reports["second"] = sweep(YELLOW_DAY)
                db.session.commit()
        finally:
            finish.set()
            thread.join(10)
        with app.app_context():
            reports["after"] = sweep(YELLOW_DAY)
            db.session.commit()
            warnings = db.session.scalar(select(func.count()).select_from(Event)
                                         .where(Event.trigger == "warn_yellow"))
            messages = db.session.scalar(select(func.count()).select_from(OutboxMessage))

    assert [announced(reports[run]) for run in ("first", "second", "after")] == [3, 0, 0]
    assert warnings == 3 and messages == 3
