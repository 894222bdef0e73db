"""The engine alone beside SpiffWorkflow 3.2.0: one application's whole life, in process.

onething's side: a ``BundleMachine`` built once per bundle (as the app caches it), then one
application's life replayed on it: ``accept``, then for each item in turn ``start_review`` and
``approve`` (the automatic opens and the conclusion happen inside ``fire``), then ``deliver``.
The state is carried as the app carries it: a ``WorkflowState`` passed in and returned by every
``fire``, as a request reads it from the application's rows and writes it back. No serialisation
is counted on this side: the app's persisted form is the state columns the request reads and
writes anyway. Reported per department decision (the life's time / its items) and per trigger
(the life's time / the person-fired triggers, 2 × items + 2).

SpiffWorkflow's side: the processes in ``bench/bpmn/``: a start, a user task, a parallel gateway
to N user tasks, a join, a final user task, an end. Each shape's user tasks are as many as the
person decisions of onething's life on N items: the first task stands for ``accept``, the N for
the departments' decisions, the last for ``deliver`` (N + 2 tasks). For 开办餐饮店 the catalog has
the business licence before the four others; the process has all five in parallel, as the
template has one task before its gateway (a process with the licence's task first and the four
after it cost SpiffWorkflow about 9% less per task when this was written). Two ways, each a whole
run to the end completing every user task:

- in memory: the workflow object kept between tasks;
- persisted: the workflow, created and run to its first user task beforehand, is deserialised
  from JSON before every user task and serialised again after it (``BpmnWorkflowSerializer``,
  the whole workflow with its spec), as an engine that stores state between requests must.

Reported per user task (the run's time / N + 2). Dividing SpiffWorkflow's run by its N + 2 tasks
and onething's life by its N decisions lets SpiffWorkflow share its cost over two more: the
comparison leans its way (by 7/5 for the restaurant, 14/12 for 12 items).

Shapes: 开办餐饮店 (``restaurant``), the catalog's widest bundles (most items; every one tied for
it), and two synthetic bundles of 4 and 12 items without prerequisites, whose per-trigger costs
show whether a trigger's cost stays flat in the number of items. Targets (issue 18): onething at
least 10× faster per decision than SpiffWorkflow persisted (onething / Spiff persisted ≤ 0.10);
a 12-item trigger within 1.5× of a 4-item one. The script prints them; it never asserts them.

Setup, from the repository's root (SpiffWorkflow lives in the benchmark's own environment, never
in the app's)::

    python -m venv .venv-bench && .venv-bench/bin/pip install -r bench/requirements-engine.txt
    .venv-bench/bin/python bench/engine.py               # both sides
    .venv/bin/python bench/engine.py                     # onething's side only
    .venv-bench/bin/python bench/engine.py --iterations 50

The engine measured is the ``service`` package first on ``sys.path``; the script prints its
location and commit. Another tree, e.g. a commit before an engine change::

    git worktree add ../engine-before <commit>
    PYTHONPATH=../engine-before .venv-bench/bin/python bench/engine.py
    git worktree remove ../engine-before

The catalog is read from the same tree as the engine.

Timing: ``time.perf_counter_ns`` around each whole life; the cases run round-robin (one life of
each, then the next round), so other work on the shared cores falls on all of them alike; a
garbage collection before each life, so each pays for its own garbage; warm-up rounds first.
Figures are the median and p90 of the lives, divided. Absolute figures drift ±15% from run to run
and more when other work shares the cores: compare the rows of one run, not runs.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import subprocess
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path

from service.catalog.definitions import Catalog, load_catalog
from service.core.config import PROJECT_ROOT
from service.engine import machine as machine_module
from service.engine.bundle import Bundle
from service.engine.machine import BundleMachine, Guards, WorkflowState
from service.engine.states import ApplicationState, ItemState, Trigger

BPMN = Path(__file__).resolve().parent / "bpmn"
INSTALL = ("python -m venv .venv-bench && "
           ".venv-bench/bin/pip install -r bench/requirements-engine.txt")
FLAT_WIDTHS = (4, 12)
DECISION_TARGET = 0.10  # onething / Spiff persisted, per decision
FLAT_TARGET = 1.5  # a 12-item trigger / a 4-item trigger

Plan = list[tuple[Trigger, str | None]]


# --- onething ---------------------------------------------------------------------------------


def catalog_bundle(catalog: Catalog, code: str) -> Bundle:
    return Bundle.from_snapshot(catalog.bundles[code], Catalog.digest(catalog.bundles[code]))


def synthetic_bundle(width: int) -> Bundle:
    """``width`` items without prerequisites, as tests/engine/test_machine.py builds them."""
    limits = {"statutory": 10, "committed": 5, "unit": "working_days"}
    code = f"parallel_{width}"
    snapshot = {
        "code": code, "name": f"{width} parallel", "audience": "person",
        "limits": {"statutory": 45, "committed": 5, "unit": "working_days"},
        "items": [
            {"code": f"item_{i}", "name": f"Item {i}", "prerequisites": [],
             "department": {"code": f"dept_{i}", "name": f"Dept {i}"}, "limits": limits,
             "materials": [], "fields": [], "produces": [], "online": True}
            for i in range(1, width + 1)
        ],
        "materials": [], "form": [],
    }
    return Bundle.from_snapshot(snapshot, f"synthetic-{code}")


def layers(bundle: Bundle) -> str:
    """The bundle's shape: how many items stand at each depth of its prerequisites."""
    after = {item.code: item.prerequisites for item in bundle.items}
    depth: dict[str, int] = {}

    def depth_of(code: str) -> int:
        if code not in depth:
            depth[code] = 1 + max(map(depth_of, after[code]), default=0)
        return depth[code]

    for code in after:
        depth_of(code)
    return " → ".join(str(list(depth.values()).count(level))
                      for level in range(1, max(depth.values()) + 1))


