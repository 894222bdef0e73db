"""The dashboard (/dashboard): the reform's figures over a period, as tables with their charts
and definitions, downloads of each table, and the follow-up of bad ratings by supervisors.

Leaders and administrators see the county; a supervisor sees their departments only, and none
of the county-wide sections. No personal data: application numbers, never a name, an ID number
or a phone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..access.policy import RULES
from ..access.roles import Role
from ..applications.models import Application, ApplicationItem
from ..core.database import db, utcnow
from ..engine.calendar import local_date
from . import downloads
from .figures import APPLICATION_FIGURES
from .forms import FollowUpForm, PeriodForm
from .operations import (
    NotABadRating,
    Period,
    RatingNotFound,
    department_stats,
    follow_up,
    rating_stats,
    turnaround_stats,
    weekly_trends,
)
from .tables import (
    Table,
    bad_rating_table,
    bundle_table,
    definitions,
    department_names,
    department_table,
    every_week,
    grade_table,
    heading,
    overdue_table,
    text_of,
    week_table,
)

bp = Blueprint("dashboard", __name__, template_folder="templates")

# The county's headline figures, above the table per bundle.
HEADLINE = ("applications", "concluded", "median_turnaround", "on_time_committed",
            "time_reduction", "online_share", "fully_online_share", "exemption_share")
PERIOD_LABELS = {"since": _l("开始日期"), "until": _l("结束日期")}


@dataclass
class Dashboard:
    period: Period
    departments: frozenset[str] | None  # None: the whole county
    tables: dict[str, Table]
    ratings: dict
    overall: dict | None = None
    charts: dict = field(default_factory=dict)

    @property
    def county(self) -> bool:
        return self.departments is None


def may_open(endpoint: str) -> bool:
    """Whether the viewer's role may open ``endpoint`` (its access rule): links only there."""
    return Role(current_user.role) in RULES[endpoint].roles


def scope() -> frozenset[str] | None:
    """A supervisor sees their departments; leaders and administrators every department."""
    return (current_user.department_codes if Role(current_user.role) == Role.SUPERVISOR
            else None)


def build(period: Period, today: date, departments: frozenset[str] | None,
          only: str | None = None) -> Dashboard:
    """Every table the viewer may see (``only`` that one: a download computes no more)."""
    def wanted(*names: str) -> bool:
        return only is None or only in names

    county = departments is None
    tables: dict[str, Table] = {}
    overall, ratings = None, {"bad": []}
    if county and wanted("bundles"):
        stats = turnaround_stats(period.since, period.until)
        overall = stats["overall"]
        tables["bundles"] = bundle_table(stats)
    if wanted("departments"):
        tables["departments"] = department_table(department_stats(period, today, departments))
    if wanted("weeks", "overdue"):
        weeks = every_week(weekly_trends(period, today, departments), period.since,
                           period.until)
        if county:
            tables["weeks"] = week_table(weeks)
        tables["overdue"] = overdue_table(weeks)
    if wanted("grades", "bad_ratings"):
        ratings = rating_stats(period, departments)
        tables["grades"] = grade_table(ratings)
        tables["bad_ratings"] = bad_rating_table(ratings)
    if only is not None:
        tables = {only: tables[only]} if only in tables else {}
    return Dashboard(period, departments, tables, ratings, overall)


def _link(dashboard: Dashboard) -> None:
    """A figure links to the applications behind it, where the viewer may open them."""
    tables = dashboard.tables
    if "bundles" in tables and may_open("admin.bundle"):
        bundles = tables["bundles"]
        for code in bundles.keys:
            bundles.links[code, "name"] = url_for("admin.bundle", code=code)
    if dashboard.departments is None:
        return
    departments = tables["departments"]
    overdue = [column.key for column in departments.columns].index("overdue_now")
    if may_open("review.supervise"):  # the red and yellow cards of the viewer's departments
        for key, row in zip(departments.keys, departments.rows, strict=True):
            if row[overdue]:
                departments.links[key, "overdue_now"] = url_for("review.supervise")
    if may_open("review.item"):
        items = _department_items([entry["number"] for entry in dashboard.ratings["bad"]],
                                  dashboard.departments)
        bad = tables["bad_ratings"]
        for entry in dashboard.ratings["bad"]:
            if entry["number"] in items:
                bad.links[entry["rating"].id, "number"] = url_for(
                    "review.item", number=entry["number"], item_code=items[entry["number"]])
            if entry["open"] and may_open("dashboard.record_follow_up"):
                bad.links[entry["rating"].id, "state"] = f"#follow-up-{entry['rating'].id}"


def _department_items(numbers: list[str], departments: frozenset[str]) -> dict[str, str]:
    """An item of the viewer's departments in each application: its page is theirs to open."""
    found: dict[str, str] = {}
    for number, code in db.session.execute(
            select(Application.number, ApplicationItem.item_code)
            .join(ApplicationItem, ApplicationItem.application_id == Application.id)
            .where(Application.number.in_(numbers),
                   ApplicationItem.department_code.in_(sorted(departments)))
            .order_by(ApplicationItem.id)):
        found.setdefault(number, code)
    return found


