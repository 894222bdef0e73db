"""The two lives every application is made of, each one flat `transitions` machine: the
application's own (intake, processing, conclusion, delivery) and an item's (open, review, pause,
decide…). One machine of each kind serves every application and every item of every bundle.

A bundle adds no state of its own, only a graph of prerequisites between its items: the
conditions below read it from the model (:class:`Context`), set before each trigger with the
application's stored states. The transitions, with their conditions, are data, so that the
bundle's diagram can be drawn from the same tables (:mod:`.machine`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from transitions import Machine

from .states import (
    ITEM_BLOCKING,
    ITEM_DECIDED,
    ITEM_FINAL,
    ApplicationState,
    AutomaticTrigger,
    ItemState,
    Trigger,
)


@dataclass(frozen=True)
class Guards:
    """Facts about the application, beyond its states, that transition conditions read."""

    missing_materials: tuple[str, ...] = ()
    overdue_items: frozenset[str] = frozenset()  # past their deadline: too late to extend


@dataclass
class Context:
    """The model a life's machine moves: one state, and what its conditions read."""

    state: str | None = None
    guards: Guards = field(default_factory=Guards)
    items: Mapping[str, ItemState] = field(default_factory=dict)  # every item of the application
    code: str | None = None  # the item moved, in an item's life
    prerequisites: tuple[str, ...] = ()  # that item's


# --- conditions: each receives transitions' EventData (or anything with a .model) -------------


def materials_complete(event) -> bool:
    return not event.model.guards.missing_materials


def not_overdue(event) -> bool:
    return event.model.code not in event.model.guards.overdue_items


def nothing_decided(event) -> bool:
    return not any(state in ITEM_DECIDED for state in event.model.items.values())


def prerequisites_approved(event) -> bool:
    items = event.model.items
    return all(items[code] == ItemState.APPROVED for code in event.model.prerequisites)


def prerequisite_failed(event) -> bool:
    items = event.model.items
    return any(items[code] in ITEM_BLOCKING for code in event.model.prerequisites)


def all_concluded(event) -> bool:
    states = event.model.items.values()
    return all(state in ITEM_FINAL for state in states) and ItemState.WITHDRAWN not in states


def all_withdrawn(event) -> bool:
    return all(state == ItemState.WITHDRAWN for state in event.model.items.values())


S, T, A, I = ApplicationState, Trigger, AutomaticTrigger, ItemState  # noqa: E741 - tables below

# In the order a trigger is looked for: the order of what is allowed, and of automatic steps.
APPLICATION_TRANSITIONS = (
    {"trigger": T.ACCEPT, "source": [S.SUBMITTED], "dest": S.PROCESSING,
     "conditions": [materials_complete]},
    {"trigger": T.REQUEST_CORRECTION, "source": [S.SUBMITTED], "dest": S.CORRECTION},
    {"trigger": T.REFUSE, "source": [S.SUBMITTED, S.CORRECTION], "dest": S.REFUSED},
    {"trigger": T.SUPPLEMENT, "source": [S.CORRECTION], "dest": S.SUBMITTED},
    {"trigger": T.WITHDRAW, "source": [S.SUBMITTED, S.CORRECTION], "dest": S.WITHDRAWN},
    {"trigger": A.CONCLUDE, "source": [S.PROCESSING], "dest": S.CONCLUDED,
     "conditions": [all_concluded]},
    {"trigger": A.CLOSE_WITHDRAWN, "source": [S.PROCESSING], "dest": S.WITHDRAWN,
     "conditions": [all_withdrawn]},
    {"trigger": T.DELIVER, "source": [S.CONCLUDED], "dest": S.DELIVERED},
)

