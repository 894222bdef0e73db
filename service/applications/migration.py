"""Running applications moved to another version of their bundle.

An application stays on the version it was created on until an administrator migrates it. Per
item, comparing the two versions:

- an item the new version adds opens, or waits on its prerequisites, as the machine says;
- an item it removes must not have started (pending): it is dropped;
- an item whose limits alone changed keeps its progress, its clock recomputed from its inputs
  (start, pauses, extensions) with the new limits;
- an item changed otherwise (prerequisites, materials, fields, department…) after it started
  blocks the application, with the reason.

Each application moves in its own transaction and records the move as an event; one already on
the target is left alone, so running a migration twice changes nothing. Moving back to the
version an application came from undoes a migration while nothing has happened since it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..audit.acts import Action, record_act
from ..catalog.models import BundleVersion
from ..catalog.operations import find_version, machine_for
from ..core.database import db
from ..core.problems import Missing
from ..engine.actors import SYSTEM, Actor
from ..engine.calendar import local_date
from ..engine.states import ApplicationState, Bookkeeping, ItemState
from ..workdays.operations import calendar_around
from . import events
from .clock import Clock
from .models import Application, ApplicationItem, Event
from .operations import guards_for, lock, record_steps, workflow_state

RUNNING = (ApplicationState.SUBMITTED, ApplicationState.CORRECTION, ApplicationState.PROCESSING)
# What an item's clock reads: a change to these alone keeps its progress.
TIMING = frozenset({"limits", "basis"})


class VersionNotFound(Missing):
    what = "bundle version"


@dataclass
class Verdict:
    number: str
    from_version: int
    migrate: bool
    reasons: list[str] = field(default_factory=list)  # why it is blocked
    changes: list[str] = field(default_factory=list)  # what moving it changes


@dataclass
class MigrationReport:
    code: str
    to_version: int
    dry_run: bool
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def migrating(self) -> list[Verdict]:
        return [verdict for verdict in self.verdicts if verdict.migrate]

    @property
    def blocked(self) -> list[Verdict]:
        return [verdict for verdict in self.verdicts if not verdict.migrate]


def migrate_applications(code: str, to_version: int, actor: Actor, now: datetime, *,
                         dry_run: bool = False, yellow_share: float,
                         progress: Callable[[], None] | None = None) -> MigrationReport:
    """Judge, and unless ``dry_run`` move, every running application of bundle ``code`` not
    on version ``to_version``. Commits each application on its own (a dry run, nothing).

    Raises:
        VersionNotFound.
    """
    target = find_version(code, to_version)
    if target is None:
        raise VersionNotFound(f"{code} v{to_version}")
    report = MigrationReport(code, to_version, dry_run)
    for number in _running_elsewhere(code, target.id):
        application = lock(number)
        if application.bundle_version_id == target.id or application.state not in RUNNING:
            db.session.rollback()  # moved, or finished, since the list was read
            continue
        verdict = judge(application, target)
        if verdict.migrate and not dry_run:
            _move(application, target, verdict, actor, now, yellow_share)
            db.session.commit()
        else:
            db.session.rollback()  # the lock
        report.verdicts.append(verdict)
        if progress:
            progress()
    return report


def count_running_elsewhere(code: str, version_id: int) -> int:
    return len(_running_elsewhere(code, version_id))


def _running_elsewhere(code: str, version_id: int) -> list[str]:
    return list(db.session.scalars(
        select(Application.number).where(Application.bundle_code == code,
                                         Application.state.in_(RUNNING),
                                         Application.bundle_version_id != version_id)
        .order_by(Application.id)))


def judge(application: Application, target: BundleVersion) -> Verdict:
    """Whether the application can move to ``target``, and what moving it changes."""
    current = application.bundle_version
    verdict = Verdict(application.number, current.version, migrate=True)
    undoing = target.version < current.version
    if undoing and not _only_just_migrated(application, current.version, target.version):
        verdict.reasons.append(f"moving back to v{target.version} undoes a migration from it "
                               "while nothing has happened since; this application was not "
                               f"migrated from v{target.version}, or has moved on since")
    old = {item["code"]: item for item in current.definition["items"]}
    new = {item["code"]: item for item in target.definition["items"]}
    rows = {row.item_code: row for row in application.items}
    for code in new.keys() - old.keys():
        verdict.changes.append(f"{code}: added")
    for code in old.keys() - new.keys():
        started = rows[code].state != ItemState.PENDING
        if started and not (undoing and _opened_by_migration(rows[code])):
            verdict.reasons.append(f"{code}: removed by v{target.version}, but already "
                                   f"{rows[code].state.value}")
        verdict.changes.append(f"{code}: removed")
    for code in old.keys() & new.keys():
        changed = sorted(key for key in old[code].keys() | new[code].keys()
                         if old[code].get(key) != new[code].get(key))
        if not changed:
            continue
        if set(changed) - TIMING and rows[code].state != ItemState.PENDING:
            verdict.reasons.append(f"{code}: {', '.join(sorted(set(changed) - TIMING))} "
                                   f"changed, but the item is already {rows[code].state.value}")
        verdict.changes.append(f"{code}: {', '.join(changed)} changed")
    if current.definition["limits"] != target.definition["limits"]:
        verdict.changes.append("the bundle's limits changed")
    verdict.migrate = not verdict.reasons
    return verdict


def _only_just_migrated(application: Application, at: int, came_from: int) -> bool:
    """Whether the application's latest events are its migration from ``came_from`` to ``at``
    and what that migration did itself."""
    latest = db.session.scalars(select(Event).where(Event.application_id == application.id)
                                .order_by(Event.id.desc())).first()
    migration = db.session.scalars(
        select(Event).where(Event.application_id == application.id,
                            Event.trigger == Bookkeeping.MIGRATE_VERSION)
        .order_by(Event.id.desc())).first()
    return (migration is not None and migration.data.get("to") == at
            and migration.data.get("from") == came_from
            and latest.created_at == migration.created_at)


def _opened_by_migration(row: ApplicationItem) -> bool:
    """An item the migration being undone added and opened, untouched since."""
    return row.state == ItemState.OPEN and row.opened_at is not None and (
        db.session.scalars(select(Event.trigger).where(
            Event.application_id == row.application_id, Event.item_code == row.item_code)
        ).all() == ["open"])


def _move(application: Application, target: BundleVersion, verdict: Verdict, actor: Actor,
          now: datetime, yellow_share: float) -> None:
    current = application.bundle_version
    rows = {row.item_code: row for row in application.items}
    wanted = {item["code"]: item for item in target.definition["items"]}
    added, removed = sorted(wanted.keys() - rows.keys()), sorted(rows.keys() - wanted.keys())
    for code in removed:
        application.items.remove(rows[code])
        db.session.delete(rows.pop(code))
    for code in added:
        rows[code] = ApplicationItem(item_code=code, state=ItemState.PENDING)
        application.items.append(rows[code])
    for position, item in enumerate(target.definition["items"]):
        rows[item["code"]].position = position
        rows[item["code"]].department_code = item["department"]["code"]
    application.items.sort(key=lambda row: row.position)
    application.bundle_version_id, application.bundle_version = target.id, target
    application.updated_at = now
    events.record(application.id, Bookkeeping.MIGRATE_VERSION, actor, now,
                  from_state=application.state, to_state=application.state,
                  reason=f"v{current.version} → v{target.version}",
                  data={"from": current.version, "to": target.version, "added": added,
                        "removed": removed, "changes": verdict.changes})
    record_act(Action.APPLICATIONS_MIGRATED, application.bundle_code,
               {"number": application.number, "from": current.version, "to": target.version},
               user_id=actor.user_id, at=now)
    db.session.flush()
    _settle(application, target, now, yellow_share)


def _settle(application: Application, target: BundleVersion, now: datetime,
            yellow_share: float) -> None:
    """Open or cancel what the new version's prerequisites say, start the clocks of the items
    opened now, and recompute every deadline with the new limits."""
    machine = machine_for(target)
    clock = Clock(application, machine.bundle, now, calendar_around, yellow_share)
    if application.state == ApplicationState.PROCESSING:
        state, steps = machine.settle(workflow_state(application),
                                      guards_for(application, machine.bundle, now))
        record_steps(application, steps, state, SYSTEM, None, {}, now)
        rows = {row.item_code: row for row in application.items}
        for step in steps:  # an item opened by the move runs from today, whatever it waited on
            if step.item is not None and step.to_state == ItemState.OPEN:
                rows[step.item].clock_started_on = local_date(now)
        clock.apply([step for step in steps if step.item is None], {}, None)
    if application.accepted_on is not None:
        clock.refresh()
    db.session.flush()
