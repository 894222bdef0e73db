"""Authoring the catalog (administrators): drafts of bundles, checked and published as new
versions, and the entries (departments, materials, form fields, items) as they stand now.

Every write is one transaction, committed when the request succeeds (``core.transaction``):
editing an entry stores it and drafts the bundles it changes, both or neither.
"""

from flask import url_for
from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import func, select

from ..core.bounds import POSITIVE
from ..core.database import db
from ..core.problems import MAX_MESSAGES, ProblemSchema, problem
from . import drafts
from .api import BundleSchema
from .drafts import (
    DraftChanged,
    DraftNotFound,
    DraftRefused,
    NothingToPublish,
    check_draft,
    find_draft,
)
from .editing import EntryInvalid, save_entry
from .schemas import NAME_LENGTH
from .store import KIND

drafts_blp = Blueprint("bundle_drafts", __name__, url_prefix="/api/bundle-drafts",
                       description="Drafts of bundles, new ones or the next version of one: "
                                   "YAML in the workflows/ format, checked, then published "
                                   "(administrators)")
entries_blp = Blueprint("catalog_entries", __name__, url_prefix="/api/catalog",
                        description="Departments, materials, form fields and items as the "
                                    "catalog holds them now; an edit drafts the bundles it "
                                    "changes (administrators)")

SECTION = f"<any({', '.join(KIND)}):section>"
CONCURRENT_CHANGE = "urn:onething:problem:concurrent-change"
INVALID_DRAFT = "urn:onething:problem:invalid-draft"
NOTHING_TO_PUBLISH = "urn:onething:problem:nothing-to-publish"
INVALID_ENTRY = "urn:onething:problem:invalid-entry"


class _Strict(Schema):
    class Meta:
        unknown = RAISE


# --- Drafts ----------------------------------------------------------------------------------


class BundleDraftSummarySchema(Schema):
    code = fields.String(attribute="bundle_code", metadata={"description": "the bundle's code"})
    revision = fields.Integer(metadata={"description": "send it back with a change or a publish"})
    prompted_by = fields.String(allow_none=True, metadata={
        "description": "the catalog entries whose edit drafted it (\"item:food_business_permit, "
                       "department:tax\"); null when an administrator started it"})
    updated_at = fields.DateTime()
    url = fields.Function(lambda draft: url_for("bundle_drafts.get_draft",
                                                code=draft.bundle_code))


class BundleDraftProblemSchema(Schema):
    path = fields.String(metadata={"description": "where in the draft, e.g. "
                                                  "bundles[0].items[0].after; another file's "
                                                  "problem is prefixed with its name"})
    message = fields.String()
    line = fields.Integer(allow_none=True, metadata={
        "description": "the line of the text the path leads to, from 1; null: elsewhere"})


class BundleDraftPreviewSchema(BundleSchema):
    class Meta:
        exclude = ("version", "published_at")


