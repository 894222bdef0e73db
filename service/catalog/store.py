"""The catalog as the database holds it, the source of truth after the first load: its entries
(departments, materials, form fields, items) and each bundle's entry as its latest version was
published. Read back through the same checks as the YAML files, so a draft or an edited item is
checked against everything else exactly as ``flask catalog check`` would check it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from ..core.database import db
from .canonical import department_entry, documents, field_entry, item_entry, material_entry
from .definitions import Catalog, read_catalog
from .models import Bundle, BundleVersion, Department, FormField, Material, ServiceItem


@dataclass(frozen=True)
class EntryKind:
    section: str  # as in the YAML files
    model: type
    canonical: Callable[[dict], dict]  # the entry as the YAML spells it
    columns: Callable[[dict], dict]  # the row's columns besides its definition

    def digest(self, data: dict) -> str:
        return Catalog.digest(self.canonical(data))


ENTRY_KINDS = (
    EntryKind("departments", Department, department_entry,
              lambda data: {"name": data["name"], "level": data["level"]}),
    EntryKind("materials", Material, material_entry, lambda data: {"name": data["name"]}),
    EntryKind("fields", FormField, field_entry, lambda data: {"label": data["label"]}),
    EntryKind("items", ServiceItem, item_entry, lambda data: {
        "name": data["name"], "department_code": data["department"], "kind": data["kind"]}),
)
KIND = {kind.section: kind for kind in ENTRY_KINDS}


def stored_catalog() -> Catalog:
    """Every entry and bundle entry as stored, not yet checked or resolved."""
    catalog = Catalog()
    for kind in ENTRY_KINDS:
        setattr(catalog, kind.section, {row.code: row.definition
                                        for row in db.session.scalars(select(kind.model))})
    latest = select(BundleVersion.bundle_code, BundleVersion.definition).join(
        Bundle, (Bundle.code == BundleVersion.bundle_code)
        & (Bundle.latest_version == BundleVersion.version))
    # A snapshot holds its bundle's entry: canonical.bundle_entry reads either.
    catalog.bundle_entries = {code: snapshot for code, snapshot in db.session.execute(latest)}
    return catalog


def resolve_stored(replaced: Mapping[str, str | dict] | None = None) -> Catalog:
    """The stored catalog checked and resolved, with some of its files replaced by name (a
    draft's text, an edited entry).

    Raises:
        CatalogInvalid: with every problem found.
    """
    return read_catalog({**documents(stored_catalog()), **(replaced or {})})


def store_entry(kind: EntryKind, data: dict, row=None, **tracking) -> None:
    """Write an entry's definition (as its schema loads it) to its row, new or ``row``."""
    values = {**kind.columns(data), "definition": data, **tracking}
    if row is None:
        db.session.add(kind.model(code=data["code"], **values))
        return
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            if name == "definition":
                flag_modified(row, name)
