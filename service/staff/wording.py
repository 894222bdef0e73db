"""The words every staff page uses for states, levels and who acted: short, as service halls
say them (translated with Flask-Babel)."""

from flask_babel import lazy_gettext as _l

from ..engine.states import ApplicationState, Channel, ItemState, Level
from ..portal.wording import STEPS  # the steps as the applicant reads them: the same for all

STATES = {
    ApplicationState.SUBMITTED: _l("待受理"),
    ApplicationState.CORRECTION: _l("待补正"),
    ApplicationState.REFUSED: _l("不予受理"),
    ApplicationState.WITHDRAWN: _l("已撤回"),
    ApplicationState.PROCESSING: _l("办理中"),
    ApplicationState.CONCLUDED: _l("已办结待送达"),
    ApplicationState.DELIVERED: _l("已送达"),
}
ITEM_STATES = {
    ItemState.PENDING: _l("未开始"),  # before acceptance, or waiting on a prerequisite
    ItemState.OPEN: _l("待审查"),
    ItemState.REVIEWING: _l("审查中"),
    ItemState.PAUSED: _l("暂停计时"),
    ItemState.CORRECTION: _l("待补正"),
    ItemState.APPROVED: _l("准予"),
    ItemState.DENIED: _l("不予"),
    ItemState.CANCELLED: _l("终止"),
    ItemState.WITHDRAWN: _l("已撤回"),
}
# A colour is never the only signal: each level has its word.
LEVELS = {
    Level.GREEN: _l("正常"),
    Level.YELLOW: _l("临期"),
    Level.RED: _l("超期"),
    Level.STATUTORY: _l("超法定期限"),
    Level.PAUSED: _l("暂停"),
}
CHANNELS = {Channel.WINDOW: _l("窗口"), Channel.ONLINE: _l("网上")}
# Who acted, where it was not a member of staff (the API's words for them).
ACTORS = {"citizen": _l("申请人"), "system": _l("系统")}


def words() -> dict:
    """For the templates of a staff page (its blueprint's context processor)."""
    return {"states": STATES, "item_states": ITEM_STATES, "levels": LEVELS,
            "channels": CHANNELS, "actors": ACTORS, "steps": STEPS}
