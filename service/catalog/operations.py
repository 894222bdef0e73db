"""Publishing the catalog and reading published bundles. Only flushes; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from ..core.database import db, utcnow
from ..core.problems import Missing
from ..engine.bundle import Bundle as BundleDefinition
from ..engine.machine import BundleMachine, machines
from .definitions import Catalog
from .models import Bundle, BundleVersion, Department, ServiceItem, VersionSource


@dataclass
class PublishReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Changed in the YAML, but the latest version was made in the browser: not loaded.
    refused: list[str] = field(default_factory=list)
    departments: int = 0
    items: int = 0


def publish(catalog: Catalog, progress=None, force: bool = False) -> PublishReport:
    """Store the catalog read from YAML. A bundle gets a new version only where its YAML changed
    since it was last loaded; where the browser published a newer version meanwhile, the YAML is
    refused (named in the report) unless ``force``."""
    report = PublishReport(departments=len(catalog.departments), items=len(catalog.items))
    _upsert(Department, catalog.departments, lambda data: {
        "name": data["name"], "level": data["level"]})
    _upsert(ServiceItem, catalog.items, lambda data: {
        "name": data["name"], "department_code": data["department"], "kind": data["kind"],
        "definition": data})
    bundles = {bundle.code: bundle for bundle in db.session.scalars(select(Bundle))}
    latest = {
        version.bundle_code: version
        for version in db.session.scalars(
            select(BundleVersion).join(Bundle, (Bundle.code == BundleVersion.bundle_code)
                                       & (Bundle.latest_version == BundleVersion.version)))
    }
    for code, snapshot in sorted(catalog.bundles.items()):
        digest = Catalog.digest(snapshot)
        bundle = bundles.get(code)
        outcome = _outcome(bundle, latest.get(code), digest, force)
        getattr(report, outcome).append(code)
        if outcome == "created":
            bundle = Bundle(code=code, name=snapshot["name"], latest_version=0)
            db.session.add(bundle)
        if outcome in ("created", "changed"):
            bundle.name = snapshot["name"]
            bundle.latest_version += 1
            db.session.add(BundleVersion(bundle_code=code, version=bundle.latest_version,
                                         digest=digest, definition=snapshot,
                                         source=VersionSource.YAML))
        if outcome != "refused":
            bundle.yaml_digest = digest
        if progress:
            progress(code)
    db.session.flush()
    return report


def _outcome(bundle: Bundle | None, latest: BundleVersion | None, digest: str,
             force: bool) -> str:
    if bundle is None:
        return "created"
    if digest in (bundle.yaml_digest, latest.digest):
        return "unchanged"  # the YAML did not change, or says what the latest version says
    if latest.source == VersionSource.BROWSER and not force:
        return "refused"
    return "changed"


def _upsert(model, entries: dict[str, dict], columns) -> None:
    existing = {row.code: row for row in db.session.scalars(select(model))}
    for code, data in entries.items():
        values = columns(data)
        row = existing.get(code)
        if row is None:
            db.session.add(model(code=code, **values))
            continue
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                if name == "definition":
                    flag_modified(row, name)


def list_bundles(retired: bool = False) -> list[tuple[Bundle, BundleVersion]]:
    """Each bundle at its latest version; the retired ones too with ``retired``."""
    query = (select(Bundle, BundleVersion)
             .join(BundleVersion, (Bundle.code == BundleVersion.bundle_code)
                   & (Bundle.latest_version == BundleVersion.version))
             .order_by(Bundle.code))
    if not retired:
        query = query.where(Bundle.retired_at.is_(None))
    return [tuple(row) for row in db.session.execute(query)]


class BundleNotFound(Missing):
    what = "bundle"


def set_retired(code: str, retired: bool, now: datetime | None = None) -> Bundle:
    """Retire a bundle (no new applications; running ones finish) or open it again."""
    bundle = db.session.get(Bundle, code)
    if bundle is None:
        raise BundleNotFound(code)
    bundle.retired_at = (bundle.retired_at or now or utcnow()) if retired else None
    db.session.flush()
    return bundle


def find_open_version(code: str) -> BundleVersion | None:
    """The latest version of a bundle that takes applications (not retired)."""
    return db.session.scalars(
        select(BundleVersion).join(Bundle).where(
            Bundle.code == code, Bundle.retired_at.is_(None),
            BundleVersion.version == Bundle.latest_version)).first()


def find_version(code: str, version: int | None = None) -> BundleVersion | None:
    query = select(BundleVersion).join(Bundle).where(Bundle.code == code)
    if version is None:
        query = query.where(BundleVersion.version == Bundle.latest_version)
    else:
        query = query.where(BundleVersion.version == version)
    return db.session.scalars(query).first()


def versions_of(code: str) -> list[BundleVersion]:
    """Every published version of a bundle, the latest first."""
    return list(db.session.scalars(select(BundleVersion).where(BundleVersion.bundle_code == code)
                                   .order_by(BundleVersion.version.desc())))


def machine_for(version: BundleVersion) -> BundleMachine:
    """The compiled machine of a version, built on first use and cached by digest."""
    return machines.get(
        version.digest, lambda: BundleDefinition.from_snapshot(version.definition, version.digest)
    )
