"""Intake: the bundle's one form and one material list, saved as a draft or submitted through
the same schema and ``create_application`` as ``POST /api/applications``."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..access.actors import current_actor
from ..access.citizens import read_receipt_token, receipt_token
from ..applications import drafts
from ..applications.operations import create_application
from ..applications.schemas import ApplicationCreateSchema, DraftContentSchema
from ..catalog.operations import find_open_version, machine_for
from ..core.database import db
from ..engine.states import Channel
from .blueprint import bp
from .intake import DELIVERY_CHOICES, field_errors, payload, sections, values

# The query codes of the applications this browser took in lately, as signed receipt tokens:
# printed on the receipt or the correction notice, never stored in the clear.
RECEIPTS_KEY, RECEIPTS_KEPT = "window_receipts", 20


@bp.route("/apply/<code>", methods=["GET", "POST"])
def apply(code):
    version = find_open_version(code)  # a retired bundle takes no new applications
    if version is None:
        abort(404)
    bundle = machine_for(version).bundle
    actor = current_actor()
    draft_id = request.values.get("draft", type=int)
    if request.method == "GET":
        content = drafts.find(actor, draft_id).content if draft_id else {}
        return _page(bundle, values(content), {}, draft_id,
                     handed_in=content.get("materials", ()))

    content = payload(bundle, request.form)
    try:
        if request.form.get("action") == "save":
            DraftContentSchema().load(content)
            draft = drafts.save(actor, code, content, Channel.WINDOW, draft_id=draft_id)
            flash(_("草稿已保存，30天内可在工作台继续填写"))
            return redirect(url_for(".apply", code=code, draft=draft.id))
        ApplicationCreateSchema().load({**content, "bundle": code,
                                        "channel": Channel.WINDOW.value})
        application, query_code = create_application(
            bundle_code=code, channel=Channel.WINDOW, applicant=content["applicant"],
            contact_phone=content["contact_phone"], form=content["form"],
            materials=content["materials"], delivery_method=content["delivery_method"],
            actor=actor)
    except ValidationError as invalid:
        db.session.rollback()  # nothing half-written, whatever raised
        shown = values(content)
        # 200, as the portal's pages answer a form with errors: a browser logs a 4xx page as
        # a failed load.
        return _page(bundle, shown, field_errors(bundle, invalid.messages, shown), draft_id,
                     handed_in=content["materials"])
    if draft_id:
        drafts.discard(actor, draft_id)
    _remember_receipt(application.number, query_code)
    flash(_("已收件，申请编号 %(number)s", number=application.number))
    return redirect(url_for(".application", number=application.number))


def _page(bundle, shown: dict, errors: dict, draft_id: int | None, handed_in=()):
    return render_template(
        "window/apply.html", bundle=bundle, sections=sections(bundle, shown, errors),
        errors=errors, draft_id=draft_id, delivery=shown.get("delivery_method"),
        delivery_choices=DELIVERY_CHOICES, handed_in=set(handed_in))


def _remember_receipt(number: str, query_code: str) -> None:
    kept = dict(session.get(RECEIPTS_KEY, {}))
    kept[number] = receipt_token(number, query_code)
    session[RECEIPTS_KEY] = dict(list(kept.items())[-RECEIPTS_KEPT:])


def remembered_query_code(number: str) -> str | None:
    """The query code of an application this browser took in lately, if any."""
    token = session.get(RECEIPTS_KEY, {}).get(number)
    found = read_receipt_token(token) if token else None
    return found[1] if found else None
