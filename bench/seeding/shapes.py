"""What the seed needs of each published bundle, worked out once: its items in the order they
are worked, their limits as time on the calendar, and the data of each step as the app records
it, checked by the app's own ``check_trigger_input`` and written in the chain's canonical JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from service.audit.chain import canonical
from service.demo.samples import answers_for, approval_for
from service.engine.bundle import Bundle, Limits
from service.engine.calendar import Unit
from service.engine.inputs import check_trigger_input
from service.engine.states import Trigger

DAY = 86_400  # seconds
WORKING_WEEK = 7 / 5  # calendar days per working day, roughly
CERTIFICATE_SERIAL = 987_654  # stands for the serial in an approval's certificate number

REFUSAL_BASIS = "《中华人民共和国行政许可法》第三十二条第一款第（二）项"
DENIAL_BASIS = "《中华人民共和国行政许可法》第三十八条第二款"


def json_text(value) -> str:
    """``value`` as the chain hashes it and as COPY writes it: the canonical JSON, which holds
    nothing COPY's text format would have to escape."""
    text = canonical(value).decode()
    if any(character in text for character in "\\\t\n\r"):
        raise ValueError(f"cannot COPY as text: {text!r}")
    return text


@dataclass(frozen=True, slots=True)
class ItemShape:
    position: int
    code: str
    department: str
    limits: Limits
    prerequisites: tuple[int, ...]  # positions
    committed: float  # the committed limit as calendar seconds
    statutory: float | None  # the statutory limit as calendar seconds; None: none
    extension: int  # the most days an extension may add
    # The approval's data: its canonical JSON, split where the certificate's serial goes (one
    # part: the item issues no certificate).
    approval: tuple[str, ...]
    document: str  # what the approval issues
    number: tuple[str, ...] | None  # its number, split where the serial goes; None: no number
    denial: str  # the denial's data


@dataclass(frozen=True, slots=True)
class BundleShape:
    index: int
    code: str
    version_id: int
    bundle: Bundle
    items: tuple[ItemShape, ...]  # by position
    order: tuple[ItemShape, ...]  # prerequisites first
    required: tuple[str, ...]  # materials no electronic certificate replaces
    materials: tuple[str, ...]  # every material, sorted: all handed in
    form: str  # the form's answers, JSON
    critical: float  # calendar seconds along the longest chain of committed limits


def calendar_seconds(days: int | None, limits: Limits) -> float | None:
    if days is None:
        return None
    working = limits.unit == Unit.WORKING_DAYS
    return days * (WORKING_WEEK if working else 1) * DAY


def _split(text: str) -> tuple[str, ...]:
    parts = tuple(text.split(str(CERTIFICATE_SERIAL)))
    if len(parts) > 2:
        raise ValueError(f"the serial's stand-in is in the text more than once: {text}")
    return parts


def item_shape(bundle: Bundle, position: int, remedies: str) -> ItemShape:
    item = bundle.items[position]
    positions = {each.code: index for index, each in enumerate(bundle.items)}
    approval = check_trigger_input(bundle, Trigger.APPROVE, item.code, None,
                                   approval_for(bundle, item.code, CERTIFICATE_SERIAL))
    denial = check_trigger_input(bundle, Trigger.DENY, item.code, "不符合法定条件",
                                 {"basis": DENIAL_BASIS})
    result = approval["result"]
    return ItemShape(
        position=position, code=item.code, department=item.department.code,
        limits=item.limits,
        prerequisites=tuple(positions[code] for code in item.prerequisites),
        committed=calendar_seconds(item.limits.committed, item.limits),
        statutory=calendar_seconds(item.limits.statutory, item.limits),
        extension=item.limits.extension,
        approval=_split(json_text(approval)), document=result["document"],
        number=_split(result["number"]) if result["number"] else None,
        denial=json_text({**denial, "remedies": remedies}))


def bundle_shape(index: int, bundle: Bundle, version_id: int, remedies: str) -> BundleShape:
    items = tuple(item_shape(bundle, position, remedies)
                  for position in range(len(bundle.items)))
    by_code = {item.code: item for item in items}
    order = tuple(by_code[code] for code in bundle.execution_order())
    finish: dict[int, float] = {}
    for item in order:
        finish[item.position] = item.committed + max(
            (finish[each] for each in item.prerequisites), default=0.0)
    return BundleShape(
        index=index, code=bundle.code, version_id=version_id, bundle=bundle, items=items,
        order=order,
        required=tuple(material.code for material in bundle.materials if not material.exempt),
        materials=tuple(sorted(bundle.material_codes)),
        form=json.dumps(answers_for(bundle), ensure_ascii=False),
        critical=max(finish.values(), default=0.0))
