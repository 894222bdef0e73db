"""`flask demo seed`'s month of history, as the dashboard shows it (issue 19): the applicants
rate most delivered applications after delivery, mostly 5 and 4, a few 3 and a few bad ones with
a comment; the demo supervisor has followed up the older bad ratings, the newest is open.

Seeded on the tests' catalog, seen on Monday 30 November 2026."""

from datetime import UTC, datetime

import time_machine
from sqlalchemy import func, select

from service.applications.models import Application, Event, Rating, RatingFollowUp
from service.applications.ratings import BAD_GRADES
from service.core.database import db
from service.engine.calendar import local_date
from service.engine.states import ApplicationState, FollowUpStatus, Trigger
from service.stats.operations import rating_stats
from service.stats.sql import Period

TODAY = datetime(2026, 11, 30, 2, tzinfo=UTC)  # 10:00 in Shanghai


def seed(runner) -> str:
    runner.invoke(args=["catalog", "load"])
    with time_machine.travel(TODAY, tick=False):
        result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_month_has_ratings_of_several_grades_and_an_open_bad_rating(runner, app, staff):
    output = seed(runner)
    with app.app_context():
        ratings = rating_stats(Period())
        grades = ratings["grades"]
        delivered = db.session.scalar(select(func.count()).select_from(Application).where(
            Application.state == ApplicationState.DELIVERED))
        assert f"{ratings['total']} rated (" in output

        assert delivered / 2 < ratings["total"] < delivered  # most are rated, not every one
        assert sum(1 for count in grades.values() if count) >= 3
        assert grades[5] > grades[4] > 0 and grades[3] > 0
        assert (grades[5] + grades[4]) / ratings["total"] >= 0.75
        assert 0 < grades[1] + grades[2] <= ratings["total"] / 5
        assert all(entry["rating"].comment for entry in ratings["bad"])
        assert ratings["open_follow_ups"] >= 1
        followed = [entry for entry in ratings["bad"] if entry["follow_ups"]]
        assert followed and any(not entry["open"] for entry in followed)
        assert {each.user.username for entry in followed
                for each in entry["follow_ups"]} == {"supervisor"}
        newest = ratings["bad"][0]  # the newest first
        assert newest["open"] and not newest["follow_ups"]

        # Each rating is the applicant's, after its delivery and before today.
        for rating, delivered_at in db.session.execute(
                select(Rating, Event.created_at)
                .join(Event, Event.application_id == Rating.application_id)
                .where(Event.trigger == Trigger.DELIVER)):
            assert delivered_at < rating.created_at
            assert local_date(rating.created_at) < local_date(TODAY)
        assert db.session.scalar(select(func.count()).select_from(RatingFollowUp).where(
            RatingFollowUp.status == FollowUpStatus.RESOLVED)) >= 1
        assert all(entry["rating"].grade in BAD_GRADES for entry in ratings["bad"])
        # A call-back follows its rating, and comes before the demo's present.
        for entry in ratings["bad"]:
            for each in entry["follow_ups"]:
                assert entry["rating"].created_at < each.created_at
                assert local_date(each.created_at) <= local_date(TODAY)
