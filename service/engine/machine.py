"""Compiles a bundle into one hierarchical state machine and fires triggers on it.

The application is the top level (intake, processing, conclusion, delivery); ``processing`` is a
parallel state with one region per item, so items without a prerequisite between them run at the
same time. Item triggers are named ``<trigger>@<item>`` inside the machine, so that approving one
item never touches another region.

Automatic transitions (opening an item once its prerequisites are approved, cancelling it once
one is denied, concluding when every item is decided) are fired by :meth:`BundleMachine.fire` in
the same call as the trigger that made them possible, so every caller sees a settled state.

A machine is built once per bundle version (its digest) and reused: the application's stored
states are set on a single model under a lock before each call. That costs microseconds, where
building a hierarchical machine costs milliseconds (see docs/PERFORMANCE.md).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from transitions.extensions import HierarchicalGraphMachine, HierarchicalMachine
from transitions.extensions.nesting import NestedState

from .bundle import Bundle
from .errors import TriggerNotAllowed
from .states import (
    ITEM_BLOCKING,
    ITEM_DECIDED,
    ITEM_FINAL,
    ApplicationState,
    AutomaticTrigger,
    ItemState,
    Outcome,
    Trigger,
)

# Item codes are snake_case; a double underscore cannot occur in one, and keeps the nested state
# names valid identifiers in the Mermaid diagram.
SEPARATOR = "__"
_PROCESSING = ApplicationState.PROCESSING.value
_AUTOMATIC = frozenset(AutomaticTrigger)


class _NestedState(NestedState):
    separator = SEPARATOR


class _Machine(HierarchicalMachine):
    state_cls = _NestedState


class _DiagramMachine(HierarchicalGraphMachine):
    state_cls = _NestedState


@dataclass(frozen=True)
class WorkflowState:
    """Where one application stands: its own state and each item's."""

    application: ApplicationState
    items: Mapping[str, ItemState]


@dataclass(frozen=True)
class Guards:
    """Facts about the application, beyond its states, that transition conditions read."""

    missing_materials: tuple[str, ...] = ()
    overdue_items: frozenset[str] = frozenset()  # past their deadline: too late to extend


@dataclass(frozen=True)
class Step:
    """One change of state: the trigger a person fired, or one the system fired after it."""

    trigger: str
    item: str | None
    from_state: str
    to_state: str
    automatic: bool


@dataclass
class _Model:
    state: object = None
    guards: Guards = field(default_factory=Guards)

    def item_states(self) -> dict[str, ItemState]:
        if not isinstance(self.state, list):
            return {}
        return {
            code: ItemState(leaf)
            for _, code, leaf in (name.split(SEPARATOR) for name in self.state)
        }


@dataclass(frozen=True)
class _Probe:
    """Stands in for transitions' EventData when a condition is checked ahead of a trigger."""

    model: _Model


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _internal(trigger: str, item: str | None) -> str:
    return f"{trigger}@{item}" if item else trigger


def _public(name: str) -> tuple[str, str | None]:
    trigger, _, item = name.partition("@")
    return trigger, item or None


def outcome_of(items: Mapping[str, ItemState]) -> Outcome:
    approved = sum(state == ItemState.APPROVED for state in items.values())
    if approved == len(items):
        return Outcome.APPROVED
    return Outcome.PARTLY_APPROVED if approved else Outcome.DENIED


