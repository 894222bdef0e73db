"""A county's year of applications: who applies, where each application stands now, and the
history that brought it there.

Two steps, so that ids can follow the time of receipt as they do in production while the
histories are written by several processes:

1. ``plan_year`` (one process, cheap): for each application its state now, its bundle, its
   applicant and when it was received, drawn for the state (an application delivered was
   received any time in the year; one under review within about its bundle's limits).
   Sorted by receipt, they are numbered.
2. ``story.Story`` (in the workers, by chunks of consecutive ids): the history that brought
   each application where it stands.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from service.demo.samples import credit_code, resident_id
from service.engine.states import ApplicantKind, ApplicationState, PauseCause

from .shapes import DAY, BundleShape

YEAR = 365 * DAY

# Where a county's year of applications stands on a given day.
STATE_SHARES = {
    ApplicationState.DELIVERED: 0.85,
    ApplicationState.PROCESSING: 0.04,
    ApplicationState.CONCLUDED: 0.03,
    ApplicationState.SUBMITTED: 0.02,
    ApplicationState.CORRECTION: 0.02,
    ApplicationState.REFUSED: 0.02,
    ApplicationState.WITHDRAWN: 0.02,
}
STATES = tuple(STATE_SHARES)
CORRECTED_SHARE = 0.1  # of the applications accepted, those accepted after a correction notice
REFUSED_AFTER_NOTICE_SHARE = 0.5
DENIED_SHARE = 1 / 12  # applications with an item denied
LATE_SHARE = 0.15  # items decided a few days past their committed limit
STUCK_SHARE = 0.02  # items still undecided past their statutory limit
PAUSED_SHARE = 0.03  # items whose clock stopped for a special procedure (行政许可法 art. 45)
ITEM_CORRECTION_SHARE = 0.02  # items whose department asked the applicant for more
EXTENDED_SHARE = 0.04  # items extended (art. 42), of those whose limit allows it
TRIES = 4  # histories drawn before one is fitted to the time since receipt

# Special procedures, as the reviewer notes them (the cause "other" needs a reason of its own).
PAUSES = {
    PauseCause.INSPECTION: "组织现场核查",
    PauseCause.TESTING: "委托检验检测",
    PauseCause.EXPERT_REVIEW: "组织专家评审",
    PauseCause.HEARING: "依申请举行听证",
    PauseCause.APPRAISAL: "委托技术鉴定",
}
PAUSE_CAUSES = tuple(PAUSES)
ITEM_NOTICE = "请补正：材料内容与登记信息不一致"
EXTENSION_REASON = "情况复杂，需延长审查期限"

# The commonest surnames with their share in percent (2020 census), then others less common.
COMMON_SURNAMES = {"王": 7.1, "李": 7.0, "张": 6.7, "刘": 5.4, "陈": 4.5, "杨": 3.1, "黄": 2.2,
                   "赵": 2.0, "吴": 1.9, "周": 1.9}
OTHER_SURNAMES = ("徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
                  "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
                  "毛郝龚邵万钱严覃武戴莫孔向汤")
# A table of surnames drawn by index: each as often as its share (the others 0.5% each).
SURNAMES = "".join([name * round(share * 10) for name, share in COMMON_SURNAMES.items()]
                   + [name * 5 for name in OTHER_SURNAMES])
GIVEN_NAME_CHARACTERS = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍"
                         "红玲建国志文斌宇浩然欣怡涵轩晨阳琪婷峰燕梅")
TRADE_NAME_CHARACTERS = "恒通鑫源华泰宏达金盛永兴瑞丰祥和顺安佳美天成"
TRADES = ("商贸", "科技", "建筑工程", "餐饮管理", "物流", "农业开发", "医药连锁", "物业服务")

# The actor of an event: a user id for staff, or one of these.
APPLICANT, SYSTEM = 0, -1


class Kind:
    """The steps of a history (each event's trigger follows from its kind)."""

    SUBMIT, NOTICE, SUPPLEMENT, REFUSE, WITHDRAW, ACCEPT = range(6)
    OPEN, START_REVIEW, APPROVE, DENY, CANCEL = range(6, 11)
    ITEM_NOTICE, ITEM_SUPPLEMENT, PAUSE, RESUME, EXTEND = range(11, 16)
    CONCLUDE, DELIVER, WARN = range(16, 19)


# --- Step 1: the year planned ----------------------------------------------------------------


def plan_year(rng: random.Random, shapes: Sequence[BundleShape], count: int,
              now: int) -> list[tuple[int, int, int, int]]:
    """``count`` applications as (received, state, bundle, applicant serial), the earliest
    received first; ``now`` and ``received`` in seconds since the epoch."""
    population = max(count * 4 // 5, 1)
    states = rng.choices(range(len(STATES)), list(STATE_SHARES.values()), k=count)
    planned = []
    for state in states:
        shape = shapes[rng.randrange(len(shapes))]
        planned.append((now - int(age(rng, STATES[state], shape)), state, shape.index,
                        rng.randrange(population)))
    planned.sort()
    return planned


def age(rng: random.Random, state: ApplicationState, shape: BundleShape) -> float:
    """How long ago an application now in ``state`` was received, in seconds."""
    if state == ApplicationState.SUBMITTED:
        return rng.uniform(0, 7 * DAY)
    if state == ApplicationState.CORRECTION:
        return rng.uniform(2 * 3600, 30 * DAY)
    if state == ApplicationState.PROCESSING:  # while its items are worked
        return rng.uniform(0.05, 1) * DAY + rng.uniform(0, 0.8) * shape.critical
    if state == ApplicationState.CONCLUDED:  # its items decided, its results not handed out
        return rng.uniform(0, 15 * DAY) + DAY + rng.uniform(0.3, 1) * shape.critical
    return rng.uniform(0, YEAR)


# --- Who applied --------------------------------------------------------------------------


def _mixed(serial: int) -> int:
    """A well-mixed 64-bit number for ``serial`` (splitmix64): an applicant's features are
    drawn from it, so the same serial is the same applicant in every process."""
    value = (serial * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return value ^ (value >> 31)


def applicant(kind: ApplicantKind, serial: int) -> tuple[str, str, str]:
    """(name, ID number or credit code, phone) of the county's resident or company
    ``serial``."""
    bits = _mixed(serial if kind == ApplicantKind.PERSON else serial + (1 << 40))
    phone = f"1{'3456789'[bits % 7]}{(bits >> 3) % 10**9:09d}"
    bits >>= 33
    if kind == ApplicantKind.COMPANY:
        first = bits % len(TRADE_NAME_CHARACTERS)
        second = (first + 1 + (bits >> 5) % (len(TRADE_NAME_CHARACTERS) - 1)) % len(
            TRADE_NAME_CHARACTERS)
        name = (f"县{TRADE_NAME_CHARACTERS[first]}{TRADE_NAME_CHARACTERS[second]}"
                f"{TRADES[(bits >> 10) % len(TRADES)]}有限公司")
        return name, _credit_code(serial % 100_000), phone
    given = GIVEN_NAME_CHARACTERS[bits % len(GIVEN_NAME_CHARACTERS)]
    if bits & 64:
        given += GIVEN_NAME_CHARACTERS[(bits >> 7) % len(GIVEN_NAME_CHARACTERS)]
    bits >>= 13
    birth = f"{1950 + bits % 56}{1 + (bits >> 6) % 12:02d}{1 + (bits >> 10) % 28:02d}"
    return (SURNAMES[(bits >> 15) % len(SURNAMES)] + given, resident_id(serial, birth=birth),
            phone)


_credit_code = cache(credit_code)  # its check character is slow, and it takes serial % 100,000


# --- Step 2: each application's story ---------------------------------------------------------


@dataclass(frozen=True)
class Staff:
    clerks: tuple[int, ...]  # user ids; the first is the clerk whose pages are measured
    reviewers: tuple[int, ...]  # of every department
    supervisor: int  # of every department: approves the extensions
    admin: int
    leader: int  # every department's figures, read only
