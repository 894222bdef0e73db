"""Applying: the form (saved as a draft at every step, so nothing typed is lost), the materials
uploaded to the draft, then check-your-answers and submit. Each step is its own page and works
without JavaScript."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..access.actors import current_actor
from ..access.citizens import receipt_token
from ..applications import drafts
from ..applications.schemas import DraftContentSchema
from ..catalog.operations import find_open_version, machine_for
from ..core.input_guard import accepts_uploads
from ..engine.calendar import local_date
from ..engine.deadlines import intake_notice_due
from ..engine.states import Channel
from ..portal.receipts import qr_svg, receipt_of, status_link
from ..staff.views import calendar
from ..uploads import operations as uploads
from ..uploads.inspection import UploadRefused
from ..window import intake
from .blueprint import bp
from .form import (
    ACTING,
    ACTING_CHOICES,
    DELIVERY_CHOICES,
    acts_for_someone,
    agent_section,
    check,
    content_from,
    shown,
)
from .materials import (
    FILES_PER_DRAFT,
    FILES_PER_MATERIAL,
    checklist,
    file_field,
    material_names,
)

DECLARATION = "declaration"


def _open_bundle(code: str):
    version = find_open_version(code)  # a retired bundle takes no new applications
    if version is None:
        abort(404)
    return machine_for(version).bundle


@bp.route("/<code>/form", methods=["GET", "POST"])
def form(code):
    bundle = _open_bundle(code)
    actor = current_actor()
    draft_id = request.values.get("draft", type=int)
    if request.method == "GET":
        content = drafts.find(actor, draft_id).content if draft_id else {
            "contact_phone": actor.phone}
        return _form_page(bundle, shown(bundle, content), {}, draft_id)
    content = content_from(bundle, request.form)
    try:
        DraftContentSchema().load(content)
    except ValidationError as invalid:  # a shape the draft cannot hold (too long…)
        values = shown(bundle, content)
        return _form_page(bundle, values, intake.field_errors(bundle, invalid.messages, values),
                          draft_id)
    # Saved whatever the errors: what was typed is kept, and the draft can be finished later.
    draft = drafts.save(actor, code, content, Channel.ONLINE, draft_id=draft_id)
    if request.form.get("action") == "save":
        flash(_("已保存，30天内可在“我的办件”中继续填写"))
        return redirect(url_for(".form", code=code, draft=draft.id))
    checked = check(bundle, content)
    if checked.errors:
        return _form_page(bundle, shown(bundle, content), checked.errors, draft.id)
    return redirect(url_for(".upload", draft_id=draft.id))


def _form_page(bundle, values: dict, errors: dict, draft_id: int | None):
    return render_template(
        "online/form.html", bundle=bundle, sections=intake.sections(bundle, values, errors),
        autofocus=not errors,  # with errors, the summary takes the focus
        agent=agent_section(bundle, values, errors), values=values, errors=errors,
        draft_id=draft_id, acting=values.get(ACTING), acting_choices=ACTING_CHOICES,
        delivery=values.get(intake.DELIVERY), delivery_choices=DELIVERY_CHOICES)


def _draft_and_bundle(draft_id: int, lock: bool = False):
    draft = drafts.find(current_actor(), draft_id, lock=lock)
    return draft, _open_bundle(draft.bundle_code)


@bp.route("/drafts/<int:draft_id>/materials", methods=["GET", "POST"])
@accepts_uploads
def upload(draft_id):
    """Files for each material; a refused file is named at its material, and nothing of it is
    kept, while the others sent with it are."""
    # Locked on a POST: two uploads at once cannot both pass the count of files.
    draft, bundle = _draft_and_bundle(draft_id, lock=request.method == "POST")
    errors: dict[str, str] = {}
    if request.method == "POST":
        attached = uploads.of_draft(draft.id)
        for row in checklist(bundle, draft.content, attached):
            for sent in request.files.getlist(file_field(row.code)):
                if not sent.filename:
                    continue
                if len(row.files) >= FILES_PER_MATERIAL or len(attached) >= FILES_PER_DRAFT:
                    errors[row.code] = _("这一项最多上传%(count)d个文件，请先删除多余的",
                                         count=FILES_PER_MATERIAL)
                    break
                try:
                    attachment = uploads.attach(uploads.read_upload(sent.stream), sent.filename,
                                                row.code, draft_id=draft.id)
                except UploadRefused as refused:
                    errors[row.code] = refused.message
                    break
                row.files.append(attachment)
                attached.append(attachment)
        if not errors and request.form.get("action") == "next":
            return redirect(url_for(".check", draft_id=draft.id))
        if not errors:
            return redirect(url_for(".upload", draft_id=draft.id))
    rows = checklist(bundle, draft.content, uploads.of_draft(draft.id))
    return render_template("online/materials.html", bundle=bundle, draft=draft, rows=rows,
                           errors=errors,
                           exempt=[m for m in bundle.materials if m.exempt])


@bp.post("/drafts/<int:draft_id>/materials/<int:attachment_id>/delete")
def remove_upload(draft_id, attachment_id):
    draft = drafts.find(current_actor(), draft_id)
    attachment = uploads.find(attachment_id)
    if attachment.draft_id != draft.id:
        abort(404)
    uploads.remove(attachment)
    flash(_("已删除“%(name)s”", name=attachment.filename))
    return redirect(url_for(".upload", draft_id=draft.id))


@bp.route("/drafts/<int:draft_id>/submit", methods=["GET", "POST"], endpoint="check")
def check_answers(draft_id):
    """Check your answers, then submit: every rule again, the identity check, the promise.
    Submitting locks the draft first: a double click's second request waits, then finds it
    submitted (404), never a second application."""
    draft, bundle = _draft_and_bundle(draft_id, lock=request.method == "POST")
    actor = current_actor()
    content = dict(draft.content)
    checked = check(bundle, content)
    if checked.errors:  # changed since, or never finished: back to the form, with the errors
        return _form_page(bundle, shown(bundle, content), checked.errors, draft.id)
    rows = checklist(bundle, content, uploads.of_draft(draft.id))
    problems = {}
    if request.method == "POST":
        if not request.form.get(DECLARATION):
            problems[DECLARATION] = _("请阅读并勾选承诺")
        if any(row.needed_for_agent and not row.files for row in rows):
            problems["materials"] = _("代办须上传授权委托书")
        if not problems:
            content["materials"] = sorted({row.code for row in rows
                                           if row.files and row.in_bundle})
            drafts.save(actor, draft.bundle_code, content, Channel.ONLINE, draft_id=draft.id)
            application, query_code = drafts.submit(actor, draft.id)
            return redirect(url_for(".receipt",
                                    token=receipt_token(application.number, query_code)))
    values = shown(bundle, content)
    return render_template(
        "online/check.html", bundle=bundle, draft=draft, values=values, rows=rows,
        sections=intake.sections(bundle, values, {}), agent=agent_section(bundle, values, {}),
        acting_for=acts_for_someone(bundle, content), identity=checked.identity,
        delivery=DELIVERY_CHOICES.get(values.get(intake.DELIVERY)), problems=problems,
        declaration=DECLARATION)


@bp.post("/drafts/<int:draft_id>/discard")
def discard(draft_id):
    drafts.discard(current_actor(), draft_id)
    flash(_("草稿已删除"))
    return redirect(url_for(".mine"))


@bp.get("/receipt/<token>")
def receipt(token):
    """收件凭证: the application was received, not accepted; the window decides that."""
    application, query_code = receipt_of(token)
    received_on = local_date(application.created_at)
    link = status_link(application.number)
    bundle = machine_for(application.bundle_version).bundle
    return render_template(
        "online/receipt.html", application=application, query_code=query_code,
        bundle=bundle, names=material_names(bundle), received_on=received_on,
        decide_by=intake_notice_due(calendar(), received_on),
        files=uploads.of_application(application.id), qr=qr_svg(link), link=link)
