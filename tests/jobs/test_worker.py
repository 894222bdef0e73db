"""A real Celery worker on the real Redis delivers what transitions write to the outbox: to a
webhook the test runs (signed, with the message's id), retried then dead-lettered when the
webhook fails, replayed by `flask outbox retry`, and not lost when its worker is killed."""

import signal

from celery.contrib.testing.worker import start_worker

from service.outbox.models import OutboxStatus
from tests.conftest import postgresql_only
from tests.factories import create, fire
from tests.jobs.conftest import message_rows, wait_until, worker_process

pytestmark = postgresql_only  # the worker in another process needs a server database

MISSING = ["parent_id_cards", "birth_medical_record"]  # the newborn's photo is missing


def correction_notice(client) -> str:
    number = create(client, materials=MISSING)["number"]
    fire(client, number, "request_correction", reason="材料不全")
    return number


def status_of(app, message_id: int) -> OutboxStatus:
    return next(row.status for row in message_rows(app) if row.id == message_id)


def test_a_transitions_message_reaches_the_webhook_signed_once_committed(
        jobs_app, jobs_client, worker, receiver):
    number = correction_notice(jobs_client)

    delivery, = receiver.wait_for(1)
    message, = message_rows(jobs_app)
    assert delivery.signed and delivery.message_id == str(message.id)
    assert delivery.body["kind"] == "correction_notice"
    assert delivery.body["recipient"] == number and delivery.body["payload"]["due_on"]
    wait_until(lambda: status_of(jobs_app, message.id) == OutboxStatus.SENT, what="sent")
    sent, = message_rows(jobs_app)
    assert sent.attempts == 1 and sent.sent_at is not None and sent.lease_expires_at is None


def test_a_failing_webhook_is_retried_then_dead_then_replayed_by_the_cli(
        jobs_app, jobs_client, worker, receiver):
    receiver.answers = [500, 503, 500]  # OUTBOX_MAX_ATTEMPTS is 3
    correction_notice(jobs_client)
    message, = message_rows(jobs_app)

    wait_until(lambda: status_of(jobs_app, message.id) == OutboxStatus.DEAD, what="dead")
    dead, = message_rows(jobs_app)
    assert dead.attempts == 3 and dead.last_error == "DeliveryFailed: webhook answered HTTP 500"
    assert len(receiver.received) == 3
    assert {each.message_id for each in receiver.received} == {str(message.id)}

    result = jobs_app.test_cli_runner().invoke(args=["outbox", "retry", str(message.id)])
    assert result.exit_code == 0 and "1 to be tried again" in result.output
    wait_until(lambda: status_of(jobs_app, message.id) == OutboxStatus.SENT, what="sent")
    assert len(receiver.received) == 4
    sent, = message_rows(jobs_app)
    assert sent.attempts == 1  # a new series of tries


def test_a_worker_killed_while_delivering_loses_nothing(
        jobs_app, jobs_client, receiver, database_url, tmp_path):
    receiver.answers = ["block"]  # the first delivery hangs in the receiver
    first = worker_process(database_url, receiver, tmp_path,
                           OUTBOX_LEASE_SECONDS=3, OUTBOX_WEBHOOK_TIMEOUT=2)
    try:
        correction_notice(jobs_client)
        receiver.wait_for(1, timeout=15)  # the worker starts, then takes the message
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    message, = message_rows(jobs_app)
    assert message.status == OutboxStatus.LEASED and message.attempts == 1

    # Another worker, its beat re-dispatching often: once the lease expires, it delivers.
    with start_worker(jobs_app.extensions["celery"], pool="solo", perform_ping_check=False,
                      beat=True, schedule_filename=str(tmp_path / "beat-schedule")):
        wait_until(lambda: status_of(jobs_app, message.id) == OutboxStatus.SENT,
                   timeout=10, what="delivered after the lease expired")
    assert [each.message_id for each in receiver.received] == [str(message.id)] * 2
    assert message_rows(jobs_app)[0].attempts == 2
