"""Reads the catalog in the ``workflows/`` format (the files, or the database's entries with an
administrator's draft), checks every definition and resolves each bundle into the
self-contained snapshot that a bundle version stores.

Every problem is reported, not only the first, each with its file and the path inside it, e.g.
``bundles/newborn.yaml: bundles[0].items[2].after[0]: unknown item 'x'``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import yaml
from marshmallow import ValidationError

try:  # libyaml's parser where PyYAML was built with it: several times faster
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader

from ..engine.bundle import Bundle
from ..engine.errors import flatten_messages
from ..engine.terms import GROUP_ORDER, FieldGroup
from .schemas import ENTRY_SCHEMAS

KINDS = ("departments", "materials", "fields", "items", "bundles")


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}" if self.path else (
            f"{self.file}: {self.message}")


@dataclass
class _Entry:
    data: dict
    file: str
    path: str  # e.g. "items[3]"


@dataclass
class Catalog:
    """Everything in ``workflows/``, checked and resolved: each entry as its schema loads it,
    and each bundle's snapshot."""

    departments: dict[str, dict] = field(default_factory=dict)
    materials: dict[str, dict] = field(default_factory=dict)
    fields: dict[str, dict] = field(default_factory=dict)
    items: dict[str, dict] = field(default_factory=dict)
    bundles: dict[str, dict] = field(default_factory=dict)  # code -> snapshot
    # code -> the bundle's own entry (name, limits, items and their prerequisites)
    bundle_entries: dict[str, dict] = field(default_factory=dict)

    def subset(self, bundle_codes) -> Catalog:
        """These bundles with only the items and departments they use."""
        bundles = {code: self.bundles[code] for code in bundle_codes}
        items = {item["code"] for snapshot in bundles.values() for item in snapshot["items"]}
        departments = {self.items[code]["department"] for code in items}
        return Catalog(departments={code: self.departments[code] for code in departments},
                       materials=self.materials, fields=self.fields,
                       items={code: self.items[code] for code in items}, bundles=bundles,
                       bundle_entries={code: self.bundle_entries[code] for code in bundles})

    @staticmethod
    def digest(snapshot: dict) -> str:
        canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


class CatalogInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the catalog")
        self.problems = problems


def load_catalog(directory: Path) -> Catalog:
    """Read, check and resolve every ``*.yaml`` under ``directory``.

    Raises:
        CatalogInvalid: with every problem found.
    """
    files = sorted(directory.rglob("*.yaml"))
    if not files:
        raise CatalogInvalid([Problem(str(directory), "", "no *.yaml definition found")])
    return read_catalog({str(path.relative_to(directory)): path.read_text(encoding="utf-8")
                         for path in files})


def read_catalog(sources: Mapping[str, str | dict]) -> Catalog:
    """Check and resolve definition files by name: each a YAML text, or a document already read
    (sections mapped to lists of entries).

    Raises:
        CatalogInvalid: with every problem found.
    """
    problems: list[Problem] = []
    entries: dict[str, dict[str, _Entry]] = {kind: {} for kind in KINDS}
    invalid: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for name, source in sources.items():
        _read_document(source, name, entries, invalid, problems)
    catalog = _resolve(entries, invalid, problems)
    if problems:
        raise CatalogInvalid(problems)
    return catalog


def _read_document(source: str | dict, name: str, entries: dict, invalid: dict,
                   problems: list[Problem]) -> None:
    if isinstance(source, str):
        try:
            source = yaml.load(source, Loader=SafeLoader) or {}
        except yaml.YAMLError as error:
            problems.append(Problem(name, "", f"not valid YAML: {error}"))
            return
    if not isinstance(source, dict):
        problems.append(Problem(name, "", "a definition file maps sections to lists: "
                                + ", ".join(KINDS)))
        return
    for section in source:
        if section not in KINDS:
            problems.append(Problem(name, str(section),
                                    f"unknown section; expected one of {', '.join(KINDS)}"))
    for kind in KINDS:
        listed = source.get(kind) or []
        if not isinstance(listed, list):
            problems.append(Problem(name, kind, "must be a list"))
            continue
        for index, data in enumerate(listed):
            _read_entry(kind, index, data, name, entries, invalid, problems)


def _read_entry(kind: str, index: int, data, name: str, entries: dict, invalid: dict,
                problems: list[Problem]) -> None:
    where = f"{kind}[{index}]"
    try:
        loaded = ENTRY_SCHEMAS[kind].load(data)
    except ValidationError as error:
        problems.extend(Problem(name, f"{where}{'.' if path else ''}{path}", message)
                        for path, message in flatten_messages(error.messages))
        if isinstance(data, dict) and isinstance(data.get("code"), str):
            invalid[kind].add(data["code"])  # reported once here, not again where referenced
        return
    first = entries[kind].get(loaded["code"])
    if first:
        problems.append(Problem(name, f"{where}.code",
                                f"duplicate {kind[:-1]} code {loaded['code']!r}, first "
                                f"defined in {first.file}: {first.path}"))
        return
    entries[kind][loaded["code"]] = _Entry(loaded, name, where)


