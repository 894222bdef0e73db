"""Deadlines through the API, end to end, at controlled dates, on both databases.

Dates are 2026 days in Asia/Shanghai; the helpers travel to 10:00 there (02:00 UTC).
"""

from datetime import UTC, datetime

import time_machine

from tests.factories import create, decide, fire


def on(month: int, day: int, year: int = 2026):
    return time_machine.travel(datetime(year, month, day, 2, tzinfo=UTC), tick=False)


def item(body: dict, code: str) -> dict:
    return next(each for each in body["items"] if each["code"] == code)


def test_acceptance_starts_the_clocks_without_counting_its_own_day(client):
    with on(9, 24):  # Thursday before the Mid-autumn holiday (9/25–27) and National Day
        number = create(client, "restaurant")["number"]
        body = fire(client, number, "accept")
    clock = body["clock"]
    assert clock["accepted_on"] == "2026-09-24"
    # 7 working days: 9/28, 9/29, 9/30, 10/8, 10/9, 10/10 (make-up Saturday), 10/12.
    assert clock["committed_due"] == "2026-10-12"
    assert clock["provisional"] is False and clock["level"] == "green"
    first = item(body, "business_establishment")["clock"]
    assert (first["started_on"], first["committed_due"]) == ("2026-09-24", "2026-09-28")
    assert item(body, "food_business_permit")["clock"]["committed_due"] is None


def test_dependants_start_their_clocks_when_they_open(client):
    with on(9, 24):
        number = create(client, "restaurant")["number"]
        fire(client, number, "accept")
    with on(9, 29):
        body = decide(client, number, "business_establishment")
    permit = item(body, "food_business_permit")["clock"]
    # 5 working days from 9/29: 9/30, 10/8, 10/9, 10/10, 10/12.
    assert (permit["started_on"], permit["committed_due"]) == ("2026-09-29", "2026-10-12")
    assert body["clock"]["predicted_on"] == "2026-10-12"


def test_pause_stops_the_clock_and_resume_moves_deadlines_by_the_paused_working_days(client):
    with on(9, 24):
        number = create(client, "restaurant")["number"]
        fire(client, number, "accept")
        decide(client, number, "business_establishment")
    with on(9, 29):
        fire(client, number, "start_review", "fire_safety_inspection")
        before = item(fire(client, number, "pause", "fire_safety_inspection", reason="现场检测",
                           data={"cause": "testing"}), "fire_safety_inspection")
    assert before["state"] == "paused" and before["clock"]["level"] == "paused"
    assert before["clock"]["committed_due"] == "2026-10-09"
    with on(10, 9):
        body = fire(client, number, "resume", "fire_safety_inspection")
    after = item(body, "fire_safety_inspection")["clock"]
    # Paused 9/29 → 10/9: three working days (9/30, 10/8, 10/9); National Day does not count.
    assert after["paused_days"] == 3
    assert after["committed_due"] == "2026-10-13"  # 10/9 + 10/10, 10/12, 10/13
    assert after["statutory_due"] == "2026-10-20"
    assert after["paused_spans"] == [{"cause": "testing", "note": "现场检测",
                                      "started_on": "2026-09-29", "ended_on": "2026-10-09",
                                      "days": 3}]
    assert body["clock"]["paused_days"] == 3
    assert body["clock"]["committed_due"] == "2026-10-15"  # the application moves too


def test_parallel_pauses_over_the_same_days_stop_the_application_once(client):
    with on(9, 24):
        number = create(client, "restaurant")["number"]
        fire(client, number, "accept")
        decide(client, number, "business_establishment")
    for code in ("fire_safety_inspection", "outdoor_signboard"):
        with on(9, 29):
            fire(client, number, "start_review", code)
            fire(client, number, "pause", code, reason="专家评审", data={"cause": "expert_review"})
        with on(10, 9):
            body = fire(client, number, "resume", code)
    assert body["clock"]["paused_days"] == 3


def test_pausing_for_another_cause_needs_its_reason(client):
    with on(9, 24):
        number = create(client, "restaurant")["number"]
        fire(client, number, "accept")
        fire(client, number, "start_review", "business_establishment")
        body = fire(client, number, "pause", "business_establishment", data={"cause": "other"},
                    expect=422)
        assert "reason" in body["detail"]
        body = fire(client, number, "pause", "business_establishment",
                    data={"cause": "lunch"}, expect=422)
        assert "data.cause" in body["detail"]


def test_extension_adds_to_both_deadlines_within_the_statutory_extension(client):
    with on(9, 24):
        number = create(client, "restaurant")["number"]
        fire(client, number, "accept")
        too_long = fire(client, number, "extend", "business_establishment", reason="情况复杂",
                        data={"days": 11}, expect=422)
        assert "data.days" in too_long["detail"]
        fire(client, number, "extend", "business_establishment",
             data={"days": 3}, expect=422)  # no reason
        body = fire(client, number, "extend", "business_establishment", reason="情况复杂",
                    data={"days": 3})
    clock = item(body, "business_establishment")["clock"]
    assert clock["extension_days"] == 3
    # 1 + 3 working days: 9/28, 9/29, 9/30, 10/8; 15 + 3: 10/27.
    assert (clock["committed_due"], clock["statutory_due"]) == ("2026-10-08", "2026-10-27")
    extension = body["history"][-1]
    assert (extension["trigger"], extension["from"], extension["to"]) == (
        "extend", "open", "open")
    assert extension["data"] == {"days": 3}
    assert extension["actor"] == "supervisor"  # the approver


