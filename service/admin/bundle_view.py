"""A bundle as an administrator reviews it, published or drafted: its versions, the one form and
material list as the window shows them, the machine's diagram, what handling items in parallel
saves, and what changed since another version (a draft: since the latest)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from ..applications.models import Application
from ..catalog.diff import differences
from ..catalog.drafts import DraftCheck
from ..catalog.models import Bundle, BundleVersion
from ..catalog.operations import machine_for, versions_of
from ..core.database import db
from ..engine.bundle import Bundle as BundleDefinition
from ..engine.machine import BundleMachine
from ..engine.states import ApplicationState
from ..window.intake import sections

RUNNING = (ApplicationState.SUBMITTED, ApplicationState.CORRECTION, ApplicationState.PROCESSING,
           ApplicationState.CONCLUDED)


def bundle_view(code: str, version: int | None, compare: int | None) -> dict | None:
    """None when the bundle (or the version asked for) does not exist."""
    versions = versions_of(code)
    shown = next((each for each in versions if version in (None, each.version)), None)
    if shown is None:
        return None
    machine = machine_for(shown)
    bundle = machine.bundle
    other = next((each for each in versions if each.version == compare), None)
    return {
        "code": code,
        "retired_at": db.session.get(Bundle, code).retired_at,
        "versions": versions,
        "running": running_per_version(code)[code],
        "shown": shown,
        "bundle": bundle,
        "sections": sections(bundle, {}, {}),
        "saving": saving(bundle),
        "diagram": machine.diagram,
        "compare": other,
        "differences": differences(other.definition, shown.definition) if other else None,
    }


def draft_view(check: DraftCheck) -> dict:
    """What publishing the draft would make, against the latest version if there is one."""
    machine = BundleMachine(BundleDefinition.from_snapshot(check.snapshot, check.digest))
    latest = check.latest
    return {
        "bundle": machine.bundle,
        "sections": sections(machine.bundle, {}, {}),
        "saving": saving(machine.bundle),
        "diagram": machine.diagram,
        "compare": latest,
        "differences": differences(latest.definition, check.snapshot) if latest else None,
    }


def saving(bundle) -> dict:
    """The reform's own figure: the committed limits' critical path against the same limits
    one after another, in working days."""
    one_by_one = sum(item.limits.in_working_days("committed") for item in bundle.items)
    in_parallel = bundle.critical_path("committed")
    saved = one_by_one - in_parallel
    return {"one_by_one": _days(one_by_one), "in_parallel": _days(in_parallel),
            "saved": _days(saved), "share": saved / one_by_one if one_by_one else 0.0,
            "committed": bundle.limits.committed, "unit": bundle.limits.unit}


def _days(days: float) -> str:
    """16, or 7.1 where natural days were counted as working days (× 5/7)."""
    return f"{days:.1f}".removesuffix(".0")


def running_per_version(code: str | None = None) -> dict[str, dict[int, int]]:
    """Applications not yet finished (delivered, refused, withdrawn), per bundle and version,
    the latest version first; of one bundle with ``code``."""
    query = (select(BundleVersion.bundle_code, BundleVersion.version, func.count())
             .join(Application, Application.bundle_version_id == BundleVersion.id)
             .where(Application.state.in_(RUNNING))
             .group_by(BundleVersion.bundle_code, BundleVersion.version)
             .order_by(BundleVersion.version.desc()))
    if code is not None:
        query = query.where(BundleVersion.bundle_code == code)
    running: dict[str, dict[int, int]] = defaultdict(dict)
    for bundle_code, version, count in db.session.execute(query):
        running[bundle_code][version] = count
    return running
