"""The warning sweep (`flask sla sweep`): each running item is announced once per level it reaches,
as an event in the application's history and as outbox messages; paused or decided items never.

Dates (2026, Asia/Shanghai): a restaurant accepted on Monday 1 June opens business_establishment
(committed 1, statutory 15 working days): committed due Tuesday 2 June, which is also its yellow
day (a one-day limit warns on its last day); statutory due 23 June (19 June is 端午节).
"""

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from service.core.database import db
from service.deadlines.sweep import sweep
from service.outbox.models import OutboxMessage
from tests.factories import BASIS, approval, create, fire

ITEM = "business_establishment"


def at(month: int, day: int, hour: int = 10):
    """A moment in 2026 at ``hour`` o'clock in Shanghai (UTC+8), with the clock standing still."""
    return time_machine.travel(datetime(2026, month, day, hour - 8, tzinfo=UTC), tick=False)


def accepted_restaurant(client, month: int = 6, day: int = 1) -> str:
    with at(month, day):
        number = create(client, "restaurant")["number"]
        fire(client, number, "accept")
    return number


def run_sweep(runner, month: int, day: int) -> str:
    with at(month, day, hour=9):
        result = runner.invoke(args=["sla", "sweep"])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()[0]  # the warnings; the rollup's line follows


def warnings_of(client, number: str) -> list[dict]:
    history = client.get(f"/api/applications/{number}").get_json()["history"]
    return [event for event in history if event["trigger"].startswith("warn_")]


def deadline_messages(app) -> list[tuple[str, str, str, str]]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind.like("deadline_%")).order_by(OutboxMessage.id)).all()
        return [(row.kind, row.recipient_kind, row.recipient, row.item_code) for row in rows]


def test_an_item_is_announced_once_per_level_it_reaches(app, client, runner):
    number = accepted_restaurant(client)

    assert run_sweep(runner, 6, 1) == "yellow: 0, red: 0, statutory: 0"
    assert warnings_of(client, number) == []

    assert run_sweep(runner, 6, 2) == "yellow: 1, red: 0, statutory: 0"
    [yellow] = warnings_of(client, number)
    assert yellow["trigger"] == "warn_yellow" and yellow["actor"] == "system"
    assert yellow["item"] == ITEM and yellow["from"] == yellow["to"] == "open"
    assert yellow["data"] == {"level": "yellow", "committed_due": "2026-06-02",
                              "statutory_due": "2026-06-23"}
    assert deadline_messages(app) == [("deadline_yellow", "department", "market_regulation",
                                       ITEM)]

    # Again the same day, and again later that day: nothing new.
    assert run_sweep(runner, 6, 2) == "yellow: 0, red: 0, statutory: 0"
    with at(6, 2, hour=17), app.app_context():
        assert sweep(datetime.now(UTC)).announced == {"yellow": 0, "red": 0, "statutory": 0}
        db.session.commit()
    assert len(warnings_of(client, number)) == 1 and len(deadline_messages(app)) == 1

    # The next day it is past its committed deadline: red, and the applicant is told too.
    assert run_sweep(runner, 6, 3) == "yellow: 0, red: 1, statutory: 0"
    assert run_sweep(runner, 6, 4) == "yellow: 0, red: 0, statutory: 0"
    assert [event["trigger"] for event in warnings_of(client, number)] == [
        "warn_yellow", "warn_red"]
    assert deadline_messages(app)[1:] == [
        ("deadline_red", "department", "market_regulation", ITEM),
        ("deadline_red", "citizen", number, ITEM)]

    # On its statutory due day it is still lawful; the day after, it is not.
    assert run_sweep(runner, 6, 23) == "yellow: 0, red: 0, statutory: 0"
    assert run_sweep(runner, 6, 24) == "yellow: 0, red: 0, statutory: 1"
    assert run_sweep(runner, 6, 25) == "yellow: 0, red: 0, statutory: 0"
    warnings = warnings_of(client, number)
    assert [event["trigger"] for event in warnings] == ["warn_yellow", "warn_red",
                                                        "warn_statutory"]
    assert {event["actor"] for event in warnings} == {"system"}
    assert deadline_messages(app)[3:] == [
        ("deadline_statutory", "department", "market_regulation", ITEM),
        ("deadline_statutory", "citizen", number, ITEM)]
    with app.app_context():
        payload = db.session.scalars(select(OutboxMessage.payload).where(
            OutboxMessage.kind == "deadline_statutory")).first()
    assert payload == {"application": number, "bundle": "restaurant", "item": ITEM,
                       "level": "statutory", "committed_due": "2026-06-02",
                       "statutory_due": "2026-06-23"}


