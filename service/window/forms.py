"""The clerk's decisions as forms: what each sends to the engine, and its refusals put back at
the inputs, in words. The engine checks everything (``check_trigger_input``); nothing here
decides what is valid."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from ..applications.models import Application
from ..engine.states import Channel, DeliveryMethod, Trigger
from ..staff.forms import CORRECTION_DAYS_WORDS, ActionForm, correction_data, located
from .casefile import ACTIONS

_WORDS = {
    (Trigger.REFUSE, "reason"): _l("请写明不予受理的理由"),
    (Trigger.REFUSE, "basis"): _l("请写明法律依据（法律法规名称及条款）"),
    (Trigger.REQUEST_CORRECTION, "missing"): _l(
        "材料已齐全：请勾选有问题的材料并写明问题，或直接受理"),
    (Trigger.REQUEST_CORRECTION, "days"): CORRECTION_DAYS_WORDS,
    (Trigger.SUPPLEMENT, "materials"): _l("请勾选申请人补交的材料"),
    (Trigger.DELIVER, "tracking_number"): _l(
        "邮寄送达须填写快递单号；其他方式不填"),
    (Trigger.DELIVER, "method"): _l("请选择送达方式"),
}
_CHECK = _l("请检查这一项")


def action_forms(application: Application, failed: ActionForm | None = None) -> dict:
    """A form per decision; ``failed`` in place of its blank one."""
    forms = {trigger: ActionForm(trigger) for trigger in ACTIONS}
    forms[Trigger.SUPPLEMENT].values = MultiDict(
        [("materials", code) for code in application.materials_missing])
    forms[Trigger.DELIVER].values = MultiDict({"method": application.delivery_method})
    if failed is not None:
        forms[failed.trigger] = failed
    return forms


def read(trigger: Trigger, posted: MultiDict) -> tuple[str | None, dict]:
    """The reason and data the engine takes for ``trigger``, from the page's inputs."""
    reason = posted.get("reason", "").strip() or None
    if trigger == Trigger.REQUEST_CORRECTION:
        return reason, correction_data(posted)
    if trigger == Trigger.SUPPLEMENT:
        return reason, {"materials": posted.getlist("materials"), "channel": Channel.WINDOW.value}
    if trigger == Trigger.REFUSE:
        return reason, {"basis": posted.get("basis", "")}
    if trigger == Trigger.DELIVER:
        data = {"method": posted.get("method") or DeliveryMethod.WINDOW.value}
        tracking = posted.get("tracking_number", "").strip()
        if tracking:
            data["tracking_number"] = tracking
        return reason, data
    return reason, {}


def errors_of(trigger: Trigger, messages: dict) -> dict[str, str]:
    """The engine's refusal at the form's inputs, in words."""
    words = {name: text for (action, name), text in _WORDS.items() if action == trigger}
    return located(messages, words, _CHECK)
