"""Staff pages: sign in and out, and your account with its API tokens."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..core.database import db
from ..core.limits import limiter
from ..core.redirects import local_path
from . import operations
from .forms import EmptyForm, LoginForm, TokenForm

bp = Blueprint("pages", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(local_path(request.args.get("next"), url_for("pages.account")))
        form.password.errors.append("用户名或密码不正确 / Wrong username or password")
    return render_template("access/login.html", form=form), (
        422 if request.method == "POST" else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
    return redirect(url_for("pages.login"))


@bp.route("/account")
@login_required
def account():
    return render_template("access/account.html", tokens=operations.tokens_of(current_user),
                           token_form=TokenForm(), revoke_form=EmptyForm(), logout_form=EmptyForm())


@bp.route("/account/tokens", methods=["POST"])
@login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return render_template("access/account.html", tokens=operations.tokens_of(current_user),
                               token_form=form, revoke_form=EmptyForm(),
                               logout_form=EmptyForm()), 422
    _, secret = operations.issue_token(current_user, form.name.data, form.days.data)
    db.session.flush()
    return render_template("access/account.html", tokens=operations.tokens_of(current_user),
                           token_form=TokenForm(formdata=None), revoke_form=EmptyForm(),
                           logout_form=EmptyForm(), new_secret=secret), 201


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id):
    if EmptyForm().validate_on_submit() and operations.revoke_token(current_user, token_id):
        flash("已撤销 / Revoked")
    return redirect(url_for("pages.account"))
