"""Marshmallow schemas of the files in ``workflows/``: the shape of each entry, one file at a time.

References between files (an item's department, a bundle's items) are checked by
:mod:`service.catalog.definitions` once every file is read.
"""

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from ..engine.answers import Money
from ..engine.calendar import Unit
from ..engine.states import ApplicantKind
from ..engine.terms import BASIS_UNKNOWN, Category, DepartmentLevel, FieldGroup, FieldType, ItemKind

CODE = validate.Regexp(
    r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$",
    error="must be snake_case: lower-case letters and digits, single underscores between words",
)
CODE_LENGTH, NAME_LENGTH = 64, 200  # the columns that store them
# PostgreSQL stores no NUL in text, and a YAML escape ("\0") can spell one.
NO_NUL = validate.Regexp(r"^[^\x00]*$", error="must not hold a NUL character")
NOTE = validate.And(validate.Length(min=1, max=500), NO_NUL)
NAME = validate.And(validate.Length(min=1, max=NAME_LENGTH), NO_NUL)
UNITS = tuple(unit.value for unit in Unit)
AUDIENCES = tuple(kind.value for kind in ApplicantKind)
ORIGINS = ("national", "county")
MAX_DAYS = 3650  # ten years: no limit in the catalog comes near


def _code() -> fields.String:
    return fields.String(required=True,
                         validate=validate.And(validate.Length(max=CODE_LENGTH), CODE))


def _days(**options) -> fields.Integer:
    """Whole days: 4.5 is refused, not rounded."""
    return fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_DAYS), **options)


def _one_of(vocabulary) -> validate.OneOf:
    return validate.OneOf([member.value for member in vocabulary])


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class _UnitSchema(_Strict):
    committed = _days(required=True)
    unit = fields.String(
        required=True,
        validate=validate.OneOf(UNITS),
        error_messages={"required": f"a limit needs its unit: {' or '.join(UNITS)}"},
    )


class ItemLimitsSchema(_UnitSchema):
    # Absent or null: a service commitment no law limits (utility connections, queries, public
    # services), with its committed limit only.
    statutory = _days(load_default=None, allow_none=True)
    # 行政许可法 art. 42: 20 days, extendable by 10 with the agency head's approval. Default: 10
    # with a statutory limit, none without.
    extension = _days()

    @validates_schema
    def committed_within_statutory(self, data, **kwargs):
        statutory = data.get("statutory")
        if statutory is not None and data.get("committed", 0) > statutory:
            raise ValidationError(
                f"the committed limit ({data['committed']}) is above the statutory limit "
                f"({statutory})",
                field_name="committed",
            )
        if statutory is None and data.get("extension"):
            raise ValidationError("an item without a statutory limit has no statutory extension",
                                  field_name="extension")

    @post_load
    def default_extension(self, data, **kwargs):
        data.setdefault("extension", 0 if data["statutory"] is None else 10)
        return data


DERIVED = ("a bundle's statutory limit is derived from its items' statutory limits along the "
           "critical path: remove it")


class BundleLimitsSchema(_UnitSchema):
    """The committed limit, a promise; the statutory limit is derived from the items'."""

    statutory = fields.Raw(error_messages={"null": DERIVED})

    @validates("statutory")
    def derived(self, value, **kwargs):
        raise ValidationError(DERIVED)


class DepartmentSchema(_Strict):
    code = _code()
    name = fields.String(required=True, validate=NAME)
    level = fields.String(required=True, validate=_one_of(DepartmentLevel))


class MaterialSchema(_Strict):
    code = _code()
    name = fields.String(required=True, validate=NAME)
    e_certificate = fields.Boolean(load_default=False)


class FormFieldSchema(_Strict):
    code = _code()
    label = fields.String(required=True, validate=NAME)
    type = fields.String(required=True, validate=_one_of(FieldType))
    required = fields.Boolean(load_default=True)
    choices = fields.List(fields.String(validate=NAME), load_default=list)
    help = fields.String(load_default="", validate=validate.And(validate.Length(max=500), NO_NUL))
    group = fields.String(required=True, validate=_one_of(FieldGroup))

    @validates_schema
    def choices_for_choice(self, data, **kwargs):
        if (data.get("type") == "choice") != bool(data.get("choices")):
            raise ValidationError("a choice field, and only a choice field, lists its choices",
                                  field_name="choices")


class FeeSchema(_Strict):
    amount = Money(required=True)
    basis = fields.String(required=True, validate=NOTE)

    @validates("amount")
    def not_zero(self, value, **kwargs):
        if float(value) == 0:
            raise ValidationError("a free item has no fee: leave `fee` out")


class ItemSchema(_Strict):
    code = _code()
    name = fields.String(required=True, validate=NAME)
    kind = fields.String(load_default=None, validate=_one_of(ItemKind))  # absent: not classified
    department = fields.String(required=True)  # the body that decides the item
    limits = fields.Nested(ItemLimitsSchema, required=True)
    # The law and article (or the provincial service guide) behind the statutory limit; for an
    # item without one, behind its commitment. ``unknown`` where it could not be sourced.
    basis = fields.String(required=True, validate=NOTE)
    fee = fields.Nested(FeeSchema, load_default=None)  # absent: free (行政许可法 art. 58)
    materials = fields.List(fields.String(), load_default=list)
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields",
                          load_default=list)
    produces = fields.List(fields.String(), load_default=list)
    online = fields.Boolean(load_default=False)

    @validates_schema
    def licence_has_statutory_limit(self, data, **kwargs):
        if data.get("kind") == ItemKind.LICENCE and data["limits"]["statutory"] is None:
            raise ValidationError({"statutory": [
                "a licence (行政许可) has a statutory limit: 20 working days unless a law says "
                "otherwise (行政许可法 art. 42)"]}, field_name="limits")

    @post_load
    def unknown_basis(self, data, **kwargs):
        if data["basis"] == BASIS_UNKNOWN:
            data["basis"] = None
        return data


class BundleItemSchema(_Strict):
    item = fields.String(required=True)
    after = fields.List(fields.String(), load_default=list)


class BundleSchema(_Strict):
    code = _code()
    name = fields.String(required=True, validate=NAME)
    description = fields.String(load_default="",
                                validate=validate.And(validate.Length(max=2000), NO_NUL))
    audience = fields.String(required=True, validate=validate.OneOf(AUDIENCES))
    categories = fields.List(fields.String(validate=_one_of(Category)), required=True,
                             validate=validate.Length(min=1))
    # national: one of the State Council's key items (国发〔2024〕3号 and the batches since);
    # county: the county's own bundle.
    origin = fields.String(load_default="county", validate=validate.OneOf(ORIGINS))
    limits = fields.Nested(BundleLimitsSchema, required=True)
    items = fields.List(fields.Nested(BundleItemSchema), required=True,
                        validate=validate.Length(min=1))


# A definition file holds any of these sections, so departments, items and bundles can live apart.
# Each entry is loaded on its own: one bad entry is reported without hiding its neighbours.
ENTRY_SCHEMAS = {
    "departments": DepartmentSchema(),
    "materials": MaterialSchema(),
    "fields": FormFieldSchema(),
    "items": ItemSchema(),
    "bundles": BundleSchema(),
}
