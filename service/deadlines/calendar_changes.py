"""A change to the holiday calendar re-times the applications it reaches."""

from __future__ import annotations

from datetime import date, datetime

from ..applications.clock import refresh_running_deadlines
from ..catalog.operations import machine_for
from ..engine.deadlines import DEFAULT_YELLOW_SHARE
from ..workdays.operations import calendar_around, replace_year, seed_from_library
from ..workdays.schedules import YearSchedule


def publish_year(schedule: YearSchedule, now: datetime,
                 yellow_share: float = DEFAULT_YELLOW_SHARE) -> int:
    """Store a year's schedule; returns how many running applications' deadlines moved."""
    replace_year(schedule)
    return refresh_running_deadlines(date(schedule.year, 1, 1), now, calendar_around,
                                     machine_for, yellow_share)


def seed_years(now: datetime, yellow_share: float = DEFAULT_YELLOW_SHARE) -> tuple[list[int], int]:
    """Seed the years the library knows and the database lacks; re-time what they reach."""
    added = seed_from_library()
    moved = refresh_running_deadlines(date(min(added), 1, 1), now, calendar_around, machine_for,
                                      yellow_share) if added else 0
    return added, moved
