"""What `flask catalog check` warns of: not errors (the catalog loads), but what a county's
service-centre director would question on reading it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .definitions import Catalog
from .figures import orphan_items

# The same (statutory, committed) limits on this many items of this many departments reads as
# copied, not sourced.
SAME_LIMITS_ITEMS, SAME_LIMITS_DEPARTMENTS = 8, 3


@dataclass(frozen=True)
class Smell:
    kind: str  # orphan, same_limits, lone_department, unknown_basis
    subject: str
    message: str


def smells(catalog: Catalog) -> list[Smell]:
    found = [Smell("orphan", code, f"item {code!r} belongs to no bundle")
             for code in orphan_items(catalog)]
    found += _same_limits(catalog) + _lone_departments(catalog) + _unknown_bases(catalog)
    return found


def _same_limits(catalog: Catalog) -> list[Smell]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for item in catalog.items.values():
        limits = item["limits"]
        if limits["statutory"] is not None:
            groups[(limits["statutory"], limits["committed"], limits["unit"])].append(item)
    found = []
    for (statutory, committed, unit), items in sorted(groups.items(), key=lambda g: -len(g[1])):
        departments = {item["department"] for item in items}
        if len(items) >= SAME_LIMITS_ITEMS and len(departments) >= SAME_LIMITS_DEPARTMENTS:
            found.append(Smell("same_limits", f"{statutory}/{committed} {unit}",
                               f"{len(items)} items of {len(departments)} departments have the "
                               f"same limits (statutory {statutory}, committed {committed} "
                               f"{unit}): sourced, or copied?"))
    return found


def _lone_departments(catalog: Catalog) -> list[Smell]:
    counts: dict[str, int] = defaultdict(int)
    for item in catalog.items.values():
        counts[item["department"]] += 1
    return [Smell("lone_department", code, f"department {code!r} decides one item only")
            for code in sorted(catalog.departments) if counts[code] == 1]


def _unknown_bases(catalog: Catalog) -> list[Smell]:
    return [Smell("unknown_basis", code, f"item {code!r}: the basis of its statutory limit "
                  "is unknown")
            for code, item in sorted(catalog.items.items())
            if item["limits"]["statutory"] is not None and item["basis"] is None]
