"""What the window prints on A4 with the browser's print: the receipt (受理回执), the one-time
correction notice (一次性告知书) and the refusal (不予受理决定书), each with the service
centre, the date and the clerk who decided. An application submitted online says so: its
applicant came to no window, and may answer a notice online."""

from flask import abort, current_app, render_template

from ..applications import operations
from ..applications.presenters import correction_notice, last_event
from ..catalog.operations import machine_for
from ..engine.calendar import local_date
from ..engine.states import Channel, EventKind
from ..portal.receipts import qr_svg, status_link
from ..portal.status import status_of
from .apply import remembered_query_code
from .blueprint import bp

DOCUMENTS = {"receipt": EventKind.ACCEPT, "notice": EventKind.REQUEST_CORRECTION,
             "refusal": EventKind.REFUSE}


@bp.get("/applications/<number>/print/<document>")
def print_document(number, document):
    if document not in DOCUMENTS:
        abort(404)
    application = operations.get_application(number)
    event = last_event(operations.history(application), None, DOCUMENTS[document])
    if event is None:
        abort(404)
    bundle = machine_for(application.bundle_version).bundle
    link = status_link(number)
    shared = {
        "application": application, "bundle": bundle, "event": event,
        "on": local_date(event.created_at), "clerk": event.actor_user,
        "centre": current_app.config["SERVICE_CENTRE_NAME"],
        "query_code": remembered_query_code(number), "qr": qr_svg(link), "link": link,
        "online": application.channel == Channel.ONLINE,
    }
    if document == "receipt":
        return render_template("window/print/receipt.html", view=status_of(application),
                               committed=application.bundle_version.definition["limits"],
                               **shared)
    if document == "notice":
        names = {material.code: material.name for material in bundle.materials}
        return render_template("window/print/notice.html",
                               notice=correction_notice(event, names), **shared)
    return render_template("window/print/refusal.html", data=event.data, **shared)
