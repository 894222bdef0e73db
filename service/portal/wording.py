"""States and steps in plain words, for applicants (translated with Flask-Babel)."""

from flask_babel import lazy_gettext as _l

APPLICATION_STATES = {
    "submitted": _l("已收到您的申请，等待窗口受理"),
    "correction": _l("材料需要补正：请按下方清单补交"),
    "refused": _l("申请不予受理"),
    "withdrawn": _l("申请已撤回"),
    "processing": _l("已受理，各部门正在办理"),
    "concluded": _l("已办结，等待领取或送达结果"),
    "delivered": _l("已办结并送达"),
}
OUTCOMES = {
    "approved": _l("全部准予"),
    "partly_approved": _l("部分准予"),
    "denied": _l("不予许可"),
}
ITEM_STATES = {
    "pending": _l("等待前一环节办结"),
    "open": _l("已分送部门，待审查"),
    "reviewing": _l("部门审查中"),
    "paused": _l("特殊程序中，计时暂停"),
    "correction": _l("待您补正材料"),
    "approved": _l("准予"),
    "denied": _l("不予"),
    "cancelled": _l("因前一环节未获准予而终止"),
    "withdrawn": _l("已撤回"),
}
STEPS = {
    "submit": _l("提交申请"),
    "accept": _l("窗口受理"),
    "request_correction": _l("一次性告知补正"),
    "supplement": _l("补交材料"),
    "refuse": _l("不予受理"),
    "withdraw": _l("撤回申请"),
    "open": _l("分送部门办理"),
    "start_review": _l("部门开始审查"),
    "approve": _l("部门准予"),
    "deny": _l("部门不予"),
    "pause": _l("进入特殊程序，计时暂停"),
    "resume": _l("特殊程序结束，恢复计时"),
    "extend": _l("经批准延长办理期限"),
    "cancel": _l("终止办理"),
    "conclude": _l("办结"),
    "close_withdrawn": _l("撤回完成"),
    "deliver": _l("结果送达"),
}
PAUSE_CAUSES = {
    "hearing": _l("听证"), "testing": _l("检验"), "inspection": _l("检测、现场核查"),
    "quarantine": _l("检疫"), "appraisal": _l("鉴定"), "expert_review": _l("专家评审"),
    "tender_auction": _l("招标、拍卖"), "other": _l("其他"), "correction": _l("等待您补正材料"),
}
DELIVERY = {
    "window": _l("到综合窗口领取"),
    "post": _l("邮寄送达"),
    "electronic": _l("电子证照，在线领取"),
}
LEVELS = {
    "green": _l("正常"), "yellow": _l("临近期限"), "red": _l("已超期"),
    "paused": _l("暂停计时"),
}
GRADES = {
    5: _l("非常满意"), 4: _l("满意"), 3: _l("基本满意"), 2: _l("不满意"), 1: _l("非常不满意"),
}
BAD_GRADES = frozenset({1, 2})
