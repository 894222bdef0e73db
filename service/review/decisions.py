"""A department's steps on its item: the same locked ``fire_on`` and ``may_fire`` as the API;
extension requests and their approval (applications/extensions.py); assignment."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..access.actors import current_actor
from ..access.models import User
from ..access.policy import may_fire
from ..access.roles import Role
from ..applications import assignments, extensions, operations
from ..core.database import db
from ..engine.errors import InvalidTriggerInput, TriggerNotAllowed
from ..engine.states import Trigger
from ..staff.forms import ActionForm
from .casefile import ACTIONS, department_item
from .forms import EXTENSION_REQUEST, errors_of, read
from .pages import bp, item_page

REFUSED_ASSIGNMENTS = {
    assignments.TAKEN: _l("别人已先领取了这个事项"),
    assignments.NOT_SUPERVISOR: _l("只有部门负责人可以分派事项"),
    assignments.NOT_STAFF: _l("此人不在本部门"),
    assignments.NOT_YOURS: _l("这不是本部门的事项"),
    assignments.DECIDED: _l("这个事项已经办结"),
}
DONE = {
    Trigger.START_REVIEW: _l("已开始审查"),
    Trigger.APPROVE: _l("已准予，结果已记录"),
    Trigger.DENY: _l("已作出不予许可决定"),
    Trigger.REQUEST_CORRECTION: _l("已告知申请人补正"),
    Trigger.SUPPLEMENT: _l("已记录补正材料"),
    Trigger.PAUSE: _l("已暂停计时"),
    Trigger.RESUME: _l("已恢复计时"),
    Trigger.EXTEND: _l("已延长办理期限"),
}


def _locked_item(number: str, item_code: str):
    application = operations.lock(number)
    return application, department_item(application, item_code, current_user.department_codes)


def _back(number: str, item_code: str):
    return redirect(url_for(".item", number=number, item_code=item_code))


def _failed(application, row, form: ActionForm):
    """The item's page again, with what was sent and why the engine refused it."""
    db.session.rollback()  # nothing of the failed step stays
    return item_page(operations.get_application(application.number), row.item_code, form)


@bp.post("/review/items/<number>/<item_code>/<action>")
def decide(number, item_code, action):
    trigger = Trigger(action) if action in {each.value for each in ACTIONS} else None
    if trigger is None:
        abort(404)
    application, row = _locked_item(number, item_code)
    if not may_fire(current_user, trigger, row.department_code):
        abort(403)
    reason, data = read(trigger, request.form)
    try:
        operations.fire_on(application, trigger, item_code, reason, data, current_actor())
    except InvalidTriggerInput as refused:
        return _failed(application, row, ActionForm(trigger, request.form.copy(),
                                                    errors_of(trigger, refused.errors)))
    except TriggerNotAllowed:
        db.session.rollback()
        flash(_("这个事项的状态已经变化，请看最新情况后再操作"), "error")
        return _back(number, item_code)
    flash(str(DONE[trigger]))
    return _back(number, item_code)


@bp.post("/review/items/<number>/<item_code>/extension")
def request_extension(number, item_code):
    application, row = _locked_item(number, item_code)
    reason, data = read(Trigger.EXTEND, request.form)
    try:
        extensions.request_extension(application, item_code, data["days"], reason,
                                     current_actor())
    except InvalidTriggerInput as refused:
        return _failed(application, row, ActionForm(
            EXTENSION_REQUEST, request.form.copy(), errors_of(Trigger.EXTEND, refused.errors)))
    except TriggerNotAllowed:
        db.session.rollback()
        flash(_("这个事项现在不能延期"), "error")
        return _back(number, item_code)
    flash(_("延期申请已提交，等待部门负责人审批"))
    return _back(number, item_code)


@bp.post("/review/items/<number>/<item_code>/extensions/<int:request_id>/<decision>")
def decide_extension(number, item_code, request_id, decision):
    if decision not in ("approve", "refuse"):
        abort(404)
    application, row = _locked_item(number, item_code)
    if not may_fire(current_user, Trigger.EXTEND, row.department_code):
        abort(403)
    note = request.form.get("note", "").strip() or None
    try:
        if decision == "approve":
            extensions.approve(application, request_id, note, current_actor())
            flash(str(DONE[Trigger.EXTEND]))
        else:
            extensions.refuse(application, request_id, note, current_actor())
            flash(_("已不同意延期"))
    except (InvalidTriggerInput, TriggerNotAllowed):
        db.session.rollback()
        flash(_("这个事项现在不能延期"), "error")
    return _back(number, item_code)


@bp.post("/review/items/<number>/<item_code>/assignee")
def assign(number, item_code):
    """A reviewer takes the item; the supervisor gives it to someone of the department."""
    application, row = _locked_item(number, item_code)
    try:
        if Role(current_user.role) == Role.SUPERVISOR and request.form.get("assignee"):
            assignee = db.session.get(User, request.form.get("assignee", type=int) or 0)
            if assignee is None:
                raise assignments.AssignmentRefused(assignments.NOT_STAFF)
            assignments.assign(application, item_code, assignee, current_user)
            flash(_("已分派给%(name)s", name=assignee.display_name))
        else:
            assignments.take(application, item_code, current_user)
            flash(_("已领取，由您办理"))
    except assignments.AssignmentRefused as refused:
        db.session.rollback()
        flash(str(REFUSED_ASSIGNMENTS[refused.reason]), "error")
    return _back(number, item_code)
