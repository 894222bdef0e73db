"""BundleMachine on small synthetic bundles: no database, no app."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from service.engine.bundle import Bundle
from service.engine.errors import TriggerNotAllowed
from service.engine.machine import (
    BundleMachine,
    Guards,
    MachineCache,
    Step,
    WorkflowState,
    outcome_of,
)
from service.engine.states import (
    APPLICATION_TRIGGERS,
    ITEM_TRIGGERS,
    ApplicationState,
    ItemState,
    Outcome,
    Trigger,
)

A, I, T = ApplicationState, ItemState, Trigger  # noqa: E741 - reads as a table


def snapshot(graph: dict[str, tuple[str, ...]], code: str = "synthetic") -> dict:
    """A bundle snapshot whose items are ``graph``'s keys, each after its listed prerequisites."""
    limits = {"statutory": 10, "committed": 5, "unit": "working_days"}
    return {
        "code": code,
        "name": code.title(),
        "audience": "person",
        "limits": {"statutory": 45, "committed": 5, "unit": "working_days"},
        "items": [
            {"code": item, "name": item.upper(), "department": {"code": "dept", "name": "Dept"},
             "limits": limits, "prerequisites": list(after), "materials": [], "fields": [],
             "produces": [], "online": True}
            for item, after in graph.items()
        ],
        "materials": [],
        "form": [],
    }


def machine_for(graph: dict[str, tuple[str, ...]], digest: str | None = None) -> BundleMachine:
    return BundleMachine(Bundle.from_snapshot(snapshot(graph), digest or repr(graph)))


DIAMOND = {"a": (), "b": ("a",), "c": ("a",), "d": ("b", "c")}
PAIR = {"a": (), "b": ()}  # two items running in parallel


@pytest.fixture(scope="module")
def diamond() -> BundleMachine:
    return machine_for(DIAMOND)


@pytest.fixture(scope="module")
def pair() -> BundleMachine:
    return machine_for(PAIR)


def submitted(machine: BundleMachine) -> WorkflowState:
    return WorkflowState(A.SUBMITTED, {code: I.PENDING for code in machine.bundle.item_codes})


def accepted(machine: BundleMachine) -> WorkflowState:
    state, _ = machine.fire(submitted(machine), T.ACCEPT, None, Guards())
    return state


def run(machine: BundleMachine, state: WorkflowState, *actions) -> tuple[WorkflowState, list]:
    """Fire ``(trigger, item)`` pairs in order; the final state and every step recorded."""
    steps: list[Step] = []
    for trigger, item in actions:
        state, fired = machine.fire(state, trigger, item, Guards())
        steps += fired
    return state, steps


def review(item: str, decision: Trigger = T.APPROVE) -> list[tuple[Trigger, str]]:
    return [(T.START_REVIEW, item), (decision, item)]


# --- opening, cancelling, concluding ---------------------------------------------------------


def test_accept_opens_items_without_prerequisites_and_keeps_dependants_pending(diamond):
    state = accepted(diamond)
    assert state.application == A.PROCESSING
    assert dict(state.items) == {"a": I.OPEN, "b": I.PENDING, "c": I.PENDING, "d": I.PENDING}


def test_dependant_opens_only_once_every_prerequisite_is_approved(diamond):
    state, _ = run(diamond, accepted(diamond), *review("a"))
    assert (state.items["b"], state.items["c"], state.items["d"]) == (I.OPEN, I.OPEN, I.PENDING)

    state, _ = run(diamond, state, *review("b"))
    assert state.items["d"] == I.PENDING  # c is still open

    state, steps = run(diamond, state, *review("c"))
    assert state.items["d"] == I.OPEN
    assert Step("open", "d", I.PENDING, I.OPEN, automatic=True) in steps


def test_denied_item_cancels_its_dependants_transitively(diamond):
    state, steps = run(diamond, accepted(diamond), *review("a", T.DENY))
    assert dict(state.items) == {"a": I.DENIED, "b": I.CANCELLED, "c": I.CANCELLED,
                                 "d": I.CANCELLED}
    cancelled = [step.item for step in steps if step.trigger == "cancel"]
    assert sorted(cancelled) == ["b", "c", "d"]
    assert all(step.automatic for step in steps if step.trigger == "cancel")


def test_denying_one_branch_cancels_the_join_but_not_the_other_branch(diamond):
    state, _ = run(diamond, accepted(diamond), *review("a"), *review("b", T.DENY))
    assert (state.items["c"], state.items["d"]) == (I.OPEN, I.CANCELLED)
    assert state.application == A.PROCESSING


