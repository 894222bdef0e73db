"""Turnaround statistics, GET /api/stats and `flask stats`, over applications handled around
国庆节 2026 (中秋节 25–27 September, 国庆节 1–7 October, Saturday 10 October worked).

Turnaround is counted in working days from acceptance (not counted) to conclusion:
- newborn 1: accepted Mon 28 Sep, concluded Wed 30 Sep: 29, 30 Sep → 2
- newborn 2: accepted Tue 29 Sep, concluded Fri 9 Oct: 30 Sep, 8, 9 Oct → 3
- newborn 3: accepted Wed 30 Sep, concluded Fri 16 Oct: 8, 9, 10, 12–16 Oct → 8 (committed 5: late)
- newborn 4: received online Fri 9 Oct, accepted, still open
- restaurant: accepted Mon 12 Oct, concluded Wed 14 Oct → 2
Standalone limits (the tests' tests/workflows/items.yaml, statutory, one after another): newborn
10 + 10 + 5 + 5 + 2 = 32, restaurant 15 + 20 + 20 + 10 = 65.
"""

from datetime import UTC, datetime

import pytest
import time_machine

from tests.factories import create, decide, fire

NEWBORN_ALONE, RESTAURANT_ALONE = 32, 65
NONE_DELIVERED = {"visits_per_application": None, "fully_online_share": None}


def at(month: int, day: int, hour: int = 10):
    """A moment in 2026 at ``hour`` o'clock in Shanghai (UTC+8), with the clock standing still."""
    return time_machine.travel(datetime(2026, month, day, hour - 8, tzinfo=UTC), tick=False)


def accepted(client, bundle: str, month: int, day: int, **overrides) -> str:
    with at(month, day):
        number = create(client, bundle, **overrides)["number"]
        fire(client, number, "accept")
    return number


def conclude(client, number: str, month: int, day: int) -> None:
    """Approve every item, in the order their prerequisites allow, on one day."""
    with at(month, day, hour=15):
        body = client.get(f"/api/applications/{number}").get_json()
        while body["state"] == "processing":
            for item in body["items"]:
                if item["state"] == "open":
                    body = decide(client, number, item["code"])
    assert body["state"] == "concluded" and body["outcome"] == "approved"


def exemption(client, bundle: str) -> tuple[int, int]:
    materials = client.get(f"/api/bundles/{bundle}").get_json()["materials"]
    return sum(material["exempt"] for material in materials), len(materials)


def sweep(runner, month: int, day: int) -> None:
    """`flask sla sweep`, which also brings the figures' daily rollup up to date."""
    with at(month, day, hour=20):
        result = runner.invoke(args=["sla", "sweep"])
    assert result.exit_code == 0 and "rollup recomputed: " in result.output, result.output


@pytest.fixture(params=["live", "rolled up", "partly rolled up"])
def handled(request, client, runner):
    """The figures are the same whether they are counted live (no sweep yet), from the daily
    rollup, or from the rollup for some days and live for the days changed since."""
    first = accepted(client, "newborn", 9, 28)
    conclude(client, first, 9, 30)
    second = accepted(client, "newborn", 9, 29)
    conclude(client, second, 10, 9)
    if request.param == "partly rolled up":
        sweep(runner, 10, 10)
    third = accepted(client, "newborn", 9, 30)
    conclude(client, third, 10, 16)
    accepted(client, "newborn", 10, 9, channel="online")
    restaurant = accepted(client, "restaurant", 10, 12)
    conclude(client, restaurant, 10, 14)
    if request.param == "rolled up":
        sweep(runner, 10, 19)


