"""The overdue board, GET /api/overdue, on Monday 12 October 2026, after 国庆节.

2026 around National Day: 中秋节 25–27 September, 国庆节 1–7 October, make-up working days
Sunday 20 September and Saturday 10 October. Lateness counts working days in that calendar:
where a naive count of days would say 14, the board says 6.
"""

import json
from datetime import UTC, date, datetime

import pytest
import time_machine

from service.workdays.operations import calendar_for_years
from tests.factories import create, decide, fire

TODAY = (10, 12)


def at(month: int, day: int, hour: int = 10):
    """A moment in 2026 at ``hour`` o'clock in Shanghai (UTC+8), with the clock standing still."""
    return time_machine.travel(datetime(2026, month, day, hour - 8, tzinfo=UTC), tick=False)


def accepted(client, bundle: str, month: int, day: int) -> str:
    with at(month, day):
        number = create(client, bundle)["number"]
        fire(client, number, "accept")
    return number


@pytest.fixture
def board(client):
    """Applications whose items stand at every level on 12 October, and some that must not show.

    - newborn accepted Mon 14 Sep: birth_medical_certificate committed 15 Sep, statutory (10
      working days, 20 Sep worked, 25 Sep off) 28 Sep: past both.
    - restaurant accepted Thu 24 Sep: business_establishment committed Mon 28 Sep (中秋节).
    - restaurant accepted 24 Sep, business_establishment approved 28 Sep: its three successors
      run from 28 Sep, committed 5 working days: 29, 30 Sep, 8, 9, 10 Oct (a Saturday worked).
    - restaurant accepted Sat 10 Oct (worked): business_establishment committed Mon 12 Oct, the
      day it turns yellow.
    - restaurant accepted 24 Sep, business_establishment paused on 28 Sep: not listed.
    """
    numbers = {
        "statutory": accepted(client, "newborn", 9, 14),
        "red": accepted(client, "restaurant", 9, 24),
        "successors": accepted(client, "restaurant", 9, 24),
        "yellow": accepted(client, "restaurant", 10, 10),
        "paused": accepted(client, "restaurant", 9, 24),
    }
    with at(9, 28):
        decide(client, numbers["successors"], "business_establishment")
        fire(client, numbers["paused"], "start_review", "business_establishment")
        fire(
            client,
            numbers["paused"],
            "pause",
            "business_establishment",
            reason="检测",
            data={"cause": "testing"},
        )
    return numbers


def overdue(client, query: str = ""):
    with at(*TODAY):
        response = client.get(f"/api/overdue{query}", headers=client.staff.headers("admin"))
    assert response.status_code == 200, response.get_json()
    return response


def test_lists_running_items_most_late_first_in_working_days(client, board):
    rows = overdue(client).get_json()
    assert [(row["application"], row["item"]) for row in rows] == [
        (board["statutory"], "birth_medical_certificate"),
        (board["red"], "business_establishment"),
        (board["successors"], "food_business_permit"),
        (board["successors"], "outdoor_signboard"),
        (board["successors"], "fire_safety_inspection"),
        (board["yellow"], "business_establishment"),
    ]
    assert rows[0] == {
        "application": board["statutory"],
        "bundle": "newborn",
        "item": "birth_medical_certificate",
        "department": "health",
        "state": "open",
        "level": "red",
        "statutory_overdue": True,
        "committed_due": "2026-09-15",
        "statutory_due": "2026-09-28",
        "provisional": False,
        # 16–18, 20 (worked), 21–24, 28–30 Sep, 8–10 (10 worked), 12 Oct; 27 calendar days.
        "working_days_late": 15,
    }
    assert [
        (row["committed_due"], row["level"], row["statutory_overdue"], row["working_days_late"])
        for row in rows[1:]
    ] == [
        ("2026-09-28", "red", False, 6),  # 29, 30 Sep, 8, 9, 10, 12 Oct; 14 calendar days
        ("2026-10-10", "red", False, 1),  # 11 October is a Sunday
        ("2026-10-10", "red", False, 1),
        ("2026-10-10", "red", False, 1),
        ("2026-10-12", "yellow", False, 0),
    ]
    assert [row["department"] for row in rows[1:5]] == [
        "market_regulation",
        "market_regulation",
        "urban_management",
        "fire_rescue",
    ]