class BundleDraftSchema(Schema):
    code = fields.String()
    text = fields.String(metadata={"description": "the bundle in YAML, as last saved (valid or "
                                                  "not)"})
    revision = fields.Integer(metadata={"description": "send it back with a change or a publish: "
                                                       "a stale one is refused (409)"})
    prompted_by = fields.String(allow_none=True, metadata={
        "description": "the catalog entries whose edit drafted it; null when an administrator "
                       "started it"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    problems = fields.List(fields.Nested(BundleDraftProblemSchema), metadata={
        "description": "every problem, by the same rules as `flask catalog check`"})
    publishable = fields.Boolean(metadata={"description": "no problems, and it changes the bundle"})
    unchanged = fields.Boolean(metadata={
        "description": "it says what the latest version says: nothing to publish"})
    preview = fields.Nested(BundleDraftPreviewSchema, allow_none=True, metadata={
        "description": "the version publishing would make, as GET /api/bundles/{code} shows it; "
                       "null while the draft has problems"})


class BundleDraftCreateSchema(_Strict):
    code = fields.String(required=True, metadata={
        "description": "a published bundle's code (the draft starts from its latest version) "
                       "or a new one: snake_case, 64 characters at most"})
    name = fields.String(load_default="", validate=validate.Length(max=NAME_LENGTH), metadata={
        "description": "a new bundle's name (its code if left out)"})


class BundleDraftWriteSchema(_Strict):
    text = fields.String(required=True, metadata={"description": "the bundle in YAML"})
    revision = fields.Integer(required=True, strict=True, validate=POSITIVE, metadata={
        "description": "the revision the change was made on"})


class DraftRevisionSchema(_Strict):
    revision = fields.Integer(required=True, strict=True, validate=POSITIVE, metadata={
        "description": "the revision that was reviewed"})


class DraftRevisionQuerySchema(_Strict):
    revision = fields.Integer(required=True, validate=POSITIVE, metadata={
        "description": "the revision that was read"})


class PublishedVersionSchema(Schema):
    code = fields.String(attribute="bundle_code")
    version = fields.Integer()
    digest = fields.String()
    published_at = fields.DateTime()


class ListedProblemSchema(ProblemSchema):
    problems = fields.List(fields.Dict(), metadata={
        "description": f"what is wrong, each where it is (at most {MAX_MESSAGES}; "
                       "problems_omitted counts the rest)"})


def _draft_with_check(draft) -> dict:
    check = check_draft(draft)
    preview = None
    if check.snapshot is not None:
        preview = {**check.snapshot, "digest": check.digest,
                   "item_count": len(check.snapshot["items"])}
    return {"code": draft.bundle_code, "text": draft.text, "revision": draft.revision,
            "prompted_by": draft.prompted_by, "created_at": draft.created_at,
            "updated_at": draft.updated_at, "problems": check.problems,
            "publishable": check.publishable, "unchanged": check.unchanged, "preview": preview}


def _listed_problems(status: int, title: str, type_: str, listed: list[dict]):
    """A problem document listing what is wrong, capped like a validation problem's."""
    shown = listed[:MAX_MESSAGES]
    detail = "; ".join(f"{each['path']}: {each['message']}" if each["path"]
                       else each["message"] for each in shown)
    extensions = {"problems_omitted": len(listed) - len(shown)} if len(listed) > len(shown) else {}
    return problem(status, title, detail, type_=type_, problems=shown, **extensions)


def _is_open(code: str) -> bool:
    try:
        find_draft(code)
    except DraftNotFound:
        return False
    return True


def _changed_concurrently(error: DraftChanged):
    return problem(409, "Changed concurrently", str(error), type_=CONCURRENT_CHANGE)


@drafts_blp.route("")
@drafts_blp.response(200, BundleDraftSummarySchema(many=True))
def list_drafts():
    """Every open draft, by bundle code: those an administrator started and those an edited
    entry drafted (``prompted_by``)."""
    return drafts.list_drafts()


@drafts_blp.route("", methods=["POST"])
@drafts_blp.arguments(BundleDraftCreateSchema)
@drafts_blp.response(201, BundleDraftSchema, description="a new draft")
@drafts_blp.alt_response(200, schema=BundleDraftSchema,
                         description="the bundle's draft was open already: it, as it is")
@drafts_blp.alt_response(422, description="not a bundle code: the problem names `code`")
def create_draft(payload):
    """Start a draft of a bundle: a published one's starts from its latest version, a new
    one's from an outline. A bundle has one draft: if it is open, it is returned as it is
    (200)."""
    code = payload["code"]
    existed = _is_open(code)
    try:
        draft = drafts.start_draft(code, current_user.id, name=payload["name"])
    except DraftRefused as refused:
        raise ValidationError({"code": [str(refused)]}) from None
    location = {"Location": url_for(".get_draft", code=code)}
    return _draft_with_check(draft), 200 if existed else 201, location


@drafts_blp.route("/<code>")
@drafts_blp.response(200, BundleDraftSchema)
def get_draft(code):
    """The draft with its check: every problem at its path and line, and what publishing it
    would make."""
    return _draft_with_check(find_draft(code))


@drafts_blp.route("/<code>", methods=["PUT"])
@drafts_blp.arguments(BundleDraftWriteSchema)
@drafts_blp.response(200, BundleDraftSchema)
@drafts_blp.alt_response(409, description="saved by someone else since `revision`: read it "
                                          "again")
def put_draft(payload, code):
    """Save the draft's text as typed, valid or not, and check it. Answers with the new
    revision."""
    draft = find_draft(code)
    try:
        drafts.save_draft(draft, payload["text"], payload["revision"], current_user.id)
    except DraftChanged as changed:
        return _changed_concurrently(changed)
    except DraftRefused as refused:
        raise ValidationError({"text": [str(refused)]}) from None
    return _draft_with_check(draft)


@drafts_blp.route("/<code>", methods=["DELETE"])
@drafts_blp.arguments(DraftRevisionQuerySchema, location="query")
@drafts_blp.response(204)
@drafts_blp.alt_response(409, description="saved by someone else since `revision`")
def delete_draft(query, code):
    """Discard the draft; the published versions stay as they are."""
    try:
        drafts.discard_draft(find_draft(code), query["revision"], current_user.id)
    except DraftChanged as changed:
        return _changed_concurrently(changed)
    return None


@drafts_blp.route("/<code>/publish", methods=["POST"])
@drafts_blp.arguments(DraftRevisionSchema)
@drafts_blp.response(201, PublishedVersionSchema)
@drafts_blp.alt_response(422, schema=ListedProblemSchema,
                         description="the draft has problems: `problems` lists each with its "
                                     "path, message and line")
@drafts_blp.alt_response(409, description="saved by someone else since `revision` "
                                          "(concurrent-change), or it says what the latest "
                                          "version says (nothing-to-publish)")
def publish_draft(payload, code):
    """Publish the draft as the bundle's next version (its first, for a new bundle); the draft
    is gone. New applications use the new version; running ones stay on theirs."""
    draft = find_draft(code)
    try:
        version = drafts.publish_draft(draft, payload["revision"], current_user.id)
    except DraftChanged as changed:
        return _changed_concurrently(changed)
    except NothingToPublish:
        return problem(409, "Nothing to publish", "the draft says what the latest version "
                       "says: change it first, or discard it", type_=NOTHING_TO_PUBLISH)
    except DraftRefused:
        listed = [{"path": each.path, "message": each.message, "line": each.line}
                  for each in check_draft(draft).problems]
        return _listed_problems(422, "The draft has problems", INVALID_DRAFT, listed)
    location = {"Location": url_for("bundles.get_bundle", code=code, version=version.version)}
    return version, 201, location


# --- Catalog entries -------------------------------------------------------------------------


class CatalogEntrySchema(Schema):
    entry = fields.Dict(metadata={"description": "as the workflows/ YAML files spell it"})
    source = fields.String(metadata={"description": "yaml: as `flask catalog load` stored it; "
                                                    "browser: edited here since"})


class EntryWriteSchema(_Strict):
    entry = fields.Dict(keys=fields.String(), required=True, metadata={
        "description": "the entry as the workflows/ YAML files spell it (see "
                       "service/catalog/schemas.py): a department {code, name, level}, a "
                       "material {code, name, e_certificate}, a form field {code, label, type, "
                       "required, choices, help, group}, an item {code, name, kind, department, "
                       "limits: {statutory, committed, unit, extension}, basis, fee, materials, "
                       "fields, produces, online}"})


class EntrySavedSchema(Schema):
    code = fields.String()
    drafted = fields.List(fields.String(), metadata={
        "description": "the bundles the change alters: each has a draft (new, or the open one) "
                       "to review and publish; nothing reaches applications before that"})


def _entry_body(section: str, row) -> dict:
    return {"entry": KIND[section].canonical(row.definition), "source": row.source}


def _row_or_404(section: str, code: str):
    row = db.session.get(KIND[section].model, code)
    if row is None:
        abort(404, message=f"no {section[:-1]} {code!r}")
    return row


def _entry_invalid(invalid: EntryInvalid):
    listed = [{"file": each.file, "path": each.path, "message": each.message}
              for each in invalid.problems]
    return _listed_problems(422, "The entry is not valid", INVALID_ENTRY, listed)


@entries_blp.route(f"/{SECTION}")
@entries_blp.response(200, CatalogEntrySchema(many=True))
@entries_blp.paginate()
def list_entries(section, pagination_parameters):
    """A section's entries by code: departments, materials, fields or items."""
    model = KIND[section].model
    pagination_parameters.item_count = db.session.scalar(select(func.count()).select_from(model))
    rows = db.session.scalars(select(model).order_by(model.code)
                              .offset(pagination_parameters.first_item)
                              .limit(pagination_parameters.page_size))
    return [_entry_body(section, row) for row in rows]


@entries_blp.route(f"/{SECTION}/<code>")
@entries_blp.response(200, CatalogEntrySchema)
def get_entry(section, code):
    """An entry as the YAML files spell it, and where it was last changed."""
    return _entry_body(section, _row_or_404(section, code))


@entries_blp.route(f"/{SECTION}", methods=["POST"])
@entries_blp.arguments(EntryWriteSchema)
@entries_blp.response(201, EntrySavedSchema)
@entries_blp.alt_response(422, schema=ListedProblemSchema,
                          description="`problems` lists each with its file and path: "
                                      "edited.yaml and a path inside the entry, or the file of "
                                      "a bundle the entry would break")
def create_entry(payload, section):
    """Add an entry, checked with the whole catalog. A new entry is in no bundle yet: a
    draft adds it to one."""
    try:
        saved = save_entry(section, payload["entry"], current_user.id)
    except EntryInvalid as invalid:
        return _entry_invalid(invalid)
    location = {"Location": url_for(".get_entry", section=section, code=saved.code)}
    return saved, 201, location


@entries_blp.route(f"/{SECTION}/<code>", methods=["PUT"])
@entries_blp.arguments(EntryWriteSchema)
@entries_blp.response(200, EntrySavedSchema)
@entries_blp.alt_response(422, schema=ListedProblemSchema,
                          description="`problems` lists each with its file and path, as for a "
                                      "new entry; a change that would break a bundle names it")
def put_entry(payload, section, code):
    """Replace an entry (it keeps its code), checked with the whole catalog. Every bundle
    whose resolution it changes gets a draft of its next version (``drafted``); applications
    see the change only once those are published."""
    _row_or_404(section, code)
    try:
        return save_entry(section, payload["entry"], current_user.id, code=code)
    except EntryInvalid as invalid:
        return _entry_invalid(invalid)
