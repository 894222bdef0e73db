"""The clerk's decisions on an application: the same locked ``fire_on`` and the same
permission check as ``POST /api/applications/<number>/transitions``."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..access.actors import current_actor
from ..access.policy import may_fire
from ..applications import operations
from ..core.database import db
from ..engine.errors import InvalidTriggerInput, TriggerNotAllowed
from ..engine.states import Trigger
from ..staff.forms import ActionForm
from .blueprint import bp
from .casefile import ACTIONS
from .forms import errors_of, read
from .pages import application_page

DONE = {
    Trigger.ACCEPT: _l("已受理，事项已分送各部门"),
    Trigger.REQUEST_CORRECTION: _l("已出具一次性告知书"),
    Trigger.SUPPLEMENT: _l("已记录补交的材料，请审核后受理"),
    Trigger.REFUSE: _l("已作出不予受理决定"),
    Trigger.DELIVER: _l("已记录结果送达"),
    Trigger.WITHDRAW: _l("申请已撤回"),
}


@bp.post("/applications/<number>/<action>")
def decide(number, action):
    trigger = Trigger(action) if action in {each.value for each in ACTIONS} else None
    if trigger is None:
        abort(404)
    if not may_fire(current_user, trigger, None):
        abort(403)
    application = operations.lock(number)
    reason, data = read(trigger, request.form)
    try:
        operations.fire_on(application, trigger, None, reason, data, current_actor())
    except InvalidTriggerInput as refused:
        db.session.rollback()  # nothing of the failed step stays; the page shows what was sent
        failed = ActionForm(trigger, request.form.copy(), errors_of(trigger, refused.errors))
        return application_page(operations.get_application(number), failed)
    except TriggerNotAllowed:
        db.session.rollback()
        flash(_("这件申请的状态已经变化，请看最新情况后再操作"), "error")
        return redirect(url_for(".application", number=number))
    flash(str(DONE[trigger]))
    anchor = {Trigger.REQUEST_CORRECTION: "documents", Trigger.ACCEPT: "documents",
              Trigger.REFUSE: "documents"}.get(trigger, "")
    return redirect(url_for(".application", number=number, _anchor=anchor or None))
