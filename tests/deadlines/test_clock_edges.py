"""The clock at its edges, through the API on both databases: the statutory extension is capped
on its sum, a late item stays late through a pause, and a pause on the deadline day resumed on a
holiday runs to the next working day. Each test failed before its fix."""

from tests.deadlines.test_clock_api import item, on
from tests.factories import approval, create, fire

ESTABLISHMENT = "business_establishment"  # committed 1, statutory 15, extension 10 working days


def test_the_statutory_extension_caps_the_sum_of_an_items_extensions(client):
    with on(9, 24):
        number = create(client, "restaurant")["number"]
        fire(client, number, "accept")
        for _ in range(2):
            fire(client, number, "extend", ESTABLISHMENT, reason="情况复杂", data={"days": 5})
        refused = fire(client, number, "extend", ESTABLISHMENT, reason="情况复杂",
                       data={"days": 1}, expect=422)
    assert "data.days" in refused["detail"] and "10 granted already" in refused["detail"]
    assert item(client.get(f"/api/applications/{number}").get_json(),
                ESTABLISHMENT)["clock"]["extension_days"] == 10


def test_an_item_late_when_paused_cannot_be_extended_while_paused(client):
    with on(9, 24):
        number = create(client, "restaurant")["number"]
        fire(client, number, "accept")  # the establishment item is due 9/28
    with on(9, 29):  # late
        fire(client, number, "start_review", ESTABLISHMENT)
        fire(client, number, "pause", ESTABLISHMENT, reason="专家评审",
             data={"cause": "expert_review"})
        refused = fire(client, number, "extend", ESTABLISHMENT, reason="补救",
                       data={"days": 3}, expect=409)
    assert "past its deadline" in refused["detail"]
    with on(10, 12):
        body = fire(client, number, "resume", ESTABLISHMENT)
    clock = item(body, ESTABLISHMENT)["clock"]
    # The pause began after the deadline: it moves nothing, the item stays red.
    assert (clock["committed_due"], clock["level"]) == ("2026-09-28", "red")
    assert clock["extension_days"] == 0
    with on(10, 12):
        board = client.get("/api/overdue", headers=client.staff.headers("supervisor")).get_json()
    assert [row["item"] for row in board] == [ESTABLISHMENT]


def test_a_pause_on_the_deadline_day_resumed_on_a_holiday_runs_to_the_next_working_day(client):
    with on(9, 24):
        number = create(client, "restaurant")["number"]
        fire(client, number, "accept")
    with on(9, 28):  # the establishment item's deadline day
        fire(client, number, "start_review", ESTABLISHMENT)
        fire(client, number, "pause", ESTABLISHMENT, reason="现场核查",
             data={"cause": "inspection"})
    with on(10, 3):  # National Day
        body = fire(client, number, "resume", ESTABLISHMENT)
    clock = item(body, ESTABLISHMENT)["clock"]
    # Resumed on a holiday with no day left: the first working day on or after it.
    assert clock["committed_due"] == "2026-10-08"
    with on(10, 8):
        approved = fire(client, number, "approve", ESTABLISHMENT,
                        data=approval(client.application, ESTABLISHMENT))
    assert item(approved, ESTABLISHMENT)["clock"]["on_time"] is True
