"""What the figures' SQL needs from each database: the local day of a moment, and nearest-rank
percentiles by window functions, which SQLite and PostgreSQL both have."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import Date, Integer, case, func, select
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


def nearest_rank(value: ColumnElement, group: ColumnElement | None, where,
                 *percents: int) -> select:
    """``SELECT group, p<percent>…`` by nearest rank: the value at rank ⌈p·n/100⌉ of the n
    values of each group, ordered (integer arithmetic: SQLite may lack ceil)."""
    partition = [group] if group is not None else []
    ranked = select(
        *([group.label("grouped")] if group is not None else []),
        value.label("value"),
        func.row_number().over(partition_by=partition, order_by=value).label("rank"),
        func.count().over(partition_by=partition).label("n"),
    ).where(where, value.is_not(None)).subquery()
    columns = [func.min(case((ranked.c.rank == (ranked.c.n * percent + 99) // 100,
                              ranked.c.value))).label(f"p{percent}") for percent in percents]
    query = select(*([ranked.c.grouped] if group is not None else []), *columns)
    return query.group_by(ranked.c.grouped) if group is not None else query


def count_where(condition) -> ColumnElement:
    return func.sum(case((condition, 1), else_=0)).cast(Integer)