def _charts(dashboard: Dashboard) -> dict:
    """What the charts draw, from the tables beside them (the page's JSON island)."""
    tables, charts = dashboard.tables, {}
    if "bundles" in tables:
        bundles = tables["bundles"]
        column = {each.key: index for index, each in enumerate(bundles.columns)}

        def series(key: str, axis: int, scale: float = 1) -> dict:
            return {"name": str(bundles.columns[column[key]].label), "axis": axis,
                    "values": [None if row[column[key]] is None
                               else round(row[column[key]] * scale, 1) for row in bundles.rows]}

        charts["bundles"] = {
            "names": [str(row[0]).replace("“一件事”", "") for row in bundles.rows],
            "series": [series("median_turnaround", 0), series("p90_turnaround", 0),
                       series("on_time_committed", 1, scale=100)],
            "axes": [_("办理时长（工作日）"), _("承诺时限内办结率（%）")]}
    weeks = [row[0] for row in tables["weeks"].rows] if "weeks" in tables else [
        date.fromisoformat(column.key) for column in tables["overdue"].columns[1:-1]]
    labels = [monday.strftime("%m-%d") for monday in weeks]
    if "weeks" in tables:  # received and concluded
        rows, columns = tables["weeks"].rows, tables["weeks"].columns
        charts["weeks"] = {"weeks": labels, "series": [
            {"name": str(columns[index].label), "values": [row[index] for row in rows]}
            for index in (1, 2)]}
    charts["overdue"] = {"weeks": labels, "series": [
        {"name": row[0], "values": row[1:-1]} for row in tables["overdue"].rows]}
    charts["grades"] = {"series": [{"name": row[0], "value": row[1], "grade": grade}
                                   for grade, row in zip(tables["grades"].keys,
                                                         tables["grades"].rows, strict=True)]}
    return charts


def _period() -> tuple[PeriodForm, Period | None]:
    form = PeriodForm(formdata=request.args)
    return form, form.period(local_date(utcnow()))


def _render(form: PeriodForm, period: Period | None, status: int = 200, failed=None,
            errors: list | None = None):
    """The page; ``failed`` is (rating id, its follow-up form as sent), ``errors`` the page's
    error summary as (anchor or None, message)."""
    dashboard = None
    if period is not None:
        dashboard = build(period, local_date(utcnow()), scope())
        _link(dashboard)
        dashboard.charts = _charts(dashboard)
    headline = [(heading(each), text_of(dashboard.overall[each.key], each.unit))
                for each in APPLICATION_FIGURES
                if each.key in HEADLINE] if dashboard is not None and dashboard.county else []
    errors = list(errors or [])
    errors += [(f"#field-{name}", _("%(label)s：%(message)s", label=PERIOD_LABELS[name],
                                    message=messages[0]))
               for name, messages in form.errors.items()]
    forms = {}
    if dashboard is not None and may_open("dashboard.record_follow_up"):
        forms = {entry["rating"].id: FollowUpForm(formdata=None)
                 for entry in dashboard.ratings["bad"] if entry["open"]}
    if failed is not None:
        rating_id, sent = failed
        forms[rating_id] = sent
        errors += [(f"#field-{rating_id}-{name}", messages[0])
                   for name, messages in sent.errors.items() if name != "csrf_token"]
    return render_template(
        "stats/dashboard.html", form=form, dashboard=dashboard, errors=errors,
        follow_up_forms=forms, headline=headline, definitions=definitions(), text_of=text_of,
        period_args=_period_args(period), scope_names=_scope_names()), status


def _period_args(period: Period | None) -> dict:
    return {"since": period.since.isoformat(), "until": period.until.isoformat()} if period else {}


def _scope_names() -> list[str]:
    departments = scope()
    return [] if departments is None else sorted(department_names(departments).values())


@bp.get("/dashboard")
def dashboard():
    form, period = _period()
    return _render(form, period, 200 if period else 422)


@bp.get("/dashboard/<table>.csv")
def table_csv(table):
    form, period = _period()
    if period is None:
        return _render(form, period, 422)
    found = build(period, local_date(utcnow()), scope(), only=table).tables.get(table)
    if found is None:  # no such table, or not the viewer's (a supervisor's county tables)
        abort(404)
    return Response(downloads.csv_text(found).encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename="
                             f"{table}-{period.since}-{period.until}.csv"})


@bp.get("/dashboard.xlsx")
def workbook():
    form, period = _period()
    if period is None:
        return _render(form, period, 422)
    built = build(period, local_date(utcnow()), scope())
    content = downloads.workbook(list(built.tables.values()), period,
                                 "、".join(_scope_names()) or None)
    return Response(content, mimetype="application/vnd.openxmlformats-officedocument"
                                       ".spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename="
                             f"dashboard-{period.since}-{period.until}.xlsx"})


@bp.post("/dashboard/ratings/<int:rating_id>/follow-ups")
def record_follow_up(rating_id):
    """A supervisor records what was done about a bad rating of their departments."""
    period_form, period = _period()
    form = FollowUpForm()
    if not form.validate_on_submit():
        return _render(period_form, period, 422, failed=(rating_id, form))
    try:
        follow_up(rating_id, form.chosen_status, form.note.data.strip(), current_user,
                  departments=current_user.department_codes)
    except RatingNotFound:
        abort(404)
    except NotABadRating:
        return _render(period_form, period, 422, errors=[
            (None, _("只有差评（1、2级）需要整改跟进"))])
    flash(_("已记录跟进情况"))
    return redirect(url_for(".dashboard", **_period_args(period), _anchor="ratings"))
