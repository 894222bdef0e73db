"""What changed between two published versions of a bundle: items, prerequisite edges, limits,
form fields and materials. Reads the snapshots alone (no database)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Change(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


class Part(StrEnum):
    ITEM = "item"
    EDGE = "edge"  # a prerequisite: "a → b"
    LIMITS = "limits"  # the bundle's, or an item's (``subject`` names it)
    FIELD = "field"
    MATERIAL = "material"


@dataclass(frozen=True)
class Difference:
    part: Part
    change: Change
    subject: str  # the code (or "a → b"; "" for the bundle's own limits)
    before: str | None = None
    after: str | None = None


def differences(old: dict, new: dict) -> list[Difference]:
    """From ``old`` to ``new`` (two snapshots of one bundle), in a stable order."""
    found: list[Difference] = []
    old_items = {item["code"]: item for item in old["items"]}
    new_items = {item["code"]: item for item in new["items"]}
    found += _sets(Part.ITEM, old_items, new_items)
    found += _sets(Part.EDGE, _edges(old), _edges(new))
    if _limits(old["limits"]) != _limits(new["limits"]):
        found.append(Difference(Part.LIMITS, Change.CHANGED, "", _limits(old["limits"]),
                                _limits(new["limits"])))
    for code in sorted(old_items.keys() & new_items.keys()):
        before, after = _limits(old_items[code]["limits"]), _limits(new_items[code]["limits"])
        if before != after:
            found.append(Difference(Part.LIMITS, Change.CHANGED, code, before, after))
    found += _sets(Part.FIELD, {field["code"]: field for field in old["form"]},
                   {field["code"]: field for field in new["form"]})
    found += _sets(Part.MATERIAL, {material["code"]: material for material in old["materials"]},
                   {material["code"]: material for material in new["materials"]})
    return found


def _sets(part: Part, old: dict, new: dict) -> list[Difference]:
    return ([Difference(part, Change.REMOVED, code) for code in sorted(old.keys() - new.keys())]
            + [Difference(part, Change.ADDED, code) for code in sorted(new.keys() - old.keys())])


def _edges(snapshot: dict) -> dict[str, None]:
    return {f"{before} → {item['code']}": None
            for item in snapshot["items"] for before in item["prerequisites"]}


def _limits(limits: dict) -> str:
    """``committed/statutory unit (+extension)``, as one comparable line."""
    statutory = "—" if limits.get("statutory") is None else limits["statutory"]
    extension = f" +{limits['extension']}" if limits.get("extension") else ""
    return f"{limits['committed']}/{statutory} {limits['unit']}{extension}"