ITEM_TRANSITIONS = (
    {"trigger": A.OPEN, "source": [I.PENDING], "dest": I.OPEN,
     "conditions": [prerequisites_approved]},
    {"trigger": A.CANCEL, "source": [I.PENDING], "dest": I.CANCELLED,
     "conditions": [prerequisite_failed]},
    {"trigger": T.START_REVIEW, "source": [I.OPEN], "dest": I.REVIEWING},
    {"trigger": T.APPROVE, "source": [I.REVIEWING], "dest": I.APPROVED},
    {"trigger": T.DENY, "source": [I.REVIEWING], "dest": I.DENIED},
    {"trigger": T.REQUEST_CORRECTION, "source": [I.REVIEWING], "dest": I.CORRECTION},
    {"trigger": T.SUPPLEMENT, "source": [I.CORRECTION], "dest": I.REVIEWING},
    {"trigger": T.PAUSE, "source": [I.REVIEWING], "dest": I.PAUSED},
    {"trigger": T.RESUME, "source": [I.PAUSED], "dest": I.REVIEWING},
    # Internal: the deadline moves, the state stays.
    {"trigger": T.EXTEND, "source": [I.OPEN, I.REVIEWING, I.PAUSED], "dest": None,
     "conditions": [not_overdue]},
    # Fired on every item at once, by the application's withdrawal during processing.
    {"trigger": T.WITHDRAW, "source": [I.PENDING, I.OPEN, I.REVIEWING, I.PAUSED, I.CORRECTION],
     "dest": I.WITHDRAWN, "conditions": [nothing_decided]},
)


def plain(transition: dict) -> dict:
    """transitions reads Enum members as Enum states; ours are names, so pass their values."""

    def value(name):
        if name is None:
            return None
        return [value(each) for each in name] if isinstance(name, list) else str(name)

    return {key: value(val) if key in ("trigger", "source", "dest") else val
            for key, val in transition.items()}


class Life:
    """One flat machine and its single model, shared: each call sets the stored state on the
    model, under a lock, and fires or asks. Setting a state costs a microsecond, where adding a
    model to a machine costs a hundred (docs/PERFORMANCE.md)."""

    def __init__(self, states: list[str], transitions: tuple[dict, ...]):
        self._context = Context()
        self._machine = Machine(model=self._context, states=states, initial=states[0],
                                transitions=[plain(each) for each in transitions],
                                auto_transitions=False, send_event=True)
        self._lock = threading.Lock()
        # What leaves each state, read from the table: the machine's own get_triggers walks
        # every event.
        self._leaving: dict[str, tuple[str, ...]] = {}
        self._conditions: dict[str, list[Callable]] = {}
        for transition in transitions:
            trigger = str(transition["trigger"])
            for source in transition["source"]:
                self._leaving[source] = (*self._leaving.get(source, ()), trigger)
            self._conditions[trigger] = transition.get("conditions", [])

    def leaving(self, state: str) -> tuple[str, ...]:
        """The triggers that leave ``state``, in the table's order."""
        return self._leaving.get(state, ())

    def may(self, state: str, trigger: str, context: Context) -> bool:
        """Whether ``trigger`` leaves ``state`` and its conditions hold, without firing it."""
        if trigger not in self._leaving.get(state, ()):
            return False
        return all(condition(_Probe(context)) for condition in self._conditions[trigger])

    def fire(self, state: str, trigger: str, context: Context) -> str | None:
        """The state ``trigger`` leads to from ``state`` (the same one for an internal
        transition), or None where the state or a condition does not allow it."""
        # Checked first, so that a trigger that cannot fire never takes the lock.
        if not self.may(state, trigger, context):
            return None
        with self._lock:
            model = self._context
            model.guards, model.items = context.guards, context.items
            model.code, model.prerequisites = context.code, context.prerequisites
            self._machine.set_state(str(state), model)
            return model.state if model.trigger(trigger) else None


@dataclass(frozen=True)
class _Probe:
    """Stands in for transitions' EventData when a condition is checked ahead of a trigger."""

    model: Context


APPLICATION_LIFE = Life([state.value for state in ApplicationState], APPLICATION_TRANSITIONS)
ITEM_LIFE = Life([state.value for state in ItemState], ITEM_TRANSITIONS)
