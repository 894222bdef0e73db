"""What each figure means: one definition, shown beside the figure on the dashboard, in its
Excel download and by `flask stats --explain`. The numbers themselves come from
:mod:`.operations`."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Definition:
    key: str
    label: object  # lazily translated
    unit: str  # "count", "days", "share", "ratio"
    meaning: object


# The applications received in the period are the cohort of every application figure.
APPLICATION_FIGURES = (
    Definition("applications", _l("收件"), "count",
               _l("期间内收件（提交）的申请数。下列各项都以这些申请为对象。")),
    Definition("concluded", _l("已办结"), "count",
               _l("其中已办结（各事项均已作出决定）的申请数。")),
    Definition("median_turnaround", _l("办理时长中位数"), "days",
               _l("已办结申请从受理到办结的工作日数（受理当日不计）的中位数，按最近秩法取值。")),
    Definition("p90_turnaround", _l("办理时长90分位"), "days",
               _l("同上，第90百分位（最近秩法）：九成申请不超过这一天数。")),
    Definition("on_time_committed", _l("承诺时限内办结率"), "share",
               _l("已办结申请中，在“一件事”承诺时限内办结的比例。")),
    Definition("on_time_statutory", _l("法定时限内办结率"), "share",
               _l("有法定时限的已办结申请中，在法定时限内办结的比例。")),
    Definition("standalone_limit", _l("分别办理的法定时限"), "days",
               _l("各事项法定时限依次相加（逐个部门分别办理所需）的平均数，"
                  "只计各事项法定时限都有出处的申请。")),
    Definition("time_reduction", _l("时间压减"), "share",
               _l("1 − 办理时长之和 ÷ 分别办理的法定时限之和，对象同上（县里报告为52%）。")),
    Definition("online_share", _l("网上申请率"), "share",
               _l("通过网上办事大厅提交的申请所占比例。")),
    Definition("fully_online_share", _l("全程网办率"), "share",
               _l("已送达申请中，从提交到送达没有到过窗口、并以电子方式送达的比例。")),
    Definition("visits_per_application", _l("平均跑动次数"), "ratio",
               _l("已送达申请平均到窗口的次数（收件、补正、领取结果）。")),
    Definition("exemption_share", _l("电子证照免提交率"), "share",
               _l("申请所需材料中，以电子证照、数据共享代替、无需提交的比例。")),
    Definition("corrections_per_application", _l("平均补正次数"), "ratio",
               _l("每件申请收到的一次性补正告知（窗口受理前）的平均次数。")),
    Definition("paused_days", _l("暂停计时天数"), "count",
               _l("特殊程序和补正期间时钟停止的天数合计（不计入办理时限）。")),
)

# The items decided in the period, by the department that decided them.
DEPARTMENT_FIGURES = (
    Definition("decided", _l("办结事项"), "count", _l("期间内作出决定（准予或不予）的事项数。")),
    Definition("approved", _l("准予"), "count", _l("其中准予许可（办理）的事项数。")),
    Definition("on_time_committed", _l("承诺时限内"), "share",
               _l("办结事项中，在该事项承诺时限内作出决定的比例。")),
    Definition("on_time_statutory", _l("法定时限内"), "share",
               _l("有法定时限的办结事项中，在法定时限内作出决定的比例。")),
    Definition("overdue_now", _l("当前超期"), "count",
               _l("今天仍在计时（不含暂停和补正中的）、已超过承诺时限的事项数，与超期看板一致。")),
)

TREND_FIGURES = (
    Definition("received", _l("收件"), "count",
               _l("每周收件的申请数（按收件日所在的周，周一起）。")),
    Definition("concluded", _l("办结"), "count", _l("每周办结的申请数。")),
    Definition("overdue", _l("超期事项"), "count",
               _l("承诺时限在这一周届满、却晚于届满日作出决定或至今仍在计时未作决定的事项数，按部门。")),
)

RATING_FIGURES = (
    Definition("grades", _l("好差评"), "share",
               _l("期间内收到的评价中，每个等级（5为非常满意，1为非常不满意）所占比例。")),
    Definition("open_follow_ups", _l("待整改差评"), "count",
               _l("评为1或2级、尚未记录“已解决”的评价数。")),
)