def stats(client, query: str = "") -> dict:
    with at(10, 20):
        response = client.get(f"/api/stats{query}", headers=client.staff.headers("admin"))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_figures_per_bundle_and_overall(client, handled):
    body = stats(client)
    newborn, restaurant = body["bundles"]
    newborn_exempt, newborn_materials = exemption(client, "newborn")
    restaurant_exempt, restaurant_materials = exemption(client, "restaurant")
    assert 0 < newborn_exempt < newborn_materials
    assert newborn == {
        "bundle": "newborn",
        "name": "新生儿出生“一件事”",
        "applications": 4,
        "concluded": 3,
        "median_turnaround": 3,  # by nearest rank: of 2, 3, 8 the ⌈1.5⌉ = 2nd
        "p90_turnaround": 8,  # the ⌈2.7⌉ = 3rd
        "on_time_committed": 0.667,
        "on_time_statutory": 1.0,
        "paused_days": 0,
        "standalone_limit": NEWBORN_ALONE,
        "time_reduction": round(1 - (2 + 3 + 8) / (3 * NEWBORN_ALONE), 3),  # 0.865
        "online_share": 0.25,
        "exemption_share": round(newborn_exempt / newborn_materials, 3),
        "corrections_per_application": 0.0,
        **NONE_DELIVERED,
    }
    assert restaurant == {
        "bundle": "restaurant",
        "name": "开办餐饮店“一件事”",
        "applications": 1,
        "concluded": 1,
        "median_turnaround": 2,
        "p90_turnaround": 2.0,
        "on_time_committed": 1.0,
        "on_time_statutory": 1.0,
        "paused_days": 0,
        "standalone_limit": RESTAURANT_ALONE,
        "time_reduction": round(1 - 2 / RESTAURANT_ALONE, 3),
        "online_share": 0.0,
        "exemption_share": round(restaurant_exempt / restaurant_materials, 3),
        "corrections_per_application": 0.0,
        **NONE_DELIVERED,
    }
    assert body["overall"] == {
        "bundle": "all",
        "name": "全部",
        "applications": 5,
        "concluded": 4,
        "median_turnaround": 2,  # of 2, 2, 3, 8 the ⌈2⌉ = 2nd
        "p90_turnaround": 8,  # the ⌈3.6⌉ = 4th
        "on_time_committed": 0.75,
        "on_time_statutory": 1.0,
        "paused_days": 0,
        "standalone_limit": round((3 * NEWBORN_ALONE + RESTAURANT_ALONE) / 4, 1),
        "time_reduction": round(1 - 15 / (3 * NEWBORN_ALONE + RESTAURANT_ALONE), 3),  # 0.907
        "online_share": 0.2,
        "exemption_share": round(
            (4 * newborn_exempt + restaurant_exempt)
            / (4 * newborn_materials + restaurant_materials),
            3,
        ),
        "corrections_per_application": 0.0,
        **NONE_DELIVERED,
    }


BY_DAY_RECEIVED = [  # in Shanghai
    ("?since=2026-09-29", {"newborn": (3, 2, 3), "restaurant": (1, 1, 2), "all": (4, 3, 3)}),
    ("?until=2026-09-29", {"newborn": (2, 2, 2), "all": (2, 2, 2)}),
    ("?since=2026-09-30&until=2026-10-09", {"newborn": (2, 1, 8), "all": (2, 1, 8)}),
    ("?since=2026-10-13", {"all": (0, 0, None)}),
]


def test_since_and_until(client, handled):
    for query, expected in BY_DAY_RECEIVED:
        body = stats(client, query)
        assert {
            figures["bundle"]: (
                figures["applications"],
                figures["concluded"],
                figures["median_turnaround"],
            )
            for figures in [*body["bundles"], body["overall"]]
        } == expected, query


@pytest.mark.parametrize(("query", "field"), [("?since=2026-02-30", "since"),
                                              ("?since=0001-01-01", "since"),
                                              ("?until=9999-12-31", "until")])
def test_bad_dates_are_422_problems(client, query, field):
    response = client.get(f"/api/stats{query}", headers=client.staff.headers("admin"))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(response.get_json()["errors"]) == {field}


def test_flask_stats_refuses_a_day_out_of_range(app, runner):
    result = flask_stats(app, runner, "--until", "9999-12-31")
    assert result.exit_code == 2 and "a day from 2000-01-01 to 2099-12-31" in result.output


def flask_stats(app, runner, *args):
    # `stats` is a plain click command: the real `flask` pushes an app context for it, the test
    # runner does not (the AppGroup commands push their own).
    with at(10, 20), app.app_context():
        return runner.invoke(args=["stats", *args])


