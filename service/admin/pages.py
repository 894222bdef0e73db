"""The administrators' console: staff accounts, and the bundles as published."""


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import func, select

from ..access import operations
from ..access.models import User
from ..access.roles import Role
from ..catalog.diff import Change, Part
from ..catalog.drafts import list_drafts, open_draft
from ..catalog.models import BundleDraft, Department, ServiceItem
from ..catalog.operations import list_bundles, set_retired
from ..core.database import db
from ..staff import wording as staff_wording
from .bundle_view import bundle_view, running_per_version
from .wording import words as catalog_words

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

ROLES = {Role.CLERK: _l("综合窗口人员"), Role.REVIEWER: _l("部门审查人员"),
         Role.SUPERVISOR: _l("部门负责人"), Role.ADMIN: _l("管理员")}
# What the domain says in English, in the page's words (keyed by the field it names).
_INVALID = {"username": _l("用户名为3至64位：小写字母开头，可含小写字母、数字和 . _ -，且未被占用"),
            "password": _l("密码至少10位"),
            "display_name": _l("请填写姓名（100字以内）"),
            "departments": _l("部门审查人员和部门负责人须选择部门；其他角色不选部门"),
            "role": _l("请选择角色")}


CHANGES = {Change.ADDED: _l("新增"), Change.REMOVED: _l("删除"), Change.CHANGED: _l("修改")}
PARTS = {Part.ITEM: _l("事项"), Part.EDGE: _l("前置关系"), Part.LIMITS: _l("时限"),
         Part.FIELD: _l("表单字段"), Part.MATERIAL: _l("材料")}


@bp.context_processor
def words() -> dict:
    return {**staff_wording.words(), **catalog_words(), "roles": ROLES, "changes": CHANGES,
            "parts": PARTS}


@bp.get("")
def console():
    def count(model) -> int:
        return db.session.scalar(select(func.count()).select_from(model))

    return render_template("admin/console.html", users=count(User),
                           bundles=len(list_bundles(retired=True)), items=count(ServiceItem),
                           departments=count(Department), drafts=count(BundleDraft))


@bp.route("/users", methods=["GET", "POST"])
def users():
    form, errors = request.form, {}
    if request.method == "POST":
        try:
            user = operations.create_user(
                username=form.get("username", "").strip(),
                display_name=form.get("display_name", "").strip(),
                password=form.get("password", ""), role=_role(form.get("role")),
                departments=form.getlist("departments"), by_user_id=current_user.id)
            flash(_("已创建账号 %(username)s", username=user.username))
            return redirect(url_for(".user", user_id=user.id))
        except ValidationError as invalid:
            db.session.rollback()
            errors = {field: _INVALID.get(field, _l("请检查这一项")) for field in invalid.messages}
    return render_template("admin/users.html", accounts=_accounts(), errors=errors, sent=form,
                           departments=all_departments())


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id):
    account = _account(user_id)
    errors, new_password = {}, None
    action = request.form.get("action")
    if action == "update":
        try:
            operations.update_user(account, display_name=request.form.get("display_name", ""),
                                   role=_role(request.form.get("role")),
                                   departments=request.form.getlist("departments"),
                                   by_user_id=current_user.id)
            flash(_("已保存"))
            return redirect(url_for(".user", user_id=user_id))
        except ValidationError as invalid:
            db.session.rollback()
            account = _account(user_id)
            errors = {field: _INVALID.get(field, _l("请检查这一项")) for field in invalid.messages}
        except operations.LastAdministrator:
            db.session.rollback()
            account = _account(user_id)
            errors = {"role": _l("这是最后一位在用的管理员：请先设另一位管理员")}
    elif action in ("deactivate", "activate"):
        try:
            operations.set_active(account, action == "activate", by_user_id=current_user.id)
            flash(_("已停用") if action == "deactivate" else _("已启用"))
        except operations.LastAdministrator:
            db.session.rollback()
            flash(_("这是最后一位在用的管理员：请先设另一位管理员"), "error")
        return redirect(url_for(".user", user_id=user_id))
    elif action == "password":
        new_password = operations.reset_password(account, by_user_id=current_user.id)
    elif action == "revoke":
        operations.revoke_token(account, request.form.get("token", type=int) or 0,
                                by_user_id=current_user.id)
        flash(_("已撤销令牌"))
        return redirect(url_for(".user", user_id=user_id))
    elif action is not None:
        abort(400)
    return render_template("admin/user.html", account=account, errors=errors,
                           departments=all_departments(), tokens=operations.tokens_of(account),
                           new_password=new_password)


@bp.get("/bundles")
def bundles():
    """Each bundle's published version, with its items, departments, limits and categories,
    and the applications still running on each of its versions."""
    return render_template("admin/bundles.html", published=list_bundles(retired=True),
                           running=running_per_version(), drafts=list_drafts())


@bp.get("/bundles/<code>")
def bundle(code):
    view = bundle_view(code, request.args.get("version", type=int),
                       request.args.get("compare", type=int))
    if view is None:
        abort(404)
    return render_template("admin/bundle.html", view=view, draft=open_draft(code))


@bp.post("/bundles/<code>/retired")
def retire(code):
    """Retire a bundle (no new applications; running ones finish), or open it again."""
    retired = request.form.get("retired") == "yes"
    set_retired(code, retired, current_user.id)
    flash(_("已停办：不再受理新申请，办理中的申请照常办结") if retired else _("已恢复受理"))
    return redirect(url_for(".bundle", code=code))


def _account(user_id: int) -> User:
    account = db.session.get(User, user_id)
    if account is None:
        abort(404)
    return account


def _role(value: str | None) -> Role:
    if value not in {role.value for role in Role}:
        raise ValidationError({"role": ["unknown role"]})
    return Role(value)


def _accounts() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.username)))


def all_departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.name)))
