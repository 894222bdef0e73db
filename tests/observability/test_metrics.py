"""/metrics: requests by endpoint and status, their latency, committed transitions by bundle and
trigger, and the database's gauges; only for the configured addresses or with the token."""

from datetime import UTC, datetime, timedelta

import time_machine
from prometheus_client import REGISTRY
from sqlalchemy import func, select, text

from service.applications.models import Application, ApplicationItem
from service.applications.operations import fire as fire_trigger
from service.core.database import db, utcnow
from service.engine.actors import SYSTEM
from service.engine.states import ITEM_RUNNING, Trigger
from service.outbox.models import OutboxMessage
from tests.conftest import make_app
from tests.factories import create, fire
from tests.observability.scraping import scrape, value

TRANSITIONS = "onething_transitions_total"
REQUESTS = "onething_http_requests_total"


def test_requests_are_counted_by_endpoint_and_status_with_their_latency(client):
    before = scrape(client)
    number = create(client)["number"]
    client.get(f"/api/applications/{number}")
    client.get("/api/applications/20260101999999")  # no such application
    client.get("/no/such/page/either")
    after = scrape(client)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved(REQUESTS, endpoint="applications.create_application", method="POST",
                 status="201") == 1
    assert moved(REQUESTS, endpoint="applications.get_application", method="GET",
                 status="200") == 1
    assert moved(REQUESTS, endpoint="applications.get_application", method="GET",
                 status="404") == 1
    assert moved(REQUESTS, endpoint="unmatched", method="GET", status="404") == 1
    assert moved(REQUESTS, endpoint="observability.metrics", method="GET", status="200") == 1
    assert moved("onething_http_request_duration_seconds_count",
                 endpoint="applications.get_application") == 2
    assert moved("onething_http_request_duration_seconds_sum",
                 endpoint="applications.get_application") > 0
    assert not any("no/such" in str(labels) for _, labels in after)  # never the raw path


def test_committed_transitions_are_counted_by_bundle_and_trigger(client):
    number = create(client)["number"]
    before = scrape(client)
    fire(client, number, "accept")
    fire(client, number, "deliver", expect=409)  # refused: rolled back, nothing to count
    after = scrape(client)

    def moved(trigger):
        return (value(after, TRANSITIONS, bundle="newborn", trigger=trigger)
                - value(before, TRANSITIONS, bundle="newborn", trigger=trigger))

    with client.application.app_context():
        opened = db.session.scalar(select(func.count()).select_from(ApplicationItem)
                                   .where(ApplicationItem.state.in_(ITEM_RUNNING)))
    assert moved("accept") == 1
    assert moved("open") == opened > 0  # the automatic steps that followed, each counted
    assert moved("deliver") == 0


def test_transitions_flushed_then_rolled_back_are_not_counted(client):
    number = create(client)["number"]
    def accepts():
        return REGISTRY.get_sample_value(TRANSITIONS, {"bundle": "newborn",
                                                       "trigger": "accept"}) or 0

    before = accepts()
    with client.application.app_context():
        fire_trigger(number, Trigger.ACCEPT, None, None, {}, SYSTEM)
        db.session.flush()  # the events are written, their transaction not committed
        db.session.rollback()
        db.session.commit()
        assert accepts() == before
        fire_trigger(number, Trigger.ACCEPT, None, None, {}, SYSTEM)
        db.session.commit()
    assert accepts() == before + 1


def test_gauges_count_applications_by_state_and_running_items_by_level(client):
    accepted = create(client)["number"]
    create(client, serial=2)
    fire(client, accepted, "accept")
    now = scrape(client)
    assert value(now, "onething_applications", state="submitted") == 1
    assert value(now, "onething_applications", state="processing") == 1
    assert value(now, "onething_applications", state="delivered") == 0  # zeros are series too
    with client.application.app_context():
        running = db.session.scalar(select(func.count()).select_from(ApplicationItem)
                                    .where(ApplicationItem.state.in_(ITEM_RUNNING)))
    assert value(now, "onething_running_items", level="green") == running > 0
    with time_machine.travel(utcnow() + timedelta(days=400), tick=False):
        later = scrape(client)  # past every deadline: none green, each past its statutory one
    assert value(later, "onething_running_items", level="green") == 0
    assert value(later, "onething_running_items", level="statutory") == running


def test_outbox_gauges_count_the_backlog_dead_letters_and_expired_leases(client):
    number = create(client)["number"]
    with client.application.app_context():
        application = db.session.scalar(select(Application).where(Application.number == number))
        for sent_at in (None, None, None, utcnow()):
            db.session.add(OutboxMessage(application_id=application.id, recipient_kind="citizen",
                                         recipient=number, kind="test", payload={},
                                         sent_at=sent_at))
        db.session.flush()
        ids = db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)).all()
        db.session.execute(text("UPDATE outbox_messages SET status = 'sent' WHERE id = :id"),
                           {"id": ids[3]})
        db.session.execute(text("UPDATE outbox_messages SET status = 'dead' WHERE id = :id"),
                           {"id": ids[2]})
        db.session.execute(text("UPDATE outbox_messages SET status = 'leased', "
                                "lease_expires_at = :past WHERE id = :id"),
                           {"id": ids[1], "past": datetime(2020, 1, 1, tzinfo=UTC)})
        db.session.commit()
    now = scrape(client)
    assert value(now, "onething_outbox_unsent") == 2  # pending and leased: dead ones wait no more
    assert value(now, "onething_outbox_messages", status="pending") == 1
    assert value(now, "onething_outbox_messages", status="leased") == 1
    assert value(now, "onething_outbox_messages", status="dead") == 1
    assert value(now, "onething_outbox_expired_leases") == 1


def test_metrics_are_refused_from_elsewhere_without_the_token(app, monkeypatch):
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    refused = stranger.get("/metrics")
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert "onething" not in refused.get_data(as_text=True)
    assert stranger.get("/metrics", headers={"Authorization": "Bearer guess"}).status_code == 403
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "a-scraper-token-of-some-length")
    assert stranger.get("/metrics", headers={"Authorization": "Bearer guess"}).status_code == 403
    allowed = stranger.get("/metrics",
                           headers={"Authorization": "Bearer a-scraper-token-of-some-length"})
    assert allowed.status_code == 200 and b"onething_http_requests_total" in allowed.data


def test_metrics_are_allowed_from_the_configured_networks(database_url):
    app = make_app(database_url, METRICS_ALLOWED_IPS="10.0.0.0/8, 192.0.2.7")
    for address, status in (("10.1.2.3", 200), ("192.0.2.7", 200), ("192.0.2.8", 403),
                            ("127.0.0.1", 403)):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        assert client.get("/metrics").status_code == status, address
    with app.app_context():
        db.engine.dispose()
