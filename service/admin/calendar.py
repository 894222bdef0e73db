"""The holiday calendar in the console: which years are published, a year's days, and a new
schedule (the State Council's notice, as YAML) checked, tried against the running deadlines and
published. The same ``publish_year`` as ``PUT /api/calendar/<year>`` and `flask calendar import`."""

from __future__ import annotations

import yaml
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError

from ..core.database import db, utcnow
from ..deadlines.calendar_changes import publish_year
from ..engine.calendar import local_date
from ..engine.errors import flatten_messages
from ..workdays import operations
from ..workdays.schedules import YearSchedule, schedule_from_document
from .pages import bp

EXAMPLE = """year: {year}
holidays:
  - {{date: {year}-01-01, name: 元旦}}
workdays:
  - {{date: {year}-02-14, name: 春节调休}}
"""


@bp.get("/calendar")
def calendar():
    today = local_date(utcnow())
    return render_template("admin/calendar.html", published=operations.published_years(),
                           missing=operations.missing_years(today), today=today)


@bp.route("/calendar/<int:year>", methods=["GET", "POST"])
def calendar_year(year):
    if not 2000 <= year <= 2100:
        abort(404)
    stored = operations.year_schedule(year)
    text, problems, trial = request.form.get("schedule", ""), [], None
    if request.method == "POST":
        schedule, problems = _read(text, year)
        if schedule is not None:
            moved = publish_year(schedule, utcnow(), current_app.config["WARNING_YELLOW_SHARE"],
                                 user_id=current_user.id)
            if request.form.get("action") == "publish":
                flash(_("%(year)d年的日历已发布；%(n)d件申请的期限随之重算", year=year, n=moved))
                return redirect(url_for(".calendar_year", year=year))
            db.session.rollback()  # a trial: what publishing would change, nothing kept
            trial = {"schedule": schedule, "moved": moved, "changes": _changes(stored, schedule)}
    return render_template("admin/calendar_year.html", year=year, stored=stored,
                           text=text or EXAMPLE.format(year=year), problems=problems,
                           trial=trial)


def _read(text: str, year: int) -> tuple[YearSchedule | None, list[str]]:
    """The schedule, or the problems with the text, each naming its path."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _("第%(line)d行", line=mark.line + 1) if mark else ""
        return None, [f"{where} {_('不是有效的 YAML')}".strip()]
    if not isinstance(document, dict):
        return None, [_("应为 year、holidays、workdays 三项")]
    if document.get("year") != year:
        return None, [_("year 应为 %(year)d", year=year)]
    try:
        return schedule_from_document(document, source="admin"), []
    except ValidationError as invalid:
        return None, [f"{path}: {message}" for path, message in flatten_messages(invalid.messages)]
    except (TypeError, ValueError) as error:  # an impossible date YAML read (2027-02-30)
        return None, [str(error)]


def _changes(stored: YearSchedule | None, new: YearSchedule) -> list[tuple[str, object, str]]:
    """Days that change: (what, day, name), "+" added, "−" removed, for holidays and workdays."""
    before = ({**{day: ("休", name) for day, name in stored.holidays.items()},
               **{day: ("班", name) for day, name in stored.workdays.items()}} if stored else {})
    after = {**{day: ("休", name) for day, name in new.holidays.items()},
             **{day: ("班", name) for day, name in new.workdays.items()}}
    changed = []
    for day in sorted(before.keys() | after.keys()):
        if before.get(day) != after.get(day):
            if day in before:
                changed.append(("−", day, " ".join(before[day])))
            if day in after:
                changed.append(("+", day, " ".join(after[day])))
    return changed
