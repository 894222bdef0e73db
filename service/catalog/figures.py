"""What the catalog promises: per bundle and overall, how much parallel handling and merged
materials save against going from one department to the next."""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.bundle import Bundle
from .definitions import Catalog


@dataclass(frozen=True)
class BundleFigures:
    code: str
    name: str
    items: int
    departments: int
    # The items' statutory limits one after another (working days); None unless every item has
    # one whose basis is known: only a sourced figure is compared against.
    standalone: float | None
    critical_path: float | None  # the longest prerequisite chain of statutory limits
    committed: int  # the bundle's public promise
    materials_before: int  # each item's materials, counted item by item
    materials_after: int  # merged: asked once, nothing that an upstream item produces
    exempt: int  # of those, replaced by electronic certificates

    @property
    def reduction(self) -> float:
        return 1 - self.committed / self.standalone if self.standalone else 0.0

    @property
    def sourced(self) -> bool:
        return self.standalone is not None


def bundle_figures(catalog: Catalog) -> list[BundleFigures]:
    figures = []
    for code, snapshot in sorted(catalog.bundles.items()):
        bundle = Bundle.from_snapshot(snapshot, Catalog.digest(snapshot))
        figures.append(BundleFigures(
            code=code, name=bundle.name, items=len(bundle.items),
            departments=len({item.department.code for item in bundle.items}),
            standalone=(bundle.standalone_limit()
                        if all(item.basis for item in bundle.items) else None),
            critical_path=(None if bundle.derived_statutory_limit() is None
                           else bundle.critical_path("statutory")),
            committed=bundle.limits.committed,
            materials_before=sum(len(item.materials) for item in bundle.items),
            materials_after=len(bundle.materials),
            exempt=sum(material.exempt for material in bundle.materials),
        ))
    return figures


def overall_reduction(figures: list[BundleFigures]) -> float | None:
    """1 − the bundles' committed limits over their items' standalone limits, over the bundles
    whose every item has a statutory limit with a known basis; None where there is none."""
    sourced = [each for each in figures if each.sourced]
    standalone = sum(each.standalone for each in sourced)
    return 1 - sum(each.committed for each in sourced) / standalone if standalone else None


def certificates(figures: list[BundleFigures]) -> tuple[int, int, float]:
    """Over every bundle: the merged materials electronic certificates replace, the merged
    materials, and the share."""
    merged = sum(each.materials_after for each in figures)
    exempt = sum(each.exempt for each in figures)
    return exempt, merged, exempt / merged if merged else 0.0


def orphan_items(catalog: Catalog) -> list[str]:
    """Items that no bundle uses."""
    used = {item["code"] for snapshot in catalog.bundles.values() for item in snapshot["items"]}
    return sorted(set(catalog.items) - used)
