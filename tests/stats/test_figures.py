"""The dashboard's figures per department, week by week and for ratings, against values worked
out by hand over a fixed fortnight (2–13 November 2026, no holiday in it), on both databases.

- A, newborn at the window, accepted Mon 2 Nov. 出生医学证明 (health, committed 1 working day:
  due Tue 3) approved Mon 2; 户口登记 (public security, committed 2 from Mon 2: due Wed 4)
  approved Thu 5, late; then 医保 (medical security, due Fri 6), 社保卡 (human resources, due
  Mon 9) approved and 预防接种证 (disease control, due Fri 6) denied, all on Fri 6: concluded,
  delivered electronically, rated 2 of 5 ("等了很久").
- B, newborn online, accepted Tue 3 Nov: its 出生医学证明 (due Wed 4) is still open on Fri 13.
"""

from datetime import date

import pytest

from service.access.models import User
from service.applications.models import Application
from service.applications.ratings import rate
from service.core.database import db
from service.engine.states import FollowUpStatus
from service.stats.operations import (
    Period,
    RatingNotFound,
    Week,
    department_stats,
    follow_up,
    rating_stats,
    weekly_trends,
)
from tests.factories import create, decide, fire
from tests.stats.test_stats import at, sweep

FORTNIGHT = Period(date(2026, 11, 1), date(2026, 11, 13))
TODAY = date(2026, 11, 13)


@pytest.fixture(params=["live", "rolled up", "partly rolled up"])
def fortnight(request, client, app, runner):
    """As counted live, from the daily rollup, or from both (test_stats.py's ``handled``)."""
    with at(11, 2):
        first = create(client, "newborn")["number"]
        fire(client, first, "accept")
    with at(11, 2, hour=15):
        decide(client, first, "birth_medical_certificate")
    with at(11, 3):
        second = create(client, "newborn", channel="online")["number"]
        fire(client, second, "accept")
    if request.param == "partly rolled up":
        sweep(runner, 11, 4)
    with at(11, 5):
        decide(client, first, "birth_registration")
    with at(11, 6):
        decide(client, first, "newborn_medical_insurance")
        decide(client, first, "social_security_card")
        decide(client, first, "vaccination_certificate", approve=False)
        fire(client, first, "deliver", data={"method": "electronic"})
        with app.app_context():
            application = db.session.scalar(
                db.select(Application).where(Application.number == first))
            rate(application, 2, "等了很久")
            db.session.commit()
    if request.param == "rolled up":
        sweep(runner, 11, 12)
    return first, second


def supervisor() -> User:
    return db.session.scalar(db.select(User).where(User.username == "supervisor"))


def figures_of(app, *calls):
    with app.app_context():
        return [call() for call in calls]


def test_each_department_over_the_items_it_decided_and_its_items_overdue_today(app, fortnight):
    [rows] = figures_of(app, lambda: department_stats(FORTNIGHT, TODAY))
    by_code = {row.department: (row.decided, row.approved, row.on_time_committed,
                                row.on_time_statutory, row.overdue_now) for row in rows}
    assert by_code == {
        "health": (1, 1, 1.0, 1.0, 1),  # B's certificate, due Wed 4, still open
        "public_security": (1, 1, 0.0, 1.0, 0),  # a day late on 2, on time on 10
        "medical_security": (1, 1, 1.0, 1.0, 0),
        "human_resources": (1, 1, 1.0, 1.0, 0),
        "disease_control": (1, 0, 1.0, 1.0, 0),  # denied, on time
    }
    [mine] = figures_of(app, lambda: department_stats(FORTNIGHT, TODAY,
                                                      frozenset({"public_security"})))
    assert [row.department for row in mine] == ["public_security"]
    [later] = figures_of(app, lambda: department_stats(Period(date(2026, 11, 6)), TODAY))
    assert {row.department: row.decided for row in later} == {
        "health": 0, "medical_security": 1, "human_resources": 1, "disease_control": 1}


def test_week_by_week_the_county_and_each_departments_overdue_items(app, fortnight):
    [weeks] = figures_of(app, lambda: weekly_trends(FORTNIGHT, TODAY))
    assert weeks == [Week(date(2026, 11, 2), received=2, concluded=1,
                          overdue={"health": 1, "public_security": 1})]
    [health] = figures_of(app, lambda: weekly_trends(FORTNIGHT, TODAY, frozenset({"health"})))
    assert health == [Week(date(2026, 11, 2), overdue={"health": 1})]  # no county counts


def test_ratings_and_the_follow_up_of_a_bad_one(app, fortnight):
    first, _ = fortnight
    [ratings] = figures_of(app, lambda: rating_stats(FORTNIGHT))
    assert ratings["grades"] == {5: 0, 4: 0, 3: 0, 2: 1, 1: 0}
    assert ratings["shares"][2] == 1.0 and ratings["open_follow_ups"] == 1
    [bad] = ratings["bad"]
    assert (bad["number"], bad["rating"].comment, bad["open"]) == (first, "等了很久", True)

    with app.app_context():
        head = supervisor()
        rating_id = bad["rating"].id
        with pytest.raises(RatingNotFound):  # not an application of the tax office
            follow_up(rating_id, FollowUpStatus.CONTACTED, "已电话联系", head,
                      departments=frozenset({"tax"}))
        follow_up(rating_id, FollowUpStatus.CONTACTED, "已电话联系", head,
                  departments=frozenset({"public_security"}))
        db.session.commit()
    [contacted] = figures_of(app, lambda: rating_stats(FORTNIGHT))
    assert contacted["open_follow_ups"] == 1  # contacted is not resolved
    with app.app_context():
        follow_up(rating_id, FollowUpStatus.RESOLVED, "已道歉并说明原因", supervisor())
        db.session.commit()
    [resolved] = figures_of(app, lambda: rating_stats(FORTNIGHT))
    assert resolved["open_follow_ups"] == 0
    assert [each.status for each in resolved["bad"][0]["follow_ups"]] == [
        FollowUpStatus.CONTACTED, FollowUpStatus.RESOLVED]
    [elsewhere] = figures_of(app, lambda: rating_stats(FORTNIGHT, frozenset({"tax"})))
    assert elsewhere["total"] == 0 and elsewhere["bad"] == []


def test_concluding_stores_the_day_and_the_turnaround_in_working_days(app, fortnight):
    first, second = fortnight
    with app.app_context():
        rows = {number: (day, days) for number, day, days in db.session.execute(
            db.select(Application.number, Application.concluded_on,
                      Application.turnaround_days))}
    # Accepted Mon 2, concluded Fri 6: Tue 3 to Fri 6.
    assert tuple(rows[first]) == (date(2026, 11, 6), 4)
    assert tuple(rows[second]) == (None, None)
