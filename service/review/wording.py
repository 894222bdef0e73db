"""The departments' words for their steps, views and pause causes (translated)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from ..engine.actors import ActorKind
from ..engine.states import ExtensionState, PauseCause, Trigger
from .worklist import View

# Buttons: their own context, as the same words name steps elsewhere.
ACTIONS = {
    Trigger.START_REVIEW: lazy_pgettext("action", "开始审查"),
    Trigger.APPROVE: lazy_pgettext("action", "准予"),
    Trigger.DENY: lazy_pgettext("action", "不予许可"),
    Trigger.REQUEST_CORRECTION: lazy_pgettext("action", "告知补正"),
    Trigger.SUPPLEMENT: lazy_pgettext("action", "记录补正材料"),
    Trigger.PAUSE: lazy_pgettext("action", "暂停计时"),
    Trigger.RESUME: lazy_pgettext("action", "恢复计时"),
    Trigger.EXTEND: lazy_pgettext("action", "延长期限"),
}
VIEWS = {View.DEPARTMENT: _l("本部门"), View.MINE: _l("我的")}
PAUSE_CAUSES = {
    PauseCause.HEARING: _l("听证"),
    PauseCause.TESTING: _l("检验"),
    PauseCause.INSPECTION: _l("检测、现场核查"),
    PauseCause.QUARANTINE: _l("检疫"),
    PauseCause.APPRAISAL: _l("鉴定"),
    PauseCause.EXPERT_REVIEW: _l("专家评审"),
    PauseCause.TENDER_AUCTION: _l("招标、拍卖"),
    PauseCause.OTHER: _l("其他（请写明）"),
}
EXTENSION_STATES = {
    ExtensionState.PENDING: _l("待审批"),
    ExtensionState.APPROVED: _l("已同意"),
    ExtensionState.REFUSED: _l("不同意"),
}
ACTOR_KINDS = {ActorKind.APPLICANT: _l("申请人"), ActorKind.SYSTEM: _l("系统")}
