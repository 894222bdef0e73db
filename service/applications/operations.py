"""Creating applications and moving them through their bundle's machine.

The only code that writes applications. Every function flushes and leaves the commit to the
request (or CLI command) that called it, so one request's writes land together or not at all.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload, lazyload
from werkzeug.security import check_password_hash, generate_password_hash

from ..access.models import User
from ..catalog.operations import find_open_version, find_version, machine_for
from ..core.database import db, utcnow
from ..core.problems import Missing
from ..engine import identifiers
from ..engine.actors import SYSTEM, Actor, ActorKind
from ..engine.calendar import SHANGHAI, local_date
from ..engine.errors import InvalidTriggerInput
from ..engine.inputs import check_submission, check_trigger_input, correction_due
from ..engine.machine import Guards, Step, WorkflowState, outcome_of
from ..engine.states import (
    ITEM_CLOCK_STOPPED,
    ApplicantKind,
    ApplicationState,
    AutomaticTrigger,
    Bookkeeping,
    Channel,
    DeliveryMethod,
    ItemState,
    Trigger,
    VisitKind,
)
from ..workdays.operations import calendar_around
from . import events, extensions, notices
from .clock import Clock, overdue_items
from .models import (
    Application,
    ApplicationItem,
    DailyCounter,
    Event,
    ItemResult,
    PausedSpan,
    Visit,
)

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read off a receipt
QUERY_CODE_LENGTH = 10  # 50 bits: guessing is hopeless behind a rate limit
# A random 50-bit secret is not a password: a salted hash with few rounds is enough, and keeps
# creation fast (scrypt here costs ~75 ms of CPU per application).
_QUERY_CODE_HASH = "pbkdf2:sha256:1000"
# Hashed once so that a wrong number costs as much as a wrong code: timing tells nothing.
_DUMMY_HASH = "pbkdf2:sha256:1000$0000000000000000$" + "0" * 64


class ApplicationNotFound(Missing):
    what = "application"


def create_application(*, bundle_code: str, channel: str, applicant: dict, contact_phone: str,
                       form: dict, materials: list[str], delivery_method: str, actor: Actor,
                       agent: dict | None = None,
                       now: datetime | None = None) -> tuple[Application, str]:
    """Record a new application at intake. Returns it with its query code (shown once).

    Raises:
        ValidationError: keyed by the offending field.
    """
    version = find_open_version(bundle_code)
    if version is None:
        known = find_version(bundle_code) is not None
        raise ValidationError({"bundle": [f"bundle {bundle_code!r} is retired: it takes no new "
                                          "applications" if known
                                          else f"unknown bundle {bundle_code!r}"]})
    bundle = machine_for(version).bundle
    checked = check_application(bundle, applicant=applicant, agent=agent,
                                contact_phone=contact_phone, form=form, materials=materials)
    applicant, agent, contact_phone, answers = (
        checked["applicant"], checked["agent"], checked["contact_phone"], checked["form"])

    now = now or utcnow()
    query_code = "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))
    application = Application(
        number=_next_number(now),
        bundle_version_id=version.id,
        bundle_version=version,
        bundle_code=bundle.code,
        state=ApplicationState.SUBMITTED,
        channel=channel,
        applicant_kind=ApplicantKind(applicant["kind"]),
        applicant_name=applicant["name"].strip(),
        applicant_id_number=applicant["id_number"],
        contact_phone=contact_phone,
        agent_name=agent["name"].strip() if agent else None,
        agent_id_number=agent["id_number"] if agent else None,
        form=answers,
        materials_handed_in=sorted(set(materials)),
        materials_missing=[],
        delivery_method=delivery_method,
        query_code_hash=generate_password_hash(query_code, method=_QUERY_CODE_HASH),
        created_at=now,
        updated_at=now,
        items=[
            ApplicationItem(item_code=item.code, department_code=item.department.code,
                            position=position, state=ItemState.PENDING)
            for position, item in enumerate(bundle.items)
        ],
    )
    db.session.add(application)
    db.session.flush()
    events.record(application.id, Bookkeeping.SUBMIT, actor, now,
                  to_state=ApplicationState.SUBMITTED, data={"channel": channel})
    if channel == Channel.WINDOW:
        _visit(application, VisitKind.INTAKE, actor, now)
    db.session.flush()
    return application, query_code


def check_application(bundle, *, applicant: dict, contact_phone: str, form: dict,
                      materials: list[str], agent: dict | None = None) -> dict:
    """Every rule of ``bundle`` for a new application, without recording it: the applicant's
    kind and identifier, the agent's resident ID, the phone, the form and the material codes.
    Returns them normalised (``applicant``, ``agent``, ``contact_phone``, ``form``).

    Raises:
        ValidationError: keyed by the offending field, as ``create_application`` is.
    """
    errors: dict = {}
    applicant = dict(applicant)
    applicant_errors = _check_applicant(applicant, bundle.audience)
    if applicant_errors:
        errors["applicant"] = applicant_errors
    if agent is not None:
        agent = dict(agent)
        try:
            agent["id_number"] = identifiers.resident_id(agent.get("id_number", ""))
        except identifiers.InvalidIdentifier as error:
            errors["agent"] = {"id_number": [str(error)]}
        if not agent.get("name", "").strip():
            errors.setdefault("agent", {})["name"] = ["the agent's name is missing"]
    try:
        contact_phone = identifiers.phone(contact_phone)
    except identifiers.InvalidIdentifier as error:
        errors["contact_phone"] = [str(error)]
    answers = {}
    try:
        answers = check_submission(bundle, form, materials)
    except ValidationError as error:
        errors.update(error.messages)
    if errors:
        raise ValidationError(errors)
    return {"applicant": applicant, "agent": agent, "contact_phone": contact_phone,
            "form": answers}


def _check_applicant(applicant: dict, audience: ApplicantKind) -> dict:
    if applicant["kind"] != audience:
        expected = "a person" if audience == ApplicantKind.PERSON else "a company"
        return {"kind": [f"this bundle is applied for by {expected} ({audience.value!r})"]}
    check = (identifiers.resident_id if audience == ApplicantKind.PERSON
             else identifiers.credit_code)
    try:
        applicant["id_number"] = check(applicant["id_number"])
    except identifiers.InvalidIdentifier as error:
        return {"id_number": [str(error)]}
    return {}


def _next_number(now: datetime) -> str:
    """``YYYYMMDD`` + a six-digit daily sequence, counted atomically by the database."""
    day = now.astimezone(SHANGHAI).date()
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(DailyCounter)
        .values(day=day, last=1)
        .on_conflict_do_update(index_elements=[DailyCounter.day],
                               set_={"last": DailyCounter.last + 1})
        .returning(DailyCounter.last)
    )
    sequence = db.session.execute(statement).scalar_one()
    return f"{day:%Y%m%d}{sequence:06d}"


def get_application(number: str) -> Application:
    """The application with its items, in one statement (reads only: see :func:`lock`)."""
    application = db.session.scalars(
        select(Application).where(Application.number == number)
        .options(joinedload(Application.items))).unique().first()
    if application is None:
        raise ApplicationNotFound(number)
    return application


def find_by_query_code(number: str, query_code: str) -> Application | None:
    """The application if both match; None for a wrong number or a wrong code alike."""
    application = db.session.scalar(select(Application).where(Application.number == number))
    code = query_code.strip().upper()
    matches = check_password_hash(application.query_code_hash if application else _DUMMY_HASH,
                                  code)
    return application if application is not None and matches else None


# Who acted is shown by name: their departments would be one more query each for nothing.
_ACTOR_NAMES_ONLY = lazyload(User.departments)


def history(application: Application) -> list[Event]:
    return list(db.session.scalars(
        select(Event).where(Event.application_id == application.id).order_by(Event.id)
        .options(joinedload(Event.actor_user).options(_ACTOR_NAMES_ONLY))))


def paused_spans(application: Application, events: list[Event]) -> list[PausedSpan]:
    """The spans its items' clocks stood still. A span begins with an item's step into a state
    that stops its clock, so a history (``events``) without one spares the query."""
    if not any(event.item_code and event.to_state in ITEM_CLOCK_STOPPED for event in events):
        return []
    return list(db.session.scalars(
        select(PausedSpan).where(PausedSpan.application_id == application.id)))


def results(application: Application) -> list[ItemResult]:
    """What the approved items issued, in the items' order: what the applicant receives."""
    if not any(row.state == ItemState.APPROVED for row in application.items):
        return []  # only an approval issues a result
    return list(db.session.scalars(
        select(ItemResult).join(ItemResult.item)
        .where(ItemResult.application_id == application.id)
        .order_by(ApplicationItem.position)))