def submitted(bundle: Bundle) -> WorkflowState:
    return WorkflowState(ApplicationState.SUBMITTED,
                         dict.fromkeys(bundle.item_codes, ItemState.PENDING))


def life_plan(machine: BundleMachine, bundle: Bundle) -> Plan:
    """The person-fired triggers of one approved life, found by living it once: accept, then
    start_review and approve on the first open item until none is open, then deliver."""
    guards, state = Guards(), submitted(bundle)
    plan: Plan = [(Trigger.ACCEPT, None)]
    state, _ = machine.fire(state, Trigger.ACCEPT, None, guards)
    while opened := [code for code in bundle.item_codes if state.items[code] == ItemState.OPEN]:
        for trigger in (Trigger.START_REVIEW, Trigger.APPROVE):
            plan.append((trigger, opened[0]))
            state, _ = machine.fire(state, trigger, opened[0], guards)
    plan.append((Trigger.DELIVER, None))
    state, _ = machine.fire(state, Trigger.DELIVER, None, guards)
    check_delivered(state, bundle)
    if len(plan) != 2 * len(bundle.items) + 2:
        raise RuntimeError(f"{bundle.code}: {len(plan)} triggers for {len(bundle.items)} items")
    return plan


def check_delivered(state: WorkflowState, bundle: Bundle) -> None:
    """A life that ended elsewhere would make its timing meaningless."""
    if state.application != ApplicationState.DELIVERED or any(
            state.items[code] != ItemState.APPROVED for code in bundle.item_codes):
        raise RuntimeError(f"{bundle.code}: the life ended in {state}")


def onething_life(machine: BundleMachine, plan: Plan, start: WorkflowState,
                  guards: Guards) -> WorkflowState:
    state = start
    for trigger, item in plan:
        state, _ = machine.fire(state, trigger, item, guards)
    return state


# --- SpiffWorkflow ----------------------------------------------------------------------------


class Spiff:
    """SpiffWorkflow's processes in bench/bpmn/, parsed once each, and one serialiser."""

    def __init__(self):
        from SpiffWorkflow.bpmn.parser import BpmnParser, BpmnValidator
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
        from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState

        self._parser_class, self._validator_class = BpmnParser, BpmnValidator
        self._workflow_class, self._ready = BpmnWorkflow, TaskState.READY
        self.serializer = BpmnWorkflowSerializer()
        self.version = metadata.version("SpiffWorkflow")
        self._specs: dict[int, object] = {}

    def spec(self, width: int):
        """The process ``parallel_<width>``, or None where bench/bpmn/ has no such file."""
        if width not in self._specs:
            path = BPMN / f"parallel_{width}.bpmn"
            if not path.exists():
                return None
            parser = self._parser_class(validator=self._validator_class())
            parser.add_bpmn_file(str(path))
            self._specs[width] = parser.get_spec(f"parallel_{width}")
        return self._specs[width]

    def started(self, spec):
        """A new workflow run to its first user task (untimed: the application's creation)."""
        workflow = self._workflow_class(spec)
        workflow.do_engine_steps()
        return workflow

    def in_memory(self, workflow) -> int:
        tasks = 0
        while not workflow.is_completed():
            workflow.get_next_task(state=self._ready, manual=True).run()
            workflow.do_engine_steps()
            tasks += 1
        return tasks

    def persisted(self, stored: str) -> int:
        tasks, done = 0, False
        while not done:
            workflow = self.serializer.deserialize_json(stored)
            workflow.get_next_task(state=self._ready, manual=True).run()
            workflow.do_engine_steps()
            stored = self.serializer.serialize_json(workflow)
            done, tasks = workflow.is_completed(), tasks + 1
        return tasks


