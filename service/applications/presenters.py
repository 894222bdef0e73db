"""An application as the API shows it, joined with its bundle version's definition."""

from datetime import date

from ..deadlines.views import application_clock, item_clock
from ..engine.identifiers import mask_id, mask_phone
from .models import Application, Event, PausedSpan


def state_of(application: Application) -> dict:
    return {"application": application.state,
            "items": {row.item_code: row.state for row in application.items}}


def present(application: Application, events: list[Event] | None = None,
            spans: list[PausedSpan] | None = None, today: date | None = None,
            personal_data: bool = False) -> dict:
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
        body["history"] = events
    if spans is not None:
        body["clock"] = application_clock(application, today)
        by_item: dict[int, list[PausedSpan]] = {}
        for span in spans:
            by_item.setdefault(span.item_id, []).append(span)
        for row, shown in zip(application.items, body["items"], strict=True):
            shown["clock"] = item_clock(row, by_item.get(row.id, []), today)
    return body
