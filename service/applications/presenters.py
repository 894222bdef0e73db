"""An application as the API shows it, joined with its bundle version's definition."""

from datetime import date

from ..engine.actors import ActorKind
from ..engine.identifiers import mask_id, mask_phone
from .clock_view import application_clock, item_clock
from .models import Application, Event, PausedSpan


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


def present(application: Application, events: list[Event] | None = None,
            spans: list[PausedSpan] | None = None, today: date | None = None,
            personal_data: bool = False, staff_names: bool = True) -> dict:
    """The application; with ``events`` its history, and with ``spans`` its clocks. ID number
    and phone are masked unless ``personal_data``."""
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
        "contact_phone": phone,
        "form": application.form,
        "materials_handed_in": application.materials_handed_in,
        "materials_missing": application.materials_missing,
        "delivery_method": application.delivery_method,
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
    if spans is not None:
        body["clock"] = application_clock(application, today)
        by_item: dict[int, list[PausedSpan]] = {}
        for span in spans:
            by_item.setdefault(span.item_id, []).append(span)
        for row, shown in zip(application.items, body["items"], strict=True):
            shown["clock"] = item_clock(row, by_item.get(row.id, []), today)
    return body