def visits(application: Application) -> list[Visit]:
    return list(db.session.scalars(
        select(Visit).where(Visit.application_id == application.id)
        .order_by(Visit.at, Visit.id)
        .options(joinedload(Visit.clerk).options(_ACTOR_NAMES_ONLY))))


def list_applications(*, bundle: str | None = None, state: str | None = None,
                      departments: list[str] | None = None, channel: str | None = None,
                      offset: int = 0, limit: int = 20) -> tuple[list[Application], int]:
    """A page of applications, newest first, and how many match in all."""
    query = select(Application)
    if bundle:
        query = query.where(Application.bundle_code == bundle)
    if state:
        query = query.where(Application.state == state)
    if channel:
        query = query.where(Application.channel == channel)
    if departments is not None:
        query = query.where(Application.id.in_(
            select(ApplicationItem.application_id)
            .where(ApplicationItem.department_code.in_(departments))))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = db.session.scalars(query.order_by(Application.id.desc()).offset(offset).limit(limit))
    return list(page), total


def allowed_triggers(application: Application) -> dict:
    """What the application's state allows now: ``{"application": [...], "items": {...}}``."""
    machine = machine_for(application.bundle_version)
    return machine.allowed(workflow_state(application),
                           guards_for(application, machine.bundle, utcnow()))


