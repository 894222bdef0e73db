"""A department's decisions on an item as forms: what each sends to the engine, and its
refusals in words at the inputs. The engine checks everything (``check_trigger_input``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from ..engine.states import Trigger
from ..staff.forms import (
    CORRECTION_DAYS_WORDS,
    ActionForm,
    correction_data,
    located,
    whole_number,
)
from .casefile import ACTIONS

EXTENSION_REQUEST = "extension"  # the reviewer's request: a form, not a trigger

_WORDS = {
    "reason": _l("请写明理由：申请人会看到"),
    "opinion": _l("请写明审查意见"),
    "document": _l("请写明出具的文书，如：营业执照"),
    "number": _l("本事项出具证照：请填写证照编号"),
    "valid_until": _l("有效期至不能早于有效期自"),
    "valid_from": _l("请按“年-月-日”填写日期"),
    "basis": _l("请写明法律依据（法律法规名称及条款）"),
    "cause": _l("请选择暂停计时的原因"),
    "days": _l("天数超出本事项可延长的期限，或格式不对"),
    "missing": _l("请勾选需补正的材料"),
}
_CHECK = _l("请检查这一项")


def action_forms(failed: ActionForm | None = None) -> dict:
    forms = {key: ActionForm(key) for key in (*ACTIONS, EXTENSION_REQUEST)}
    if failed is not None:
        forms[failed.trigger] = failed
    return forms


def read(trigger: Trigger, posted: MultiDict) -> tuple[str | None, dict]:
    """The reason and data the engine takes for ``trigger`` on an item, from the inputs."""
    reason = posted.get("reason", "").strip() or None
    text = {name: posted.get(name, "").strip() or None
            for name in ("opinion", "document", "number", "valid_from", "valid_until", "basis",
                         "cause", "days")}
    if trigger == Trigger.APPROVE:
        return reason, {"opinion": text["opinion"] or "", "result": {
            "document": text["document"] or "", "number": text["number"],
            "valid_from": text["valid_from"], "valid_until": text["valid_until"]}}
    if trigger == Trigger.DENY:
        return reason, {"basis": text["basis"] or ""}
    if trigger == Trigger.PAUSE:
        return reason, {"cause": text["cause"] or ""}
    if trigger == Trigger.EXTEND:
        return reason, {"days": whole_number(text["days"])}
    if trigger == Trigger.REQUEST_CORRECTION:
        return reason, correction_data(posted)
    if trigger == Trigger.SUPPLEMENT:
        return reason, {"materials": posted.getlist("materials")}
    return reason, {}


def errors_of(trigger: Trigger, messages: dict) -> dict[str, str]:
    words = dict(_WORDS)
    if trigger == Trigger.REQUEST_CORRECTION:
        words["days"] = CORRECTION_DAYS_WORDS
    return located(messages, words, _CHECK)

