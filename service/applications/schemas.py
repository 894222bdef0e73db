"""The JSON shapes of the applications API. Bundle-specific checks (form, materials, identifiers)
happen in the domain, against the application's bundle version."""

from marshmallow import RAISE, Schema, fields, validate

from ..engine.states import ApplicantKind, ApplicationState, Channel, DeliveryMethod, Trigger


def _values(enum) -> list[str]:
    return [member.value for member in enum]


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class ApplicantSchema(_Strict):
    kind = fields.String(required=True, validate=validate.OneOf(_values(ApplicantKind)),
                         metadata={"description": "person (resident ID) or company (credit code)"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={
        "description": "resident ID number (GB 11643) or unified social credit code (GB 32100)"})


class AgentSchema(_Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=40),
                              metadata={"description": "the agent's resident ID number"})


class ApplicationCreateSchema(_Strict):
    bundle = fields.String(required=True, validate=validate.Length(min=1, max=64),
                           metadata={"description": "bundle code"})
    channel = fields.String(required=True, validate=validate.OneOf(_values(Channel)))
    applicant = fields.Nested(ApplicantSchema, required=True)
    agent = fields.Nested(AgentSchema, load_default=None, allow_none=True, metadata={
        "description": "who applies for the applicant under a power of attorney (委托代理), "
                       "which is then among the materials"})
    contact_phone = fields.String(required=True, validate=validate.Length(max=30))
    form = fields.Dict(keys=fields.String(), required=True,
                       metadata={"description": "answers to the bundle's merged form"})
    materials = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                            load_default=list,
                            metadata={"description": "codes of the materials handed in"})
    delivery_method = fields.String(load_default=DeliveryMethod.WINDOW.value,
                                    validate=validate.OneOf(_values(DeliveryMethod)))


# What each trigger takes in ``data`` (checked by service/engine/inputs.py against the bundle).
TRIGGER_DATA = """What each trigger takes in `data`; anything else is refused (422 naming
`data.<field>`).

- `request_correction` (at intake, or on an item): `missing`, every missing or defective
  material with what is wrong with it, `[{"material": code, "note": text}]` (a bare code is a
  material without a note; at intake the default is every material not yet handed in); `due_on`
  (a date) or `days` (working days, 1-60), the applicant's time limit, by default
  `CORRECTION_DAYS` (10) working days.
- `supplement`: `materials`, the codes handed in (required at intake, may be empty on an item);
  `channel`, `window` or `online`, by default `window` when staff record it and `online` when the
  applicant does (a hand-in at the window is a visit).
- `refuse` (不予受理), `deny` (不予许可): `basis` (required), the law or regulation and article;
  the `reason` is required too. The remedies (行政复议 within 60 days, 行政诉讼 within 6 months)
  come from the configuration and are stored with the decision.
- `approve`: `opinion` (required), 审查意见; `result` (required), `{"document": name, "number":
  licence or certificate number (required where the item issues a certificate), "valid_from":
  date, "valid_until": date or null}`.
- `deliver`: `method`, `window`, `post` or `electronic` (default: the one chosen at intake);
  `tracking_number`, required for post and refused otherwise. Collecting at the window is a
  visit.
- `pause`: `cause`, one of hearing, testing, inspection, quarantine, appraisal, expert_review,
  tender_auction, other (`other` needs a reason).
- `extend` (a department's supervisor; a reason, which the applicant reads): `days`, an integer;
  an item's extensions together at most its statutory extension. It approves the item's pending
  extension request (a reviewer's, made on the item's page), or records one approved at once.
- the others: nothing.
"""


class TransitionRequestSchema(_Strict):
    trigger = fields.String(required=True, validate=validate.OneOf(_values(Trigger)))
    item = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(min=1, max=64),
                         metadata={"description": "item code, for an item's trigger"})
    reason = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(max=2000))
    data = fields.Dict(keys=fields.String(), load_default=dict,
                       metadata={"description": TRIGGER_DATA})


class ApplicationFilterSchema(_Strict):
    bundle = fields.String(validate=validate.Length(min=1, max=64))
    state = fields.String(validate=validate.OneOf(_values(ApplicationState)))
    department = fields.String(validate=validate.Length(min=1, max=64))
    channel = fields.String(validate=validate.OneOf(_values(Channel)))


# Drafts: an application saved before it is submitted (drafts_api.py).


class DraftApplicantSchema(_Strict):
    kind = fields.String(validate=validate.OneOf(_values(ApplicantKind)))
    name = fields.String(validate=validate.Length(max=200))
    id_number = fields.String(validate=validate.Length(max=40))