def lock(number: str) -> Application:
    """The application, its row locked (``SELECT … FOR UPDATE``) until the request commits: two
    writers of one application run one after the other, the second seeing the first's result.
    Its items come in a statement of their own, after the lock: joined to the locking statement,
    a writer that waited would get its application's row as the winner left it but the items as
    they were before (PostgreSQL rechecks only the locked rows).

    Raises:
        ApplicationNotFound.
    """
    application = db.session.scalars(
        select(Application).where(Application.number == number)
        .with_for_update(of=Application)
        .execution_options(populate_existing=True)
    ).first()
    if application is None:
        raise ApplicationNotFound(number)
    return application


def fire(number: str, trigger: Trigger, item: str | None, reason: str | None, data: dict,
         actor: Actor, now: datetime | None = None) -> Application:
    """Lock the application, then :func:`fire_on` it."""
    return fire_on(lock(number), trigger, item, reason, data, actor, now)


def fire_on(application: Application, trigger: Trigger, item: str | None, reason: str | None,
            data: dict, actor: Actor, now: datetime | None = None) -> Application:
    """Fire a trigger on a locked application, with every automatic transition it enables.

    Raises:
        InvalidTriggerInput, TriggerNotAllowed.
    """
    machine = machine_for(application.bundle_version)
    bundle = machine.bundle
    rows = {row.item_code: row for row in application.items}
    cleaned = check_trigger_input(bundle, trigger, item, reason, data,
                                  extended=rows[item].extension_days if item in rows else 0,
                                  delivery_method=application.delivery_method)
    now = now or utcnow()
    guards = guards_for(application, bundle, now)
    _complete(cleaned, trigger, item, actor, guards, local_date(now))

    state, steps = machine.fire(workflow_state(application), trigger, item, guards)
    record_steps(application, steps, state, actor, reason, cleaned, now)
    Clock(application, bundle, now, calendar_around,
          current_app.config["WARNING_YELLOW_SHARE"]).apply(steps, cleaned, reason)
    db.session.flush()
    return application


def _complete(cleaned: dict, trigger: Trigger, item: str | None, actor: Actor, guards: Guards,
              today: date) -> None:
    """What a step records beyond its request: the notice's materials and time limit, where a
    correction came in, the remedies a refusal states.

    Raises:
        InvalidTriggerInput: keyed ``data.<field>``.
    """
    if trigger == Trigger.REQUEST_CORRECTION:
        if item is None and not cleaned.get("missing"):
            cleaned["missing"] = [{"material": code, "note": None}
                                  for code in guards.missing_materials]
            if not cleaned["missing"]:
                raise InvalidTriggerInput({"data": {"missing": [
                    "every material is handed in: name what is wrong with one, or accept"]}})
        cleaned["due_on"] = correction_due(cleaned, today, calendar_around(today),
                                           current_app.config["CORRECTION_DAYS"])
        cleaned.pop("days", None)
    elif trigger == Trigger.SUPPLEMENT:
        by_staff = actor.kind == ActorKind.STAFF
        cleaned.setdefault("channel", Channel.WINDOW if by_staff else Channel.ONLINE)
        if cleaned["channel"] == Channel.WINDOW and not by_staff:
            raise InvalidTriggerInput({"data": {"channel": [
                "materials handed in at the window are recorded by the clerk"]}})
    elif trigger in (Trigger.REFUSE, Trigger.DENY):
        cleaned["remedies"] = current_app.config["REMEDIES"]