def load_spiff() -> Spiff | None:
    try:
        return Spiff()
    except ImportError:
        return None


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Case:
    """One life, timed: ``prepare`` (untimed) makes its input, ``run`` is timed, ``check``
    (untimed) refuses a wrong ending."""

    prepare: Callable[[], object]
    run: Callable[[object], object]
    check: Callable[[object], None]
    samples: list[int] = field(default_factory=list)

    def once(self, keep: bool) -> None:
        given = self.prepare()
        gc.collect()
        start = time.perf_counter_ns()
        result = self.run(given)
        elapsed = time.perf_counter_ns() - start
        self.check(result)
        if keep:
            self.samples.append(elapsed)

    def per(self, count: int) -> tuple[float, float]:
        """Median and p90 of a life, in µs per one of its ``count`` units."""
        p90 = statistics.quantiles(self.samples, n=10, method="inclusive")[8]
        return statistics.median(self.samples) / count / 1e3, p90 / count / 1e3


@dataclass
class Shape:
    label: str
    bundle: Bundle
    onething: Case
    spiff_persisted: Case | None = None
    spiff_in_memory: Case | None = None

    @property
    def items(self) -> int:
        return len(self.bundle.items)

    def cases(self) -> list[Case]:
        return [case for case in (self.onething, self.spiff_persisted, self.spiff_in_memory)
                if case is not None]


def shape(label: str, bundle: Bundle, spiff: Spiff | None) -> Shape:
    machine = BundleMachine(bundle)
    plan, start, guards = life_plan(machine, bundle), submitted(bundle), Guards()
    measured = Shape(label, bundle, Case(
        prepare=lambda: None,
        run=lambda _: onething_life(machine, plan, start, guards),
        check=lambda state: check_delivered(state, bundle)))
    spec = spiff.spec(measured.items) if spiff else None
    if spec is not None:
        tasks = measured.items + 2

        def check_tasks(done: int) -> None:
            if done != tasks:
                raise RuntimeError(f"parallel_{measured.items}: {done} user tasks, not {tasks}")

        stored = spiff.serializer.serialize_json(spiff.started(spec))
        measured.spiff_persisted = Case(prepare=lambda: stored, run=spiff.persisted,
                                        check=check_tasks)
        measured.spiff_in_memory = Case(prepare=lambda: spiff.started(spec),
                                        run=spiff.in_memory, check=check_tasks)
    return measured


def shapes(spiff: Spiff | None) -> list[Shape]:
    catalog = load_catalog(PROJECT_ROOT / "workflows")
    most = max(len(snapshot["items"]) for snapshot in catalog.bundles.values())
    widest = sorted(code for code, snapshot in catalog.bundles.items()
                    if len(snapshot["items"]) == most)
    measured = []
    for code in ["restaurant", *(code for code in widest if code != "restaurant")]:
        bundle = catalog_bundle(catalog, code)
        role = "" if code == "restaurant" else "widest, "
        name = bundle.name.removesuffix("“一件事”")
        measured.append(shape(f"{name} {code} ({role}{layers(bundle)})", bundle, spiff))
    for width in FLAT_WIDTHS:
        measured.append(shape(f"synthetic, {width} parallel", synthetic_bundle(width), spiff))
    return measured


def measure(measured: list[Shape], iterations: int, warmup: int) -> None:
    cases = [case for each in measured for case in each.cases()]
    for _ in range(warmup):
        for case in cases:
            case.once(keep=False)
    gc.collect()
    gc.freeze()  # what setup built need not be walked by every collection that follows
    for _ in range(iterations):
        for case in cases:
            case.once(keep=True)


# --- reporting --------------------------------------------------------------------------------


def engine_origin() -> str:
    """Where the measured engine comes from: its tree's commit, and whether the engine's own
    files differ from it (other files' changes do not touch what is measured here)."""
    directory = Path(machine_module.__file__).resolve().parent

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(directory), *args], capture_output=True,
                              text=True, check=True).stdout.strip()

    try:
        commit = git("rev-parse", "--short=7", "HEAD")
        if git("status", "--porcelain", "--", "."):
            commit += f", with uncommitted changes in {directory.name}/"
    except (OSError, subprocess.CalledProcessError):
        commit = "not a git tree"
    return f"{directory / 'machine.py'} (commit {commit})"


