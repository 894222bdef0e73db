"""One item as its department's page shows it: what is needed to decide it, and no more.

The form answers this item asks for (ID numbers and phones masked, as the API shows them to a
department), its materials, what its prerequisites decided and issued, its clock, its history,
and what the signed-in member of staff may do next.
"""

from __future__ import annotations

from datetime import date

from ..access.models import User
from ..access.policy import may_fire
from ..applications import extensions, operations
from ..applications.clock_view import item_clock
from ..applications.models import Application, ApplicationItem
from ..applications.presenters import present_result
from ..catalog.operations import machine_for
from ..core.database import db
from ..core.problems import Missing
from ..engine.identifiers import mask_id, mask_phone
from ..engine.states import ExtensionState, Trigger
from ..staff.answers import shown_answer
from .worklist import item_level

# The item's own steps, in the order the page offers them.
ACTIONS = (Trigger.START_REVIEW, Trigger.APPROVE, Trigger.DENY, Trigger.REQUEST_CORRECTION,
           Trigger.SUPPLEMENT, Trigger.PAUSE, Trigger.RESUME, Trigger.EXTEND)


class ItemNotFound(Missing):
    what = "item"


def department_item(application: Application, item_code: str,
                    departments: frozenset[str]) -> ApplicationItem:
    """The item, if it is one of ``departments``'; else it does not exist for them."""
    row = next((row for row in application.items if row.item_code == item_code), None)
    if row is None or row.department_code not in departments:
        raise ItemNotFound(f"{application.number}/{item_code}")
    return row


def casefile(application: Application, row: ApplicationItem, user, today: date) -> dict:
    bundle = machine_for(application.bundle_version).bundle
    item = bundle.item(row.item_code)
    history = operations.history(application)
    events = [event for event in history if event.item_code in (None, row.item_code)]
    spans = [span for span in operations.paused_spans(application, history)
             if span.item_id == row.id]
    items = {entry["code"]: entry for entry in application.bundle_version.definition["items"]}
    results = [present_result(result, items) for result in operations.results(application)]
    allowed = operations.allowed_triggers(application)["items"].get(row.item_code, [])
    requests = [request for request in extensions.requests_of(application)
                if request.item_id == row.id]
    return {
        "application": application,
        "bundle": bundle,
        "item": item,
        "row": row,
        "clock": item_clock(row, spans, today),
        "level": item_level(row, today),
        "answers": _answers(bundle, item, application.form),
        "materials": _materials(bundle, item, application),
        "prerequisites": [
            {"name": bundle.item(code).name, "department": bundle.item(code).department.name,
             "state": state_of(application, code),
             "results": [result for result in results if result["item_code"] == code]}
            for code in item.prerequisites],
        "results": [result for result in results if result["item_code"] == row.item_code],
        "actions": [Trigger(trigger) for trigger in ACTIONS
                    if trigger in allowed and may_fire(user, trigger, row.department_code)],
        # A reviewer asks for an extension; the supervisor grants one (art. 42).
        "may_request_extension": (Trigger.EXTEND in allowed
                                  and not may_fire(user, Trigger.EXTEND, row.department_code)),
        "pending_extension": next((request for request in requests
                                   if request.state == ExtensionState.PENDING), None),
        "extensions": requests,
        "events": events,
        "assignee": db.session.get(User, row.assignee_user_id) if row.assignee_user_id else None,
        "applicant": {"name": application.applicant_name,
                      "id_number": mask_id(application.applicant_id_number),
                      "phone": mask_phone(application.contact_phone)},
    }


def state_of(application: Application, item_code: str):
    return next(row.state for row in application.items if row.item_code == item_code)


def _answers(bundle, item, form: dict) -> list[tuple[str, object]]:
    """The answers to the fields this item asks for, and only those (data minimisation)."""
    shown = []
    for field in bundle.form:
        if field.code not in item.fields or field.code not in form:
            continue
        shown.append((field.label, shown_answer(field, form[field.code], masked=True)))
    return shown


def _materials(bundle, item, application: Application) -> list[dict]:
    names = {material.code: material for material in bundle.materials}
    shared = {material.code: material for material in bundle.shared}
    handed_in = set(application.materials_handed_in)
    found = []
    for code in item.materials:
        if code in shared:
            found.append({"code": code, "name": shared[code].name, "status": "shared",
                          "from": bundle.item(shared[code].produced_by).name})
        elif code in names:
            status = ("exempt" if names[code].exempt
                      else "handed_in" if code in handed_in else "missing")
            found.append({"code": code, "name": names[code].name, "status": status,
                          "from": None})
    return found
