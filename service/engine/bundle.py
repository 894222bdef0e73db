"""A published bundle definition, as the engine reads it.

The catalog resolves the YAML files into one self-contained snapshot per bundle version (a plain
dict stored with the version); :meth:`Bundle.from_snapshot` turns that snapshot into these frozen
objects. Nothing here changes once built, so one ``Bundle`` serves every application on its version.
"""

from __future__ import annotations

from dataclasses import dataclass
from graphlib import TopologicalSorter
from typing import Any

from .calendar import Unit
from .states import ApplicantKind

# A natural-day limit in working days, where limits of both units are added up or compared.
WORKING_SHARE_OF_NATURAL = 5 / 7


@dataclass(frozen=True, slots=True)
class Limits:
    statutory: int
    committed: int
    unit: Unit
    extension: int = 0  # the most an approved extension (延期) may add, in ``unit``


    def in_working_days(self, kind: str) -> float:
        """The ``statutory`` or ``committed`` limit as working days (natural days × 5/7)."""
        days = getattr(self, kind)
        return days if self.unit == Unit.WORKING_DAYS else days * WORKING_SHARE_OF_NATURAL


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Material:
    code: str
    name: str
    exempt: bool  # an electronic certificate replaces the paper (免提交)


@dataclass(frozen=True, slots=True)
class FormField:
    code: str
    label: str
    type: str
    required: bool
    choices: tuple[str, ...] = ()


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
                    department=Department(**item["department"]),
                    limits=_limits(item["limits"]),
                    prerequisites=tuple(item["prerequisites"]),
                    materials=tuple(item["materials"]),
                    fields=tuple(item["fields"]),
                    produces=tuple(item["produces"]),
                    online=item["online"],
                )
                for item in snapshot["items"]
            ),
            materials=tuple(Material(**material) for material in snapshot["materials"]),
            form=tuple(
                FormField(**{**field, "choices": tuple(field.get("choices", ()))})
                for field in snapshot["form"]
            ),
            digest=digest,
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
        long the bundle takes when every item without a prerequisite between runs in parallel."""
        finish: dict[str, float] = {}
        for code in self.execution_order():
            item = self.item(code)
            start = max((finish[each] for each in item.prerequisites), default=0.0)
            finish[code] = start + item.limits.in_working_days(kind)
        return max(finish.values(), default=0.0)

    def standalone_limit(self) -> float:
        """The items' statutory limits one after another, in working days: what an applicant
        faced before the bundle, going from one department to the next."""
        return sum(item.limits.in_working_days("statutory") for item in self.items)


def _limits(snapshot: dict) -> Limits:
    return Limits(**{**snapshot, "unit": Unit(snapshot["unit"])})
