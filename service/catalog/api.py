from flask import Response
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from ..core.bounds import POSITIVE
from . import operations

blp = Blueprint("bundles", __name__, url_prefix="/api/bundles",
                description="Bundles (一件事) and their published definitions")


class LimitsSchema(Schema):
    statutory = fields.Integer()
    committed = fields.Integer()
    unit = fields.String(metadata={"description": "working_days or natural_days"})


class DepartmentSchema(Schema):
    code = fields.String()
    name = fields.String()


class ItemSchema(Schema):
    code = fields.String()
    name = fields.String()
    department = fields.Nested(DepartmentSchema)
    limits = fields.Nested(LimitsSchema)
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


class FormFieldSchema(Schema):
    code = fields.String()
    label = fields.String()
    type = fields.String()
    required = fields.Boolean()
    choices = fields.List(fields.String())


class BundleSummarySchema(Schema):
    code = fields.String()
    name = fields.String()
    audience = fields.String()
    version = fields.Integer()
    limits = fields.Nested(LimitsSchema)
    item_count = fields.Integer()


class BundleSchema(BundleSummarySchema):
    description = fields.String()
    digest = fields.String()
    published_at = fields.DateTime()
    items = fields.List(fields.Nested(ItemSchema))
    materials = fields.List(fields.Nested(MaterialSchema))
    form = fields.List(fields.Nested(FormFieldSchema))


class VersionQuerySchema(Schema):
    version = fields.Integer(validate=POSITIVE, metadata={
        "description": "a published version; the latest if absent"})


def _present(version) -> dict:
    snapshot = version.definition
    return {**snapshot, "version": version.version, "digest": version.digest,
            "published_at": version.published_at, "item_count": len(snapshot["items"])}


def _version_or_404(code: str, version: int | None):
    found = operations.find_version(code, version)
    if found is None:
        abort(404, message=f"no bundle {code!r}" + (f" version {version}" if version else ""))
    return found


@blp.route("")
@blp.response(200, BundleSummarySchema(many=True))
def list_bundles():
    """The bundles an application can be made for, each at its latest version."""
    return [_present(version) for _, version in operations.list_bundles()]


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
