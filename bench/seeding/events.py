"""An application's events as rows of ``events``, chained as the app chains them.

Each event is the next link of its application's chain: numbered, and sealed (HMAC-SHA256 with
the audit key) over its predecessor's hash and the canonical JSON of its fields, which
``service.applications.events.event_fields`` names and ``service.audit.chain.canonical``
writes: keys sorted, no spaces, UTC timestamps with microseconds. Millions are written, so the
canonical text is put together from pieces made once per kind of step (a template: what comes
before the actor's id, between the timestamp and the number, after it, and the row's constant
columns) around what changes from one event to the next.
"""

from __future__ import annotations

from hashlib import sha256

from service.audit.chain import canonical, seal
from service.engine.actors import ActorKind
from service.engine.states import (
    ApplicationState,
    AutomaticTrigger,
    Bookkeeping,
    Channel,
    ItemState,
    Level,
    Trigger,
)

from .clock import Clock, local_day
from .county import EXTENSION_REASON, ITEM_NOTICE, PAUSE_CAUSES, PAUSES, Kind
from .shapes import REFUSAL_BASIS, BundleShape, json_text

# The reasons the app records (operations._automatic_reason), and the seed's own words.
OPENED, CANCELLED = "all prerequisites approved", "a prerequisite was not approved"
REFUSED, DENIED, NOTICE = "不符合法定受理条件", "不符合法定条件", "材料不全"
# Steps recorded alike in every application: trigger, from, to, actor, reason.
STEPS = {
    Kind.NOTICE: (Trigger.REQUEST_CORRECTION, ApplicationState.SUBMITTED,
                  ApplicationState.CORRECTION, ActorKind.STAFF, NOTICE),
    Kind.ACCEPT: (Trigger.ACCEPT, ApplicationState.SUBMITTED, ApplicationState.PROCESSING,
                  ActorKind.STAFF, None),
    Kind.OPEN: (AutomaticTrigger.OPEN, ItemState.PENDING, ItemState.OPEN, ActorKind.SYSTEM,
                OPENED),
    Kind.START_REVIEW: (Trigger.START_REVIEW, ItemState.OPEN, ItemState.REVIEWING,
                        ActorKind.STAFF, None),
    Kind.APPROVE: (Trigger.APPROVE, ItemState.REVIEWING, ItemState.APPROVED, ActorKind.STAFF,
                   None),
    Kind.CANCEL: (AutomaticTrigger.CANCEL, ItemState.PENDING, ItemState.CANCELLED,
                  ActorKind.SYSTEM, CANCELLED),
    Kind.ITEM_NOTICE: (Trigger.REQUEST_CORRECTION, ItemState.REVIEWING, ItemState.CORRECTION,
                       ActorKind.STAFF, ITEM_NOTICE),
    Kind.ITEM_SUPPLEMENT: (Trigger.SUPPLEMENT, ItemState.CORRECTION, ItemState.REVIEWING,
                           ActorKind.STAFF, None),
    Kind.RESUME: (Trigger.RESUME, ItemState.PAUSED, ItemState.REVIEWING, ActorKind.STAFF, None),
    # An internal transition: the item stays under review.
    Kind.EXTEND: (Trigger.EXTEND, ItemState.REVIEWING, ItemState.REVIEWING, ActorKind.STAFF,
                  EXTENSION_REASON),
}
WARNING_KINDS = {Level.YELLOW: (Bookkeeping.WARN_YELLOW, "near its committed deadline"),
                 Level.RED: (Bookkeeping.WARN_RED, "past its committed deadline"),
                 Level.STATUTORY: (Bookkeeping.WARN_STATUTORY, "past its statutory deadline")}


NULL = "\\N"


def _json(value: str | None) -> str:
    return "null" if value is None else json_text(value)


