"""Signing in with a mobile number and the one-time code sent to it (access/phone_codes.py):
first the number, then the code; no password, no account."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..access import phone_codes
from ..access.phone_sessions import sign_in as remember_phone
from ..access.phone_sessions import sign_out as forget_phone
from ..core.limits import limiter
from ..core.redirects import local_path
from ..engine.identifiers import mask_phone
from .blueprint import bp

PENDING_KEY = "applicant_phone_pending"  # the number a code was sent to, until it is entered
SEND, CHECK = "send", "check"


class PhoneForm(FlaskForm):
    phone = StringField(_l("手机号码"), validators=[DataRequired(_l("请填写手机号码")),
                                                    Length(max=20)],
                        render_kw={"inputmode": "tel", "autocomplete": "tel", "type": "tel"})


class CodeForm(FlaskForm):
    code = StringField(_l("短信验证码"), validators=[DataRequired(_l("请填写短信验证码")),
                                                     Length(max=12)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def sign_in():
    target = local_path(request.values.get("next"), url_for("online.mine"))
    phone_form, code_form = PhoneForm(), CodeForm()
    pending = session.get(PENDING_KEY)
    action = request.form.get("action")
    if action == SEND and phone_form.validate_on_submit():
        try:
            session[PENDING_KEY] = pending = phone_codes.send_code(phone_form.phone.data)
        except phone_codes.CodeRefused as refused:
            phone_form.phone.errors.append(refused.message)
            return _page(phone_form, code_form, None, target, refused.retry_after)
        return redirect(url_for("online.sign_in", next=target))
    if action == CHECK and pending and code_form.validate_on_submit():
        try:
            phone = phone_codes.check_code(pending, code_form.code.data.strip())
        except phone_codes.CodeRefused as refused:
            code_form.code.errors.append(refused.message)
            return _page(phone_form, code_form, pending, target, refused.retry_after)
        session.pop(PENDING_KEY, None)
        remember_phone(phone)
        return redirect(target)
    if request.method == "GET" and request.args.get("again"):
        session.pop(PENDING_KEY, None)  # another number
        pending = None
    return _page(phone_form, code_form, pending, target)


def _page(phone_form, code_form, pending: str | None, target: str, wait: int = 0):
    """200 with the errors, as the portal's forms answer (a 4xx page is a failed load to
    browsers, and a wrong code's count on its code must commit); a wait that holds is a 429
    with Retry-After, as the look-up's lockout is (nothing of it is in the database)."""
    page = render_template("online/sign_in.html", phone_form=phone_form, code_form=code_form,
                           pending=mask_phone(pending) if pending else None,
                           resend_to=pending, target=target, send=SEND, check=CHECK)
    if wait:
        return page, 429, {"Retry-After": str(wait)}
    return page


@bp.post("/sign-out")
def sign_out():
    forget_phone()
    session.pop(PENDING_KEY, None)
    return redirect(url_for("online.catalog"))
