"""The counter's public front: the bundles one can apply for online, each bundle's guide, and a
signed-in applicant's own drafts and applications."""

from __future__ import annotations

from flask import abort, render_template, request
from sqlalchemy import select

from ..access.actors import current_actor
from ..access.phone_sessions import current_phone
from ..applications import drafts
from ..applications.models import Application
from ..catalog.operations import (
    bundle_names,
    find_bundles,
    find_open_version,
    list_bundles,
    machine_for,
)
from ..core.database import db
from ..engine.states import ApplicantKind
from ..engine.terms import Category
from ..portal.wording import APPLICATION_STATES
from ..window.wording import BUSINESS_STAGES, LIFE_EVENTS
from .blueprint import bp
from .guide import guide_of

MINE_SHOWN = 50  # applications on "my applications", the newest first


@bp.get("")
def catalog():
    """Bundles for people (by life event) or for companies (by business stage)."""
    audience = (ApplicantKind.COMPANY if request.args.get("for") == ApplicantKind.COMPANY
                else ApplicantKind.PERSON)
    categories = LIFE_EVENTS if audience == ApplicantKind.PERSON else BUSINESS_STAGES
    chosen = request.args.get("category", "")
    chosen = Category(chosen) if chosen in categories else None
    query = request.args.get("q", "").strip()[:50]
    found = find_bundles(list_bundles(), query, chosen or "", audience)
    return render_template("online/catalog.html", bundles=found, audience=audience,
                           categories=categories, chosen=chosen, query=query,
                           signed_in=current_phone() is not None)


@bp.get("/<code>")
def bundle(code):
    version = find_open_version(code)
    if version is None:
        abort(404)
    return render_template("online/bundle.html", guide=guide_of(machine_for(version).bundle),
                           signed_in=current_phone() is not None)


@bp.get("/mine")
def mine():
    """The applicant's drafts, and every application whose contact phone is the number they
    proved."""
    phone = current_phone()
    owned, _ = drafts.list_drafts(current_actor(), limit=20)
    applications = db.session.scalars(
        select(Application).where(Application.contact_phone == phone)
        .order_by(Application.id.desc()).limit(MINE_SHOWN)).all()
    names = bundle_names([draft.bundle_code for draft in owned]
                         + [application.bundle_code for application in applications])
    return render_template("online/mine.html", drafts=owned, applications=applications,
                           names=names, states=APPLICATION_STATES, phone=phone)