class Templates:
    """Every template, made once: per bundle, the steps recorded alike in every application
    (``steps[bundle][kind]``: one per item, or one for the application); the others, which
    vary with the application (its channel, its outcome…), as they are first needed."""

    def __init__(self, shapes: list[BundleShape], clock: Clock, correction_days: int,
                 remedies: str):
        self.clock, self.correction_days = clock, correction_days
        self.refusal = json_text({"basis": REFUSAL_BASIS, "remedies": remedies})
        self.steps = [{kind: ([make(trigger, item.code, *recorded) for item in shape.items]
                              if kind not in (Kind.NOTICE, Kind.ACCEPT)
                              else make(trigger, None, *recorded))
                       for kind, (trigger, *recorded) in STEPS.items()} for shape in shapes]
        self.made: dict[tuple, tuple[str, ...]] = {}

    def varying(self, shape: BundleShape, kind: int, item: int, variant) -> tuple[str, ...]:
        """The template of a step that varies with the application: by ``variant``, its
        channel (submit, supplement), whether a notice was waiting (refuse, withdraw), its
        outcome (conclude), its delivery method (deliver), the pause's cause, the warning's
        (level, state)."""
        key = (shape.index, kind, item, variant)
        template = self.made.get(key)
        if template is None:
            template = self.made[key] = self._varying(shape, kind, item, variant)
        return template

    def _varying(self, shape: BundleShape, kind: int, item: int, variant) -> tuple[str, ...]:
        code = shape.items[item].code if item >= 0 else None
        match kind:
            case Kind.SUBMIT | Kind.SUPPLEMENT:
                actor = ActorKind.STAFF if variant == Channel.WINDOW else ActorKind.APPLICANT
                if kind == Kind.SUBMIT:
                    return make(Bookkeeping.SUBMIT, None, None, ApplicationState.SUBMITTED,
                                actor, None, f'{{"channel":"{variant}"}}')
                return make(Trigger.SUPPLEMENT, None, ApplicationState.CORRECTION,
                            ApplicationState.SUBMITTED, actor, None)
            case Kind.REFUSE | Kind.WITHDRAW:
                waiting = ApplicationState.CORRECTION if variant else ApplicationState.SUBMITTED
                if kind == Kind.REFUSE:
                    return make(Trigger.REFUSE, None, waiting, ApplicationState.REFUSED,
                                ActorKind.STAFF, REFUSED, self.refusal)
                return make(Trigger.WITHDRAW, None, waiting, ApplicationState.WITHDRAWN,
                            ActorKind.APPLICANT, None)
            case Kind.DENY:
                return make(Trigger.DENY, code, ItemState.REVIEWING, ItemState.DENIED,
                            ActorKind.STAFF, DENIED, shape.items[item].denial)
            case Kind.PAUSE:
                cause = PAUSE_CAUSES[variant]
                return make(Trigger.PAUSE, code, ItemState.REVIEWING, ItemState.PAUSED,
                            ActorKind.STAFF, PAUSES[cause], f'{{"cause":"{cause}"}}')
            case Kind.CONCLUDE:
                return make(AutomaticTrigger.CONCLUDE, None, ApplicationState.PROCESSING,
                            ApplicationState.CONCLUDED, ActorKind.SYSTEM,
                            f"every item decided: {variant}")
            case Kind.DELIVER:
                return make(Trigger.DELIVER, None, ApplicationState.CONCLUDED,
                            ApplicationState.DELIVERED, ActorKind.STAFF, None,
                            f'{{"method":"{variant}"}}')
            case Kind.WARN:
                level, state = variant
                trigger, why = WARNING_KINDS[level]
                return make(trigger, code, state, state, ActorKind.SYSTEM, why)
        raise ValueError(f"no template for kind {kind}")

    # --- the data that changes from one application to the next ---------------------------------

    def due(self, at: int) -> str:
        """A correction notice's time limit: CORRECTION_DAYS working days from its day."""
        return self.clock.text(self.clock.working_days_after(local_day(at),
                                                             self.correction_days))

    def notice(self, at: int, codes) -> str:
        return ('{"due_on":"' + self.due(at) + '","missing":['
                + ",".join(f'{{"material":"{code}","note":null}}' for code in codes) + "]}")

    @staticmethod
    def supplement(channel: str, codes) -> str:
        return f'{{"channel":"{channel}","materials":[' + ",".join(
            f'"{code}"' for code in codes) + "]}"

    @staticmethod
    def approval(shape: BundleShape, item: int, application_id: int) -> str:
        parts = shape.items[item].approval
        return parts[0] if len(parts) == 1 else f"{parts[0]}{serial(application_id)}{parts[1]}"

    def warning(self, level: str, committed: int, statutory: int | None) -> str:
        statutory_text = "null" if statutory is None else f'"{self.clock.text(statutory)}"'
        return (f'{{"committed_due":"{self.clock.text(committed)}","level":"{level}",'
                f'"statutory_due":{statutory_text}}}')


def make(trigger: str, item: str | None, from_state: str | None, to_state: str,
         actor: ActorKind, reason: str | None, data: str = "{}") -> tuple[str, ...]:
    """A template: (what precedes the actor's id, what follows the timestamp up to the
    number, what follows it, the row's constant columns, the data)."""
    head = f'{{"actor_kind":"{actor}","actor_user_id":' + (
        "" if actor == ActorKind.STAFF else "null")
    middle = (f',"from_state":{_json(from_state)},"item_code":{_json(item)},'
              f'"kind":"{trigger}","reason":{_json(reason)},"seq":')
    end = f',"to_state":"{to_state}"}}'
    tail = "\t".join((item or "\\N", trigger, from_state or "\\N", to_state, actor,
                      reason or "\\N"))
    return head, middle, end, tail, data


class Seal:
    """``service.audit.chain.seal``'s HMAC-SHA256 (RFC 2104) with the key's pads hashed once:
    a copy of each pad's hash per event instead of a new HMAC. Checked against ``seal`` when
    made."""

    def __init__(self, key: bytes):
        # SHA-256's block is 64 bytes: a longer key is hashed first, a shorter padded.
        block = (sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
        self.inner = sha256(bytes(byte ^ 0x36 for byte in block))
        self.outer = sha256(bytes(byte ^ 0x5C for byte in block))
        sample = {"kind": "submit", "seq": 1}
        if self.hexdigest(b"\n" + canonical(sample)) != seal(key, None, sample):
            raise AssertionError("the seed's seal differs from the audit's")

    def hexdigest(self, message: bytes) -> str:
        inner = self.inner.copy()
        inner.update(message)
        outer = self.outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


def chain(out: list[str], sealed: Seal, application_id: int, events: list[tuple]) -> str:
    """Rows of ``events`` (at, timestamp, template, actor's id as text, data or None); the
    chain's head."""
    identity = f',"application_id":{application_id},"at":"'
    row = f"{application_id}\t"
    inner, outer = sealed.inner.copy, sealed.outer.copy
    previous = ""
    for seq, (_, when, (head, middle, end, tail, constant), user, data) in enumerate(events, 1):
        if data is None:
            data = constant
        hashed = inner()
        hashed.update(f'{previous}\n{head}{user}{identity}{when}","data":{data}{middle}{seq}'
                      f"{end}".encode())
        sealing = outer()
        sealing.update(hashed.digest())
        previous = sealing.hexdigest()
        out.append(f"{row}{seq}\t{when}\t{user or NULL}\t{previous}\t{data}\t{tail}\n")
    return previous


def serial(application_id: int) -> str:
    """The serial in the number of a certificate an application's approval issued."""
    return f"{application_id % 1_000_000:06d}"
