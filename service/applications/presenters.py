"""An application as the API shows it, joined with its bundle version's definition."""

from datetime import date

from ..engine.actors import ActorKind
from ..engine.identifiers import mask_id, mask_phone
from ..engine.states import ApplicationState, EventKind, ItemState
from ..engine.terms import FieldType
from .clock_view import application_clock, item_clock
from .models import Application, Event, ItemResult, PausedSpan, Visit


def state_of(application: Application) -> dict:
    return {"application": application.state,
            "items": {row.item_code: row.state for row in application.items}}


# What the API's ``actor`` says for those who are not staff (the values it always had).
_ACTOR_WORDS = {ActorKind.APPLICANT: "citizen", ActorKind.SYSTEM: "system"}
STAFF_NAMES_HIDDEN = "staff"


def present_event(event: Event, staff_names: bool = True) -> dict:
    """One event; who acted by username and display name, or, without ``staff_names`` (for
    applicants), only that a member of staff did."""
    shown = {key: getattr(event, key) for key in ("created_at", "trigger", "item_code",
                                                  "from_state", "to_state", "reason", "data")}
    shown["actor_kind"] = event.actor_kind
    if event.actor_kind != ActorKind.STAFF:
        shown["actor"], shown["actor_name"] = _ACTOR_WORDS[event.actor_kind], None
    elif staff_names:
        shown["actor"] = event.actor_user.username
        shown["actor_name"] = event.actor_user.display_name
    else:
        shown["actor"], shown["actor_name"] = STAFF_NAMES_HIDDEN, None
    return shown


# Answers of these types are masked as the applicant's own ID number and phone are.
ANSWER_MASKS = {FieldType.RESIDENT_ID: mask_id, FieldType.MOBILE: mask_phone}


def _agent(application: Application, personal_data: bool) -> dict | None:
    if application.agent_name is None:
        return None
    id_number = application.agent_id_number
    return {"name": application.agent_name,
            "id_number": id_number if personal_data else mask_id(id_number)}


def _masked(form: dict, definition: dict) -> dict:
    """The answers, with ID numbers and mobile numbers masked as the applicant's are."""
    masks = {field["code"]: ANSWER_MASKS[field["type"]] for field in definition["form"]
             if field.get("type") in ANSWER_MASKS}
    return {code: masks[code](answer) if code in masks and isinstance(answer, str) else answer
            for code, answer in form.items()}


def present(application: Application, events: list[Event] | None = None,
            spans: list[PausedSpan] | None = None, today: date | None = None,
            personal_data: bool = False, staff_names: bool = True,
            results: list[ItemResult] | None = None, visits: list[Visit] | None = None) -> dict:
    """The application; with ``events`` its history and the notices and decisions it records,
    with ``spans`` its clocks, with ``results`` what it issued, with ``visits`` the applicant's
    visits. ID number and phone are masked unless ``personal_data``."""
    id_number, phone = application.applicant_id_number, application.contact_phone
    if not personal_data:
        id_number, phone = mask_id(id_number), mask_phone(phone)
    version = application.bundle_version
    definition = version.definition
    items = {item["code"]: item for item in definition["items"]}
    body = {
        "number": application.number,
        "bundle": {"code": definition["code"], "name": definition["name"],
                   "version": version.version},
        "state": application.state,
        "outcome": application.outcome,
        "channel": application.channel,
        "applicant": {"kind": application.applicant_kind, "name": application.applicant_name,
                      "id_number": id_number},
        "agent": _agent(application, personal_data),
        "contact_phone": phone,
        "form": application.form if personal_data else _masked(application.form, definition),
        "materials_handed_in": application.materials_handed_in,
        "materials_missing": application.materials_missing,
        "delivery_method": application.delivery_method,
        "tracking_number": application.tracking_number,
        "created_at": application.created_at,
        "updated_at": application.updated_at,
        "items": [
            {
                "item_code": row.item_code,
                "name": items[row.item_code]["name"],
                "department_code": row.department_code,
                "department_name": items[row.item_code]["department"]["name"],
                "prerequisites": items[row.item_code]["prerequisites"],
                "state": row.state,
                "opened_at": row.opened_at,
                "decided_at": row.decided_at,
                "reason": row.reason,
            }
            for row in application.items
        ],
    }
    if events is not None:
        body["history"] = [present_event(event, staff_names) for event in events]
        _decisions(body, application, events, definition)
    if results is not None:
        body["results"] = [present_result(result, items) for result in results]
    if visits is not None:
        body["visits"] = [present_visit(visit, staff_names) for visit in visits]
    if spans is not None:
        body["clock"] = application_clock(application, today)
        by_item: dict[int, list[PausedSpan]] = {}
        for span in spans:
            by_item.setdefault(span.item_id, []).append(span)
        for row, shown in zip(application.items, body["items"], strict=True):
            shown["clock"] = item_clock(row, by_item.get(row.id, []), today)
    return body


