"""What the figures' SQL needs from each database: the local day of a moment, and nearest-rank
percentiles by window functions, which SQLite and PostgreSQL both have."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Date, Integer, Select, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from ..engine.calendar import SHANGHAI


class local_day(FunctionElement):  # noqa: N801 - reads as the SQL function it stands for
    """The day in Asia/Shanghai of a stored UTC moment (China keeps UTC+8 all year)."""

    type = Date()
    inherit_cache = True


@compiles(local_day, "postgresql")
def _local_day_postgresql(element, compiler, **kw):
    return f"(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'Asia/Shanghai')::date"


@compiles(local_day, "sqlite")
def _local_day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


def start_of(day: date) -> datetime:
    """The first moment of a day in Asia/Shanghai: bounds on stored moments use their indexes."""
    return datetime.combine(day, time(), SHANGHAI)


def end_of(day: date) -> datetime:
    return start_of(day + timedelta(days=1))


def nearest_rank(counts, *percents: int) -> Select:
    """``SELECT [grouped,] p<percent>…`` by nearest rank: of the n values of each group, ordered,
    the one at rank ⌈p·n/100⌉. ``counts`` is a subquery of (``grouped``, optional; ``value``;
    ``k``, how many times the group holds the value): turnarounds are a few dozen distinct days,
    so a running sum over their counts finds the rank without a sort of every row."""
    partition = [counts.c.grouped] if "grouped" in counts.c else []
    running = select(
        *partition,
        counts.c.value,
        func.sum(counts.c.k).over(partition_by=partition, order_by=counts.c.value)
        .cast(Integer).label("upto"),
        func.sum(counts.c.k).over(partition_by=partition).cast(Integer).label("n"),
    ).subquery()
    # Integer arithmetic for the ceiling: SQLite may lack ceil().
    columns = [func.min(case((running.c.upto >= (running.c.n * percent + 99) // 100,
                              running.c.value))).label(f"p{percent}") for percent in percents]
    if not partition:
        return select(*columns)
    return select(running.c.grouped, *columns).group_by(running.c.grouped)


EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)  # the days a period may name


@dataclass(frozen=True)
class Period:
    """Days in Asia/Shanghai, both included; None: unbounded."""

    since: date | None = None
    until: date | None = None

    def holds(self, moment) -> list:
        """Conditions on a stored moment (its index serves them)."""
        return ([moment >= start_of(self.since)] if self.since else []) + (
            [moment < end_of(self.until)] if self.until else [])

    def holds_day(self, day) -> list:
        return ([day >= self.since] if self.since else []) + (
            [day <= self.until] if self.until else [])


def count_where(condition) -> ColumnElement:
    return func.sum(case((condition, 1), else_=0)).cast(Integer)
