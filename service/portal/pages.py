"""Routes of the applicant's pages. Everything works without JavaScript."""

from flask import (
    Blueprint,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from ..access.citizens import (
    ATTEMPTS_PER_CLIENT,
    SESSION_KEY,
    current_citizen,
    lookup_failed,
    lookup_wait,
    number_from_link,
)
from ..applications import operations as applications
from ..applications.ratings import RatingRefused, rate
from ..core.limits import limiter
from ..core.redirects import local_path
from .forms import LookupForm, RatingForm
from .receipts import qr_svg, receipt_of, status_link
from .status import status_of

bp = Blueprint("portal", __name__, template_folder="templates")

LANGUAGES = ("zh", "en")
PREFERENCE_SECONDS = 365 * 24 * 3600


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(ATTEMPTS_PER_CLIENT, methods=["POST"])
def lookup():
    """Number and query code open the status page; wrong ones count against this client, with
    the API's look-ups (access/citizens.py)."""
    form = LookupForm()
    if form.validate_on_submit():
        wait = lookup_wait()
        if wait:
            form.query_code.errors.append(
                _("尝试次数过多，请 %(minutes)d 分钟后再试", minutes=-(-wait // 60)))
            return render_template("portal/lookup.html", form=form), 429, {
                "Retry-After": str(wait)}
        number = form.number.data.strip()
        application = applications.find_by_query_code(number, form.query_code.data)
        if application is not None:
            session[SESSION_KEY] = application.number
            return redirect(url_for("portal.status"))
        lookup_failed(number)
        # The same words for a wrong number and a wrong code: nothing to learn from them.
        form.query_code.errors.append(_("申请编号或查询码不正确，请核对回执后重试"))
    # Pages answer a form with errors with 200, re-rendered: browsers treat a 4xx page as a
    # failed load (and some apps' webviews show their own error instead).
    return render_template("portal/lookup.html", form=form)


@bp.get("/help/receipt")
def help_receipt():
    return render_template("portal/help.html")


@bp.get("/s/<token>")
def signed_link(token):
    number = number_from_link(token)
    if number is None:
        abort(404)
    session[SESSION_KEY] = number
    return redirect(url_for("portal.status"))


@bp.route("/status", methods=["GET", "POST"])
def status():
    application = applications.get_application(current_citizen())
    form = RatingForm()
    if form.validate_on_submit():
        try:
            # Locked, as for every write to its history: the rating is an event of it.
            rate(applications.lock(application.number), form.grade.data, form.comment.data)
            return redirect(url_for("portal.status"))
        except RatingRefused as refused:
            form.grade.errors.append(str(refused))
    return render_template("portal/status.html", view=status_of(application), form=form)


@bp.post("/status/leave")
def leave():
    session.pop(SESSION_KEY, None)
    return redirect(url_for("portal.lookup"))


@bp.get("/receipt/<token>")
def receipt(token):
    application, query_code = receipt_of(token)
    link = status_link(application.number)
    return render_template("portal/receipt.html", view=status_of(application),
                           query_code=query_code, qr=qr_svg(link), link=link,
                           committed=application.bundle_version.definition["limits"])


@bp.get("/language/<code>")
def language(code):
    return _preference("lang", code if code in LANGUAGES else LANGUAGES[0])


@bp.get("/text-size/<size>")
def text_size(size):
    return _preference("text", "large" if size == "large" else "normal")


def _preference(name: str, value: str):
    """Remembered in a cookie for a year: a preference, not an account."""
    target = local_path(request.args.get("next"), url_for("portal.lookup"))
    response = make_response(redirect(target))
    response.set_cookie(name, value, max_age=PREFERENCE_SECONDS, samesite="Lax", httponly=True)
    return response
