"""A message is handed to the broker after the transaction that wrote it commits (never before,
never after a rollback); with the broker down the request still succeeds and the message waits
for the re-dispatch; with no broker configured nothing is queued and tasks run in the caller."""

import base64
import json
from datetime import date

import pytest
from celery.schedules import crontab
from sqlalchemy import select

from service.applications.models import Application
from service.core.database import db
from service.jobs.tasks import DELIVER, REDISPATCH, ROLLUP, SWEEP
from service.outbox.models import OutboxMessage, OutboxStatus
from service.stats.models import RollupMark
from service.stats.rollup import MARK_ROW
from tests.conftest import make_app, staff_client
from tests.deadlines.test_sweep import accepted_restaurant, at, warnings_of
from tests.factories import create, fire
from tests.jobs.conftest import message_rows


def queued(broker) -> list[tuple[str, list]]:
    """The tasks waiting in the tests' Redis: (name, arguments)."""
    tasks = []
    for raw in broker.lrange("celery", 0, -1):
        envelope = json.loads(raw)
        arguments, _, _ = json.loads(base64.b64decode(envelope["body"]))
        tasks.append((envelope["headers"]["task"], arguments))
    return tasks


def add_message(number: str) -> OutboxMessage:
    application_id = db.session.scalar(select(Application.id).where(Application.number == number))
    message = OutboxMessage(application_id=application_id, recipient_kind="department",
                            recipient="tax", kind="test", payload={})
    db.session.add(message)
    db.session.flush()
    return message


def test_a_message_is_queued_once_its_transaction_commits(jobs_app, jobs_client, broker):
    number = create(jobs_client)["number"]  # writes no message
    assert queued(broker) == []
    with jobs_app.app_context():
        add_message(number)
        db.session.rollback()
        assert queued(broker) == []

        message = add_message(number)
        assert queued(broker) == []  # flushed: the delivery could not see it yet
        db.session.commit()
        assert queued(broker) == [(DELIVER, [message.id])]
        db.session.commit()  # nothing new: nothing queued again
    assert queued(broker) == [(DELIVER, [message.id])]


def test_a_request_commits_its_message_even_with_the_broker_down(app, database_url, staff):
    down = make_app(database_url, CELERY_BROKER_URL="redis://127.0.0.1:1/15")
    client = staff_client(down, staff)
    try:
        number = create(client, materials=["parent_id_cards", "birth_medical_record"])["number"]
        fire(client, number, "request_correction", reason="材料不全")
        message, = message_rows(down)
        assert message.kind == "correction_notice" and message.status == OutboxStatus.PENDING
    finally:
        with down.app_context():
            db.engine.dispose()


def test_without_a_broker_nothing_is_queued_and_tasks_run_in_the_caller(app, client):
    celery = app.extensions["celery"]
    assert celery.conf.task_always_eager and "outbox_dispatch" not in app.extensions
    number = accepted_restaurant(client)
    with at(6, 2, hour=9):
        celery.tasks[SWEEP].delay()  # as beat would, but here and now
    assert [event["trigger"] for event in warnings_of(client, number)] == ["warn_yellow"]
    assert [row.status for row in message_rows(app)] == [OutboxStatus.PENDING]
    with at(6, 2, hour=10):
        celery.tasks[ROLLUP].delay()
    with app.app_context():  # the figures' rollup brought up to date
        assert db.session.get(RollupMark, MARK_ROW).refreshed_at.date() == date(2026, 6, 2)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_beat_sweeps_every_quarter_hour_of_the_working_day_and_redispatches_often(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    sweep = schedule["sla-sweep"]
    assert sweep["task"] == SWEEP and isinstance(sweep["schedule"], crontab)
    assert sweep["schedule"].minute == {0, 15, 30, 45}
    assert sweep["schedule"].hour == set(range(8, 19))
    assert str(app.extensions["celery"].conf.timezone) == "Asia/Shanghai"
    assert schedule["outbox-redispatch"] == {"task": REDISPATCH, "schedule": 60.0}
    assert schedule["stats-rollup"] == {"task": ROLLUP, "schedule": 60.0}
