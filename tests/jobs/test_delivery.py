"""Delivering the outbox without a worker, on both databases: a lease, the sending, backoff that
doubles, the dead letter, a delivery that never came back, retrying; `flask outbox`."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import update

from service.core.database import db
from service.outbox import delivery
from service.outbox.models import OutboxMessage, OutboxStatus
from service.outbox.senders import LogSender, WebhookSender
from tests.factories import create
from tests.jobs.conftest import SECRET, message_rows

START = datetime(2026, 12, 1, 2, tzinfo=UTC)
POLICY = delivery.Policy(lease=timedelta(minutes=1), max_attempts=3,
                         first_retry=timedelta(minutes=10))


def add_message(app, client, recipient_kind: str = "department") -> int:
    number = create(client)["number"]
    with app.app_context():
        application_id = db.session.scalar(db.text(
            "SELECT id FROM applications WHERE number = :number"), {"number": number})
        message = OutboxMessage(application_id=application_id, recipient_kind=recipient_kind,
                                recipient="tax", kind="test", payload={"application": number},
                                created_at=START)
        db.session.add(message)
        db.session.commit()
        return message.id


def deliver(app, message_id: int, senders: dict, at: datetime) -> delivery.Result:
    with app.app_context(), time_machine.travel(at, tick=False):
        return delivery.deliver(message_id, senders, POLICY)


def row(app, message_id: int) -> OutboxMessage:
    return next(each for each in message_rows(app) if each.id == message_id)


def test_a_failing_message_is_retried_after_doubling_waits_then_dead(app, client, receiver):
    receiver.answers = [500, 500, 500]
    webhook = {"department": WebhookSender(receiver.url, SECRET, timeout=2)}
    message_id = add_message(app, client)

    first = deliver(app, message_id, webhook, START)
    assert first == delivery.Result(OutboxStatus.PENDING, timedelta(minutes=10))
    waiting = row(app, message_id)
    assert (waiting.attempts, waiting.next_attempt_at) == (1, START + timedelta(minutes=10))
    assert waiting.last_error == "DeliveryFailed: webhook answered HTTP 500"

    assert deliver(app, message_id, webhook, START + timedelta(minutes=9)).status is None
    assert len(receiver.received) == 1  # not due: not tried

    second = deliver(app, message_id, webhook, START + timedelta(minutes=10))
    assert second.retry_in == timedelta(minutes=20)
    third = deliver(app, message_id, webhook, START + timedelta(minutes=30))
    assert third == delivery.Result(OutboxStatus.DEAD)
    dead = row(app, message_id)
    assert (dead.status, dead.attempts, dead.next_attempt_at) == (OutboxStatus.DEAD, 3, None)
    assert deliver(app, message_id, webhook, START + timedelta(days=1)).status is None
    assert len(receiver.received) == 3
    assert all(each.signed and each.message_id == str(message_id) for each in receiver.received)


def test_a_sent_message_is_not_sent_again(app, client):
    message_id = add_message(app, client)
    senders = {"department": LogSender()}
    assert deliver(app, message_id, senders, START).status == OutboxStatus.SENT
    assert deliver(app, message_id, senders, START + timedelta(hours=1)).status is None
    sent = row(app, message_id)
    assert (sent.status, sent.attempts, sent.sent_at) == (OutboxStatus.SENT, 1, START)


def lose_the_lease(app, message_id: int, attempts: int) -> None:
    """What a worker killed while sending leaves behind: a lease nobody will resolve."""
    with app.app_context():
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
            status=OutboxStatus.LEASED, attempts=attempts,
            lease_expires_at=START + POLICY.lease))
        db.session.commit()


def due(app, at: datetime) -> list[int]:
    with app.app_context():
        return delivery.due(at, POLICY)


def test_an_expired_lease_is_due_again_and_dead_on_the_last_try(app, client):
    message_id, other_id = add_message(app, client), add_message(app, client)
    lose_the_lease(app, message_id, attempts=1)
    lose_the_lease(app, other_id, attempts=3)

    assert due(app, START + timedelta(seconds=59)) == []  # leased: nobody else takes it
    assert deliver(app, message_id, {"department": LogSender()},
                   START + timedelta(seconds=59)).status is None
    assert due(app, START + POLICY.lease) == [message_id]
    lost = row(app, other_id)
    assert (lost.status, lost.last_error) == (OutboxStatus.DEAD, delivery.LOST_LEASE)

    assert deliver(app, message_id, {"department": LogSender()},
                   START + POLICY.lease).status == OutboxStatus.SENT
    assert row(app, message_id).attempts == 2


def test_retry_starts_the_tries_over_for_dead_messages_only(app, client, runner):
    dead_id, sent_id = add_message(app, client), add_message(app, client)
    lose_the_lease(app, dead_id, attempts=3)
    due(app, START + POLICY.lease)  # dead now
    deliver(app, sent_id, {"department": LogSender()}, START)

    result = runner.invoke(args=["outbox", "retry", str(dead_id), str(sent_id)])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == (
        f"1 to be tried again; not dead nor waiting, left alone: {sent_id}")
    retried = row(app, dead_id)
    assert (retried.status, retried.attempts) == (OutboxStatus.PENDING, 0)
    assert row(app, sent_id).status == OutboxStatus.SENT

    assert runner.invoke(args=["outbox", "retry"]).exit_code == 2  # ids, or --dead
    lose_the_lease(app, dead_id, attempts=3)
    due(app, START + POLICY.lease)
    assert "1 to be tried again" in runner.invoke(args=["outbox", "retry", "--dead"]).output


def test_flask_outbox_lists_and_delivers_by_hand(app, client, runner, caplog):
    message_id = add_message(app, client, recipient_kind="citizen")
    listed = runner.invoke(args=["outbox", "list"]).output
    assert re.search(rf"^{message_id} +pending +test +citizen:tax +0 ", listed, re.MULTILINE)
    assert "1 shown" in runner.invoke(args=["outbox", "list", "--status", "pending"]).output
    assert "0 shown" in runner.invoke(args=["outbox", "list", "--status", "dead"]).output

    with caplog.at_level("INFO", logger="service.outbox.sms"):
        result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "sent: 1, pending: 0, dead: 0"
    # The applicant's message went to the logging SMS gateway, their number masked.
    sms, = [record.getMessage() for record in caplog.records
            if record.name == "service.outbox.sms"]
    assert sms.startswith("SMS to 138****8000: ") and "13800138000" not in caplog.text
    assert row(app, message_id).status == OutboxStatus.SENT


def test_the_api_shows_the_delivery_and_filters_by_status(app, client, staff):
    message_id = add_message(app, client)
    lose_the_lease(app, message_id, attempts=1)
    admin = staff.headers("admin")
    listed, = client.get("/api/outbox", headers=admin).get_json()
    assert listed["status"] == "leased" and listed["attempts"] == 1
    assert listed["lease_expires_at"].startswith("2026-12-01T02:01:00")
    assert {"next_attempt_at", "last_error"} <= set(listed)
    assert client.get("/api/outbox?status=leased", headers=admin).get_json() == [listed]
    assert client.get("/api/outbox?status=dead", headers=admin).get_json() == []
    refused = client.get("/api/outbox?status=lost", headers=admin)
    assert refused.status_code == 422 and refused.is_json


@pytest.mark.parametrize("config, complaint", [
    ({"OUTBOX_DEPARTMENT_SENDER": "webhook"}, "OUTBOX_WEBHOOK_URL"),
    ({"OUTBOX_DEPARTMENT_SENDER": "webhook", "OUTBOX_WEBHOOK_URL": "http://127.0.0.1:9/x",
      "OUTBOX_WEBHOOK_SECRET": "s", "OUTBOX_LEASE_SECONDS": 10}, "must exceed"),
    ({"OUTBOX_DEPARTMENT_SENDER": "sms"}, "choose log, webhook"),
    ({"SMS_GATEWAY": "carrier-pigeon"}, "SMS_GATEWAY"),
])
def test_a_configuration_that_cannot_deliver_refuses_to_start(config, complaint):
    from tests.conftest import make_app

    with pytest.raises(RuntimeError, match=complaint):
        make_app("sqlite://", **config)
