"""What a bundle asks of an applicant, and what each trigger needs, checked with marshmallow.

Schemas are built once per bundle version (cached by digest) from its definition.
"""

from __future__ import annotations

from functools import lru_cache

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from .answers import form_field
from .bundle import Bundle
from .errors import InvalidTriggerInput
from .states import (
    APPLICATION_TRIGGERS,
    ITEM_TRIGGERS,
    REASON_REQUIRED,
    DeliveryMethod,
    PauseCause,
    Trigger,
)

_TEXT_MAX = 500


@lru_cache(maxsize=256)
def _form_schema(bundle: Bundle) -> Schema:
    schema_class = Schema.from_dict({field.code: form_field(field) for field in bundle.form},
                                    name=f"Form_{bundle.code}")
    return schema_class(unknown=RAISE)


def check_submission(bundle: Bundle, form: dict, materials: list[str]) -> dict:
    """The form answers, checked by each field's type and normalised for storage
    (``answers.form_field``).

    Raises:
        ValidationError: keyed ``form.<field>`` or ``materials[i]``.
    """
    errors: dict = {}
    schema = _form_schema(bundle)
    try:
        answers = schema.dump(schema.load(form))
    except ValidationError as error:
        errors["form"] = error.messages
        answers = {}
    unknown = {index: [f"{code!r} is not a material of this bundle"]
               for index, code in enumerate(materials) if code not in bundle.material_codes}
    if unknown:
        errors["materials"] = unknown
    if errors:
        raise ValidationError(errors)
    return answers


class _MaterialCodes(fields.List):
    def __init__(self, **kwargs):
        super().__init__(fields.String(), **kwargs)


class _NoData(Schema):
    class Meta:
        unknown = RAISE


class _Correction(_NoData):
    missing = _MaterialCodes(metadata={
        "description": "every missing material, in one notice; default: all not yet handed in"})


class _Supplement(_NoData):
    materials = _MaterialCodes(required=True, validate=validate.Length(min=1))


class _ItemSupplement(_NoData):
    materials = _MaterialCodes(load_default=list)


class _Delivery(_NoData):
    method = fields.String(validate=validate.OneOf([method.value for method in DeliveryMethod]))


class _Pause(_NoData):
    cause = fields.String(required=True,
                          validate=validate.OneOf([cause.value for cause in PauseCause]),
                          metadata={"description": "why the clock stops (行政许可法 art. 45)"})


class _Extension(_NoData):
    # The approver is whoever fires it (a department's supervisor): the event's actor.
    days = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


_DATA_SCHEMAS = {
    (Trigger.PAUSE, True): _Pause(),
    (Trigger.EXTEND, True): _Extension(),
    (Trigger.REQUEST_CORRECTION, False): _Correction(),
    (Trigger.REQUEST_CORRECTION, True): _Correction(),
    (Trigger.SUPPLEMENT, False): _Supplement(),
    (Trigger.SUPPLEMENT, True): _ItemSupplement(),
    (Trigger.DELIVER, False): _Delivery(),
}
_NO_DATA = _NoData()


def check_trigger_input(bundle: Bundle, trigger: Trigger, item: str | None, reason: str | None,
                        data: dict, extended: int = 0) -> dict:
    """The trigger's data, checked against what the trigger needs on this bundle; ``extended``
    is what the item's earlier extensions granted (the statutory cap is on their sum).

    Raises:
        InvalidTriggerInput: keyed by ``item``, ``reason`` or ``data.<field>``.
    """
    errors: dict = {}
    if item is not None and item not in bundle.item_codes:
        errors["item"] = [f"{item!r} is not an item of bundle {bundle.code!r}; "
                          f"its items are {', '.join(bundle.item_codes)}"]
    elif item is not None and trigger not in ITEM_TRIGGERS:
        errors["item"] = [f"{trigger.value!r} applies to the whole application: leave item empty"]
    elif item is None and trigger not in APPLICATION_TRIGGERS:
        errors["item"] = [f"{trigger.value!r} applies to one item: name it"]
    needs_reason = trigger in REASON_REQUIRED or (
        trigger == Trigger.REQUEST_CORRECTION and item is not None) or (
        trigger == Trigger.PAUSE and data.get("cause") == PauseCause.OTHER)
    if needs_reason and not (reason or "").strip():
        errors["reason"] = [f"{trigger.value!r} needs a reason, given to the applicant"]
    schema = _DATA_SCHEMAS.get((trigger, item is not None), _NO_DATA)
    try:
        cleaned = schema.load(data)
    except ValidationError as error:
        errors["data"] = error.messages
        cleaned = {}
    for key in ("missing", "materials"):
        unknown = {index: [f"{code!r} is not a material of this bundle"]
                   for index, code in enumerate(cleaned.get(key, ()))
                   if code not in bundle.material_codes}
        if unknown:
            errors.setdefault("data", {})[key] = unknown
    if trigger == Trigger.EXTEND and item in bundle.item_codes and "days" in cleaned:
        allowed = bundle.item(item).limits.extension
        if extended + cleaned["days"] > allowed:
            errors.setdefault("data", {})["days"] = [
                f"at most {allowed} days in all for this item (its statutory extension); "
                f"{extended} granted already"]
    if errors:
        raise InvalidTriggerInput(errors)
    return cleaned