def test_flask_stats_prints_a_row_per_bundle_and_an_overall_row(app, runner, handled):
    result = flask_stats(app, runner)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "bundle",
        "apps",
        "done",
        "median",
        "p90",
        "on",
        "time",
        "lawful",
        "paused",
        "alone",
        "saved",
        "online",
        "exempt",
        "visits",
        "no",
        "visit",
    ]
    assert [line.split()[0] for line in lines] == [
        "bundle",
        "newborn",
        "restaurant",
        lines[3].split()[0],
        "all",
    ]
    assert set(lines[3].replace(" ", "")) == {"-"}
    assert lines[1].split()[:11] == [
        "newborn",
        "4",
        "3",
        "3",
        "8",
        "67%",
        "100%",
        "0",
        "32",
        "86%",
        "25%",
    ]
    assert lines[2].split()[:11] == [
        "restaurant",
        "1",
        "1",
        "2",
        "2",
        "100%",
        "100%",
        "0",
        "65",
        "97%",
        "0%",
    ]
    assert lines[4].split()[:11] == [
        "all",
        "5",
        "4",
        "2",
        "8",
        "75%",
        "100%",
        "0",
        "40.2",
        "91%",
        "20%",
    ]

    result = flask_stats(app, runner, "--since", "2026-09-30", "--until", "2026-10-09")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[:4] for line in (lines[1], lines[-1])] == [
        ["newborn", "2", "1", "8"],
        ["all", "2", "1", "8"],
    ]
    assert len(lines) == 4


def test_an_empty_database_gives_zeros_and_nothing_else(app, runner, staff):
    response = app.test_client().get("/api/stats", headers=staff.headers("admin"))
    assert response.status_code == 200
    empty = dict.fromkeys(
        [
            "median_turnaround",
            "p90_turnaround",
            "on_time_committed",
            "on_time_statutory",
            "standalone_limit",
            "time_reduction",
            "online_share",
            "exemption_share",
            "visits_per_application",
            "fully_online_share",
            "corrections_per_application",
        ]
    )
    assert response.get_json() == {
        "bundles": [],
        "overall": {
            "bundle": "all",
            "name": "全部",
            "applications": 0,
            "concluded": 0,
            "paused_days": 0,
            **empty,
        },
    }
    result = flask_stats(app, runner)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 3 and lines[2].split() == ["all", "0", "0", *["-"] * 4, "0", *["-"] * 6]


def test_visits_per_delivered_application_and_the_share_fully_online(client, app, runner):
    """Delivered: one online and delivered electronically (no visit), one online collected at
    the window (1), one at the window with a correction handed in there, delivered by post (2).
    One more at the window, not delivered yet, does not count."""
    plans = [("online", [], {"method": "electronic"}),
             ("online", [], {"method": "window"}),
             ("window", ["child_photo"], {"method": "post", "tracking_number": "SF1"})]
    with at(10, 12):
        for channel, left_out, _ in plans:
            materials = [code for code in ("parent_id_cards", "birth_medical_record",
                                           "household_register", "marriage_certificate",
                                           "child_photo") if code not in left_out]
            number = create(client, channel=channel, materials=materials)["number"]
            if left_out:
                fire(client, number, "request_correction")
                fire(client, number, "supplement", data={"materials": left_out})
            fire(client, number, "accept")
        create(client)
    with at(10, 13):
        numbers = [row["number"] for row in client.get(
            "/api/applications?state=processing").get_json()]
    for number in numbers:
        conclude(client, number, 10, 14)
    with at(10, 15):
        for number, (_, _, delivery) in zip(sorted(numbers), plans, strict=True):
            fire(client, number, "deliver", data=delivery)
    overall = stats(client)["overall"]
    assert overall["visits_per_application"] == 1.0  # (0 + 1 + 2) / 3
    assert overall["fully_online_share"] == 0.333
    result = flask_stats(app, runner)
    assert result.output.splitlines()[-1].split()[-2:] == ["1.00", "33%"]


def test_flask_stats_explains_each_figure(app, runner):
    result = flask_stats(app, runner, "--explain")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("applications (收件): 期间内收件")
    assert any(line.startswith("p90_turnaround (办理时长90分位): ") and "最近秩" in line
               for line in lines)
