"""The catalog described for a reader (docs/CATALOG.md): every bundle with its origin, items,
bodies and limits with their legal basis, the bodies, and what `flask catalog check` warns of.
Written below a marker, so the hand-written part of the document above it stays."""

from __future__ import annotations

from collections import Counter

from .definitions import Catalog
from .figures import bundle_figures, certificates, overall_reduction
from .smells import smells

MARKER = "<!-- Everything below is written by `flask catalog describe --write`. -->"
UNITS = {"working_days": "working days", "natural_days": "days"}


def describe(catalog: Catalog) -> str:
    lines = [MARKER, "", *_figures(catalog), "", *_warnings(catalog), "", "## Bundles", ""]
    for code, snapshot in sorted(catalog.bundles.items(),
                                 key=lambda pair: (pair[1]["origin"] != "national", pair[0])):
        lines += _bundle(code, snapshot)
    lines += ["## Bodies", "", "| code | name | level | items |", "|---|---|---|---|"]
    counts = Counter(item["department"] for item in catalog.items.values())
    for code, department in sorted(catalog.departments.items()):
        lines.append(f"| `{code}` | {department['name']} | {department['level']} | "
                     f"{counts[code]} |")
    return "\n".join(lines) + "\n"


def _figures(catalog: Catalog) -> list[str]:
    items = list(catalog.items.values())
    limited = [item for item in items if item["limits"]["statutory"] is not None]
    sourced = [item for item in limited if item["basis"]]
    national = sum(snapshot["origin"] == "national" for snapshot in catalog.bundles.values())
    figures = bundle_figures(catalog)
    reduction = overall_reduction(figures)
    exempt, merged, share = certificates(figures)
    return [
        "## In figures", "",
        f"- {len(catalog.departments)} bodies, {len(items)} items, {len(catalog.bundles)} "
        f"bundles ({national} national key items, {len(catalog.bundles) - national} the "
        "county's own).",
        f"- {len(limited)} items have a statutory limit, {len(sourced)} of them with its legal "
        f"basis, {len(limited) - len(sourced)} with `basis: unknown`; "
        f"{len(items) - len(limited)} are service commitments no law limits.",
        "- Reduction of the committed limits against the items' statutory limits one after "
        "another: " + (f"{reduction:.0%}, over the bundles whose every item's limit is sourced."
                       if reduction is not None else
                       "not stated: no bundle has every item's statutory limit sourced yet "
                       "(the county reports 52%)."),
        f"- Electronic certificates replace {exempt} of the {merged} merged materials "
        f"({share:.0%}; the county reports 60%).",
    ]


def _warnings(catalog: Catalog) -> list[str]:
    found = smells(catalog)
    lines = ["## What `flask catalog check` warns of", ""]
    if not found:
        return lines + ["Nothing."]
    for kind, title in (("same_limits", "The same limits on many items of several bodies"),
                        ("lone_department", "Bodies that decide one item only"),
                        ("unknown_basis", "Statutory limits whose basis is unknown"),
                        ("orphan", "Items in no bundle")):
        of_kind = [smell for smell in found if smell.kind == kind]
        if of_kind:
            subjects = ", ".join(f"`{smell.subject}`" for smell in of_kind)
            lines += [f"- **{title}** ({len(of_kind)}): {subjects}"]
    return lines


def _bundle(code: str, snapshot: dict) -> list[str]:
    limits = snapshot["limits"]
    statutory = ("none (service commitments alone)" if limits["statutory"] is None
                 else f"{limits['statutory']} {UNITS[limits['unit']]}")
    lines = [f"### {snapshot['name']} (`{code}`, {snapshot['origin']})", "",
             f"Committed {limits['committed']} {UNITS[limits['unit']]}; statutory, derived "
             f"along the critical path: {statutory}.", "",
             "| item | body | after | statutory | committed | basis |",
             "|---|---|---|---|---|---|"]
    for item in snapshot["items"]:
        item_limits = item["limits"]
        unit = UNITS[item_limits["unit"]]
        statutory = ("—" if item_limits["statutory"] is None
                     else f"{item_limits['statutory']} {unit}")
        basis = item["basis"] or ("unknown" if item_limits["statutory"] is not None else "—")
        after = ", ".join(f"`{each}`" for each in item["prerequisites"]) or "—"
        lines.append(f"| {item['name']} `{item['code']}` | {item['department']['name']} | "
                     f"{after} | {statutory} | {item_limits['committed']} {unit} | {basis} |")
    return lines + [""]


def write_below_marker(document: str, described: str) -> str:
    """The document with everything from the marker on replaced (appended if absent)."""
    head = document.split(MARKER)[0].rstrip() + "\n\n" if MARKER in document else (
        document.rstrip() + "\n\n")
    return head + described