@pytest.mark.parametrize(
    ("decisions", "outcome"),
    [
        ({"a": T.APPROVE, "b": T.APPROVE, "c": T.APPROVE, "d": T.APPROVE}, Outcome.APPROVED),
        ({"a": T.APPROVE, "b": T.DENY, "c": T.APPROVE}, Outcome.PARTLY_APPROVED),
        ({"a": T.DENY}, Outcome.DENIED),
    ],
    ids=["all-approved", "one-branch-denied", "root-denied"],
)
def test_conclude_fires_exactly_once_with_the_outcome(diamond, decisions, outcome):
    state = accepted(diamond)
    steps: list[Step] = []
    for item, decision in decisions.items():
        assert state.application == A.PROCESSING
        state, fired = run(diamond, state, *review(item, decision))
        steps += fired
    concluding = [step for step in steps if step.trigger == "conclude"]
    assert concluding == [Step("conclude", None, A.PROCESSING, A.CONCLUDED, automatic=True)]
    assert steps[-1] == concluding[0]  # the last thing that happens
    assert state.application == A.CONCLUDED
    assert outcome_of(state.items) == outcome


def test_outcome_of_counts_approved_items():
    assert outcome_of({"a": I.APPROVED, "b": I.APPROVED}) == Outcome.APPROVED
    assert outcome_of({"a": I.APPROVED, "b": I.CANCELLED}) == Outcome.PARTLY_APPROVED
    assert outcome_of({"a": I.DENIED, "b": I.CANCELLED}) == Outcome.DENIED


# --- steps ------------------------------------------------------------------------------------


def test_steps_record_the_persons_trigger_then_the_automatic_ones(pair):
    _, steps = pair.fire(submitted(pair), T.ACCEPT, None, Guards())
    assert steps == [
        Step("accept", None, A.SUBMITTED, A.PROCESSING, automatic=False),
        Step("open", "a", I.PENDING, I.OPEN, automatic=True),
        Step("open", "b", I.PENDING, I.OPEN, automatic=True),
    ]


def test_item_trigger_records_only_that_item(pair):
    _, steps = pair.fire(accepted(pair), T.START_REVIEW, "b", Guards())
    assert steps == [Step("start_review", "b", I.OPEN, I.REVIEWING, automatic=False)]


def test_fire_does_not_mutate_the_given_state(pair):
    before = accepted(pair)
    items = dict(before.items)
    pair.fire(before, T.START_REVIEW, "a", Guards())
    assert dict(before.items) == items


# --- withdrawing ------------------------------------------------------------------------------


@pytest.mark.parametrize("application", [A.SUBMITTED, A.CORRECTION])
def test_withdraw_at_intake(pair, application):
    state = WorkflowState(application, {"a": I.PENDING, "b": I.PENDING})
    after, steps = pair.fire(state, T.WITHDRAW, None, Guards())
    assert after.application == A.WITHDRAWN
    assert steps == [Step("withdraw", None, application, A.WITHDRAWN, automatic=False)]


def test_withdraw_during_processing_withdraws_every_item(diamond):
    state, _ = run(diamond, accepted(diamond), (T.START_REVIEW, "a"),
                   (T.REQUEST_CORRECTION, "a"))
    after, steps = diamond.fire(state, T.WITHDRAW, None, Guards())
    assert after.application == A.WITHDRAWN
    assert set(after.items.values()) == {I.WITHDRAWN}
    withdrawn = {step.item: step.from_state for step in steps if step.trigger == "withdraw"}
    assert withdrawn == {"a": I.CORRECTION, "b": I.PENDING, "c": I.PENDING, "d": I.PENDING}
    assert steps[-1] == Step("close_withdrawn", None, A.PROCESSING, A.WITHDRAWN, automatic=True)


@pytest.mark.parametrize("decision", [T.APPROVE, T.DENY])
def test_withdraw_refused_once_an_item_is_decided(pair, decision):
    state, _ = run(pair, accepted(pair), *review("a", decision))
    assert state.application == A.PROCESSING
    with pytest.raises(TriggerNotAllowed) as refused:
        pair.fire(state, T.WITHDRAW, None, Guards())
    assert "decided" in str(refused.value)
    assert "withdraw" not in pair.allowed(state, Guards())["application"]


# --- refusals ---------------------------------------------------------------------------------


def test_accept_refused_while_materials_are_missing(pair):
    guards = Guards(missing_materials=("child_photo", "birth_medical_record"))
    with pytest.raises(TriggerNotAllowed) as refused:
        pair.fire(submitted(pair), T.ACCEPT, None, guards)
    error = refused.value
    assert "child_photo" in error.detail and "birth_medical_record" in error.detail
    assert str(error) == error.detail
    assert error.trigger == "accept" and error.item is None
    assert "accept" not in error.allowed["application"]
    assert "request_correction" in error.allowed["application"]
    assert error.allowed == pair.allowed(submitted(pair), guards)
    assert "accept" in pair.allowed(submitted(pair), Guards())["application"]