class BundleMachine:
    """The state machine of one bundle version."""

    def __init__(self, bundle: Bundle):
        self.bundle = bundle
        self._config = _machine_config(bundle)
        self._machine = _Machine(model=None, auto_transitions=False, send_event=True,
                                 **self._config)
        self._model = _Model()
        self._machine.add_model(self._model)
        self._lock = threading.Lock()
        # Which triggers leave each state, read from the same configuration: asking the
        # hierarchical machine (get_triggers, may_trigger) costs hundreds of µs a call.
        self._leaving: dict[str, list[str]] = {}
        self._conditional: set[str] = set()
        for transition in self._config["transitions"]:
            for source in _as_list(transition["source"]):
                names = self._leaving.setdefault(source, [])
                if transition["trigger"] not in names:
                    names.append(transition["trigger"])
            if transition.get("conditions"):
                self._conditional.add(transition["trigger"])
        self._automatic_conditions = {
            transition["trigger"]: _as_list(transition.get("conditions", []))
            for transition in self._config["transitions"]
            if _public(transition["trigger"])[0] in _AUTOMATIC
        }

    def allowed(self, current: WorkflowState, guards: Guards) -> dict:
        """What a person may fire now: ``{"application": [...], "items": {code: [...]}}``."""
        with self._lock:
            self._load(current, guards)
            return self._allowed()

    def fire(
        self, current: WorkflowState, trigger: str, item: str | None, guards: Guards
    ) -> tuple[WorkflowState, list[Step]]:
        """Fire ``trigger`` (on ``item``, if given), then every automatic transition it enables.

        Raises:
            TriggerNotAllowed: the current state, or a condition such as missing materials,
                does not allow the trigger.
        """
        with self._lock:
            self._load(current, guards)
            name = _internal(trigger, item)
            items = dict(current.items)
            steps = self._try(name, automatic=False, items=items)
            if steps is None:
                raise TriggerNotAllowed(
                    trigger=trigger,
                    item=item,
                    state=_describe(current),
                    allowed=self._allowed(),
                    detail=_why_refused(trigger, item, guards, current),
                )
            while automatic_steps := self._fire_next_automatic(items):
                steps += automatic_steps
            return WorkflowState(self._top_state(), items), steps

    def settle(self, current: WorkflowState, guards: Guards) -> tuple[WorkflowState, list[Step]]:
        """Every automatic transition the current states enable, with no trigger before them:
        an application moved to this version, whose new items may open or be cancelled."""
        with self._lock:
            self._load(current, guards)
            items = dict(current.items)
            steps: list[Step] = []
            while automatic_steps := self._fire_next_automatic(items):
                steps += automatic_steps
            return WorkflowState(self._top_state(), items), steps

    @cached_property
    def diagram(self) -> str:
        """The machine as Mermaid ``stateDiagram-v2`` text."""
        machine = _DiagramMachine(model=_Model(), auto_transitions=False, graph_engine="mermaid",
                                  title=self.bundle.name, **self._config)
        return machine.get_graph().draw(None)

    def _load(self, current: WorkflowState, guards: Guards) -> None:
        if current.application == ApplicationState.PROCESSING:
            state = [
                SEPARATOR.join((_PROCESSING, code, current.items[code]))
                for code in self.bundle.item_codes
            ]
        else:
            state = current.application.value
        self._machine.set_state(state, self._model)
        self._model.guards = guards

    def _top_state(self) -> ApplicationState:
        state = self._model.state
        return ApplicationState.PROCESSING if isinstance(state, list) else ApplicationState(state)

    def _try(self, name: str, automatic: bool, items: dict[str, ItemState]) -> list[Step] | None:
        """Fire one trigger if the current states and its conditions allow it: the steps it made
        (keeping ``items`` up to date), or None where it is not allowed."""
        if name not in self._leaving_now():
            return None
        top_before = self._top_state()
        if not self._model.trigger(name):
            return None
        trigger, _ = _public(name)
        steps = []
        for code, state in self._model.item_states().items():
            if items[code] != state:
                steps.append(Step(trigger, code, items[code], state, automatic))
                items[code] = state
        top_after = self._top_state()
        if top_before != top_after:
            steps.append(Step(trigger, None, top_before, top_after, automatic))
        if not steps:  # an internal transition: recorded, with no change of state
            _, item = _public(name)
            state = items[item] if item else top_after
            steps.append(Step(trigger, item, state, state, automatic))
        return steps

    def _fire_next_automatic(self, items: dict[str, ItemState]) -> list[Step]:
        # The machine checks the conditions again; checking them first spares it the many
        # automatic triggers that cannot fire yet (a failed nested trigger costs ~150 µs).
        probe = _Probe(self._model)
        for name in self._leaving_now():
            conditions = self._automatic_conditions.get(name)
            if conditions is not None and all(condition(probe) for condition in conditions):
                steps = self._try(name, automatic=True, items=items)
                if steps:
                    return steps
        return []

    def _allowed(self) -> dict:
        allowed: dict = {"application": [], "items": {code: [] for code in self.bundle.item_codes}}
        for name in self._leaving_now():
            trigger, item = _public(name)
            if trigger in _AUTOMATIC or (
                    name in self._conditional and not self._model.may_trigger(name)):
                continue
            target = allowed["items"][item] if item else allowed["application"]
            target.append(trigger)
        return allowed

    def _leaving_now(self) -> list[str]:
        """The triggers that leave the current states, in configuration order, each once."""
        state = self._model.state
        current = [_PROCESSING, *state] if isinstance(state, list) else [state]
        return list(dict.fromkeys(name for each in current for name in self._leaving.get(each, ())))