def test_paused_and_decided_items_are_not_listed(client, board):
    rows = overdue(client).get_json()
    assert board["paused"] not in {row["application"] for row in rows}
    assert "business_establishment" not in {
        row["item"] for row in rows if row["application"] == board["successors"]
    }


def test_items_before_their_yellow_day_are_not_listed(client, board):
    with at(9, 25):  # a holiday: the restaurants' first item is due on 28 September
        rows = client.get("/api/overdue", headers=client.staff.headers("admin")).get_json()
    assert [(row["application"], row["level"], row["working_days_late"]) for row in rows] == [
        (board["statutory"], "red", 8)
    ]


FILTERS = [
    (
        "?department=market_regulation",
        [
            ("red", "business_establishment"),
            ("successors", "food_business_permit"),
            ("yellow", "business_establishment"),
        ],
    ),
    ("?department=fire_rescue", [("successors", "fire_safety_inspection")]),
    ("?bundle=newborn", [("statutory", "birth_medical_certificate")]),
    ("?bundle=restaurant&department=health", []),
    ("?level=yellow", [("yellow", "business_establishment")]),
    ("?level=statutory", [("statutory", "birth_medical_certificate")]),
    (
        "?level=red",
        [
            ("statutory", "birth_medical_certificate"),
            ("red", "business_establishment"),
            ("successors", "food_business_permit"),
            ("successors", "outdoor_signboard"),
            ("successors", "fire_safety_inspection"),
        ],
    ),
]


def test_filters(client, board):
    for query, expected in FILTERS:
        rows = overdue(client, query).get_json()
        assert [(row["application"], row["item"]) for row in rows] == [
            (board[key], item) for key, item in expected
        ], query


def test_pagination(client, board):
    first = overdue(client, "?page=1&page_size=4")
    assert json.loads(first.headers["X-Pagination"]) == {
        "total": 6,
        "total_pages": 2,
        "first_page": 1,
        "last_page": 2,
        "page": 1,
        "next_page": 2,
    }
    second = overdue(client, "?page=2&page_size=4")
    assert json.loads(second.headers["X-Pagination"])["previous_page"] == 1
    items = [row["item"] for row in first.get_json() + second.get_json()]
    assert items == [row["item"] for row in overdue(client).get_json()]
    filtered = overdue(client, "?level=red&page_size=2")
    assert json.loads(filtered.headers["X-Pagination"])["total"] == 5
    assert len(filtered.get_json()) == 2


@pytest.mark.parametrize("query", ["?level=orange", "?level=", "?level=RED"])
def test_bad_filters_are_422_problems(client, query):
    response = client.get(f"/api/overdue{query}", headers=client.staff.headers("admin"))
    body = response.get_json()
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(body["errors"]) == {query[1:].partition("=")[0]}


def test_empty_board(client):
    response = overdue(client)
    assert response.get_json() == []
    assert json.loads(response.headers["X-Pagination"])["total"] == 0


def test_lateness_over_more_than_a_year_counts_every_years_holidays(client):
    with time_machine.travel(datetime(2024, 9, 2, 2, tzinfo=UTC), tick=False):
        number = create(client, "newborn")["number"]
        fire(client, number, "accept")  # birth_medical_certificate committed Tue 3 Sep 2024
    with time_machine.travel(datetime(2026, 1, 5, 2, tzinfo=UTC), tick=False):
        [row] = client.get("/api/overdue", headers=client.staff.headers("admin")).get_json()
    assert row["application"] == number and row["committed_due"] == "2024-09-03"
    with client.application.app_context():
        expected = calendar_for_years(2024, 2026).count_working_days(
            date(2024, 9, 3), date(2026, 1, 5)
        )
    assert row["working_days_late"] == expected