class DraftAgentSchema(_Strict):
    name = fields.String(validate=validate.Length(max=200))
    id_number = fields.String(validate=validate.Length(max=40))


class DraftContentSchema(_Strict):
    """What is known so far; every field optional until the draft is submitted."""

    applicant = fields.Nested(DraftApplicantSchema)
    agent = fields.Nested(DraftAgentSchema, allow_none=True)
    contact_phone = fields.String(validate=validate.Length(max=30))
    form = fields.Dict(keys=fields.String(validate=validate.Length(max=64)))
    materials = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                            validate=validate.Length(max=200))
    delivery_method = fields.String(validate=validate.OneOf(_values(DeliveryMethod)))


class DraftWriteSchema(_Strict):
    bundle = fields.String(required=True, validate=validate.Length(min=1, max=64))
    content = fields.Nested(DraftContentSchema, load_default=dict)


class DraftSchema(Schema):
    id = fields.Integer()
    bundle = fields.String(attribute="bundle_code")
    channel = fields.String()
    content = fields.Nested(DraftContentSchema)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    expires_at = fields.DateTime(metadata={"description": "renewed each time it is saved"})


class BundleRefSchema(Schema):
    code = fields.String()
    name = fields.String()
    version = fields.Integer()


class ApplicantOutSchema(Schema):
    kind = fields.String()
    name = fields.String()
    id_number = fields.String(metadata={"description": "masked but for the window clerk"})


class PausedSpanSchema(Schema):
    cause = fields.String(metadata={"description": "hearing, testing, inspection, quarantine, "
                                    "appraisal, expert_review, tender_auction, other, or "
                                    "correction (the applicant's time)"})
    note = fields.String()
    started_on = fields.Date()
    ended_on = fields.Date(allow_none=True, metadata={"description": "null: still paused"})
    days = fields.Integer(allow_none=True, metadata={
        "description": "in the item's unit, once ended; null while paused"})


class _ClockSchema(Schema):
    committed_due = fields.Date(allow_none=True, metadata={
        "description": "承诺时限: the public promise; null before the clock starts"})
    statutory_due = fields.Date(allow_none=True, metadata={
        "description": "法定时限: the legal limit; null for a service commitment no law limits"})
    provisional = fields.Boolean(metadata={
        "description": "a deadline reaches a year whose holiday schedule is not published: "
                       "counted on weekends alone until it is"})
    paused_days = fields.Integer()
    level = fields.String(allow_none=True, metadata={
        "description": "green, yellow, red, or paused; null when not running"})
    statutory_overdue = fields.Boolean()
    on_time = fields.Boolean(allow_none=True, metadata={
        "description": "once decided: within the committed deadline; null until then"})


class ItemClockSchema(_ClockSchema):
    started_on = fields.Date(allow_none=True, metadata={
        "description": "null: the item has not opened"})
    extension_days = fields.Integer()
    paused_spans = fields.List(fields.Nested(PausedSpanSchema))


class ApplicationClockSchema(_ClockSchema):
    accepted_on = fields.Date(allow_none=True, metadata={
        "description": "the clock's start (not counted); null before acceptance"})
    predicted_on = fields.Date(allow_none=True, metadata={
        "description": "from the critical path of the items; null before acceptance"})
    correction_notice_late = fields.Boolean(metadata={
        "description": "the correction notice came more than 5 working days after receipt: "
                       "the application counts as accepted on the day of receipt"})


class MissingMaterialSchema(Schema):
    material = fields.String()
    name = fields.String()
    note = fields.String(allow_none=True)


class CorrectionNoticeSchema(Schema):
    at = fields.DateTime()
    reason = fields.String(allow_none=True)
    missing = fields.List(fields.Nested(MissingMaterialSchema), metadata={
        "description": "every missing or defective material, with what is wrong with it"})
    due_on = fields.Date(allow_none=True, metadata={
        "description": "the day by which the applicant hands them in"})


class AdverseDecisionSchema(Schema):
    at = fields.DateTime()
    reason = fields.String()
    basis = fields.String(allow_none=True, metadata={"description": "the legal basis"})
    remedies = fields.String(allow_none=True, metadata={
        "description": "administrative reconsideration and lawsuit, as the decision states them "
                       "(行政许可法 art. 38)"})


class ResultSchema(Schema):
    item = fields.String(attribute="item_code")
    item_name = fields.String()
    document = fields.String(metadata={"description": "the document issued"})
    number = fields.String(allow_none=True, metadata={
        "description": "the licence or certificate number"})
    valid_from = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True, metadata={"description": "null: without limit"})
    issued_at = fields.DateTime()


