"""A published bundle definition, as the engine reads it.

The catalog resolves the YAML files into one self-contained snapshot per bundle version (a plain
dict stored with the version); :meth:`Bundle.from_snapshot` turns that snapshot into these frozen
objects. Nothing here changes once built, so one ``Bundle`` serves every application on its version.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from graphlib import TopologicalSorter
from typing import Any

from .calendar import Unit
from .states import ApplicantKind
from .terms import Category, DepartmentLevel, FieldGroup, FieldType, ItemKind

# A natural-day limit in working days, where limits of both units are added up or compared.
WORKING_SHARE_OF_NATURAL = 5 / 7


@dataclass(frozen=True, slots=True)
class Limits:
    # None: a service commitment (utility connections, queries, public services) that no law
    # limits; it has its committed limit only.
    statutory: int | None
    committed: int
    unit: Unit
    extension: int = 0  # the most an approved extension (延期) may add, in ``unit``

    def in_working_days(self, kind: str) -> float | None:
        """The ``statutory`` or ``committed`` limit as working days (natural days × 5/7); None
        for a statutory limit there is none of."""
        days = getattr(self, kind)
        if days is None:
            return None
        return days if self.unit == Unit.WORKING_DAYS else days * WORKING_SHARE_OF_NATURAL


@dataclass(frozen=True, slots=True)
class Department:
    """The body that decides an item: a government department, a vertical office, or an
    enterprise (a utility, a bank). Versions published before levels existed have none."""

    code: str
    name: str
    level: DepartmentLevel | None = None


@dataclass(frozen=True, slots=True)
class Fee:
    """What an item costs where a law sets a fee; an item without one is free (行政许可法
    art. 58: a licence is free unless a law or an administrative regulation says otherwise)."""

    amount: Decimal  # yuan
    basis: str


@dataclass(frozen=True, slots=True)
class Material:
    code: str
    name: str
    exempt: bool  # an electronic certificate replaces the paper (免提交)


# What an agent hands in besides a bundle's own materials (委托代理, 行政许可法 art. 29): never
# one of a bundle's materials, so never among an application's materials handed in.
POWER_OF_ATTORNEY = "power_of_attorney"


@dataclass(frozen=True, slots=True)
class SharedMaterial:
    """A certificate an item issues that items after it need: shared, not asked for."""

    code: str
    name: str
    produced_by: str  # the item's code


@dataclass(frozen=True, slots=True)
class FormField:
    code: str
    label: str
    type: FieldType
    required: bool
    choices: tuple[str, ...] = ()
    help: str = ""
    group: FieldGroup | None = None  # None on versions published before groups existed


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    name: str
    department: Department
    limits: Limits
    prerequisites: tuple[str, ...]
    materials: tuple[str, ...]
    fields: tuple[str, ...]
    produces: tuple[str, ...]
    online: bool
    kind: ItemKind | None = None  # None: not classified in the catalog
    basis: str | None = None  # the law and article behind the statutory limit; None: unknown
    fee: Fee | None = None  # None: free


@dataclass(frozen=True, slots=True, eq=False)
class Bundle:
    """Equal and hashed by digest: the digest names the content."""

    code: str
    name: str
    audience: ApplicantKind  # which identifier the applicant carries
    limits: Limits
    items: tuple[Item, ...]
    materials: tuple[Material, ...]
    form: tuple[FormField, ...]
    digest: str
    categories: tuple[Category, ...] = ()  # life events and business stages, to find it by
    shared: tuple[SharedMaterial, ...] = ()  # none on versions published before sharing was shown

    @classmethod
    def from_snapshot(cls, snapshot: dict[str, Any], digest: str) -> Bundle:
        return cls(
            code=snapshot["code"],
            name=snapshot["name"],
            audience=ApplicantKind(snapshot["audience"]),
            limits=_limits(snapshot["limits"]),
            items=tuple(
                Item(
                    code=item["code"],
                    name=item["name"],
                    department=_department(item["department"]),
                    limits=_limits(item["limits"]),
                    prerequisites=tuple(item["prerequisites"]),
                    materials=tuple(item["materials"]),
                    fields=tuple(item["fields"]),
                    produces=tuple(item["produces"]),
                    online=item["online"],
                    kind=ItemKind(item["kind"]) if item.get("kind") else None,
                    basis=item.get("basis"),
                    fee=(Fee(Decimal(item["fee"]["amount"]), item["fee"]["basis"])
                         if item.get("fee") else None),
                )
                for item in snapshot["items"]
            ),
            materials=tuple(Material(**material) for material in snapshot["materials"]),
            form=tuple(_form_field(field) for field in snapshot["form"]),
            digest=digest,
            categories=tuple(Category(each) for each in snapshot.get("categories", ())),
            shared=tuple(SharedMaterial(each["code"], each["name"], each["from"])
                         for each in snapshot.get("shared", ())),
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bundle) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def item(self, code: str) -> Item:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    @property
    def material_codes(self) -> frozenset[str]:
        return frozenset(material.code for material in self.materials)

    def missing_materials(self, handed_in: frozenset[str] | set[str]) -> list[str]:
        """Materials neither handed in nor replaced by an electronic certificate."""
        return [
            material.code
            for material in self.materials
            if not material.exempt and material.code not in handed_in
        ]

    def execution_order(self) -> list[str]:
        """Item codes with every prerequisite before its dependants."""
        graph = {item.code: item.prerequisites for item in self.items}
        return list(TopologicalSorter(graph).static_order())

    def critical_path(self, kind: str = "committed") -> float:
        """The longest chain of prerequisites by their ``kind`` limits, in working days: how
        long the bundle takes when every item without a prerequisite between runs in parallel.
        By statutory limits, an item without one counts its committed limit: the time the
        items after it wait for it (docs/ARCHITECTURE.md, "A bundle's statutory limit")."""
        finish: dict[str, float] = {}
        for code in self.execution_order():
            item = self.item(code)
            start = max((finish[each] for each in item.prerequisites), default=0.0)
            days = item.limits.in_working_days(kind)
            finish[code] = start + (item.limits.in_working_days("committed") if days is None
                                    else days)
        return max(finish.values(), default=0.0)

    def derived_statutory_limit(self) -> int | None:
        """The bundle's statutory limit, in its own unit: its items' statutory critical path,
        whole days up. None where no item has a statutory limit (only service commitments)."""
        if all(item.limits.statutory is None for item in self.items):
            return None
        days = self.critical_path("statutory")
        if self.limits.unit == Unit.NATURAL_DAYS:
            days /= WORKING_SHARE_OF_NATURAL
        return math.ceil(round(days, 6))  # 5/7 × 7 is not quite 5 in floating point

    def standalone_limit(self) -> float | None:
        """The items' statutory limits one after another, in working days: what an applicant
        faced before the bundle, going from one department to the next. None where an item has
        no statutory limit: there is no sourced figure to compare against."""
        limits = [item.limits.in_working_days("statutory") for item in self.items]
        return None if None in limits else sum(limits)


def _limits(snapshot: dict) -> Limits:
    return Limits(**{**snapshot, "unit": Unit(snapshot["unit"])})


def _department(snapshot: dict) -> Department:
    level = snapshot.get("level")
    return Department(snapshot["code"], snapshot["name"], DepartmentLevel(level) if level else None)


def _form_field(snapshot: dict) -> FormField:
    group = snapshot.get("group")
    return FormField(code=snapshot["code"], label=snapshot["label"],
                     type=FieldType(snapshot["type"]), required=snapshot["required"],
                     choices=tuple(snapshot.get("choices", ())), help=snapshot.get("help", ""),
                     group=FieldGroup(group) if group else None)
