"""A bundle version's state machine: the application's life and its items' lives
(:mod:`.lives`), joined by the bundle's graph of prerequisites.

The application's own machine takes it through intake, processing, conclusion and delivery. While
it is processing, each item moves through the item's machine: approving one item never touches
another. Automatic transitions (opening an item once its prerequisites are approved, cancelling
it once one is denied, concluding when every item is decided) are fired by
:meth:`BundleMachine.fire` in the same call as the trigger that made them possible, so every
caller sees a settled state; their conditions read the graph directly.

Only the item moved goes through a machine, so a trigger costs the same in a bundle of twelve
items as in one of two. (One hierarchical machine with a parallel region per item, the design
before, walked every region on every trigger: bench/engine.py measures both.) The bundle's
Mermaid diagram is still one hierarchical machine, composed from the two lives' tables and drawn
once per version.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

from transitions.extensions import HierarchicalGraphMachine
from transitions.extensions.nesting import NestedState

from .bundle import Bundle
from .errors import TriggerNotAllowed
from .lives import (
    APPLICATION_LIFE,
    APPLICATION_TRANSITIONS,
    ITEM_LIFE,
    ITEM_TRANSITIONS,
    Context,
    Guards,
    plain,
)
from .states import (
    APPLICATION_TRIGGERS,
    ITEM_TRIGGERS,
    ApplicationState,
    AutomaticTrigger,
    ItemState,
    Outcome,
    Trigger,
)

__all__ = ["BundleMachine", "Guards", "MachineCache", "Step", "WorkflowState", "machines",
           "outcome_of"]

# Item codes are snake_case; a double underscore cannot occur in one, and keeps the nested state
# names of the diagram valid Mermaid identifiers.
SEPARATOR = "__"
_PROCESSING = ApplicationState.PROCESSING
_AUTOMATIC = frozenset(AutomaticTrigger)
_CLOSING = (AutomaticTrigger.CONCLUDE, AutomaticTrigger.CLOSE_WITHDRAWN)
_ITEM_AUTOMATIC = (AutomaticTrigger.OPEN, AutomaticTrigger.CANCEL)


@dataclass(frozen=True)
class WorkflowState:
    """Where one application stands: its own state and each item's."""

    application: ApplicationState
    items: Mapping[str, ItemState]


@dataclass(frozen=True)
class Step:
    """One change of state: the trigger a person fired, or one the system fired after it."""

    trigger: str
    item: str | None
    from_state: str
    to_state: str
    automatic: bool


def outcome_of(items: Mapping[str, ItemState]) -> Outcome:
    approved = sum(state == ItemState.APPROVED for state in items.values())
    if approved == len(items):
        return Outcome.APPROVED
    return Outcome.PARTLY_APPROVED if approved else Outcome.DENIED