class VisitSchema(Schema):
    kind = fields.String(metadata={"description": "intake, correction or delivery"})
    at = fields.DateTime()
    clerk = fields.String(allow_none=True, metadata={
        "description": "who served the applicant ('staff' for applicants)"})


class ItemOutSchema(Schema):
    code = fields.String(attribute="item_code")
    name = fields.String()
    department = fields.String(attribute="department_code")
    department_name = fields.String()
    prerequisites = fields.List(fields.String())
    state = fields.String()
    opened_at = fields.DateTime(allow_none=True, metadata={"description": "null: not yet open"})
    decided_at = fields.DateTime(allow_none=True, metadata={"description": "null: undecided"})
    reason = fields.String(allow_none=True)
    opinion = fields.String(allow_none=True, metadata={
        "description": "审查意见: the reviewer's opinion, once approved"})
    denial = fields.Nested(AdverseDecisionSchema, allow_none=True, metadata={
        "description": "不予许可: once denied"})
    correction_notice = fields.Nested(CorrectionNoticeSchema, allow_none=True, metadata={
        "description": "the department's open correction notice"})
    clock = fields.Nested(ItemClockSchema)


class EventOutSchema(Schema):
    at = fields.DateTime(attribute="created_at")
    actor = fields.String(metadata={"description": "a member of staff's username ('staff' "
                                    "for applicants), 'citizen' or 'system'"})
    actor_kind = fields.String(metadata={"description": "staff, applicant or system"})
    actor_name = fields.String(allow_none=True, metadata={
        "description": "a member of staff's display name (not shown to applicants)"})
    trigger = fields.String()
    item = fields.String(attribute="item_code", allow_none=True, metadata={
        "description": "null: an event of the application itself"})
    from_state = fields.String(data_key="from", allow_none=True, metadata={
        "description": "null: the application's creation"})
    to_state = fields.String(data_key="to")
    reason = fields.String(allow_none=True)
    data = fields.Dict()


class ApplicationSummarySchema(Schema):
    number = fields.String()
    bundle = fields.Nested(BundleRefSchema)
    state = fields.String()
    outcome = fields.String(allow_none=True, metadata={
        "description": "approved, denied, refused or withdrawn; null until it concludes"})
    channel = fields.String()
    applicant = fields.Nested(ApplicantOutSchema)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class AgentOutSchema(Schema):
    name = fields.String()
    id_number = fields.String(metadata={"description": "masked but for the window clerk"})


class ApplicationSchema(ApplicationSummarySchema):
    agent = fields.Nested(AgentOutSchema, allow_none=True, metadata={
        "description": "who applied under a power of attorney; null: the applicant"})
    contact_phone = fields.String(metadata={"description": "masked but for the window clerk"})
    form = fields.Dict()
    materials_handed_in = fields.List(fields.String())
    materials_missing = fields.List(fields.String(), metadata={
        "description": "the latest correction notice: everything still to hand in"})
    delivery_method = fields.String()
    tracking_number = fields.String(allow_none=True, metadata={
        "description": "the post's tracking number, once delivered by post"})
    correction_notice = fields.Nested(CorrectionNoticeSchema, allow_none=True, metadata={
        "description": "the open one-time correction notice (一次告知) at intake"})
    refusal = fields.Nested(AdverseDecisionSchema, allow_none=True, metadata={
        "description": "不予受理: once refused at intake"})
    results = fields.List(fields.Nested(ResultSchema), metadata={
        "description": "the documents the approved items issued: what the applicant receives"})
    visits = fields.List(fields.Nested(VisitSchema), metadata={
        "description": "each time the applicant was served at the window; none: fully online"})
    items = fields.List(fields.Nested(ItemOutSchema))
    history = fields.List(fields.Nested(EventOutSchema))
    clock = fields.Nested(ApplicationClockSchema)


class ApplicationCreatedSchema(ApplicationSchema):
    query_code = fields.String(metadata={
        "description": "for the applicant's status look-up; shown this once, stored hashed"})
    receipt_url = fields.String(metadata={
        "description": "the printable receipt (受理回执) with the query code and a QR code; "
                       "the link works for a week"})


class AllowedTriggersSchema(Schema):
    number = fields.String()
    state = fields.Dict(metadata={"description": "the application's and each item's state"})
    allowed = fields.Dict(metadata={
        "description": '{"application": [trigger, …], "items": {item: [trigger, …]}}'})
