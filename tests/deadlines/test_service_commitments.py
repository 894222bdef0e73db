"""Items with no statutory limit (service commitments: here the tests' utility_connection, power
and water connections) through the API: the clock, the warning sweep, the overdue board and the
statistics. Late against the promise, never statutorily overdue; left out of the statutory
on-time share and of the time saved against statutory limits.

Dates (2026, Asia/Shanghai): accepted Monday 1 June. water_connection (committed 3 working days)
is due and yellow Thursday 4 June, red from the 5th; electricity_connection (committed 5) and the
application are due and yellow Monday 8 June, red from the 9th.
"""

from datetime import UTC, datetime

import time_machine

from tests.factories import create, decide, fire


def at(month: int, day: int, hour: int = 10):
    """A moment in 2026 at ``hour`` o'clock in Shanghai (UTC+8), with the clock standing still."""
    return time_machine.travel(datetime(2026, month, day, hour - 8, tzinfo=UTC), tick=False)


def accepted(client, bundle: str = "utility_connection", month: int = 6, day: int = 1) -> str:
    with at(month, day):
        number = create(client, bundle)["number"]
        fire(client, number, "accept")
    return number


def item(body: dict, code: str) -> dict:
    return next(each for each in body["items"] if each["code"] == code)


def get(client, number: str, month: int, day: int) -> dict:
    with at(month, day):
        return client.get(f"/api/applications/{number}").get_json()


def run_sweep(runner, month: int, day: int) -> str:
    with at(month, day, hour=9):
        result = runner.invoke(args=["sla", "sweep"])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()[0]  # the warnings; the rollup's line follows


def test_the_clock_has_committed_deadlines_only(client):
    number = accepted(client)
    body = get(client, number, 6, 2)
    assert (body["clock"]["committed_due"], body["clock"]["statutory_due"]) == ("2026-06-08",
                                                                                None)
    water = item(body, "water_connection")["clock"]
    assert (water["committed_due"], water["statutory_due"]) == ("2026-06-04", None)
    assert (water["level"], water["statutory_overdue"]) == ("green", False)

    late = get(client, number, 7, 1)  # weeks past every promise
    assert (late["clock"]["level"], late["clock"]["statutory_overdue"]) == ("red", False)
    for code in ("water_connection", "electricity_connection"):
        clock = item(late, code)["clock"]
        assert (clock["level"], clock["statutory_overdue"]) == ("red", False)


def test_the_sweep_warns_yellow_and_red_but_never_statutory(client, runner):
    number = accepted(client)
    assert run_sweep(runner, 6, 4) == "yellow: 1, red: 0, statutory: 0"  # water's last day
    assert run_sweep(runner, 6, 5) == "yellow: 0, red: 1, statutory: 0"
    assert run_sweep(runner, 6, 8) == "yellow: 1, red: 0, statutory: 0"  # power's last day
    assert run_sweep(runner, 6, 9) == "yellow: 0, red: 1, statutory: 0"
    assert run_sweep(runner, 12, 31) == "yellow: 0, red: 0, statutory: 0"
    history = get(client, number, 12, 31)["history"]
    warnings = [event for event in history if event["trigger"].startswith("warn_")]
    assert [event["trigger"] for event in warnings] == ["warn_yellow", "warn_red"] * 2
    assert {event["data"]["statutory_due"] for event in warnings} == {None}


def test_the_board_shows_them_late_but_never_statutorily(client):
    number = accepted(client)
    statutory = accepted(client, "restaurant")  # business_establishment: statutory 15 days

    def board(query: str = "") -> list[dict]:
        with at(7, 1):
            response = client.get(f"/api/overdue{query}", headers=client.staff.headers("admin"))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    rows = {(row["application"], row["item"]): row for row in board()}
    power = rows[(number, "electricity_connection")]
    assert (power["level"], power["statutory_overdue"], power["statutory_due"]) == (
        "red", False, None)
    assert rows[(statutory, "business_establishment")]["statutory_overdue"] is True
    assert {row["application"] for row in board("?level=statutory")} == {statutory}
    assert {(row["application"], row["item"]) for row in board("?level=red")
            if row["application"] == number} == {(number, "electricity_connection"),
                                                 (number, "water_connection")}


def test_statistics_leave_them_out_of_what_needs_a_statutory_limit(client):
    utility = accepted(client)
    with at(6, 10, hour=15):  # both items late against their promise
        decide(client, utility, "water_connection")
        decide(client, utility, "electricity_connection")
    restaurant = accepted(client, "restaurant")
    with at(6, 2, hour=15):
        body = decide(client, restaurant, "business_establishment")
        for code in ("food_business_permit", "outdoor_signboard", "fire_safety_inspection"):
            body = decide(client, restaurant, code)
    assert body["state"] == "concluded"

    with at(6, 20):
        response = client.get("/api/stats", headers=client.staff.headers("admin"))
    assert response.status_code == 200, response.get_json()
    stats = response.get_json()
    figures = {each["bundle"]: each for each in stats["bundles"]}
    utilities = figures["utility_connection"]
    assert (utilities["concluded"], utilities["on_time_committed"]) == (1, 0.0)
    assert utilities["on_time_statutory"] is None  # no statutory deadline to keep
    assert (utilities["standalone_limit"], utilities["time_reduction"]) == (None, None)
    assert figures["restaurant"]["on_time_statutory"] == 1.0
    # Overall: punctuality against the promise over both; the statutory share and the time
    # saved over the restaurant alone (its items' statutory limits: 15 + 20 + 20 + 10 = 65).
    overall = stats["overall"]
    assert (overall["concluded"], overall["on_time_committed"]) == (2, 0.5)
    assert overall["on_time_statutory"] == 1.0
    assert overall["standalone_limit"] == 65.0
    assert overall["time_reduction"] == figures["restaurant"]["time_reduction"]
