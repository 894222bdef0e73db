"""The figures' daily rollup: what a refresh recomputes, and where it leaves the mark.
(That the figures come out the same live, rolled up and partly rolled up is test_stats.py's.)"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from service.applications.models import Event
from service.catalog.models import BundleVersion
from service.core.database import db
from service.stats import rollup
from service.stats.models import (
    DailyDepartmentFigures,
    DailyFigures,
    DailyTurnarounds,
    RollupMark,
)
from service.stats.sql import Period
from tests.stats.test_stats import accepted, at, conclude

NOON_30_SEPTEMBER = datetime(2026, 9, 30, 4, tzinfo=UTC)  # 12:00 in Shanghai


def rolled_up() -> dict:
    return {(row.day, code, row.turnaround_days): row.applications
            for row, code in db.session.execute(
                select(DailyTurnarounds, BundleVersion.bundle_code)
                .join(BundleVersion, BundleVersion.id == DailyTurnarounds.bundle_version_id))}


def stale_days(period: Period) -> list[date]:
    return [day for day, _version in rollup.stale_received(period)]


def test_a_refresh_rolls_up_the_days_changed_since_the_mark(client, app):
    first = accepted(client, "newborn", 9, 28)
    conclude(client, first, 9, 29)
    with app.app_context():
        assert stale_days(Period()) == [date(2026, 9, 28)]
        assert {day for day, _ in rollup.stale_decided(Period())} == {date(2026, 9, 29)}
        refreshed = rollup.refresh(NOON_30_SEPTEMBER)
        assert (refreshed.received, refreshed.decided) == (1, 5)  # five departments decided
        db.session.commit()
        assert stale_days(Period()) == rollup.stale_decided(Period()) == []
        assert rolled_up() == {(date(2026, 9, 28), "newborn", 1): 1}
        assert db.session.scalar(select(func.sum(DailyFigures.applications))) == 1
        decided = db.session.scalars(select(DailyDepartmentFigures)).all()
        assert {row.day for row in decided} == {date(2026, 9, 29)}
        assert sum(row.decided for row in decided) == sum(row.approved for row in decided) == 5

    second = accepted(client, "restaurant", 9, 28)  # the same day received, another bundle
    with app.app_context():
        assert stale_days(Period()) == [date(2026, 9, 28)]
        assert stale_days(Period(since=date(2026, 9, 29))) == []
        assert rollup.refresh(NOON_30_SEPTEMBER + timedelta(hours=1)).received == 1
        db.session.commit()
        figures = {row.bundle_version_id: (row.applications, row.concluded)
                   for row in db.session.scalars(select(DailyFigures))}
        assert sorted(figures.values()) == [(1, 0), (1, 1)]
        assert rollup.refresh(NOON_30_SEPTEMBER + timedelta(hours=2)).received == 0
    assert second


def test_the_mark_stays_behind_events_that_may_not_have_committed_yet(client, app):
    accepted(client, "newborn", 9, 30)  # at 10:00
    with app.app_context():
        newest = db.session.scalar(select(func.max(Event.id)))
        just_after = datetime(2026, 9, 30, 2, 1, tzinfo=UTC)  # 10:01: younger than SETTLING
        refreshed = rollup.refresh(just_after)
        db.session.commit()
        assert refreshed.received == 1 and refreshed.event_id < newest
        # Looked at again by the next refresh, and meanwhile counted live by the figures:
        assert stale_days(Period()) == [date(2026, 9, 30)]
        assert rollup.refresh(just_after + rollup.SETTLING).event_id == newest
        db.session.commit()
        assert stale_days(Period()) == []
        assert db.session.get(RollupMark, rollup.MARK_ROW).event_id == newest


def test_flask_stats_rebuild_recomputes_every_day(client, app, runner):
    for day in (28, 29):
        conclude(client, accepted(client, "newborn", 9, day), 9, 30)
    with at(10, 20), app.app_context():
        result = runner.invoke(args=["stats", "--rebuild"])
        assert result.exit_code == 0, result.output
        assert "rollup rebuilt: 2 rows by day received, 5 by day decided" in result.output
        assert stale_days(Period()) == []
        assert sum(rolled_up().values()) == 2