def guards_for(application: Application, bundle, now: datetime) -> Guards:
    return Guards(
        missing_materials=tuple(bundle.missing_materials(set(application.materials_handed_in))),
        overdue_items=overdue_items(application, local_date(now)),
    )


def workflow_state(application: Application) -> WorkflowState:
    return WorkflowState(
        ApplicationState(application.state),
        {row.item_code: ItemState(row.state) for row in application.items},
    )


def record_steps(application: Application, steps: list[Step], state: WorkflowState, actor: Actor,
            reason: str | None, data: dict, now: datetime) -> None:
    items = {row.item_code: row for row in application.items}
    for step in steps:
        if step.automatic:
            event_actor, event_reason, event_data = SYSTEM, _automatic_reason(step, state), {}
        else:
            event_actor, event_reason, event_data = actor, reason, data
        events.record(application.id, step.trigger, event_actor, now, item_code=step.item,
                      from_state=step.from_state, to_state=step.to_state, reason=event_reason,
                      data=_jsonable(event_data))
        if step.item is not None:
            row = items[step.item]
            row.state = step.to_state
            if step.to_state == ItemState.OPEN:
                row.opened_at = now
            elif step.to_state in (ItemState.APPROVED, ItemState.DENIED):
                row.decided_at, row.reason = now, reason
            elif step.to_state == ItemState.CANCELLED:
                row.decided_at, row.reason = now, event_reason
        if not step.automatic:
            _apply_effects(application, items.get(step.item), step, reason, data, actor, now)
    application.state = state.application
    if state.application == ApplicationState.CONCLUDED and application.outcome is None:
        application.outcome = outcome_of(state.items)
    application.updated_at = now
    notices.notify(application, steps, data, now)


def _apply_effects(application: Application, row: ApplicationItem | None, step: Step,
                   reason: str | None, data: dict, actor: Actor, now: datetime) -> None:
    """What a person's step changes beyond states: the materials on file, the results issued,
    the extension requests settled, the delivery, the applicant's visits."""
    if step.trigger == Trigger.SUPPLEMENT and data["channel"] == Channel.WINDOW:
        _visit(application, VisitKind.CORRECTION, actor, now)
    if row is not None:
        if step.trigger == Trigger.APPROVE:
            db.session.add(ItemResult(application_id=application.id, item_id=row.id,
                                      issued_at=now, **data["result"]))
        elif step.trigger == Trigger.EXTEND:
            extensions.settle(row, data["days"], reason, actor, now)
        return
    if step.trigger == Trigger.REQUEST_CORRECTION:
        application.materials_missing = [entry["material"] for entry in data["missing"]]
        application.correction_notices += 1
    elif step.trigger == Trigger.SUPPLEMENT:
        application.materials_handed_in = sorted(
            set(application.materials_handed_in) | set(data["materials"]))
        application.materials_missing = []
    elif step.trigger == Trigger.DELIVER:
        application.delivery_method = data["method"]
        application.tracking_number = data.get("tracking_number")
        if data["method"] == DeliveryMethod.WINDOW:
            _visit(application, VisitKind.DELIVERY, actor, now)


def _visit(application: Application, kind: VisitKind, actor: Actor, now: datetime) -> None:
    db.session.add(Visit(application_id=application.id, kind=kind, at=now,
                         clerk_user_id=actor.user_id))
    application.visit_count += 1


def _jsonable(value):
    """Event data as JSON stores it: days as ISO dates."""
    if isinstance(value, dict):
        return {key: _jsonable(each) for key, each in value.items()}
    if isinstance(value, list):
        return [_jsonable(each) for each in value]
    return value.isoformat() if isinstance(value, date) else value


def _automatic_reason(step: Step, state: WorkflowState) -> str | None:
    if step.trigger == AutomaticTrigger.OPEN:
        return "all prerequisites approved" if step.item else None
    if step.trigger == AutomaticTrigger.CANCEL:
        return "a prerequisite was not approved"
    if step.trigger == AutomaticTrigger.CONCLUDE:
        return f"every item decided: {outcome_of(state.items).value}"
    if step.trigger == AutomaticTrigger.CLOSE_WITHDRAWN:
        return "every item withdrawn"
    return None
