"""The holiday calendar as data: GET /api/calendar, GET/PUT /api/calendar/<year>, and
`flask calendar seed|import|show`. The session seeds 2004–2026 from chinese-calendar; a 2027
stored by a test is removed after it."""

from datetime import UTC, datetime

import pytest
import time_machine

from tests.factories import create, fire

# Not the State Council's: a schedule shaped like one, enough to move deadlines.
SCHEDULE_2027 = {
    "year": 2027,
    "holidays": [
        {"date": "2027-01-01", "name": "元旦"},
        {"date": "2027-01-02", "name": "元旦"},
        {"date": "2027-01-03", "name": "元旦"},
    ],
    "workdays": [{"date": "2027-02-20", "name": "春节"}],
}
YAML_2027 = """\
year: 2027
holidays:
  - {date: 2027-01-01, name: 元旦}
  - {date: 2027-01-02, name: 元旦}
  - {date: 2027-01-03, name: 元旦}
workdays:
  - {date: 2027-02-20, name: 春节}
"""


def at(year: int, month: int, day: int, hour: int = 10):
    """A moment at ``hour`` o'clock in Shanghai (UTC+8), with the clock standing still."""
    return time_machine.travel(datetime(year, month, day, hour - 8, tzinfo=UTC), tick=False)


def status_on(client, *day: int) -> dict:
    with at(*day):
        response = client.get("/api/calendar", headers=client.staff.headers("admin"))
    assert response.status_code == 200
    return response.get_json()


def test_status_names_published_years_and_next_year_from_november(client):
    assert status_on(client, 2026, 10, 15) == {
        "published_years": list(range(2004, 2027)),
        "missing_years": [],
    }
    assert status_on(client, 2026, 11, 26)["missing_years"] == [2027]
    assert status_on(client, 2027, 3, 1)["missing_years"] == [2027]


def test_a_year_lists_its_holidays_and_make_up_workdays_in_chinese(client):
    body = client.get("/api/calendar/2026", headers=client.staff.headers("admin")).get_json()
    assert body["year"] == 2026 and body["source"].startswith("chinese-calendar")
    assert len(body["holidays"]) == 33
    assert body["holidays"][0] == {"date": "2026-01-01", "name": "元旦"}
    assert [day["date"] for day in body["holidays"] if day["name"] == "国庆节"] == [
        f"2026-10-0{day}" for day in range(1, 8)
    ]
    assert {day["name"] for day in body["holidays"]} == {
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
    }
    assert body["workdays"] == [
        {"date": "2026-01-04", "name": "元旦"},
        {"date": "2026-02-14", "name": "春节"},
        {"date": "2026-02-28", "name": "春节"},
        {"date": "2026-05-09", "name": "劳动节"},
        {"date": "2026-09-20", "name": "国庆节"},
        {"date": "2026-10-10", "name": "国庆节"},
    ]


def test_an_unpublished_year_is_a_404_problem(client):
    response = client.get("/api/calendar/2027", headers=client.staff.headers("admin"))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "2027" in response.get_json()["detail"]


def newborn_clock(client) -> tuple[dict, dict]:
    """A newborn application accepted Monday 28 December 2026: its clock and its first item's."""
    with at(2026, 12, 28):
        number = create(client, "newborn")["number"]
        body = fire(client, number, "accept")
    return body["clock"], body["items"][0]["clock"]


def test_publishing_next_year_re_times_the_applications_already_running(client):
    with at(2026, 12, 28):
        number = create(client, "newborn")["number"]
        before = fire(client, number, "accept")["clock"]
    assert (before["provisional"], before["committed_due"]) == (True, "2027-01-04")
    with at(2026, 12, 29):
        assert (
            client.put(
                "/api/calendar/2027", headers=client.staff.headers("admin"), json=SCHEDULE_2027
            ).status_code
            == 200
        )
        after = client.get(f"/api/applications/{number}").get_json()
    assert (after["clock"]["provisional"], after["clock"]["committed_due"]) == (False, "2027-01-05")
    assert after["items"][0]["clock"]["provisional"] is False
    recompute = after["history"][-1]
    assert (recompute["trigger"], recompute["actor"]) == ("recompute_deadlines", "system")


