"""Keeping the holiday calendar, and reading it. Only flushes; the caller commits."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from ..core.database import db
from ..engine.calendar import WorkingCalendar
from .models import CalendarDay, CalendarYear, DayKind
from .schedules import YearSchedule, library_schedules

# Deadlines reach this far from the day they start: limits, pauses and extensions included.
_YEARS_AHEAD = 2


def seed_from_library() -> list[int]:
    """Add every year the library knows and the database lacks; never overwrite a stored year
    (an administrator may have corrected it). Returns the years added."""
    stored = set(db.session.scalars(select(CalendarYear.year)))
    added = []
    for year, schedule in sorted(library_schedules().items()):
        if year not in stored:
            replace_year(schedule)
            added.append(year)
    return added


def replace_year(schedule: YearSchedule) -> None:
    """Store a year's whole schedule, replacing whatever was stored for that year."""
    db.session.execute(delete(CalendarDay).where(CalendarDay.year == schedule.year))
    record = db.session.get(CalendarYear, schedule.year)
    if record is None:
        db.session.add(CalendarYear(year=schedule.year, source=schedule.source))
    else:
        record.source = schedule.source
    db.session.add_all(
        [CalendarDay(day=day, year=schedule.year, kind=DayKind.HOLIDAY, name=name)
         for day, name in schedule.holidays.items()]
        + [CalendarDay(day=day, year=schedule.year, kind=DayKind.WORKDAY, name=name)
           for day, name in schedule.workdays.items()])
    db.session.flush()


def year_schedule(year: int) -> YearSchedule | None:
    record = db.session.get(CalendarYear, year)
    if record is None:
        return None
    schedule = YearSchedule(year, source=record.source)
    for day in db.session.scalars(select(CalendarDay).where(CalendarDay.year == year)
                                  .order_by(CalendarDay.day)):
        days = schedule.holidays if day.kind == DayKind.HOLIDAY else schedule.workdays
        days[day.day] = day.name
    return schedule


def published_years() -> list[int]:
    return list(db.session.scalars(select(CalendarYear.year).order_by(CalendarYear.year)))


def calendar_around(day: date) -> WorkingCalendar:
    """The calendar from the year before ``day`` to the years a deadline started then can
    reach: a few hundred rows, read once for the request that needs them."""
    return calendar_for_years(day.year - 1, day.year + _YEARS_AHEAD)


def calendar_for_years(first: int, last: int) -> WorkingCalendar:
    # One statement: each stored year, with its special days if it has any. Nothing a request
    # changes before it reads the calendar is in it: without the autoflush, a step's changes
    # reach the database as one UPDATE per row at the end, not two.
    with db.session.no_autoflush:
        rows = db.session.execute(
            select(CalendarYear.year, CalendarDay.day, CalendarDay.kind)
            .outerjoin(CalendarDay, CalendarDay.year == CalendarYear.year)
            .where(CalendarYear.year >= first, CalendarYear.year <= last)).all()
    return WorkingCalendar(
        holidays=frozenset(row.day for row in rows if row.kind == DayKind.HOLIDAY),
        workdays=frozenset(row.day for row in rows if row.kind == DayKind.WORKDAY),
        published_years=frozenset(row.year for row in rows),
    )


def missing_years(today: date) -> list[int]:
    """Years a deadline set today may reach whose schedule is not stored (see
    WorkingCalendar.missing_years): what the health check and the admin API report."""
    return calendar_around(today).missing_years(today)
