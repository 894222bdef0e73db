"""An applicant's own application, online: where it stands, and answering a one-time correction
notice by uploading what it lists to the same application."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from ..access.actors import current_actor
from ..access.citizens import SESSION_KEY as CITIZEN_SESSION_KEY
from ..access.phone_sessions import current_phone
from ..applications import operations as applications
from ..applications.models import Application
from ..applications.presenters import waiting_notices
from ..catalog.operations import machine_for
from ..core.database import db
from ..core.input_guard import accepts_uploads
from ..engine.errors import InvalidTriggerInput, TriggerNotAllowed
from ..engine.states import Channel, Trigger
from ..portal.status import status_of
from ..uploads import operations as uploads
from ..uploads.inspection import UploadRefused
from .blueprint import bp
from .materials import FILES_PER_MATERIAL, file_field, material_names

ITEM = "item"  # the form's field naming which notice is answered: an item's code, or none


def _own(number: str, lock: bool = False) -> Application:
    """The application, if its contact phone is the number the applicant proved; else 404 (its
    existence is not confirmed to anyone else)."""
    try:
        application = (applications.lock if lock else applications.get_application)(number)
    except applications.ApplicationNotFound:
        abort(404)
    if application.contact_phone != current_phone():
        abort(404)
    return application


@bp.get("/applications/<number>")
def application(number):
    found = _own(number)
    # The phone proved it is theirs: the status page (and its rating) opens without the code.
    session[CITIZEN_SESSION_KEY] = found.number
    return _page(found, {})


def _page(found: Application, errors: dict):
    view = status_of(found)
    return render_template("online/application.html", application=found, view=view,
                           notices=view["notices"],
                           names=material_names(machine_for(found.bundle_version).bundle),
                           files=uploads.of_application(found.id), errors=errors,
                           item_field=ITEM)


@bp.post("/applications/<number>/materials")
@accepts_uploads
def supplement(number):
    """Upload what a notice lists; the step is recorded as a supplement made online (no visit)."""
    found = _own(number, lock=True)  # locked: the supplement is a step of its history
    item = request.form.get(ITEM) or None
    waiting = waiting_notices(found, applications.history(found),
                              machine_for(found.bundle_version).bundle)
    notice = next((each for each in waiting if each["item"] == item), None)
    if notice is None:
        abort(404)
    # Every file judged before any is kept: a refusal leaves the notice as it was, nothing of
    # this attempt stored.
    errors: dict[str, str] = {}
    received: list[tuple[str, uploads.Judged]] = []
    for entry in notice["missing"]:
        code = entry["material"]
        sent = [each for each in request.files.getlist(file_field(code)) if each.filename]
        try:
            for upload in sent[:FILES_PER_MATERIAL]:
                received.append((code, uploads.judge(uploads.read_upload(upload.stream),
                                                     upload.filename)))
        except UploadRefused as refused:
            errors[code] = refused.message
    if not errors and not received and (item is None or notice["missing"]):
        errors["notice"] = _("请为清单中的材料选择要上传的文件")
    if errors:
        return _page(found, errors)
    for code, judged in received:
        uploads.attach_judged(judged, code, application_id=found.id)
    handed_in = sorted({code for code, _judged in received})
    try:
        applications.fire_on(found, Trigger.SUPPLEMENT, item, None,
                             {"materials": handed_in, "channel": Channel.ONLINE.value},
                             current_actor())
    except (InvalidTriggerInput, TriggerNotAllowed) as refused:
        db.session.rollback()  # the files attached above go with it
        return _page(_own(number), {"notice": str(refused)})
    flash(_("补正材料已提交，窗口会尽快审核"))
    return redirect(url_for(".application", number=number))