def present_result(result: ItemResult, items: dict) -> dict:
    return {"item_code": result.item.item_code, "item_name": items[result.item.item_code]["name"],
            **{key: getattr(result, key) for key in ("document", "number", "valid_from",
                                                     "valid_until", "issued_at")}}


def present_visit(visit: Visit, staff_names: bool = True) -> dict:
    clerk = None
    if visit.clerk is not None:
        clerk = visit.clerk.username if staff_names else STAFF_NAMES_HIDDEN
    return {"kind": visit.kind, "at": visit.at, "clerk": clerk}


def _decisions(body: dict, application: Application, events: list[Event],
               definition: dict) -> None:
    """The open correction notices, the refusal, each item's opinion or denial: as the latest
    event of each kind records them."""
    latest = {(event.item_code, event.trigger): event for event in events}
    names = {material["code"]: material["name"] for material in definition["materials"]}

    def notice(item_code):
        event = latest.get((item_code, EventKind.REQUEST_CORRECTION))
        return None if event is None else correction_notice(event, names)

    body["correction_notice"] = (notice(None) if application.state == ApplicationState.CORRECTION
                                 else None)
    refusal = latest.get((None, EventKind.REFUSE))
    refused = refusal is not None and application.state == ApplicationState.REFUSED
    body["refusal"] = _adverse(refusal) if refused else None
    for row, shown in zip(application.items, body["items"], strict=True):
        approval = latest.get((row.item_code, EventKind.APPROVE))
        denial = latest.get((row.item_code, EventKind.DENY))
        shown["correction_notice"] = (notice(row.item_code) if row.state == ItemState.CORRECTION
                                      else None)
        shown["opinion"] = (approval.data.get("opinion")
                            if approval and row.state == ItemState.APPROVED else None)
        shown["denial"] = _adverse(denial) if denial and row.state == ItemState.DENIED else None


def last_event(events: list[Event], item_code: str | None, kind: EventKind) -> Event | None:
    """The latest of ``events`` of ``kind`` on ``item_code`` (None: the application's own)."""
    return next((event for event in reversed(events)
                 if event.item_code == item_code and event.trigger == kind), None)


def waiting_notices(application: Application, events: list[Event], bundle) -> list[dict]:
    """The correction notices the applicant has still to answer: the window's at intake (item
    None) while the application is in correction, and each department's whose item is; each
    with its ``item``, ``department`` (None: the window's) and what ``correction_notice``
    reads from it."""
    names = {material.code: material.name for material in bundle.materials}
    waiting = [(None, None)] if application.state == ApplicationState.CORRECTION else []
    waiting += [(row.item_code, bundle.item(row.item_code).department.name)
                for row in application.items if row.state == ItemState.CORRECTION]
    found = []
    for item_code, department in waiting:
        event = last_event(events, item_code, EventKind.REQUEST_CORRECTION)
        notice = (correction_notice(event, names) if event
                  else {"at": None, "reason": None, "missing": [], "due_on": None})
        found.append({"item": item_code, "department": department, **notice})
    return found


def correction_notice(event: Event, names: dict) -> dict:
    """A one-time correction notice, from its event: each material (``names``: code → name)
    with its note, and the day to hand them in by (none on notices recorded before notices had
    one)."""
    due_on = event.data.get("due_on")
    return {"at": event.created_at, "reason": event.reason,
            "missing": [{"material": entry["material"],
                         "name": names.get(entry["material"], entry["material"]),
                         "note": entry.get("note")} for entry in event.data.get("missing", [])],
            "due_on": date.fromisoformat(due_on) if due_on else None}


def _adverse(event: Event) -> dict:
    """A refusal or denial as the applicant is told it (行政许可法 art. 38)."""
    return {"at": event.created_at, "reason": event.reason, "basis": event.data.get("basis"),
            "remedies": event.data.get("remedies")}
