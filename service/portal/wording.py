"""States and steps in plain words, for applicants (translated with Flask-Babel)."""

from flask_babel import lazy_gettext as _l

from ..engine.states import (
    ApplicationState,
    ClockStop,
    DeliveryMethod,
    EventKind,
    ItemState,
    Level,
    Outcome,
)

APPLICATION_STATES = {
    ApplicationState.SUBMITTED: _l("已收到您的申请，等待窗口受理"),
    ApplicationState.CORRECTION: _l("材料需要补正：请按下方清单补交"),
    ApplicationState.REFUSED: _l("申请不予受理"),
    ApplicationState.WITHDRAWN: _l("申请已撤回"),
    ApplicationState.PROCESSING: _l("已受理，各部门正在办理"),
    ApplicationState.CONCLUDED: _l("已办结，等待领取或送达结果"),
    ApplicationState.DELIVERED: _l("已办结并送达"),
}
# Submitted online: waiting for the window's pre-review (预审), or, after its one correction
# notice, for acceptance of what the applicant sent.
ONLINE_PREREVIEW = _l("已收件，等待窗口预审")
ONLINE_SUPPLEMENTED = _l("已收到您补交的材料，等待窗口受理")
OUTCOMES = {
    Outcome.APPROVED: _l("全部准予"),
    Outcome.PARTLY_APPROVED: _l("部分准予"),
    Outcome.DENIED: _l("不予许可"),
}
ITEM_STATES = {
    ItemState.PENDING: _l("等待前一环节办结"),
    ItemState.OPEN: _l("已分送部门，待审查"),
    ItemState.REVIEWING: _l("部门审查中"),
    ItemState.PAUSED: _l("特殊程序中，计时暂停"),
    ItemState.CORRECTION: _l("待您补正材料"),
    ItemState.APPROVED: _l("准予"),
    ItemState.DENIED: _l("不予"),
    ItemState.CANCELLED: _l("因前一环节未获准予而终止"),
    ItemState.WITHDRAWN: _l("已撤回"),
}
STEPS = {
    EventKind.SUBMIT: _l("提交申请"),
    EventKind.ACCEPT: _l("窗口受理"),
    EventKind.REQUEST_CORRECTION: _l("一次性告知补正"),
    EventKind.SUPPLEMENT: _l("补交材料"),
    EventKind.REFUSE: _l("不予受理"),
    EventKind.WITHDRAW: _l("撤回申请"),
    EventKind.OPEN: _l("分送部门办理"),
    EventKind.START_REVIEW: _l("部门开始审查"),
    EventKind.APPROVE: _l("部门准予"),
    EventKind.DENY: _l("部门不予"),
    EventKind.PAUSE: _l("进入特殊程序，计时暂停"),
    EventKind.RESUME: _l("特殊程序结束，恢复计时"),
    EventKind.EXTEND: _l("经批准延长办理期限"),
    EventKind.CANCEL: _l("终止办理"),
    EventKind.CONCLUDE: _l("办结"),
    EventKind.CLOSE_WITHDRAWN: _l("撤回完成"),
    EventKind.DELIVER: _l("结果送达"),
    EventKind.MIGRATE_VERSION: _l("按一件事的新版本继续办理"),
}
PAUSE_CAUSES = {
    ClockStop.HEARING: _l("听证"),
    ClockStop.TESTING: _l("检验"),
    ClockStop.INSPECTION: _l("检测、现场核查"),
    ClockStop.QUARANTINE: _l("检疫"),
    ClockStop.APPRAISAL: _l("鉴定"),
    ClockStop.EXPERT_REVIEW: _l("专家评审"),
    ClockStop.TENDER_AUCTION: _l("招标、拍卖"),
    ClockStop.OTHER: _l("其他"),
    ClockStop.CORRECTION: _l("等待您补正材料"),
}
DELIVERY = {
    DeliveryMethod.WINDOW: _l("到综合窗口领取"),
    DeliveryMethod.POST: _l("邮寄送达"),
    DeliveryMethod.ELECTRONIC: _l("电子证照，在线领取"),
}
LEVELS = {
    Level.GREEN: _l("正常"), Level.YELLOW: _l("临近期限"), Level.RED: _l("已超期"),
    Level.STATUTORY: _l("已超过法定期限"), Level.PAUSED: _l("暂停计时"),
}
GRADES = {
    5: _l("非常满意"), 4: _l("满意"), 3: _l("基本满意"), 2: _l("不满意"), 1: _l("非常不满意"),
}
