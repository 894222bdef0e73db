"""The departments' pages: their items by deadline, one item with what deciding it needs, and
the supervisor's board."""

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from ..applications import operations
from ..engine.states import ItemState, Level, PauseCause
from ..portal.wording import PAUSE_CAUSES as CLOCK_STOPS
from ..staff import wording as staff_wording
from ..staff.forms import ActionForm
from ..staff.views import Paging, today
from .casefile import casefile, department_item
from .forms import EXTENSION_REQUEST, action_forms
from .supervision import board
from .wording import ACTIONS, ACTOR_KINDS, EXTENSION_STATES, PAUSE_CAUSES, VIEWS
from .worklist import (
    LEVEL_ORDER,
    NOBODY,
    WORKING,
    Filters,
    View,
    bundle_names,
    department_staff,
    level_counts,
    worklist,
)

bp = Blueprint("review", __name__, template_folder="templates")


@bp.context_processor
def words() -> dict:
    return {**staff_wording.words(), "action_words": ACTIONS, "pause_causes": PAUSE_CAUSES,
            "clock_stops": CLOCK_STOPS, "extension_states": EXTENSION_STATES,
            "actor_kinds": ACTOR_KINDS,
            "views": VIEWS, "level_order": LEVEL_ORDER, "nobody": NOBODY,
            "extension_request": EXTENSION_REQUEST,
            "correction_days": current_app.config["CORRECTION_DAYS"]}


@bp.get("/review")
def items():
    """The items of my departments (or mine), the most urgent deadline first."""
    filters = _filters()
    paging = Paging.from_request()
    departments, day = current_user.department_codes, today()
    rows, total = worklist(departments, current_user.id, filters, day, paging.offset,
                           paging.size)
    return render_template(
        "review/items.html", rows=rows, paging=paging.of(total), filters=filters,
        counts=level_counts(departments, current_user.id, filters.view, day),
        states=[state for state in ItemState if state in WORKING],
        staff=department_staff(departments), bundles=bundle_names())


def _filters() -> Filters:
    args = request.args
    view = args.get("view", View.DEPARTMENT)
    state, level = args.get("state", ""), args.get("level", "")
    return Filters(
        view=View(view) if view in set(View) else View.DEPARTMENT,
        bundle=args.get("bundle", "").strip()[:64] or None,
        state=ItemState(state) if state in {each.value for each in WORKING} else None,
        level=Level(level) if level in set(LEVEL_ORDER) else None,
        assignee=args.get("assignee", "").strip()[:20] or None)


@bp.get("/review/items/<number>/<item_code>")
def item(number, item_code):
    return item_page(operations.get_application(number), item_code)


def item_page(application, item_code: str, failed: ActionForm | None = None):
    """The item's page; with ``failed``, that step's form as sent, with its errors."""
    row = department_item(application, item_code, current_user.department_codes)
    return render_template("review/item.html",
                           view=casefile(application, row, current_user, today()),
                           forms=action_forms(failed), failed=failed.trigger if failed else None,
                           pause_cause_values=list(PauseCause),
                           staff=department_staff(frozenset({row.department_code})))


@bp.get("/supervise")
def supervise():
    """The supervisor's departments: what is late, what waits for them, who works what."""
    return render_template("review/supervise.html",
                           **board(current_user.department_codes, today()))