def test_refusal_carries_the_state_and_what_is_allowed(diamond):
    state = accepted(diamond)
    with pytest.raises(TriggerNotAllowed) as refused:
        diamond.fire(state, T.APPROVE, "a", Guards())
    error = refused.value
    assert error.state == {"application": "processing",
                           "items": {"a": "open", "b": "pending", "c": "pending", "d": "pending"}}
    assert error.allowed == diamond.allowed(state, Guards())
    assert error.allowed["items"]["a"] == ["start_review", "extend"]
    assert error.item == "a"
    assert "'a'" in error.detail and "open" in error.detail


def test_item_trigger_refused_before_acceptance(pair):
    with pytest.raises(TriggerNotAllowed):
        pair.fire(submitted(pair), T.START_REVIEW, "a", Guards())


# --- allowed(): every trigger in every state --------------------------------------------------

APPLICATION_MOVES = {
    (A.SUBMITTED, T.ACCEPT): A.PROCESSING,
    (A.SUBMITTED, T.REQUEST_CORRECTION): A.CORRECTION,
    (A.SUBMITTED, T.REFUSE): A.REFUSED,
    (A.SUBMITTED, T.WITHDRAW): A.WITHDRAWN,
    (A.CORRECTION, T.REFUSE): A.REFUSED,
    (A.CORRECTION, T.SUPPLEMENT): A.SUBMITTED,
    (A.CORRECTION, T.WITHDRAW): A.WITHDRAWN,
    (A.PROCESSING, T.WITHDRAW): A.WITHDRAWN,
    (A.CONCLUDED, T.DELIVER): A.DELIVERED,
}
ITEMS_IN = {  # plausible item states for each application state
    A.SUBMITTED: {"a": I.PENDING, "b": I.PENDING},
    A.CORRECTION: {"a": I.PENDING, "b": I.PENDING},
    A.REFUSED: {"a": I.PENDING, "b": I.PENDING},
    A.WITHDRAWN: {"a": I.WITHDRAWN, "b": I.WITHDRAWN},
    A.PROCESSING: {"a": I.OPEN, "b": I.REVIEWING},
    A.CONCLUDED: {"a": I.APPROVED, "b": I.DENIED},
    A.DELIVERED: {"a": I.APPROVED, "b": I.DENIED},
}


@pytest.mark.parametrize(
    ("application", "trigger"),
    list(itertools.product(ApplicationState, sorted(APPLICATION_TRIGGERS))),
)
def test_application_trigger_table(pair, application, trigger):
    state = WorkflowState(application, ITEMS_IN[application])
    destination = APPLICATION_MOVES.get((application, trigger))
    assert (trigger in pair.allowed(state, Guards())["application"]) == (destination is not None)
    if destination is None:
        with pytest.raises(TriggerNotAllowed) as refused:
            pair.fire(state, trigger, None, Guards())
        assert refused.value.state["application"] == application
    else:
        after, _ = pair.fire(state, trigger, None, Guards())
        assert after.application == destination


ITEM_MOVES = {
    (I.OPEN, T.START_REVIEW): I.REVIEWING,
    (I.REVIEWING, T.APPROVE): I.APPROVED,
    (I.REVIEWING, T.DENY): I.DENIED,
    (I.REVIEWING, T.REQUEST_CORRECTION): I.CORRECTION,
    (I.CORRECTION, T.SUPPLEMENT): I.REVIEWING,
    (I.REVIEWING, T.PAUSE): I.PAUSED,
    (I.PAUSED, T.RESUME): I.REVIEWING,
    # An extension moves the deadline and keeps the state.
    (I.OPEN, T.EXTEND): I.OPEN,
    (I.REVIEWING, T.EXTEND): I.REVIEWING,
    (I.PAUSED, T.EXTEND): I.PAUSED,
}


@pytest.mark.parametrize(
    ("item_state", "trigger"), list(itertools.product(ItemState, sorted(ITEM_TRIGGERS)))
)
def test_item_trigger_table(pair, item_state, trigger):
    state = WorkflowState(A.PROCESSING, {"a": I.OPEN, "b": item_state})
    destination = ITEM_MOVES.get((item_state, trigger))
    allowed = pair.allowed(state, Guards())
    assert (trigger in allowed["items"]["b"]) == (destination is not None)
    assert allowed["items"]["a"] == ["start_review", "extend"]  # the other region is untouched
    if destination is None:
        with pytest.raises(TriggerNotAllowed):
            pair.fire(state, trigger, "b", Guards())
    else:
        after, steps = pair.fire(state, trigger, "b", Guards())
        assert dict(after.items) == {"a": I.OPEN, "b": destination}
        assert steps[0] == Step(trigger, "b", item_state, destination, False)


