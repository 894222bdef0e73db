"""An application as the window's page shows it: everything in full (the clerk checks identity
and calls the applicant), with what the clerk may do next."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from ..applications import operations
from ..applications.models import Application
from ..applications.presenters import last_event, present
from ..catalog.operations import machine_for
from ..core.i18n import size_words
from ..engine.bundle import POWER_OF_ATTORNEY
from ..engine.states import ApplicationState, Channel, EventKind, Trigger
from ..staff.answers import shown_answer
from ..uploads.inspection import MediaType
from ..uploads.operations import of_application
from ..uploads.scanning import ScanState
from .intake import GROUPS
from .queues import standing
from .wording import POWER_OF_ATTORNEY_NAME

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
    online = application.channel == Channel.ONLINE
    return {
        "application": body,
        "bundle": bundle,
        "due": row.due,
        "level": row.level,
        "prereview": row.prereview,
        "answers": _answers(bundle, application.form),
        "online": online,
        "materials": (_uploaded_materials(bundle, application, events) if online
                      else _materials(bundle, application)),
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


_IMAGES = frozenset({MediaType.JPEG, MediaType.PNG})


def _uploaded_materials(bundle, application: Application, events) -> list[dict]:
    """An online application's materials, each with the files uploaded for it: at submission
    and, marked ``later``, in answer to a correction notice. A material is received when it has
    a file; one an electronic certificate covers needs none."""
    files = defaultdict(list)
    for attachment in sorted(of_application(application.id),
                             key=lambda attachment: (attachment.uploaded_at, attachment.id)):
        files[attachment.material_code].append(attachment)
    noticed = next((event.created_at for event in events if event.item_code is None
                    and event.trigger == EventKind.REQUEST_CORRECTION), None)
    missing = set(application.materials_missing)
    names = [(material.code, material.name, material.exempt) for material in bundle.materials]
    known = {code for code, _, _ in names}
    names += [(code, POWER_OF_ATTORNEY_NAME if code == POWER_OF_ATTORNEY else code, False)
              for code in files if code not in known]  # an agent's, or an older version's
    return [{"code": code, "name": name, "exempt": exempt, "missing": code in missing,
             "handed_in": bool(files[code]),
             "files": [_file(attachment, noticed) for attachment in files[code]]}
            for code, name, exempt in names]


def _file(attachment, noticed) -> dict:
    return {"id": attachment.id, "filename": attachment.filename,
            "size": size_words(attachment.size), "media_type": attachment.media_type,
            "pages": attachment.pages, "scan_state": attachment.scan_state,
            "uploaded_at": attachment.uploaded_at,
            "image": attachment.media_type in _IMAGES,
            # An infected file is listed, never served.
            "downloadable": attachment.scan_state != ScanState.INFECTED,
            "later": noticed is not None and attachment.uploaded_at > noticed}
