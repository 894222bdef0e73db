from flask import Response
from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, fields, validate

from ..core.bounds import POSITIVE
from ..engine.terms import Category, DepartmentLevel, FieldGroup, FieldType, ItemKind
from . import operations
from .diff import differences


def _values(vocabulary) -> str:
    return ", ".join(member.value for member in vocabulary)

blp = Blueprint("bundles", __name__, url_prefix="/api/bundles",
                description="Bundles (一件事) and their published definitions")


class LimitsSchema(Schema):
    statutory = fields.Integer(allow_none=True, metadata={
        "description": "法定时限. An item's: null for a service commitment no law limits "
                       "(utility connections, queries, public services). A bundle's: derived "
                       "from its items' along the critical path, an item without one counting "
                       "its committed limit; null when none of its items has one"})
    committed = fields.Integer(metadata={"description": "承诺时限: the public promise"})
    unit = fields.String(metadata={"description": "working_days or natural_days"})


class DepartmentSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String(allow_none=True, metadata={
        "description": f"the body's level: {_values(DepartmentLevel)}; null on versions "
                       "published before levels existed"})


class FeeSchema(Schema):
    amount = fields.String(metadata={"description": "yuan, a decimal string, e.g. \"80.00\""})
    basis = fields.String(metadata={"description": "the law that sets the fee"})


class ItemSchema(Schema):
    code = fields.String()
    name = fields.String()
    kind = fields.String(allow_none=True, metadata={
        "description": f"{_values(ItemKind)}; null where the catalog does not classify it"})
    department = fields.Nested(DepartmentSchema, metadata={
        "description": "the body that decides the item"})
    limits = fields.Nested(LimitsSchema)
    basis = fields.String(allow_none=True, metadata={
        "description": "the law and article (or the provincial service guide) behind the "
                       "statutory limit; null where the catalog could not source it"})
    fee = fields.Nested(FeeSchema, allow_none=True, metadata={
        "description": "null: free of charge (行政许可法 art. 58)"})
    prerequisites = fields.List(fields.String(), metadata={
        "description": "items that must be approved before this one opens"})
    materials = fields.List(fields.String())
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields")
    produces = fields.List(fields.String())
    online = fields.Boolean()


class MaterialSchema(Schema):
    code = fields.String()
    name = fields.String()
    exempt = fields.Boolean(metadata={"description": "replaced by an electronic certificate"})


class SharedMaterialSchema(Schema):
    code = fields.String()
    name = fields.String()
    from_ = fields.String(data_key="from", attribute="from", metadata={
        "description": "the item that issues it, before the items that need it"})


class FormFieldSchema(Schema):
    code = fields.String()
    label = fields.String()
    type = fields.String(metadata={"description": (
        f"{_values(FieldType)}. Answers are checked on submission: resident_id by GB 11643 "
        "(stored upper-case, without spaces), credit_code by GB 32100, mobile as 11 digits "
        "(spaces, hyphens and +86 dropped), money as yuan in a decimal string with at most 2 "
        "decimals, not negative (stored with 2: \"1234.50\"), date as YYYY-MM-DD, choice as "
        "one of choices, address and text as text (an address's spaces made single)")})
    required = fields.Boolean()
    choices = fields.List(fields.String(), metadata={"description": "a choice field's options"})
    help = fields.String(metadata={"description": "a hint shown with the field; may be empty"})
    group = fields.String(allow_none=True, metadata={"description": (
        f"the form's section, in this order: {_values(FieldGroup)}; the merged form lists its "
        "fields by group. Null on versions published before groups existed")})


class BundleSummarySchema(Schema):
    code = fields.String()
    name = fields.String()
    audience = fields.String()
    categories = fields.List(fields.String(), metadata={
        "description": f"life events and business stages to find it by: {_values(Category)}"})
    version = fields.Integer()
    limits = fields.Nested(LimitsSchema)
    item_count = fields.Integer()


