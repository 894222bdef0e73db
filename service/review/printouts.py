"""What a department prints on A4: the denial (不予许可决定书, with the applicant's remedies,
行政许可法 art. 38) and the approval's decision with the document it issues (art. 39)."""

from flask import abort, current_app, render_template
from flask_login import current_user

from ..applications import operations
from ..applications.presenters import last_event
from ..catalog.operations import machine_for
from ..engine.calendar import local_date
from ..engine.states import EventKind
from .casefile import department_item
from .pages import bp

DOCUMENTS = {"denial": EventKind.DENY, "result": EventKind.APPROVE}


@bp.get("/review/items/<number>/<item_code>/print/<document>")
def print_document(number, item_code, document):
    if document not in DOCUMENTS:
        abort(404)
    application = operations.get_application(number)
    row = department_item(application, item_code, current_user.department_codes)
    event = last_event(operations.history(application), item_code, DOCUMENTS[document])
    if event is None:
        abort(404)
    bundle = machine_for(application.bundle_version).bundle
    return render_template(f"review/print/{document}.html", application=application,
                           bundle=bundle, item=bundle.item(row.item_code), event=event,
                           data=event.data, on=local_date(event.created_at),
                           clerk=event.actor_user,
                           centre=current_app.config["SERVICE_CENTRE_NAME"])
