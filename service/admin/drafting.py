"""Bundles drafted in the console: start one (new, or the next version of a published bundle),
write it in the structured form or as YAML (one text behind both), preview what the window would
show and what handling items in parallel saves, then publish it or discard it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..catalog.drafts import (
    DraftChanged,
    DraftRefused,
    NothingToPublish,
    check_draft,
    discard_draft,
    find_draft,
    publish_draft,
    save_draft,
    start_draft,
)
from ..catalog.operations import find_version
from .bundle_view import draft_view
from .draft_form import read_form, search_items, text_from_form
from .pages import bp


@bp.route("/bundles/new", methods=["GET", "POST"])
def new_bundle():
    code, name, error = (request.form.get("code", "").strip(),
                         request.form.get("name", "").strip(), None)
    if request.method == "POST":
        if find_version(code) is not None:
            error = _("已有代码为 %(code)s 的一件事：请在它的页面起草新版本", code=code)
        else:
            try:
                start_draft(code, current_user.id, name=name)
                return redirect(url_for(".draft", code=code))
            except DraftRefused:
                error = _("代码须为小写字母开头的蛇形命名（如 food_stall），64位以内")
    return render_template("admin/new_bundle.html", code=code, name=name, error=error), (
        422 if error else 200)


@bp.post("/bundles/<code>/draft", endpoint="start_draft")
def start_draft_of(code):
    if find_version(code) is None:
        abort(404)
    start_draft(code, current_user.id)
    return redirect(url_for(".draft", code=code))



@bp.route("/drafts/<code>", methods=["GET", "POST"])
def draft(code):
    """The structured editor: every submit saves the whole form, then adds, removes or looks up
    an item as its button says."""
    draft = find_draft(code)
    query = request.args.get("q", "")
    if request.method == "POST":
        if not _saved(draft, text_from_form(code, request.form)):
            return redirect(url_for(".draft", code=code))
        query = request.form.get("q", "") if request.form.get("action") == "search" else ""
        if request.form.get("action") == "save":
            flash(_("草稿已保存"))
        return redirect(url_for(".draft", code=code, q=query or None,
                                _anchor="items" if request.form.get("action") else None))
    check = check_draft(draft)
    form = read_form(code, draft.text, check.problems)
    chosen = [member.code for member in form.members] if form else []
    return render_template("admin/draft.html", draft=draft, check=check, form=form, query=query,
                           found=search_items(query, chosen), published=check.latest)


@bp.route("/drafts/<code>/yaml", methods=["GET", "POST"])
def draft_yaml(code):
    draft = find_draft(code)
    if request.method == "POST":
        if _saved(draft, request.form.get("text", "").replace("\r\n", "\n")):
            flash(_("草稿已保存"))
        return redirect(url_for(".draft_yaml", code=code))
    check = check_draft(draft)
    return render_template("admin/draft_yaml.html", draft=draft, check=check,
                           published=check.latest)


@bp.get("/drafts/<code>/preview")
def draft_preview(code):
    draft = find_draft(code)
    check = check_draft(draft)
    return render_template("admin/draft_preview.html", draft=draft, check=check,
                           view=draft_view(check) if check.snapshot else None,
                           published=check.latest)


@bp.post("/drafts/<code>/publish", endpoint="publish_draft")
def publish_draft_page(code):
    draft = find_draft(code)
    try:
        version = publish_draft(draft, _revision(),
                                current_user.id)
    except DraftRefused as refused:
        flash(_("未发布：%(reason)s", reason=_refusal(refused)), "error")
        return redirect(url_for(".draft_preview", code=code))
    flash(_("已发布 v%(version)d：新申请按此版本办理，办理中的申请仍按原版本",
            version=version.version))
    return redirect(url_for(".bundle", code=code))



@bp.post("/drafts/<code>/discard", endpoint="discard_draft")
def discard_draft_page(code):
    draft = find_draft(code)
    try:
        discard_draft(draft, _revision(), current_user.id)
    except DraftChanged as changed:
        flash(_("未放弃：%(reason)s", reason=_refusal(changed)), "error")
        return redirect(url_for(".draft", code=code))
    flash(_("已放弃草稿"))
    return redirect(url_for(".bundles"))



def _saved(draft, text: str) -> bool:
    try:
        save_draft(draft, text, _revision(), current_user.id)
    except DraftChanged:
        flash(_("草稿在您打开后已被他人保存，您的修改未保存：请查看最新内容后重新修改"), "error")
        return False
    return True


def _refusal(refused: DraftRefused) -> str:
    if isinstance(refused, DraftChanged):
        return _("草稿在您打开后已被他人保存，请查看最新内容")
    if isinstance(refused, NothingToPublish):
        return _("草稿与当前版本相同，无需发布")
    return _("草稿仍有问题，请先改正")


def _revision() -> int:
    """The revision the form was read at (0, never a draft's, when absent or garbled)."""
    return request.form.get("revision", type=int) or 0