def _resolve(entries: dict, invalid: dict, problems: list[Problem]) -> Catalog:
    catalog = Catalog()
    departments = entries["departments"]
    catalog.departments = {code: entry.data for code, entry in departments.items()}
    catalog.materials = {code: entry.data for code, entry in entries["materials"].items()}
    catalog.fields = {code: entry.data for code, entry in entries["fields"].items()}
    broken: set[str] = set(invalid["items"])

    for code, entry in entries["items"].items():
        item = entry.data

        def report(path: str, message: str, entry: _Entry = entry) -> None:
            problems.append(Problem(entry.file, f"{entry.path}.{path}", message))
            broken.add(entry.data["code"])

        if item["department"] in invalid["departments"]:
            broken.add(code)
        elif item["department"] not in departments:
            report("department", f"unknown department {item['department']!r}")
        for kind, refs in (("materials", item["materials"]), ("fields", item["fields"])):
            for index, ref in enumerate(refs):
                if ref in invalid[kind]:
                    broken.add(code)
                elif ref not in entries[kind]:
                    report(f"{kind}[{index}]", f"unknown {kind[:-1]} {ref!r}")
        catalog.items[code] = item

    for code, entry in entries["bundles"].items():
        snapshot = _resolve_bundle(entry, entries, broken, problems)
        if snapshot is not None:
            catalog.bundles[code] = snapshot
            catalog.bundle_entries[code] = entry.data
    return catalog


def _resolve_bundle(entry: _Entry, entries: dict, broken: set[str],
                    problems: list[Problem]) -> dict | None:
    """The bundle's snapshot, or None where it or one of its items has a problem."""
    bundle = entry.data
    before = len(problems)

    def report(path: str, message: str) -> None:
        problems.append(Problem(entry.file, f"{entry.path}.{path}", message))

    members = [member["item"] for member in bundle["items"]]
    for index, member in enumerate(bundle["items"]):
        if member["item"] in broken:
            continue
        if member["item"] not in entries["items"]:
            report(f"items[{index}].item", f"unknown item {member['item']!r}")
        if members.index(member["item"]) != index:
            report(f"items[{index}].item", f"item {member['item']!r} is listed twice")
        for position, prerequisite in enumerate(member["after"]):
            if prerequisite not in members:
                report(f"items[{index}].after[{position}]",
                       f"{prerequisite!r} is not an item of this bundle")
    if len(problems) > before or broken.intersection(members):
        return None

    graph = {member["item"]: member["after"] for member in bundle["items"]}
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        cycle = error.args[1]
        index = members.index(cycle[0])
        report(f"items[{index}].after", "prerequisite cycle: " + " → ".join(reversed(cycle)))
        return None

    items = [entries["items"][code].data for code in members]
    producers = {certificate: item["code"] for item in items for certificate in item["produces"]}
    for index, item in enumerate(items):
        upstream = _ancestors(item["code"], graph)
        for certificate in item["materials"]:
            producer = producers.get(certificate)
            if producer and producer != item["code"] and producer not in upstream:
                report(f"items[{index}].after",
                       f"{item['code']!r} consumes {certificate!r}, produced by {producer!r}, "
                       "which is not among its prerequisites")
    if len(problems) > before:
        return None
    # What an item produces reaches its dependants by data sharing: asked of the applicant only
    # for an item that needs it before (or without) its producer, e.g. the parents' own 户口簿.
    materials = _merged([code for item in items for code in item["materials"]
                         if producers.get(code) not in _ancestors(item["code"], graph)])
    shared = _merged([code for item in items for code in item["materials"]
                      if producers.get(code) in _ancestors(item["code"], graph)])
    # The merged form reads in sections: by group, each field where it was first asked.
    form = sorted(_merged([code for item in items for code in item["fields"]]),
                  key=lambda code: GROUP_ORDER[FieldGroup(entries["fields"][code].data["group"])])
    departments = entries["departments"]
    snapshot = {
        "code": bundle["code"],
        "name": bundle["name"],
        "description": bundle["description"],
        "audience": bundle["audience"],
        "categories": bundle["categories"],
        "origin": bundle["origin"],
        "limits": {"statutory": None, **bundle["limits"]},  # derived below
        "items": [
            {
                "code": item["code"],
                "name": item["name"],
                "kind": item["kind"],
                "department": {"code": item["department"],
                               "name": departments[item["department"]].data["name"],
                               "level": departments[item["department"]].data["level"]},
                "limits": item["limits"],
                "basis": item["basis"],
                "fee": item["fee"],
                "prerequisites": graph[item["code"]],
                "materials": item["materials"],
                "fields": item["fields"],
                "produces": item["produces"],
                "online": item["online"],
            }
            for item in items
        ],
        "materials": [
            {"code": code, "name": entries["materials"][code].data["name"],
             "exempt": entries["materials"][code].data["e_certificate"]}
            for code in materials
        ],
        # What an item produces for the items after it: shown at intake, never asked for.
        "shared": [
            {"code": code, "name": entries["materials"][code].data["name"],
             "from": producers[code]}
            for code in shared
        ],
        "form": [entries["fields"][code].data for code in form],
    }
    resolved = Bundle.from_snapshot(snapshot, digest="")
    path = resolved.critical_path("committed")
    if resolved.limits.in_working_days("committed") < round(path, 6):
        report("limits.committed",
               f"the committed limit ({bundle['limits']['committed']}) is shorter than the "
               f"critical path of its items' committed limits ({math.ceil(path)} working days)")
        return None
    snapshot["limits"]["statutory"] = resolved.derived_statutory_limit()
    return snapshot


def _ancestors(code: str, graph: dict[str, list[str]]) -> set[str]:
    found: set[str] = set()
    stack = list(graph[code])
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(graph[current])
    return found


def _merged(codes: list[str]) -> list[str]:
    """Codes in first-seen order, each once: what several items need is asked for once."""
    return list(dict.fromkeys(codes))