def _describe(current: WorkflowState) -> dict:
    return {"application": current.application.value,
            "items": {code: state.value for code, state in current.items.items()}}


def _why_refused(trigger: str, item: str | None, guards: Guards, current: WorkflowState) -> str:
    if (trigger == Trigger.ACCEPT and current.application == ApplicationState.SUBMITTED
            and guards.missing_materials):
        return ("required materials are missing: " + ", ".join(guards.missing_materials)
                + "; request a correction instead")
    if trigger == Trigger.WITHDRAW and current.application == ApplicationState.PROCESSING:
        return "an item has already been decided; the application can no longer be withdrawn"
    if item is not None and item not in current.items:
        return f"'{item}' is not an item of this bundle"
    if trigger == Trigger.EXTEND and item in guards.overdue_items:
        return (f"item '{item}' is past its deadline: an extension asked for after the "
                "deadline cannot cure it, the item stays overdue")
    if item is not None:
        return (f"'{trigger}' is not allowed on item '{item}' while it is "
                f"'{current.items[item]}'")
    return f"'{trigger}' is not allowed while the application is '{current.application}'"


def _machine_config(bundle: Bundle) -> dict:
    """States and transitions as data, for both the working and the diagram machine."""
    items = bundle.items
    regions = [
        {"name": item.code, "children": [state.value for state in ItemState],
         "initial": ItemState.PENDING.value}
        for item in items
    ]
    states = [
        state.value for state in ApplicationState if state != ApplicationState.PROCESSING
    ] + [{"name": _PROCESSING, "parallel": regions}]

    S, T = ApplicationState, Trigger
    transitions = [
        {"trigger": T.ACCEPT, "source": S.SUBMITTED, "dest": S.PROCESSING,
         "conditions": _materials_complete},
        {"trigger": T.REQUEST_CORRECTION, "source": S.SUBMITTED, "dest": S.CORRECTION},
        {"trigger": T.REFUSE, "source": [S.SUBMITTED, S.CORRECTION], "dest": S.REFUSED},
        {"trigger": T.SUPPLEMENT, "source": S.CORRECTION, "dest": S.SUBMITTED},
        {"trigger": T.WITHDRAW, "source": [S.SUBMITTED, S.CORRECTION], "dest": S.WITHDRAWN},
        {"trigger": AutomaticTrigger.CONCLUDE, "source": S.PROCESSING, "dest": S.CONCLUDED,
         "conditions": _all_concluded},
        {"trigger": AutomaticTrigger.CLOSE_WITHDRAWN, "source": S.PROCESSING,
         "dest": S.WITHDRAWN, "conditions": _all_withdrawn},
        {"trigger": T.DELIVER, "source": S.CONCLUDED, "dest": S.DELIVERED},
    ]
    for item in items:
        def at(*leaves: ItemState, code: str = item.code) -> list[str]:
            return [SEPARATOR.join((_PROCESSING, code, leaf.value)) for leaf in leaves]

        I = ItemState  # noqa: E741, N806 - reads as a table
        transitions += [
            {"trigger": _internal(AutomaticTrigger.OPEN, item.code), "source": at(I.PENDING),
             "dest": at(I.OPEN)[0], "conditions": _prerequisites_approved(item.prerequisites)},
            {"trigger": _internal(AutomaticTrigger.CANCEL, item.code), "source": at(I.PENDING),
             "dest": at(I.CANCELLED)[0], "conditions": _prerequisite_failed(item.prerequisites)},
            {"trigger": _internal(T.START_REVIEW, item.code), "source": at(I.OPEN),
             "dest": at(I.REVIEWING)[0]},
            {"trigger": _internal(T.APPROVE, item.code), "source": at(I.REVIEWING),
             "dest": at(I.APPROVED)[0]},
            {"trigger": _internal(T.DENY, item.code), "source": at(I.REVIEWING),
             "dest": at(I.DENIED)[0]},
            {"trigger": _internal(T.REQUEST_CORRECTION, item.code), "source": at(I.REVIEWING),
             "dest": at(I.CORRECTION)[0]},
            {"trigger": _internal(T.SUPPLEMENT, item.code), "source": at(I.CORRECTION),
             "dest": at(I.REVIEWING)[0]},
            {"trigger": _internal(T.PAUSE, item.code), "source": at(I.REVIEWING),
             "dest": at(I.PAUSED)[0]},
            {"trigger": _internal(T.RESUME, item.code), "source": at(I.PAUSED),
             "dest": at(I.REVIEWING)[0]},
            # Internal: the deadline moves, the state stays.
            {"trigger": _internal(T.EXTEND, item.code), "source": at(I.OPEN, I.REVIEWING, I.PAUSED),
             "dest": None, "conditions": _not_overdue(item.code)},
            {"trigger": T.WITHDRAW,
             "source": at(I.PENDING, I.OPEN, I.REVIEWING, I.PAUSED, I.CORRECTION),
             "dest": at(I.WITHDRAWN)[0], "conditions": _nothing_decided},
        ]
    return {"states": states, "transitions": [_plain(t) for t in transitions],
            "initial": S.SUBMITTED.value}