def width_of(text: str) -> int:
    """Columns a terminal gives ``text``: two for each wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def figure(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def cell(pair: tuple[float, float] | None) -> str:
    return "—" if pair is None else f"{figure(pair[0])} ({figure(pair[1])})"


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    """The first column left-aligned, the others right-aligned."""
    widths = [max(width_of(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return " | ".join(
            text + " " * (w - width_of(text)) if i == 0 else " " * (w - width_of(text)) + text
            for i, (text, w) in enumerate(zip(row, widths, strict=True)))

    print(line(headers))
    print("-" * width_of(line(headers)))
    for row in rows:
        print(line(row))


def verdict(met: bool) -> str:
    return "met" if met else "missed"


def report(measured: list[Shape], spiff: Spiff | None, iterations: int, warmup: int) -> None:
    print(f"\nThe engine alone beside SpiffWorkflow, {datetime.now():%Y-%m-%d %H:%M}, "
          f"{iterations} lives per case after {warmup} warm-up rounds, "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"engine: {engine_origin()}")
    print(f"Python {platform.python_version()}, transitions {metadata.version('transitions')}, "
          + (f"SpiffWorkflow {spiff.version}" if spiff else
             f"SpiffWorkflow missing: onething's side only (install it apart: {INSTALL})"))
    print("µs, median (p90); onething's life: accept, start_review + approve per item, deliver; "
          "SpiffWorkflow's: 1 → N parallel → 1 user tasks (bench/bpmn/parallel_N.bpmn)\n")
    rows, speedups = [], []
    for each in measured:
        per_decision = each.onething.per(each.items)
        per_trigger = each.onething.per(2 * each.items + 2)
        persisted = in_memory = None
        ratio = "—"
        if each.spiff_persisted and each.spiff_in_memory:
            persisted = each.spiff_persisted.per(each.items + 2)
            in_memory = each.spiff_in_memory.per(each.items + 2)
            speedups.append((each, persisted[0] / per_decision[0]))
            ratio = f"{per_decision[0] / persisted[0]:.2f} ({speedups[-1][1]:.1f}× faster)"
        rows.append([each.label, str(each.items), cell(per_decision), cell(per_trigger),
                     cell(persisted), cell(in_memory), ratio])
    print_table(["shape", "items", "onething per decision", "per trigger",
                 "Spiff persisted per task", "Spiff in memory", "onething / Spiff persisted"],
                rows)

    print("\nTargets (issue 18):")
    if speedups:
        faster = ", ".join(f"{each.bundle.code} {times:.1f}×" for each, times in speedups)
        met = all(times >= 1 / DECISION_TARGET for _, times in speedups)
        print(f"- onething ≥ {1 / DECISION_TARGET:.0f}× faster per decision than SpiffWorkflow "
              f"persisted: {faster}: {verdict(met)}")
    else:
        print(f"- onething ≥ {1 / DECISION_TARGET:.0f}× faster per decision than SpiffWorkflow "
              "persisted: not measured, SpiffWorkflow is missing")
    narrow, wide = (next(each for each in measured if each.label.startswith("synthetic")
                         and each.items == width) for width in FLAT_WIDTHS)
    flat = wide.onething.per(2 * wide.items + 2)[0] / narrow.onething.per(2 * narrow.items + 2)[0]
    print(f"- a {wide.items}-item trigger within {FLAT_TARGET}× of a {narrow.items}-item one: "
          f"{flat:.2f}×: {verdict(flat <= FLAT_TARGET)}")
    if narrow.spiff_persisted and wide.spiff_persisted:
        spiff_flat = (wide.spiff_persisted.per(wide.items + 2)[0]
                      / narrow.spiff_persisted.per(narrow.items + 2)[0])
        print(f"  (SpiffWorkflow persisted, per task, {wide.items} / {narrow.items} in parallel: "
              f"{spiff_flat:.2f}×)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=200,
                        help="timed lives per case (default: %(default)s)")
    parser.add_argument("--warmup", type=int, default=10,
                        help="untimed rounds first (default: %(default)s)")
    args = parser.parse_args()
    if args.iterations < 2 or args.warmup < 0:
        parser.error("--iterations needs at least 2 lives for quantiles; --warmup at least 0")
    spiff = load_spiff()
    if spiff is None:
        print(f"SpiffWorkflow is missing from this environment: onething's side only. "
              f"For both: {INSTALL}, then .venv-bench/bin/python bench/engine.py")
    measured = shapes(spiff)
    measure(measured, args.iterations, args.warmup)
    report(measured, spiff, args.iterations, args.warmup)


if __name__ == "__main__":
    main()
