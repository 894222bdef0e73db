"""What a bundle takes, as its service guide (办事指南) tells an applicant before they start:
the merged materials, what an electronic certificate spares, the limits, fees and the steps
that still need a visit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..engine.bundle import Bundle, Item, Material, SharedMaterial
from ..engine.calendar import Unit
from ..engine.states import ApplicantKind


@dataclass(frozen=True)
class Fee:
    item: str
    amount: Decimal
    basis: str


@dataclass(frozen=True)
class Guide:
    bundle: Bundle
    to_upload: tuple[Material, ...]  # the applicant uploads these
    exempt: tuple[Material, ...]  # an electronic certificate replaces them (免提交)
    shared: tuple[SharedMaterial, ...]  # an earlier item of the bundle issues them
    committed: int
    statutory: int | None  # the items' statutory critical path; None: no law limits them
    unit: Unit
    standalone: float | None  # working days, the items one after another
    fees: tuple[Fee, ...]
    in_person: tuple[Item, ...]  # items that cannot be done wholly online (an inspection…)
    departments: tuple[str, ...]

    @property
    def for_companies(self) -> bool:
        return self.bundle.audience == ApplicantKind.COMPANY


def guide_of(bundle: Bundle) -> Guide:
    departments = tuple(dict.fromkeys(item.department.name for item in bundle.items))
    return Guide(
        bundle=bundle,
        to_upload=tuple(material for material in bundle.materials if not material.exempt),
        exempt=tuple(material for material in bundle.materials if material.exempt),
        shared=bundle.shared,
        committed=bundle.limits.committed,
        statutory=bundle.derived_statutory_limit(),
        unit=bundle.limits.unit,
        standalone=bundle.standalone_limit(),
        fees=tuple(Fee(item.name, item.fee.amount, item.fee.basis)
                   for item in bundle.items if item.fee is not None),
        in_person=tuple(item for item in bundle.items if not item.online),
        departments=departments,
    )