def test_publishing_next_year_makes_deadlines_into_it_definitive(client):
    clock, item = newborn_clock(client)
    # Weekends only in 2027: five working days are 29–31 December, 1 and 4 January.
    assert clock["provisional"] is True and clock["committed_due"] == "2027-01-04"
    assert item["provisional"] is True  # its statutory 10 working days reach 2027

    response = client.put(
        "/api/calendar/2027", headers=client.staff.headers("admin"), json=SCHEDULE_2027
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {**SCHEDULE_2027, "source": "admin"}
    assert (
        client.get("/api/calendar/2027", headers=client.staff.headers("admin")).get_json()[
            "holidays"
        ]
        == SCHEDULE_2027["holidays"]
    )
    assert status_on(client, 2026, 11, 26) == {
        "published_years": list(range(2004, 2028)),
        "missing_years": [],
    }

    clock, item = newborn_clock(client)
    assert clock["provisional"] is False and clock["committed_due"] == "2027-01-05"
    assert item["provisional"] is False


def test_a_put_replaces_the_whole_year(client):
    assert (
        client.put(
            "/api/calendar/2027", headers=client.staff.headers("admin"), json=SCHEDULE_2027
        ).status_code
        == 200
    )
    smaller = {"year": 2027, "holidays": [{"date": "2027-01-01", "name": "元旦"}]}
    assert (
        client.put(
            "/api/calendar/2027", headers=client.staff.headers("admin"), json=smaller
        ).status_code
        == 200
    )
    assert client.get("/api/calendar/2027", headers=client.staff.headers("admin")).get_json() == {
        **smaller,
        "workdays": [],
        "source": "admin",
    }


def test_a_put_for_another_year_than_the_url_is_a_422_naming_year(client):
    response = client.put(
        "/api/calendar/2028", headers=client.staff.headers("admin"), json=SCHEDULE_2027
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(response.get_json()["errors"]) == {"year"}
    for year in (2027, 2028):
        assert (
            client.get(f"/api/calendar/{year}", headers=client.staff.headers("admin")).status_code
            == 404
        )


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"holidays": [{"date": "2027-02-30", "name": "春节"}]}, "holidays[0].date"),
        ({"holidays": [{"date": "2026-12-31", "name": "元旦"}]}, "holidays[0].date"),
        ({"holidays": [{"date": "2027-01-01"}]}, "holidays[0].name"),
        ({"workdays": [{"date": "2027-02-19", "name": "春节"}]}, "workdays[0].date"),  # a Friday
        ({"workdays": [{"date": "2027-01-02", "name": "元旦"}]}, "workdays[0].date"),  # a holiday
        ({"year": 1999}, "year"),
        ({"holidays": None}, "holidays"),
        ({"weekends": []}, "weekends"),
    ],
)
def test_an_invalid_schedule_is_a_422_naming_the_entry_and_stores_nothing(client, change, path):
    document = {**SCHEDULE_2027, **change}
    response = client.put(
        f"/api/calendar/{document['year']}", headers=client.staff.headers("admin"), json=document
    )
    body = response.get_json()
    assert response.status_code == 422, body
    assert body["detail"].startswith(f"{path}: ")
    assert (
        client.get("/api/calendar/2027", headers=client.staff.headers("admin")).status_code == 404
    )


def test_cli_show_prints_holidays_and_make_up_workdays(runner):
    result = runner.invoke(args=["calendar", "show", "2026"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("2026 (source: chinese-calendar")
    assert len(lines) == 1 + 33 + 6
    assert "  2026-10-10 六  班  国庆节" in lines and "  2026-10-01 四  休  国庆节" in lines
    assert "  2026-09-20 日  班  国庆节" in lines


def test_cli_show_of_an_unpublished_year_fails_clearly(runner):
    result = runner.invoke(args=["calendar", "show", "2027"])
    assert result.exit_code == 1
    assert "no schedule stored for 2027" in result.output


def test_cli_import_stores_a_year(runner, tmp_path):
    path = tmp_path / "2027.yaml"
    path.write_text(YAML_2027, encoding="utf-8")
    result = runner.invoke(args=["calendar", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "2027: 3 holidays, 1 make-up workdays stored; deadlines moved in 0 application(s)"
    )
    shown = runner.invoke(args=["calendar", "show", "2027"]).output.splitlines()
    assert shown == [
        "2027 (source: import 2027.yaml)",
        "  2027-01-01 五  休  元旦",
        "  2027-01-02 六  休  元旦",
        "  2027-01-03 日  休  元旦",
        "  2027-02-20 六  班  春节",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (YAML_2027.replace("2027-01-02", "'2027-02-30'"), "holidays[1].date: Not a valid date."),
        (YAML_2027.replace("year: 2027", "year: 2028"), "holidays[0].date: not in 2028"),
        ("year: 2027\nholidays: [{date: 2027-01-01, name: 元旦}", "not valid YAML or JSON"),
        ("- 2027-01-01\n", "Invalid input type."),
        ("", "Invalid input type."),
    ],
)
def test_cli_import_of_a_bad_file_fails_naming_it_and_stores_nothing(
    runner, tmp_path, text, message
):
    path = tmp_path / "schedule.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["calendar", "import", str(path)])
    assert result.exit_code == 1, result.output
    assert str(path) in result.output and message in result.output
    for year in (2027, 2028):
        assert runner.invoke(args=["calendar", "show", str(year)]).exit_code == 1


def test_cli_import_of_an_impossible_unquoted_date_fails_naming_the_file(runner, tmp_path):
    path = tmp_path / "2027.yaml"
    path.write_text(YAML_2027.replace("2027-01-02", "2027-02-30"), encoding="utf-8")
    result = runner.invoke(args=["calendar", "import", str(path)])
    assert result.exit_code == 1
    assert str(path) in result.output


def test_cli_import_of_a_file_not_in_utf8_fails_naming_it(runner, tmp_path):
    path = tmp_path / "2027.yaml"
    path.write_bytes(YAML_2027.encode("gbk"))
    result = runner.invoke(args=["calendar", "import", str(path)])
    assert result.exit_code == 1
    assert str(path) in result.output


def test_cli_import_of_a_missing_file_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(args=["calendar", "import", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_cli_seed_adds_nothing_when_every_year_is_stored(runner):
    with at(2026, 10, 15):
        result = runner.invoke(args=["calendar", "seed"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "added 0 year(s)\n" and result.stderr == ""
    with at(2026, 11, 26):
        result = runner.invoke(args=["calendar", "seed"])
    assert result.stdout == "added 0 year(s)\n"
    assert "warning: no holiday schedule for 2027" in result.stderr
