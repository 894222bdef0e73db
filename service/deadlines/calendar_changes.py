"""A change to the holiday calendar re-times the applications it reaches, and is recorded as an
administrative act."""

from __future__ import annotations

from datetime import date, datetime

from ..applications.clock import refresh_running_deadlines
from ..audit.acts import Action, record_act
from ..catalog.operations import machine_for
from ..engine.deadlines import DEFAULT_YELLOW_SHARE
from ..workdays.operations import calendar_around, replace_year, seed_from_library, year_schedule
from ..workdays.schedules import YearSchedule


def publish_year(schedule: YearSchedule, now: datetime,
                 yellow_share: float = DEFAULT_YELLOW_SHARE, *, user_id: int | None) -> int:
    """Store a year's schedule; returns how many running applications' deadlines moved.
    ``user_id``: who publishes it (None for a command run on the server)."""
    before = year_schedule(schedule.year)
    replace_year(schedule)
    moved = refresh_running_deadlines(date(schedule.year, 1, 1), now, calendar_around,
                                      machine_for, yellow_share)
    record_act(Action.CALENDAR_PUBLISHED, str(schedule.year),
               {"source": schedule.source, "moved": moved, **_changes(before, schedule)},
               user_id=user_id, at=now)
    return moved


def _changes(before: YearSchedule | None, after: YearSchedule) -> dict:
    """The days added to and removed from each kind, by ISO date."""
    changes = {}
    for kind in ("holidays", "workdays"):
        old, new = getattr(before, kind) if before else {}, getattr(after, kind)
        changes[f"{kind}_added"] = sorted(day.isoformat() for day in new.keys() - old.keys())
        changes[f"{kind}_removed"] = sorted(day.isoformat() for day in old.keys() - new.keys())
    return changes


def seed_years(now: datetime, yellow_share: float = DEFAULT_YELLOW_SHARE) -> tuple[list[int], int]:
    """Seed the years the library knows and the database lacks; re-time what they reach."""
    added = seed_from_library()
    moved = refresh_running_deadlines(date(min(added), 1, 1), now, calendar_around, machine_for,
                                      yellow_share) if added else 0
    if added:
        record_act(Action.CALENDAR_SEEDED, f"{min(added)}–{max(added)}",
                   {"years": added, "moved": moved}, user_id=None, at=now)
    return added, moved
