from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import UTCDateTime, db, enum_text, utcnow


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # a statutory holiday, or a weekday off in exchange (调休)
    WORKDAY = "workday"  # a weekend day worked (调休)


class CalendarYear(db.Model):
    """A year whose schedule is published: its days below are the whole truth for it."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CalendarDay(db.Model):
    """An exception to the weekday rule: a holiday, or a weekend day worked (调休)."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[DayKind] = mapped_column(enum_text(DayKind, 10, "kind"))
    name: Mapped[str] = mapped_column(String(100))