def test_no_extension_once_the_item_is_overdue(pair):
    state = WorkflowState(A.PROCESSING, {"a": I.REVIEWING, "b": I.OPEN})
    late = Guards(overdue_items=frozenset({"a"}))
    assert "extend" not in pair.allowed(state, late)["items"]["a"]
    assert "extend" in pair.allowed(state, late)["items"]["b"]
    with pytest.raises(TriggerNotAllowed, match="past its deadline"):
        pair.fire(state, T.EXTEND, "a", late)


@pytest.mark.parametrize(
    ("application", "expected"),
    [
        (A.SUBMITTED, ["accept", "request_correction", "refuse", "withdraw"]),
        (A.CORRECTION, ["refuse", "supplement", "withdraw"]),
        (A.REFUSED, []),
        (A.WITHDRAWN, []),
        (A.PROCESSING, ["withdraw"]),
        (A.CONCLUDED, ["deliver"]),
        (A.DELIVERED, []),
    ],
)
def test_allowed_for_each_application_state(pair, application, expected):
    allowed = pair.allowed(WorkflowState(application, ITEMS_IN[application]), Guards())
    assert sorted(allowed["application"]) == sorted(expected)
    assert set(allowed["items"]) == {"a", "b"}
    if application != A.PROCESSING:
        assert allowed["items"] == {"a": [], "b": []}


# --- diagram, cache, threads ------------------------------------------------------------------


def test_diagram_is_mermaid_and_names_every_item():
    machine = machine_for({"birth_certificate": (), "household_entry": ("birth_certificate",)})
    text = machine.diagram
    body = text.split("---\n", 2)[-1] if text.startswith("---\n") else text  # title front matter
    assert body.lstrip().startswith("stateDiagram")
    assert "birth_certificate" in text and "household_entry" in text


def test_cache_builds_once_per_digest():
    cache = MachineCache()
    calls: list[str] = []

    def loader(graph):
        def load() -> Bundle:
            calls.append("load")
            return Bundle.from_snapshot(snapshot(graph), "ignored")
        return load

    first = cache.get("digest-1", loader(PAIR))
    assert cache.get("digest-1", loader(PAIR)) is first
    assert len(calls) == 1
    other = cache.get("digest-2", loader(DIAMOND))
    assert other is not first and len(calls) == 2


def test_cache_drops_the_least_recently_used():
    cache = MachineCache(maxsize=2)
    calls: list[str] = []

    def load(digest):
        def build() -> Bundle:
            calls.append(digest)
            return Bundle.from_snapshot(snapshot(PAIR), digest)
        return build

    for digest in ("x", "y", "x", "z"):  # "y" is now the least recently used
        cache.get(digest, load(digest))
    cache.get("x", load("x"))
    assert calls == ["x", "y", "z"]
    cache.get("y", load("y"))
    assert calls == ["x", "y", "z", "y"]


def test_concurrent_cache_gets_share_one_machine():
    cache = MachineCache()
    start = threading.Barrier(8)

    def get(_):
        start.wait()
        return cache.get("shared", lambda: Bundle.from_snapshot(snapshot(DIAMOND), "shared"))

    with ThreadPoolExecutor(8) as pool:
        machines = list(pool.map(get, range(8)))
    assert all(machine is machines[0] for machine in machines)


def test_fire_is_safe_from_several_threads(diamond):
    """Eight threads walk their own applications through one shared machine; odd threads deny b."""
    start = threading.Barrier(8)

    def walk(index: int) -> list[WorkflowState]:
        start.wait()
        finished = []
        for _ in range(10):  # several rounds, so that the threads interleave
            b_decision = T.DENY if index % 2 else T.APPROVE
            state, _ = run(diamond, accepted(diamond), (T.START_REVIEW, "a"),
                           (T.REQUEST_CORRECTION, "a"), (T.SUPPLEMENT, "a"), (T.APPROVE, "a"),
                           *review("b", b_decision), *review("c"))
            if index % 2 == 0:
                state, _ = run(diamond, state, *review("d"))
            finished.append(state)
        return finished

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(walk, range(8)))
    for index, states in enumerate(results):
        for state in states:
            assert state.application == A.CONCLUDED
            if index % 2:
                assert dict(state.items) == {"a": I.APPROVED, "b": I.DENIED, "c": I.APPROVED,
                                             "d": I.CANCELLED}
            else:
                assert set(state.items.values()) == {I.APPROVED}
