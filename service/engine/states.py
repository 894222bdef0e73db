"""The states and triggers an application and its items move through."""

from enum import StrEnum


class ApplicationState(StrEnum):
    SUBMITTED = "submitted"
    CORRECTION = "correction"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    PROCESSING = "processing"
    CONCLUDED = "concluded"
    DELIVERED = "delivered"


class ItemState(StrEnum):
    PENDING = "pending"
    OPEN = "open"
    REVIEWING = "reviewing"
    PAUSED = "paused"
    CORRECTION = "correction"
    APPROVED = "approved"
    DENIED = "denied"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"


class Outcome(StrEnum):
    APPROVED = "approved"
    PARTLY_APPROVED = "partly_approved"
    DENIED = "denied"


class Trigger(StrEnum):
    """Triggers a person fires through the API. The system fires the automatic ones itself."""

    ACCEPT = "accept"
    REQUEST_CORRECTION = "request_correction"
    REFUSE = "refuse"
    SUPPLEMENT = "supplement"
    WITHDRAW = "withdraw"
    START_REVIEW = "start_review"
    APPROVE = "approve"
    DENY = "deny"
    PAUSE = "pause"
    RESUME = "resume"
    EXTEND = "extend"
    DELIVER = "deliver"


class AutomaticTrigger(StrEnum):
    """Triggers the engine fires when their conditions hold, never a person."""

    OPEN = "open"
    CANCEL = "cancel"
    CONCLUDE = "conclude"
    CLOSE_WITHDRAWN = "close_withdrawn"


class DeliveryMethod(StrEnum):
    WINDOW = "window"
    POST = "post"
    ELECTRONIC = "electronic"


class Channel(StrEnum):
    WINDOW = "window"
    ONLINE = "online"


class VisitKind(StrEnum):
    """Why the applicant came to the window in person (最多跑一次 counts these)."""

    INTAKE = "intake"  # applied at the window
    CORRECTION = "correction"  # handed in what a correction notice asked for
    DELIVERY = "delivery"  # collected the results


class FollowUpStatus(StrEnum):
    """What a supervisor did about a bad rating (差评整改): called the applicant back, then
    settled it. A bad rating is open until it is resolved."""

    CONTACTED = "contacted"
    RESOLVED = "resolved"



class ExtensionState(StrEnum):
    """A reviewer's request to extend an item's limit, for the head of the department to approve
    (行政许可法 art. 42: 经本行政机关负责人批准)."""

    PENDING = "pending"
    APPROVED = "approved"  # by the department's supervisor: the extend step was fired
    REFUSED = "refused"


ITEM_DECIDED = frozenset({ItemState.APPROVED, ItemState.DENIED})
ITEM_FINAL = frozenset(
    {ItemState.APPROVED, ItemState.DENIED, ItemState.CANCELLED, ItemState.WITHDRAWN}
)
ITEM_BLOCKING = frozenset({ItemState.DENIED, ItemState.CANCELLED, ItemState.WITHDRAWN})

APPLICATION_TRIGGERS = frozenset(
    {
        Trigger.ACCEPT,
        Trigger.REQUEST_CORRECTION,
        Trigger.REFUSE,
        Trigger.SUPPLEMENT,
        Trigger.WITHDRAW,
        Trigger.DELIVER,
    }
)
ITEM_TRIGGERS = frozenset(
    {
        Trigger.START_REVIEW,
        Trigger.APPROVE,
        Trigger.DENY,
        Trigger.REQUEST_CORRECTION,
        Trigger.SUPPLEMENT,
        Trigger.PAUSE,
        Trigger.RESUME,
        Trigger.EXTEND,
    }
)
REASON_REQUIRED = frozenset({Trigger.REFUSE, Trigger.DENY, Trigger.EXTEND})
# The clock of an item in these states is stopped (行政许可法 art. 45; the applicant's own time).
ITEM_CLOCK_STOPPED = frozenset({ItemState.PAUSED, ItemState.CORRECTION})
ITEM_RUNNING = frozenset({ItemState.OPEN, ItemState.REVIEWING})


class PauseCause(StrEnum):
    """Time that does not count (行政许可法 art. 45), as local systems list it."""

    HEARING = "hearing"
    TESTING = "testing"
    INSPECTION = "inspection"
    QUARANTINE = "quarantine"
    APPRAISAL = "appraisal"
    EXPERT_REVIEW = "expert_review"
    TENDER_AUCTION = "tender_auction"
    OTHER = "other"


# Why an item's clock stood still: a special procedure, or the applicant's own time while a
# department's correction notice is open.
ClockStop = StrEnum("ClockStop", [*((cause.name, cause.value) for cause in PauseCause),
                                  ("CORRECTION", "correction")])


class Level(StrEnum):
    """Where a running clock stands against its deadlines (红黄牌), in rising order of warning;
    PAUSED while the clock stands still."""

    GREEN = "green"
    YELLOW = "yellow"  # near the committed deadline
    RED = "red"  # past the committed deadline
    STATUTORY = "statutory"  # past the statutory deadline: unlawful, not only late
    PAUSED = "paused"


WARNINGS = (Level.YELLOW, Level.RED, Level.STATUTORY)  # what the sweep announces, in order


class Bookkeeping(StrEnum):
    """Events that record something beside the machine's transitions."""

    SUBMIT = "submit"
    RATE = "rate"
    WARN_YELLOW = "warn_yellow"
    WARN_RED = "warn_red"
    WARN_STATUTORY = "warn_statutory"
    RECOMPUTE_DEADLINES = "recompute_deadlines"
    MIGRATE_VERSION = "migrate_version"  # moved to another version of its bundle


# Every kind of event in an application's history: one vocabulary, the three enums above.
EventKind = StrEnum("EventKind", [(member.name, member.value)
                                  for kinds in (Trigger, AutomaticTrigger, Bookkeeping)
                                  for member in kinds])


class ApplicantKind(StrEnum):
    PERSON = "person"  # resident ID number
    COMPANY = "company"  # unified social credit code