class BundleMachine:
    """The state machine of one bundle version."""

    def __init__(self, bundle: Bundle):
        self.bundle = bundle
        self._prerequisites = {item.code: item.prerequisites for item in bundle.items}

    def allowed(self, current: WorkflowState, guards: Guards) -> dict:
        """What a person may fire now: ``{"application": [...], "items": {code: [...]}}``."""
        allowed: dict = {"application": [], "items": {code: [] for code in self._prerequisites}}
        context = Context(guards=guards, items=current.items)
        if current.application != _PROCESSING:
            allowed["application"] = [
                trigger for trigger in APPLICATION_LIFE.leaving(current.application)
                if trigger not in _AUTOMATIC
                and APPLICATION_LIFE.may(current.application, trigger, context)]
            return allowed
        if any(ITEM_LIFE.may(state, Trigger.WITHDRAW, context) for state in current.items.values()):
            allowed["application"].append(Trigger.WITHDRAW.value)
        for code, state in current.items.items():
            context.code = code
            allowed["items"][code] = [
                trigger for trigger in ITEM_LIFE.leaving(state)
                if trigger in ITEM_TRIGGERS and ITEM_LIFE.may(state, trigger, context)]
        return allowed

    def fire(
        self, current: WorkflowState, trigger: str, item: str | None, guards: Guards
    ) -> tuple[WorkflowState, list[Step]]:
        """Fire ``trigger`` (on ``item``, if given), then every automatic transition it enables.

        Raises:
            TriggerNotAllowed: the current state, or a condition such as missing materials,
                does not allow the trigger.
        """
        items = dict(current.items)
        if item is None:
            steps = self._fire_on_application(current.application, trigger, items, guards)
        else:
            steps = self._fire_on_item(current.application, trigger, item, items, guards)
        if steps is None:
            raise TriggerNotAllowed(
                trigger=trigger,
                item=item,
                state=_describe(current),
                allowed=self.allowed(current, guards),
                detail=_why_refused(trigger, item, guards, current),
            )
        application = _application_after(current.application, steps)
        steps += self._automatic_steps(application, items, guards)
        return WorkflowState(_application_after(application, steps), items), steps

    def settle(self, current: WorkflowState, guards: Guards) -> tuple[WorkflowState, list[Step]]:
        """Every automatic transition the current states enable, with no trigger before them:
        an application moved to this version, whose new items may open or be cancelled."""
        items = dict(current.items)
        steps = self._automatic_steps(current.application, items, guards)
        return WorkflowState(_application_after(current.application, steps), items), steps

    @cached_property
    def diagram(self) -> str:
        """The machine as Mermaid ``stateDiagram-v2`` text."""
        machine = _DiagramMachine(model=Context(), auto_transitions=False, graph_engine="mermaid",
                                  title=self.bundle.name, **_diagram_config(self.bundle))
        return machine.get_graph().draw(None)

    def _fire_on_application(self, application: ApplicationState, trigger: str,
                             items: dict[str, ItemState], guards: Guards) -> list[Step] | None:
        if trigger not in APPLICATION_TRIGGERS:
            return None
        context = Context(guards=guards, items=items)
        if application == _PROCESSING:
            # Withdrawn during processing: every item still open is withdrawn.
            steps = []
            if trigger == Trigger.WITHDRAW:
                for code, state in items.items():
                    after = ITEM_LIFE.fire(state, trigger, context)
                    if after is not None:
                        items[code] = ItemState(after)
                        steps.append(Step(trigger, code, state, items[code], False))
            return steps or None
        after = APPLICATION_LIFE.fire(application, trigger, context)
        if after is None:
            return None
        steps = []
        if after == _PROCESSING:  # every item starts pending
            for code, state in items.items():
                if state != ItemState.PENDING:
                    steps.append(Step(trigger, code, state, ItemState.PENDING, False))
                    items[code] = ItemState.PENDING
        return [*steps, Step(trigger, None, application, ApplicationState(after), False)]

    def _fire_on_item(self, application: ApplicationState, trigger: str, item: str,
                      items: dict[str, ItemState], guards: Guards) -> list[Step] | None:
        if application != _PROCESSING or item not in items or trigger not in ITEM_TRIGGERS:
            return None
        context = Context(guards=guards, items=items, code=item,
                          prerequisites=self._prerequisites[item])
        before = items[item]
        after = ITEM_LIFE.fire(before, trigger, context)
        if after is None:
            return None
        items[item] = ItemState(after)
        return [Step(trigger, item, before, items[item], False)]

    def _automatic_steps(self, application: ApplicationState, items: dict[str, ItemState],
                         guards: Guards) -> list[Step]:
        """Fire, one at a time, the first automatic transition that can fire, until none can:
        closing the application first, then each pending item in the bundle's order."""
        steps: list[Step] = []
        context = Context(guards=guards, items=items)
        while application == _PROCESSING:
            step = self._next_automatic(context, items)
            if step is None:
                break
            steps.append(step)
            if step.item is None:
                application = ApplicationState(step.to_state)
            else:
                items[step.item] = ItemState(step.to_state)
        return steps

    def _next_automatic(self, context: Context, items: dict[str, ItemState]) -> Step | None:
        for trigger in _CLOSING:
            after = APPLICATION_LIFE.fire(_PROCESSING, trigger, context)
            if after is not None:
                return Step(trigger, None, _PROCESSING, ApplicationState(after), True)
        for code, state in items.items():
            if state != ItemState.PENDING:
                continue
            context.code, context.prerequisites = code, self._prerequisites[code]
            for trigger in _ITEM_AUTOMATIC:
                after = ITEM_LIFE.fire(state, trigger, context)
                if after is not None:
                    return Step(trigger, code, state, ItemState(after), True)
        return None


def _application_after(application: ApplicationState, steps: list[Step]) -> ApplicationState:
    for step in reversed(steps):
        if step.item is None:
            return ApplicationState(step.to_state)
    return application


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


class _NestedState(NestedState):
    separator = SEPARATOR


class _DiagramMachine(HierarchicalGraphMachine):
    state_cls = _NestedState


def _diagram_config(bundle: Bundle) -> dict:
    """The two lives as one hierarchical machine, for drawing: the application's states, with
    processing a parallel state of one region per item, each region an item's life."""
    regions = [{"name": item.code, "children": [state.value for state in ItemState],
                "initial": ItemState.PENDING.value} for item in bundle.items]
    states = [state.value for state in ApplicationState if state != _PROCESSING]
    states.append({"name": _PROCESSING.value, "parallel": regions})
    transitions = [plain(transition) for transition in APPLICATION_TRANSITIONS]
    for item in bundle.items:
        def nested(state: ItemState, code: str = item.code) -> str:
            return SEPARATOR.join((_PROCESSING, code, state))

        for transition in ITEM_TRANSITIONS:
            trigger = transition["trigger"]
            transitions.append(plain({
                **transition,
                # The withdrawal is the application's: one trigger withdraws every item.
                "trigger": trigger if trigger == Trigger.WITHDRAW else f"{trigger}@{item.code}",
                "source": [nested(state) for state in transition["source"]],
                "dest": transition["dest"] and nested(transition["dest"]),
            }))
    return {"states": states, "transitions": transitions,
            "initial": ApplicationState.SUBMITTED.value}


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