def test_extension_is_refused_once_the_deadline_has_passed(client):
    with on(9, 24):
        number = create(client, "restaurant")["number"]
        fire(client, number, "accept")
    with on(9, 29):  # due 9/28: overdue now
        body = fire(client, number, "extend", "business_establishment", reason="迟到的申请",
                    data={"days": 3}, expect=409)
        assert "past its deadline" in body["detail"]
        shown = client.get(f"/api/applications/{number}").get_json()
    clock = item(shown, "business_establishment")["clock"]
    assert clock["level"] == "red" and clock["extension_days"] == 0


def test_warning_levels_turn_yellow_then_red_then_statutory(client):
    with on(11, 2):
        number = create(client, "company_closure")["number"]
        fire(client, number, "accept")  # tax: committed 10, statutory 20 working days

    def tax_clock(month, day):
        with on(month, day):
            body = client.get(f"/api/applications/{number}").get_json()
        return item(body, "tax_deregistration")["clock"]

    assert tax_clock(11, 2)["committed_due"] == "2026-11-16"
    assert tax_clock(11, 12)["level"] == "green"
    assert tax_clock(11, 13)["level"] == "yellow"  # the last 20% (2 working days): 11/13, 11/16
    assert tax_clock(11, 16)["level"] == "yellow"
    late = tax_clock(11, 17)
    assert (late["level"], late["statutory_overdue"]) == ("red", False)
    assert tax_clock(12, 1)["statutory_overdue"] is True


def test_correction_at_intake_starts_the_clock_when_the_materials_arrive(client):
    with on(11, 2):
        number = create(client, materials=["parent_id_cards", "birth_medical_record"])["number"]
    with on(11, 4):  # two working days after receipt: in time
        fire(client, number, "request_correction")
    with on(11, 9):
        fire(client, number, "supplement", data={"materials": ["child_photo"]})
        body = fire(client, number, "accept")
    assert body["clock"]["correction_notice_late"] is False
    assert body["clock"]["accepted_on"] == "2026-11-09"


def test_a_late_correction_notice_deems_the_application_accepted_on_receipt(client):
    with on(11, 2):
        number = create(client, materials=["parent_id_cards", "birth_medical_record"])["number"]
    with on(11, 10):  # six working days after receipt: too late (行政许可法 art. 32)
        fire(client, number, "request_correction")
    with on(11, 16):
        fire(client, number, "supplement", data={"materials": ["child_photo"]})
        body = fire(client, number, "accept")
    clock = body["clock"]
    assert clock["correction_notice_late"] is True
    assert clock["accepted_on"] == "2026-11-02"
    assert clock["committed_due"] == "2026-11-09"  # 5 working days from receipt
    first = item(body, "birth_medical_certificate")["clock"]
    assert (first["started_on"], first["committed_due"]) == ("2026-11-02", "2026-11-03")
    assert first["level"] == "red"  # already late on the day it opens


def test_a_departments_correction_pauses_its_item_for_the_applicants_time(client):
    with on(11, 2):
        number = create(client, "restaurant")["number"]
        fire(client, number, "accept")
        fire(client, number, "start_review", "business_establishment")
        fire(client, number, "request_correction", "business_establishment",
             reason="租赁合同未签字")
    with on(11, 5):
        body = fire(client, number, "supplement", "business_establishment",
                    data={"materials": ["premises_proof"]})
    clock = item(body, "business_establishment")["clock"]
    assert clock["paused_spans"][0]["cause"] == "correction"
    assert clock["paused_days"] == 3
    assert clock["committed_due"] == "2026-11-06"  # 11/3 plus 11/4, 11/5, 11/6


def test_deadlines_into_a_year_without_a_schedule_are_provisional(client):
    with on(12, 21):
        number = create(client, "company_closure")["number"]
        body = fire(client, number, "accept")
    tax = item(body, "tax_deregistration")["clock"]
    assert tax["committed_due"] == "2027-01-04"  # weekends only in 2027 (1/1 counts!)
    assert tax["provisional"] is True
    assert body["clock"]["provisional"] is True


def test_an_item_decided_late_is_flagged_even_when_the_application_is_in_time(client):
    with on(11, 2):
        number = create(client)["number"]
        fire(client, number, "accept")
    with on(11, 4):  # birth certificate committed 1 working day: due 11/3
        body = decide(client, number, "birth_medical_certificate")
    assert item(body, "birth_medical_certificate")["clock"]["on_time"] is False
    assert body["clock"]["level"] == "green"


def test_the_yellow_window_is_configurable(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "WARNING_YELLOW_SHARE", 0.5)
    with on(11, 2):
        number = create(client, "company_closure")["number"]
        fire(client, number, "accept")  # tax: committed 10 working days, due 11/16
    with on(11, 10):  # the last half: 11/10 … 11/16
        body = client.get(f"/api/applications/{number}").get_json()
    assert item(body, "tax_deregistration")["clock"]["level"] == "yellow"
