"""The window's words for states, queues and clocks: short, as service halls say them
(translated with Flask-Babel)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from ..engine.states import Trigger
from ..engine.terms import Category
from ..uploads.inspection import MediaType
from ..uploads.scanning import ScanState
from .queues import Queue

QUEUES = {
    Queue.INTAKE: _l("待受理"),
    Queue.CORRECTION: _l("待补正"),
    Queue.DELIVERY: _l("待送达"),
}
QUEUE_HELP = {
    Queue.INTAKE: _l("收件后5个工作日内须受理或一次性告知补正"),
    Queue.CORRECTION: _l("申请人按告知书补交材料的期限"),
    Queue.DELIVERY: _l("作出决定后10个工作日内送达"),
}
LIFE_EVENTS = {
    Category.BIRTH: _l("出生"),
    Category.SCHOOLING: _l("入学"),
    Category.WORK: _l("就业"),
    Category.MARRIAGE: _l("婚育"),
    Category.HOUSING: _l("住房"),
    Category.HEALTH: _l("医疗"),
    Category.DISABILITY: _l("残疾人服务"),
    Category.SOCIAL_SECURITY: _l("社会保障"),
    Category.MILITARY_SERVICE: _l("兵役与退役"),
    Category.RETIREMENT: _l("退休"),
    Category.OLD_AGE: _l("养老"),
    Category.DEATH: _l("身后事"),
    Category.TRAVEL: _l("出行"),
}
BUSINESS_STAGES = {
    Category.OPENING: _l("开办"),
    Category.OPERATING: _l("经营"),
    Category.CONSTRUCTING: _l("工程建设"),
    Category.CHANGING: _l("变更"),
    Category.CLOSING: _l("注销"),
}
# Buttons: their own context, as the same words name states and steps elsewhere.
ACTIONS = {
    Trigger.ACCEPT: lazy_pgettext("action", "受理"),
    Trigger.REQUEST_CORRECTION: lazy_pgettext("action", "一次性告知补正"),
    Trigger.SUPPLEMENT: lazy_pgettext("action", "记录补正材料"),
    Trigger.REFUSE: lazy_pgettext("action", "不予受理"),
    Trigger.DELIVER: lazy_pgettext("action", "送达结果"),
    Trigger.WITHDRAW: lazy_pgettext("action", "撤回申请"),
}
# An uploaded file, as the clerk sees it listed.
MEDIA_TYPES = {MediaType.PDF: _l("PDF文件"), MediaType.JPEG: _l("JPEG图片"),
               MediaType.PNG: _l("PNG图片")}
SCAN_STATES = {
    ScanState.NOT_SCANNED: _l("未查毒"),
    ScanState.CLEAN: _l("已查毒"),
    ScanState.INFECTED: _l("发现病毒，不可下载"),
}
# The material an agent adds to a bundle's own (engine.bundle.POWER_OF_ATTORNEY).
POWER_OF_ATTORNEY_NAME = _l("授权委托书")