class BundleSchema(BundleSummarySchema):
    description = fields.String()
    digest = fields.String()
    published_at = fields.DateTime()
    items = fields.List(fields.Nested(ItemSchema))
    materials = fields.List(fields.Nested(MaterialSchema), metadata={
        "description": "the one material list: what the applicant hands in, each once"})
    shared = fields.List(fields.Nested(SharedMaterialSchema), metadata={
        "description": "certificates an item issues for the items after it: never asked for"})
    form = fields.List(fields.Nested(FormFieldSchema))


class BundleQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    category = fields.String(validate=validate.OneOf([each.value for each in Category]),
                             metadata={"description": "only the bundles of this category"})


class VersionQuerySchema(Schema):
    version = fields.Integer(validate=POSITIVE, metadata={
        "description": "a published version; the latest if absent"})


def _present(version) -> dict:
    snapshot = version.definition
    return {"categories": [], **snapshot, "version": version.version, "digest": version.digest,
            "published_at": version.published_at, "item_count": len(snapshot["items"])}


def _version_or_404(code: str, version: int | None):
    found = operations.find_version(code, version)
    if found is None:
        abort(404, message=f"no bundle {code!r}" + (f" version {version}" if version else ""))
    return found


@blp.route("")
@blp.arguments(BundleQuerySchema, location="query")
@blp.response(200, BundleSummarySchema(many=True))
def list_bundles(query):
    """The bundles an application can be made for, each at its latest version; by a life
    event or a business stage with ``category``."""
    category = query.get("category")
    return [_present(version) for _, version in operations.list_bundles()
            if category is None or category in version.definition.get("categories", ())]


@blp.route("/<code>")
@blp.arguments(VersionQuerySchema, location="query")
@blp.response(200, BundleSchema)
def get_bundle(query, code):
    """A bundle's published definition: items, departments, prerequisites, limits, materials."""
    return _present(_version_or_404(code, query.get("version")))


@blp.route("/<code>/diagram")
@blp.arguments(VersionQuerySchema, location="query")
@blp.response(200, content_type="text/plain")
def get_diagram(query, code):
    """The bundle's state machine as Mermaid ``stateDiagram-v2`` text."""
    version = _version_or_404(code, query.get("version"))
    return Response(operations.machine_for(version).diagram,
                    mimetype="text/plain")


class RetiredSchema(Schema):
    class Meta:
        unknown = RAISE

    retired = fields.Boolean(required=True, metadata={
        "description": "true: no new applications (running ones finish); false: open again"})


class RetiredOutSchema(Schema):
    code = fields.String()
    retired_at = fields.DateTime(allow_none=True)


class DifferenceSchema(Schema):
    part = fields.String(metadata={"description": "item, edge, limits, field or material"})
    change = fields.String(metadata={"description": "added, removed or changed"})
    subject = fields.String(metadata={"description": "the code; 'a → b' for an edge; '' for "
                                                     "the bundle's own limits"})
    before = fields.String(allow_none=True)
    after = fields.String(allow_none=True)


class DiffQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    from_ = fields.Integer(required=True, data_key="from", validate=POSITIVE)
    to = fields.Integer(required=True, validate=POSITIVE)


@blp.route("/<code>/retired", methods=["PUT"])
@blp.arguments(RetiredSchema)
@blp.response(200, RetiredOutSchema)
def put_retired(payload, code):
    """Retire a bundle or open it again (administrators)."""
    return operations.set_retired(code, payload["retired"], current_user.id)


@blp.route("/<code>/diff")
@blp.arguments(DiffQuerySchema, location="query")
@blp.response(200, DifferenceSchema(many=True))
def get_diff(query, code):
    """What changed from version ``from`` to version ``to``: items, prerequisite edges,
    limits, form fields, materials."""
    old = _version_or_404(code, query["from_"])
    new = _version_or_404(code, query["to"])
    return differences(old.definition, new.definition)
