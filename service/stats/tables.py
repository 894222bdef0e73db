"""The dashboard's tables as data: columns (label, unit, definition) and rows of plain values,
built from what :mod:`.operations` returns. The page, the CSV and the Excel downloads all write
these same tables, so a download holds the numbers of the table it was taken from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..catalog.models import Department
from ..core.database import db
from ..engine.calendar import local_date
from ..engine.states import FollowUpStatus
from ..portal.wording import GRADES
from .figures import (
    APPLICATION_FIGURES,
    DEPARTMENT_FIGURES,
    RATING_FIGURES,
    TREND_FIGURES,
    Definition,
)
from .operations import DepartmentFigures, Week


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazily translated
    unit: str  # "count", "days", "share", "ratio", "text", "date"

    @property
    def numeric(self) -> bool:
        return self.unit in ("count", "days", "share", "ratio")


@dataclass
class Table:
    """One table of the dashboard; ``name`` is its download's (``/dashboard/<name>.csv``)."""

    name: str
    title: object
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    keys: list = field(default_factory=list)  # one per row: what its links are about
    footer: list | None = None  # a total row (the county's overall figures)
    links: dict[tuple, str] = field(default_factory=dict)  # (row key, column key) → URL


FOLLOW_UP_WORDS = {FollowUpStatus.CONTACTED: _l("已回访"), FollowUpStatus.RESOLVED: _l("已解决")}
NOT_FOLLOWED_UP = _l("待跟进")

# An applicant's comment, or a note about a call-back, may carry a phone or an ID number: the
# dashboard shows no personal data, so long runs of digits are masked wherever free text is shown.
_DIGITS = re.compile(r"\d[\d\s-]{5,}\d[\dXx]?")


def masked(text: str | None) -> str:
    return _DIGITS.sub(lambda found: "*" * len(found.group()), text or "")


def heading(definition: Definition):
    """A figure's label, with its unit where the number alone would not say it."""
    if definition.unit == "days":
        return _l("%(figure)s（工作日）", figure=definition.label)
    return definition.label


def _column(definition: Definition) -> Column:
    return Column(definition.key, heading(definition), definition.unit)


def bundle_table(stats: dict) -> Table:
    """Per bundle, with the county's overall figures as the total row."""
    columns = [Column("name", _l("一件事"), "text"), *map(_column, APPLICATION_FIGURES)]

    def row(figures: dict) -> list:
        return [figures["name"], *(figures[column.key] for column in columns[1:])]

    return Table("bundles", _l("各“一件事”"), columns,
                 rows=[row(figures) for figures in stats["bundles"]],
                 keys=[figures["bundle"] for figures in stats["bundles"]],
                 footer=[_l("全县"), *row(stats["overall"])[1:]])


def department_table(departments: list[DepartmentFigures]) -> Table:
    columns = [Column("name", _l("部门"), "text"), *map(_column, DEPARTMENT_FIGURES)]
    return Table("departments", _l("各部门"), columns,
                 rows=[[figures.name, *(getattr(figures, column.key) for column in columns[1:])]
                       for figures in departments],
                 keys=[figures.department for figures in departments])


def every_week(weeks: list[Week], since: date, until: date) -> list[Week]:
    """Each week (from its Monday) that the period touches, with nothing where nothing
    happened: a chart's axis has no gaps."""
    found = {week.monday: week for week in weeks}
    monday, result = since - timedelta(days=since.weekday()), []
    while monday <= until:
        result.append(found.get(monday, Week(monday)))
        monday += timedelta(days=7)
    return result


def week_table(weeks: list[Week]) -> Table:
    """The county's applications received and concluded, and its items overdue, per week."""
    received, concluded, overdue = map(_column, TREND_FIGURES)
    columns = [Column("week", _l("周（自周一）"), "date"), received, concluded, overdue]
    return Table("weeks", _l("每周收件、办结和超期事项"), columns,
                 rows=[[week.monday, week.received, week.concluded, sum(week.overdue.values())]
                       for week in weeks],
                 keys=[week.monday for week in weeks])


def overdue_table(weeks: list[Week]) -> Table:
    """Items overdue per department (rows) and week (columns), with each department's total."""
    codes = sorted({code for week in weeks for code in week.overdue})
    names = department_names(codes)
    codes.sort(key=lambda code: names.get(code, code))
    columns = [Column("name", _l("部门"), "text"),
               *(Column(week.monday.isoformat(), week.monday.isoformat(), "count")
                 for week in weeks),
               Column("total", _l("合计"), "count")]
    rows = []
    for code in codes:
        counts = [week.overdue.get(code, 0) for week in weeks]
        rows.append([names.get(code, code), *counts, sum(counts)])
    return Table("overdue", _l("各部门每周超期事项"), columns, rows=rows, keys=codes)


def department_names(codes) -> dict[str, str]:
    return dict(db.session.execute(select(Department.code, Department.name)
                                   .where(Department.code.in_(list(codes)))).all())


def grade_table(ratings: dict) -> Table:
    columns = [Column("grade", _l("评价"), "text"), Column("count", _l("评价数"), "count"),
               Column("share", _l("占比"), "share")]
    return Table("grades", _l("好差评"), columns,
                 rows=[[grade_words(grade), count, ratings["shares"][grade]]
                       for grade, count in ratings["grades"].items()],
                 keys=list(ratings["grades"]),
                 footer=[_l("合计"), ratings["total"], 1.0 if ratings["total"] else None])


def grade_words(grade: int) -> str:
    return f"{grade} {GRADES[grade]}"


def bad_rating_table(ratings: dict) -> Table:
    """Each bad rating, the newest first, with what was done about it."""
    columns = [Column("number", _l("办件编号"), "text"), Column("bundle", _l("一件事"), "text"),
               Column("grade", _l("评价"), "text"), Column("rated_on", _l("评价日期"), "date"),
               Column("comment", _l("申请人意见"), "text"),
               Column("follow_ups", _l("跟进记录"), "text"),
               Column("state", _l("整改"), "text")]
    rows = []
    for entry in ratings["bad"]:
        rating, follow_ups = entry["rating"], entry["follow_ups"]
        history = "；".join(f"{local_date(each.created_at).isoformat()} "
                           f"{FOLLOW_UP_WORDS[each.status]}：{masked(each.note)}"
                           for each in follow_ups)
        state = (FOLLOW_UP_WORDS[follow_ups[-1].status] if follow_ups else NOT_FOLLOWED_UP)
        rows.append([entry["number"], entry["bundle"], grade_words(rating.grade),
                     local_date(rating.created_at), masked(rating.comment), history,
                     str(state)])
    return Table("bad_ratings", _l("差评及整改"), columns, rows=rows,
                 keys=[entry["rating"].id for entry in ratings["bad"]])


def definitions() -> list[tuple[object, list[Definition]]]:
    """Each group of figures with its definitions, as the page and the workbook show them."""
    return [(_l("申请"), list(APPLICATION_FIGURES)), (_l("部门"), list(DEPARTMENT_FIGURES)),
            (_l("每周"), list(TREND_FIGURES)), (_l("好差评"), list(RATING_FIGURES))]


def text_of(value, unit: str, empty: str = "—") -> str:
    """A value as the page shows it (and the CSV writes it, ``empty`` aside)."""
    if value is None or value == "":
        return empty
    if unit == "share":
        return f"{value:.1%}"
    if unit == "ratio":
        return f"{value:.2f}"
    if unit == "days":
        return f"{value:g}"
    if unit == "date":
        return value.isoformat()
    return str(value)
