"""Publishing the catalog and reading published bundles. Only flushes; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..audit.acts import Action, record_act
from ..core.database import db, utcnow
from ..core.problems import Missing
from ..engine.bundle import Bundle as BundleDefinition
from ..engine.machine import BundleMachine, machines
from ..engine.terms import Category
from .canonical import documents
from .definitions import Catalog, read_catalog
from .models import Bundle, BundleVersion, VersionSource
from .store import ENTRY_KINDS, EntryKind, store_entry


@dataclass
class PublishReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Changed in the YAML, but changed in the browser too since the last load: not loaded. Bundles
    # by code, other entries as "item food_business_permit".
    refused: list[str] = field(default_factory=list)
    departments: int = 0
    items: int = 0


def publish(catalog: Catalog, progress=None, force: bool = False) -> PublishReport:
    """Store the catalog read from YAML. An entry (department, material, field, item) is written
    and a bundle gets a new version only where its YAML changed since it was last loaded; where
    the browser changed it meanwhile, the YAML is refused (named in the report) unless
    ``force``. What the browser changed and the YAML did not stays, and the new versions are
    resolved with it.

    Raises:
        CatalogInvalid: where the YAML's bundles do not resolve with the browser's edits.
    """
    report = PublishReport(departments=len(catalog.departments), items=len(catalog.items))
    edited_in_browser = Catalog()
    for kind in ENTRY_KINDS:
        kept = _load_entries(kind, getattr(catalog, kind.section), force, report)
        setattr(edited_in_browser, kind.section, kept)
    effective = _with_edits(catalog, edited_in_browser)
    bundles = {bundle.code: bundle for bundle in db.session.scalars(select(Bundle))}
    latest = {
        version.bundle_code: version
        for version in db.session.scalars(
            select(BundleVersion).join(Bundle, (Bundle.code == BundleVersion.bundle_code)
                                       & (Bundle.latest_version == BundleVersion.version)))
    }
    for code, snapshot in sorted(effective.bundles.items()):
        yaml_digest, digest = Catalog.digest(catalog.bundles[code]), Catalog.digest(snapshot)
        bundle = bundles.get(code)
        outcome = _outcome(bundle, latest.get(code), yaml_digest, digest, force)
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
            record_act(Action.VERSION_PUBLISHED, code, {
                "version": bundle.latest_version, "digest": digest,
                "source": VersionSource.YAML.value, "forced": force}, user_id=None)
        if outcome != "refused":
            bundle.yaml_digest = yaml_digest
        if progress:
            progress(code)
    db.session.flush()
    return report


def _load_entries(kind: EntryKind, entries: dict[str, dict], force: bool,
                  report: PublishReport) -> dict[str, dict]:
    """Write the entries whose YAML changed; return those the browser edited that stay."""
    rows = {row.code: row for row in db.session.scalars(select(kind.model))}
    kept = {row.code: row.definition for row in rows.values()
            if row.source == VersionSource.BROWSER}
    written = []
    for code, data in entries.items():
        row, digest = rows.get(code), kind.digest(data)
        if row is not None and row.yaml_digest == digest:
            continue  # unchanged in the YAML since its last load
        if row is not None and row.source == VersionSource.BROWSER and not force:
            report.refused.append(f"{kind.section[:-1]} {code}")
            continue
        store_entry(kind, data, row, yaml_digest=digest, source=VersionSource.YAML)
        kept.pop(code, None)
        written.append(code)
    if written:  # one act for the section: a first load writes hundreds of entries
        record_act(Action.ENTRIES_LOADED, kind.section, {"codes": sorted(written),
                                                         "forced": force}, user_id=None)
    return kept


def _with_edits(catalog: Catalog, edits: Catalog) -> Catalog:
    """The YAML's catalog with the browser's edits that stay, resolved again (or as it is where
    there are none)."""
    if not any(getattr(edits, kind.section) for kind in ENTRY_KINDS):
        return catalog
    merged = Catalog(bundle_entries=catalog.bundle_entries)
    for kind in ENTRY_KINDS:
        setattr(merged, kind.section, {**getattr(catalog, kind.section),
                                       **getattr(edits, kind.section)})
    return read_catalog(documents(merged))


def _outcome(bundle: Bundle | None, latest: BundleVersion | None, yaml_digest: str,
             digest: str, force: bool) -> str:
    if bundle is None:
        return "created"
    if yaml_digest == bundle.yaml_digest or digest == latest.digest:
        return "unchanged"  # the YAML did not change, or says what the latest version says
    if latest.source == VersionSource.BROWSER and not force:
        return "refused"
    return "changed"


def list_bundles(retired: bool = False) -> list[tuple[Bundle, BundleVersion]]:
    """Each bundle at its latest version; the retired ones too with ``retired``."""
    query = (select(Bundle, BundleVersion)
             .join(BundleVersion, (Bundle.code == BundleVersion.bundle_code)
                   & (Bundle.latest_version == BundleVersion.version))
             .order_by(Bundle.code))
    if not retired:
        query = query.where(Bundle.retired_at.is_(None))
    return [tuple(row) for row in db.session.execute(query)]


def bundle_names(codes) -> dict[str, str]:
    """Each bundle's name by code, for ``codes`` (the retired too): for lists, without loading
    any version's definition."""
    codes = set(codes)
    if not codes:
        return {}
    return dict(db.session.execute(select(Bundle.code, Bundle.name)
                                   .where(Bundle.code.in_(codes))).all())


def find_bundles(published: list[tuple[Bundle, BundleVersion]], query: str = "",
                 category: str = "", audience: str | None = None) -> list[dict]:
    """Of ``published`` (list_bundles()), those whose name or description holds ``query``, in
    ``category`` and for ``audience`` (person or company) where given: each as a list shows it."""
    found = []
    for bundle, version in published:
        definition = version.definition
        if audience and definition["audience"] != audience:
            continue
        if query and query not in bundle.name and query not in definition.get("description", ""):
            continue
        if category and category not in definition.get("categories", ()):
            continue
        found.append({"code": bundle.code, "name": bundle.name,
                      "description": definition.get("description", ""),
                      "item_count": len(definition["items"]),
                      "committed": definition["limits"]["committed"],
                      "unit": definition["limits"]["unit"],
                      "categories": [Category(each) for each in definition.get("categories", ())]})
    return found


class BundleNotFound(Missing):
    what = "bundle"


def set_retired(code: str, retired: bool, user_id: int | None,
                now: datetime | None = None) -> Bundle:
    """Retire a bundle (no new applications; running ones finish) or open it again; ``user_id``
    is who does it (None for the system)."""
    bundle = db.session.get(Bundle, code)
    if bundle is None:
        raise BundleNotFound(code)
    if retired != (bundle.retired_at is not None):
        bundle.retired_at = (now or utcnow()) if retired else None
        db.session.flush()
        record_act(Action.BUNDLE_RETIRED if retired else Action.BUNDLE_REOPENED, code,
                   user_id=user_id, at=now)
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
