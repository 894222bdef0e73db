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


CORRECTION_CAUSE = "correction"  # the applicant's time, during a department's correction
