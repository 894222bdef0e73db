"""The daily rollup: what the figures sum, per day received and bundle version and per day
decided and department, kept by :mod:`.rollup` so that a year's figures read a few thousand rows
instead of every application and item."""

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import UTCDateTime, db


class DailyFigures(db.Model):
    """The sums of :data:`.rollup.SUMS` over a version's applications received on ``day``."""

    __tablename__ = "daily_figures"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    bundle_version_id: Mapped[int] = mapped_column(ForeignKey("bundle_versions.id"),
                                                   primary_key=True)
    applications: Mapped[int] = mapped_column(Integer)
    online: Mapped[int] = mapped_column(Integer)
    paused_days: Mapped[int] = mapped_column(Integer)
    corrections: Mapped[int] = mapped_column(Integer)
    concluded: Mapped[int] = mapped_column(Integer)
    turnaround: Mapped[int] = mapped_column(Integer)
    on_time_committed: Mapped[int] = mapped_column(Integer)
    lawful: Mapped[int] = mapped_column(Integer)
    on_time_statutory: Mapped[int] = mapped_column(Integer)
    delivered: Mapped[int] = mapped_column(Integer)
    visits: Mapped[int] = mapped_column(Integer)
    fully_online: Mapped[int] = mapped_column(Integer)


class DailyTurnarounds(db.Model):
    """How many applications received on ``day`` concluded in ``turnaround_days``: the
    percentiles' counts per value, summed over any period."""

    __tablename__ = "daily_turnarounds"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    bundle_version_id: Mapped[int] = mapped_column(ForeignKey("bundle_versions.id"),
                                                   primary_key=True)
    turnaround_days: Mapped[int] = mapped_column(Integer, primary_key=True)
    applications: Mapped[int] = mapped_column(Integer)


class DailyDepartmentFigures(db.Model):
    """What a department decided on ``day``: the sums of :func:`.rollup.decision_sums`."""

    __tablename__ = "daily_department_figures"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    department_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    decided: Mapped[int] = mapped_column(Integer)
    approved: Mapped[int] = mapped_column(Integer)
    on_time_committed: Mapped[int] = mapped_column(Integer)
    lawful: Mapped[int] = mapped_column(Integer)
    on_time_statutory: Mapped[int] = mapped_column(Integer)


class RollupMark(db.Model):
    """One row: the rollup holds every application as of event ``event_id``."""

    __tablename__ = "rollup_marks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(BigInteger)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime)