def test_a_first_sweep_after_the_deadlines_announces_the_highest_level_only(app, client,
                                                                            runner):
    number = accepted_restaurant(client)
    assert run_sweep(runner, 6, 24) == "yellow: 0, red: 0, statutory: 1"
    assert [event["trigger"] for event in warnings_of(client, number)] == ["warn_statutory"]
    assert [kind for kind, *_ in deadline_messages(app)] == ["deadline_statutory"] * 2


def test_the_sweep_counts_working_days_over_holidays(app, client, runner):
    # Accepted Thursday 24 September: 中秋节 (25–27 September) moves the one-day limit to Monday.
    number = accepted_restaurant(client, 9, 24)
    assert run_sweep(runner, 9, 25) == "yellow: 0, red: 0, statutory: 0"
    assert run_sweep(runner, 9, 27) == "yellow: 0, red: 0, statutory: 0"
    assert run_sweep(runner, 9, 28) == "yellow: 1, red: 0, statutory: 0"
    assert warnings_of(client, number)[0]["data"]["committed_due"] == "2026-09-28"


def test_a_paused_item_is_not_announced(app, client, runner):
    number = accepted_restaurant(client)
    with at(6, 1, hour=11):
        fire(client, number, "start_review", ITEM)
        fire(client, number, "pause", ITEM, reason="现场核查", data={"cause": "inspection"})
    for day in (2, 3, 24):
        assert run_sweep(runner, 6, day) == "yellow: 0, red: 0, statutory: 0"
    assert warnings_of(client, number) == [] and deadline_messages(app) == []

    # Resumed on 25 June after 17 working days stood still: its deadlines moved by as many.
    with at(6, 25):
        body = fire(client, number, "resume", ITEM)
    clock = next(item["clock"] for item in body["items"] if item["code"] == ITEM)
    assert clock["paused_days"] == 17
    assert run_sweep(runner, 6, 25) == "yellow: 0, red: 0, statutory: 0"
    assert run_sweep(runner, 6, 26) == "yellow: 1, red: 0, statutory: 0"


@pytest.mark.parametrize("decision", ["approve", "deny"])
def test_a_decided_item_is_not_announced(app, client, runner, decision):
    number = accepted_restaurant(client)
    with at(6, 1, hour=11):
        fire(client, number, "start_review", ITEM)
        fire(client, number, decision, ITEM, reason="不符合法定条件",
             data=approval(app, ITEM) if decision == "approve" else {"basis": BASIS})
    # Approved, the three items after it opened on 1 June (committed due 8 June); denied, they
    # were cancelled. Either way nothing is near a deadline on 3 or 5 June.
    for day in (2, 3, 5):
        assert run_sweep(runner, 6, day) == "yellow: 0, red: 0, statutory: 0"
    if decision == "approve":
        assert run_sweep(runner, 6, 8) == "yellow: 3, red: 0, statutory: 0"
        assert {event["item"] for event in warnings_of(client, number)} == {
            "food_business_permit", "outdoor_signboard", "fire_safety_inspection"}
    else:
        assert run_sweep(runner, 6, 24) == "yellow: 0, red: 0, statutory: 0"
        assert deadline_messages(app) == []
