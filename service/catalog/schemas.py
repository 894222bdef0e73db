"""Marshmallow schemas of the files in ``workflows/``: the shape of each entry, one file at a time.

References between files (an item's department, a bundle's items) are checked by
:mod:`service.catalog.definitions` once every file is read.
"""

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ..engine.calendar import Unit
from ..engine.states import ApplicantKind

CODE = validate.Regexp(
    r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$",
    error="must be snake_case: lower-case letters and digits, single underscores between words",
)
UNITS = tuple(unit.value for unit in Unit)
AUDIENCES = tuple(kind.value for kind in ApplicantKind)
FIELD_TYPES = ("text", "date", "number", "choice", "boolean")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class LimitsSchema(_Strict):
    statutory = fields.Integer(required=True, validate=validate.Range(min=0))
    committed = fields.Integer(required=True, validate=validate.Range(min=0))
    unit = fields.String(
        required=True,
        validate=validate.OneOf(UNITS),
        error_messages={"required": f"a limit needs its unit: {' or '.join(UNITS)}"},
    )

    @validates_schema
    def committed_within_statutory(self, data, **kwargs):
        if data.get("committed", 0) > data.get("statutory", 0):
            raise ValidationError(
                f"the committed limit ({data['committed']}) is above the statutory limit "
                f"({data['statutory']})",
                field_name="committed",
            )


class ItemLimitsSchema(LimitsSchema):
    # 行政许可法 art. 42: 20 days, extendable by 10 with the agency head's approval.
    extension = fields.Integer(load_default=10, validate=validate.Range(min=0))


class DepartmentSchema(_Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1))


class MaterialSchema(_Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1))
    e_certificate = fields.Boolean(load_default=False)


class FormFieldSchema(_Strict):
    code = fields.String(required=True, validate=CODE)
    label = fields.String(required=True, validate=validate.Length(min=1))
    type = fields.String(required=True, validate=validate.OneOf(FIELD_TYPES))
    required = fields.Boolean(load_default=True)
    choices = fields.List(fields.String(), load_default=list)

    @validates_schema
    def choices_for_choice(self, data, **kwargs):
        if (data.get("type") == "choice") != bool(data.get("choices")):
            raise ValidationError("a choice field, and only a choice field, lists its choices",
                                  field_name="choices")


class ItemSchema(_Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1))
    department = fields.String(required=True)
    limits = fields.Nested(ItemLimitsSchema, required=True)
    materials = fields.List(fields.String(), load_default=list)
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields",
                          load_default=list)
    produces = fields.List(fields.String(), load_default=list)
    online = fields.Boolean(load_default=False)


class BundleItemSchema(_Strict):
    item = fields.String(required=True)
    after = fields.List(fields.String(), load_default=list)


class BundleSchema(_Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1))
    description = fields.String(load_default="")
    audience = fields.String(required=True, validate=validate.OneOf(AUDIENCES))
    limits = fields.Nested(LimitsSchema, required=True)
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
