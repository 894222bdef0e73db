"""Staff pages: sign in and out, and your account with its API tokens."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..core.database import db
from ..core.limits import limiter
from ..core.redirects import local_path
from . import operations
from .attempts import DAY, MINUTE, Backoff, attempts, client
from .forms import EmptyForm, LoginForm, TokenForm
from .roles import DEPARTMENT_ROLES, Role

bp = Blueprint("pages", __name__)

# Wrong passwords, per client and per account whatever the client: people choose passwords that
# can be guessed, so an account needs a limit of its own. Anyone can run up an account's count,
# so its lockout stays short; a sign-in with the right password clears it.
LOGIN_FAILURES_PER_CLIENT = Backoff("login-client", free=10, first=MINUTE, longest=DAY)
LOGIN_FAILURES_PER_ACCOUNT = Backoff("login-account", free=5, first=MINUTE, longest=15 * MINUTE)
WRONG = "用户名或密码不正确 / Wrong username or password"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        counts, who = attempts(), client()
        account = form.username.data.strip().casefold()
        wait = max(counts.wait(LOGIN_FAILURES_PER_CLIENT, who),
                   counts.wait(LOGIN_FAILURES_PER_ACCOUNT, account))
        if wait:  # the password is not even checked, and the words are the same
            form.password.errors.append(WRONG)
            return render_template("access/login.html", form=form), 429, {
                "Retry-After": str(wait)}
        user = operations.authenticate(form.username.data, form.password.data)
        if user is not None:
            counts.forget(LOGIN_FAILURES_PER_ACCOUNT, account)
            login_user(user)
            return redirect(local_path(request.args.get("next"), home_of(user)))
        counts.fail(LOGIN_FAILURES_PER_CLIENT, who)
        counts.fail(LOGIN_FAILURES_PER_ACCOUNT, account)
        form.password.errors.append(WRONG)
    return render_template("access/login.html", form=form), (
        422 if request.method == "POST" else 200)


def home_of(user) -> str:
    """Where a member of staff starts: the window's desk, a department's items, the leaders'
    dashboard, or the administrators' console."""
    if user.role == Role.CLERK:
        return url_for("window.home")
    if user.role in DEPARTMENT_ROLES:
        return url_for("review.items")
    if user.role == Role.LEADER:
        return url_for("dashboard.dashboard")
    return url_for("admin.console")


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
    if EmptyForm().validate_on_submit() and operations.revoke_token(
            current_user, token_id, by_user_id=current_user.id):
        flash("已撤销 / Revoked")
    return redirect(url_for("pages.account"))
