"""An application as the window's page shows it: everything in full (the clerk checks identity
and calls the applicant), with what the clerk may do next."""

from __future__ import annotations

from datetime import date

from ..applications import operations
from ..applications.models import Application
from ..applications.presenters import last_event, present
from ..catalog.operations import machine_for
from ..engine.states import ApplicationState, EventKind, Trigger
from ..staff.answers import shown_answer
from .intake import GROUPS
from .queues import standing

# What a clerk does, in the order the page offers it.
ACTIONS = (Trigger.ACCEPT, Trigger.REQUEST_CORRECTION, Trigger.SUPPLEMENT, Trigger.REFUSE,
           Trigger.DELIVER, Trigger.WITHDRAW)


def casefile(application: Application, calendar, today: date) -> dict:
    bundle = machine_for(application.bundle_version).bundle
    events = operations.history(application)
    body = present(application, events, operations.paused_spans(application, events), today=today,
                   personal_data=True, results=operations.results(application),
                   visits=operations.visits(application))
    allowed = set(operations.allowed_triggers(application)["application"])
    row = standing([application], calendar, today)[0]
    accepted = any(event.trigger == EventKind.ACCEPT for event in events)
    return {
        "application": body,
        "bundle": bundle,
        "due": row.due,
        "level": row.level,
        "answers": _answers(bundle, application.form),
        "materials": _materials(bundle, application),
        "actions": [trigger for trigger in ACTIONS if trigger in allowed],
        "documents": {
            "receipt": accepted,
            "notice": last_event(events, None, EventKind.REQUEST_CORRECTION) is not None,
            "refusal": application.state == ApplicationState.REFUSED,
        },
        "events": events,
    }


def _answers(bundle, form: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """The answers in the form's sections: (section, [(label, answer)])."""
    sections: list[tuple[str, list]] = []
    for field in bundle.form:
        if field.code not in form:
            continue
        title = GROUPS[field.group]
        if not sections or sections[-1][0] != title:
            sections.append((title, []))
        sections[-1][1].append((field.label, shown_answer(field, form[field.code])))
    return sections


def _materials(bundle, application: Application) -> list[dict]:
    handed_in = set(application.materials_handed_in)
    missing = set(application.materials_missing)
    return [{"code": material.code, "name": material.name, "exempt": material.exempt,
             "handed_in": material.code in handed_in, "missing": material.code in missing}
            for material in bundle.materials]
