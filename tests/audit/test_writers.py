"""Every writer of an application's history holds its row, so its chain grows one link at a time:
two writers that skip the lock cannot fork it (the second fails), and the warning sweep takes
the application's row too, never waiting for it (PostgreSQL, with real connections and
threads, where locks are real)."""

import threading

from sqlalchemy.orm.exc import StaleDataError

from service.applications import events
from service.applications.operations import get_application, lock
from service.core.database import db, utcnow
from service.engine.actors import SYSTEM
from service.engine.states import Bookkeeping
from tests.audit.helpers import events_of, verify
from tests.conftest import postgresql_only
from tests.deadlines.test_sweep import accepted_restaurant, run_sweep, warnings_of
from tests.factories import create


@postgresql_only
def test_the_second_of_two_unlocked_writers_fails_and_the_chain_stays_one(client, app, runner):
    number = create(client)["number"]
    barrier = threading.Barrier(2)
    failures: list[Exception] = []

    def write() -> None:
        with app.app_context():
            application = get_application(number)  # no FOR UPDATE: both read head 1
            events.record(application.id, Bookkeeping.RECOMPUTE_DEADLINES, SYSTEM, utcnow(),
                          from_state="submitted", to_state="submitted")
            barrier.wait()
            try:
                db.session.commit()
            except StaleDataError as error:  # the row's version moved under it
                failures.append(error)
                db.session.rollback()

    threads = [threading.Thread(target=write) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(failures) == 1
    assert [event.seq for event in events_of(app, number)] == [1, 2]
    assert verify(runner).exit_code == 0


def test_the_sweeps_warnings_are_links_of_the_chain(client, runner):
    number = accepted_restaurant(client)
    assert run_sweep(runner, 6, 2) == "yellow: 1, red: 0, statutory: 0"
    assert run_sweep(runner, 6, 24) == "yellow: 0, red: 0, statutory: 1"
    assert [event["trigger"] for event in warnings_of(client, number)] == [
        "warn_yellow", "warn_statutory"]
    assert verify(runner).exit_code == 0


@postgresql_only
def test_the_sweep_leaves_an_application_a_step_holds_for_its_next_run(client, app, runner):
    number = accepted_restaurant(client)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with app.app_context():
            lock(number)
            held.set()
            release.wait(10)
            db.session.rollback()

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        assert run_sweep(runner, 6, 2) == "yellow: 0, red: 0, statutory: 0"  # no waiting
    finally:
        release.set()
        holder.join()
    assert run_sweep(runner, 6, 2) == "yellow: 1, red: 0, statutory: 0"