def _plain(transition: dict) -> dict:
    """transitions reads Enum members as Enum states; ours are names, so pass their values."""

    def value(name):
        if name is None:
            return None
        return [value(each) for each in name] if isinstance(name, list) else str(name)

    return {key: value(val) if key in ("trigger", "source", "dest") else val
            for key, val in transition.items()}


def _materials_complete(event) -> bool:
    return not event.model.guards.missing_materials


def _nothing_decided(event) -> bool:
    return not any(state in ITEM_DECIDED for state in event.model.item_states().values())


def _all_concluded(event) -> bool:
    states = event.model.item_states().values()
    return all(state in ITEM_FINAL for state in states) and ItemState.WITHDRAWN not in states


def _all_withdrawn(event) -> bool:
    return all(state == ItemState.WITHDRAWN for state in event.model.item_states().values())


def _not_overdue(code: str) -> Callable:
    def condition(event) -> bool:
        return code not in event.model.guards.overdue_items

    condition.__name__ = "not_overdue"
    return condition


def _prerequisites_approved(prerequisites: tuple[str, ...]) -> Callable:
    def condition(event) -> bool:
        states = event.model.item_states()
        return all(states[code] == ItemState.APPROVED for code in prerequisites)

    condition.__name__ = "prerequisites_approved"
    return condition


def _prerequisite_failed(prerequisites: tuple[str, ...]) -> Callable:
    def condition(event) -> bool:
        states = event.model.item_states()
        return any(states[code] in ITEM_BLOCKING for code in prerequisites)

    condition.__name__ = "prerequisite_failed"
    return condition


class MachineCache:
    """Compiled machines by bundle digest. A digest names immutable content, so entries never
    go stale; the least recently used are dropped past ``maxsize``."""

    def __init__(self, maxsize: int = 256):
        self._machines: OrderedDict[str, BundleMachine] = OrderedDict()
        self._maxsize = maxsize
        self._lock = threading.Lock()

    def get(self, digest: str, load_bundle: Callable[[], Bundle]) -> BundleMachine:
        with self._lock:
            machine = self._machines.get(digest)
            if machine is not None:
                self._machines.move_to_end(digest)
                return machine
        machine = BundleMachine(load_bundle())
        with self._lock:
            machine = self._machines.setdefault(digest, machine)
            while len(self._machines) > self._maxsize:
                self._machines.popitem(last=False)
        return machine


machines = MachineCache()
