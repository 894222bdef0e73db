"""The catalog written back in the ``workflows/`` format, canonically: one layout, one order, one
spelling of each entry (defaults left out), so that export → load → export gives the same bytes
and a diff of two exports shows only what changed.

Layout: ``departments.yaml``, ``materials.yaml``, ``fields.yaml``, ``items/<department>.yaml``
and ``bundles/<bundle>.yaml``; entries sorted by code, a bundle's items in their own order.
"""

from __future__ import annotations

from collections import defaultdict

import yaml

from ..engine.terms import BASIS_UNKNOWN
from .definitions import Catalog

HEADERS = {
    "departments.yaml": (
        "The bodies that decide items, each with its level: county departments, city ones and\n"
        "their county branches, vertically managed offices, enterprises (utilities)."),
    "materials.yaml": (
        "Materials an applicant may be asked for. e_certificate: an electronic certificate\n"
        "the county can obtain by data sharing replaces the paper (免提交, 国务院令716\n"
        "art. 7 and 10)."),
    "fields.yaml": (
        "Questions of the merged form. A bundle asks each once, however many of its items need\n"
        "it, and lists them by group (the form's sections, in the order of FieldGroup)."),
}
ITEMS_HEADER = ("Items decided by {name}: each within its limits (working or natural days;\n"
                "committed <= statutory), with the law behind them (basis), the materials and\n"
                "answers it needs and the certificates it produces.")


def department_entry(data: dict) -> dict:
    return {"code": data["code"], "name": data["name"], "level": data["level"]}


def material_entry(data: dict) -> dict:
    entry = {"code": data["code"], "name": data["name"]}
    if data.get("e_certificate"):
        entry["e_certificate"] = True
    return entry


def field_entry(data: dict) -> dict:
    entry = {"code": data["code"], "label": data["label"], "type": data["type"]}
    if not data.get("required", True):
        entry["required"] = False
    if data.get("choices"):
        entry["choices"] = list(data["choices"])
    if data.get("help"):
        entry["help"] = data["help"]
    entry["group"] = data["group"]
    return entry


def item_entry(data: dict) -> dict:
    entry = {"code": data["code"], "name": data["name"]}
    if data.get("kind"):
        entry["kind"] = data["kind"]
    entry["department"] = data["department"]
    limits = data["limits"]
    entry["limits"] = {key: limits[key] for key in ("statutory", "committed", "unit")
                       if limits.get(key) is not None}
    if limits.get("extension", 0) != (0 if limits.get("statutory") is None else 10):
        entry["limits"]["extension"] = limits["extension"]
    entry["basis"] = data.get("basis") or BASIS_UNKNOWN
    if data.get("fee"):
        entry["fee"] = {"amount": str(data["fee"]["amount"]), "basis": data["fee"]["basis"]}
    for listed in ("materials", "fields", "produces"):
        if data.get(listed):
            entry[listed] = list(data[listed])
    entry["online"] = bool(data.get("online"))
    return entry


def bundle_entry(data: dict) -> dict:
    """A bundle's own entry, from the entry as loaded or from a version's snapshot (whose items
    carry their prerequisites and whose statutory limit is derived, so left out)."""
    entry = {"code": data["code"], "name": data["name"]}
    if data.get("description"):
        entry["description"] = data["description"]
    entry["audience"] = data["audience"]
    entry["categories"] = list(data["categories"])
    if data.get("origin", "county") != "county":
        entry["origin"] = data["origin"]
    entry["limits"] = {"committed": data["limits"]["committed"], "unit": data["limits"]["unit"]}
    entry["items"] = []
    for member in data["items"]:
        code = member.get("item") or member["code"]
        after = member.get("after", member.get("prerequisites")) or []
        entry["items"].append({"item": code, "after": list(after)} if after else {"item": code})
    return entry


def documents(catalog: Catalog) -> dict[str, dict]:
    """The catalog's definition files by name, each a document of one or more sections."""
    by_department: dict[str, list[dict]] = defaultdict(list)
    for code in sorted(catalog.items):
        by_department[catalog.items[code]["department"]].append(item_entry(catalog.items[code]))
    files = {
        "departments.yaml": {"departments": [department_entry(catalog.departments[code])
                                             for code in sorted(catalog.departments)]},
        "materials.yaml": {"materials": [material_entry(catalog.materials[code])
                                         for code in sorted(catalog.materials)]},
        "fields.yaml": {"fields": [field_entry(catalog.fields[code])
                                   for code in sorted(catalog.fields)]},
    }
    for department in sorted(by_department):
        files[f"items/{department}.yaml"] = {"items": by_department[department]}
    for code in sorted(catalog.bundle_entries):
        files[bundle_file(code)] = {"bundles": [bundle_entry(catalog.bundle_entries[code])]}
    return files


def bundle_file(code: str) -> str:
    return f"bundles/{code}.yaml"


def header(name: str, catalog: Catalog) -> str:
    if name in HEADERS:
        return HEADERS[name]
    if name.startswith("items/"):
        department = catalog.departments[name.removeprefix("items/").removesuffix(".yaml")]
        return ITEMS_HEADER.format(name=department["name"])
    return ""


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, as people write them."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def dump(document: dict, comment: str = "") -> str:
    """One definition file: short mappings and lists of scalars on one line, nothing wrapped."""
    text = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=None, width=1_000_000)
    lines = "".join(f"# {line}\n" if line else "#\n" for line in comment.splitlines())
    return lines + text
