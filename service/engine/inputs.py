"""What a bundle asks of an applicant, and what each trigger needs, checked with marshmallow.

Schemas are built once per bundle version (cached by digest) from its definition.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from .answers import form_field
from .bundle import Bundle
from .calendar import WorkingCalendar
from .errors import InvalidTriggerInput
from .states import (
    APPLICATION_TRIGGERS,
    ITEM_TRIGGERS,
    REASON_REQUIRED,
    Channel,
    DeliveryMethod,
    PauseCause,
    Trigger,
)

_TEXT_MAX = 500
MAX_CORRECTION_DAYS = 60  # working days an applicant may be given to correct, at most


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
        super().__init__(fields.String(validate=validate.Length(min=1, max=64)), **kwargs)


class _NoData(Schema):
    class Meta:
        unknown = RAISE


def _not_blank(text: str) -> None:
    if not text.strip():
        raise ValidationError("must not be blank")


def _text(limit: int, **options) -> fields.String:
    return fields.String(validate=[validate.Length(min=1, max=limit), _not_blank], **options)


class _MissingMaterial(_NoData):
    material = fields.String(required=True, validate=validate.Length(min=1, max=64))
    note = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(max=_TEXT_MAX),
                         metadata={"description": "what is wrong with it, e.g. 照片不清晰"})


class _MissingEntry(fields.Field):
    """A material of the notice: ``{"material": code, "note": …}``, or its bare code (no note:
    the form clients used before notes existed)."""

    _schema = _MissingMaterial()

    def _deserialize(self, value, attr, data, **kwargs) -> dict:
        if isinstance(value, str):
            value = {"material": value}
        if not isinstance(value, dict):
            raise ValidationError('a material code, or {"material": code, "note": text}')
        return self._schema.load(value)


class _Correction(_NoData):
    missing = fields.List(_MissingEntry(), metadata={
        "description": "every missing or defective material, in one notice, each with a note; "
                       "default (at intake): all not yet handed in"})
    due_on = fields.Date(metadata={"description": "the day by which to hand them in"})
    days = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_CORRECTION_DAYS),
                          metadata={"description": "working days to hand them in, instead of "
                                                   "due_on; default: CORRECTION_DAYS"})

    @validates_schema
    def _one_limit(self, data: dict, **kwargs) -> None:
        if "due_on" in data and "days" in data:
            raise ValidationError("give due_on or days, not both", field_name="days")


class _Supplement(_NoData):
    materials = _MaterialCodes(required=True, validate=validate.Length(min=1))
    channel = fields.String(validate=validate.OneOf([channel.value for channel in Channel]),
                            metadata={"description": "where they were handed in; default: "
                                                     "window when staff record it, online when "
                                                     "the applicant does"})


class _ItemSupplement(_Supplement):
    materials = _MaterialCodes(load_default=list)


class _AdverseDecision(_NoData):
    # The reason is the request's ``reason``; the remedies are added from the configuration.
    basis = _text(_TEXT_MAX, required=True, metadata={
        "description": "the legal basis: law or regulation and article (行政许可法 art. 38)"})


class _Result(_NoData):
    document = _text(200, required=True, metadata={
        "description": "the document issued, e.g. 营业执照 (行政许可法 art. 39)"})
    number = fields.String(load_default=None, allow_none=True,
                           validate=[validate.Length(min=1, max=100), _not_blank], metadata={
                               "description": "the licence or certificate number; required "
                                              "where the item issues a certificate"})
    valid_from = fields.Date(load_default=None, allow_none=True)
    valid_until = fields.Date(load_default=None, allow_none=True,
                              metadata={"description": "null: valid without limit"})

    @validates_schema
    def _in_order(self, data: dict, **kwargs) -> None:
        if data.get("valid_from") and data.get("valid_until") and (
                data["valid_until"] < data["valid_from"]):
            raise ValidationError("ends before valid_from", field_name="valid_until")


class _Approval(_NoData):
    opinion = _text(2000, required=True, metadata={"description": "审查意见: the reviewer's "
                                                                  "opinion"})
    result = fields.Nested(_Result, required=True)


class _Delivery(_NoData):
    method = fields.String(validate=validate.OneOf([method.value for method in DeliveryMethod]),
                           metadata={"description": "default: the method chosen at intake"})
    tracking_number = fields.String(validate=[validate.Length(min=1, max=64), _not_blank],
                                    metadata={"description": "required for post, only for post"})


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
    (Trigger.REFUSE, False): _AdverseDecision(),
    (Trigger.DENY, True): _AdverseDecision(),
    (Trigger.APPROVE, True): _Approval(),
    (Trigger.DELIVER, False): _Delivery(),
}
_NO_DATA = _NoData()


def check_trigger_input(bundle: Bundle, trigger: Trigger, item: str | None, reason: str | None,
                        data: dict, extended: int = 0,
                        delivery_method: DeliveryMethod | None = None) -> dict:
    """The trigger's data, checked against what the trigger needs on this bundle; ``extended``
    is what the item's earlier extensions granted (the statutory cap is on their sum),
    ``delivery_method`` the one chosen at intake (a delivery's default).

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
    listed = {"missing": [entry["material"] for entry in cleaned.get("missing", ())],
              "materials": cleaned.get("materials", ())}
    for key, codes in listed.items():
        unknown = {index: [f"{code!r} is not a material of this bundle"]
                   for index, code in enumerate(codes) if code not in bundle.material_codes}
        if unknown:
            errors.setdefault("data", {})[key] = unknown
    if trigger == Trigger.APPROVE and item in bundle.item_codes and "result" in cleaned:
        produces = bundle.item(item).produces
        if produces and cleaned["result"]["number"] is None:
            errors.setdefault("data", {})["result"] = {"number": [
                f"required: {item!r} issues a certificate ({', '.join(produces)})"]}
    if trigger == Trigger.DELIVER and "data" not in errors:
        _check_delivery(cleaned, delivery_method, errors)
    if trigger == Trigger.EXTEND and item in bundle.item_codes and "days" in cleaned:
        allowed = bundle.item(item).limits.extension
        if extended + cleaned["days"] > allowed:
            errors.setdefault("data", {})["days"] = [
                f"at most {allowed} days in all for this item (its statutory extension); "
                f"{extended} granted already"]
    if errors:
        raise InvalidTriggerInput(errors)
    return cleaned


def _check_delivery(cleaned: dict, default: DeliveryMethod | None, errors: dict) -> None:
    """The method (the applicant's choice at intake unless given), and for post its tracking
    number: only for post, always for post."""
    if "method" not in cleaned and default is not None:
        cleaned["method"] = DeliveryMethod(default).value
    by_post = cleaned.get("method") == DeliveryMethod.POST
    if by_post and "tracking_number" not in cleaned:
        errors["data"] = {"tracking_number": ["required for delivery by post"]}
    elif not by_post and "tracking_number" in cleaned:
        errors["data"] = {"tracking_number": ["only for delivery by post"]}


def correction_due(cleaned: dict, today: date, calendar: WorkingCalendar,
                   default_days: int) -> date:
    """The day by which the applicant hands in what a correction notice asks for: its
    ``due_on``, or ``days`` (default ``default_days``) working days after ``today``.

    Raises:
        InvalidTriggerInput: a ``due_on`` not after today.
    """
    if "due_on" in cleaned:
        if cleaned["due_on"] <= today:
            raise InvalidTriggerInput({"data": {"due_on": [f"must be after today ({today})"]}})
        return cleaned["due_on"]
    return calendar.add_working_days(today, cleaned.get("days", default_days))
