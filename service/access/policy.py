"""Who may call what: one rule per endpoint, checked in one place before every request.

An endpoint without a rule is refused (and the route × role test fails), so a new route cannot
ship open by accident. Finer checks — a reviewer's departments, which triggers a role fires — are
the functions below, called by the views that need them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import g, redirect, request, url_for
from flask_login import current_user

from ..core.problems import error_response, problem
from ..engine.states import Trigger
from .attempts import client
from .citizens import current_citizen
from .phone_sessions import current_phone
from .roles import (
    CLERK_TRIGGERS,
    DEPARTMENT_ROLES,
    REVIEWER_TRIGGERS,
    STAFF,
    SUPERVISOR_TRIGGERS,
    Role,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role] = frozenset()
    public: bool = False
    citizen: bool = False  # an applicant who proved their query code
    phone: bool = False  # an applicant signed in online by a one-time SMS code


PUBLIC = Rule(public=True)
ANY_STAFF = Rule(roles=STAFF)
WORKERS = Rule(roles=frozenset({Role.CLERK, Role.REVIEWER, Role.SUPERVISOR}))
ADMIN = Rule(roles=frozenset({Role.ADMIN}))
CLERK_ONLY = Rule(roles=frozenset({Role.CLERK}))
DEPARTMENT_STAFF = Rule(roles=DEPARTMENT_ROLES)
SUPERVISOR_ONLY = Rule(roles=frozenset({Role.SUPERVISOR}))
BOARD = Rule(roles=frozenset({Role.SUPERVISOR, Role.ADMIN}))
FIGURES = Rule(roles=frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN}))  # no personal data
CITIZEN = Rule(citizen=True)
SIGNED_IN_APPLICANT = Rule(phone=True)
# Uploaded files: staff who may see the application (the view checks its departments).
FILE_READERS = Rule(roles=frozenset({Role.CLERK, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN}))

RULES: dict[str, Rule] = {
    "health.healthz": PUBLIC,
    "health.readyz": PUBLIC,
    # Open to the policy: the view itself admits the configured addresses or the bearer token.
    "observability.metrics": PUBLIC,
    "api-docs.openapi_json": PUBLIC,
    "api_docs_assets.swagger_ui": PUBLIC,
    "api_docs_assets.swagger_ui_asset": PUBLIC,
    "static": PUBLIC,
    # The catalog is public: anyone may read what a bundle needs before applying.
    "bundles.list_bundles": PUBLIC,
    "bundles.get_bundle": PUBLIC,
    "bundles.get_diagram": PUBLIC,
    "bundles.get_diff": PUBLIC,
    "bundles.put_retired": ADMIN,
    # Authoring the catalog: drafts of bundles, and its entries as they stand (unpublished).
    "bundle_drafts.list_drafts": ADMIN,
    "bundle_drafts.create_draft": ADMIN,
    "bundle_drafts.get_draft": ADMIN,
    "bundle_drafts.put_draft": ADMIN,
    "bundle_drafts.delete_draft": ADMIN,
    "bundle_drafts.publish_draft": ADMIN,
    "catalog_entries.list_entries": ADMIN,
    "catalog_entries.get_entry": ADMIN,
    "catalog_entries.create_entry": ADMIN,
    "catalog_entries.put_entry": ADMIN,
    # Applying online is open to anyone (the view allows the online channel only);
    # at the window a clerk applies for the applicant.
    "applications.create_application": PUBLIC,
    "applications.list_applications": WORKERS,
    "applications.get_application": WORKERS,
    "applications.get_transitions": WORKERS,
    "applications.fire_transition": WORKERS,
    # Drafts are the window's: a clerk saves an applicant's application to finish later.
    "drafts.list_drafts": CLERK_ONLY,
    "drafts.create_draft": CLERK_ONLY,
    "drafts.get_draft": CLERK_ONLY,
    "drafts.put_draft": CLERK_ONLY,
    "drafts.delete_draft": CLERK_ONLY,
    "drafts.submit_draft": CLERK_ONLY,
    "overdue.list_overdue": BOARD,
    "stats.get_stats": FIGURES,
    # The dashboard: figures without personal data (a supervisor's of their departments only);
    # a bad rating's follow-up is recorded by a supervisor of the application's departments.
    "dashboard.dashboard": FIGURES,
    "dashboard.table_csv": FIGURES,
    "dashboard.workbook": FIGURES,
    "dashboard.record_follow_up": SUPERVISOR_ONLY,
    "outbox.list_messages": ADMIN,
    "calendar.status": ADMIN,
    "calendar.get_year": ADMIN,
    "calendar.put_year": ADMIN,
    "users.list_users": ADMIN,
    "users.create_user": ADMIN,
    "users.get_user": ADMIN,
    "users.update_user": ADMIN,
    "users.reset_password": ADMIN,
    "tokens.list_tokens": ANY_STAFF,
    "tokens.create_token": ANY_STAFF,
    "tokens.revoke_token": ANY_STAFF,
    "citizen.open_session": PUBLIC,
    "citizen.get_application": CITIZEN,
    "citizen.fire_transition": CITIZEN,
    "portal.lookup": PUBLIC,
    "portal.help_receipt": PUBLIC,
    "portal.signed_link": PUBLIC,  # the link's signature is the proof
    "portal.receipt": PUBLIC,  # likewise
    "portal.status": CITIZEN,
    "portal.leave": PUBLIC,
    "portal.language": PUBLIC,
    "portal.text_size": PUBLIC,
    # The online counter: what each bundle takes is public; applying needs a phone signed in.
    "online.catalog": PUBLIC,
    "online.bundle": PUBLIC,
    "online.sign_in": PUBLIC,
    "online.sign_out": PUBLIC,
    "online.mine": SIGNED_IN_APPLICANT,
    "online.form": SIGNED_IN_APPLICANT,
    "online.upload": SIGNED_IN_APPLICANT,
    "online.remove_upload": SIGNED_IN_APPLICANT,
    "online.check": SIGNED_IN_APPLICANT,
    "online.discard": SIGNED_IN_APPLICANT,
    "online.receipt": PUBLIC,  # the link's signature is the proof
    "online.application": SIGNED_IN_APPLICANT,
    "online.supplement": SIGNED_IN_APPLICANT,
    "files.download": FILE_READERS,
    "pages.login": PUBLIC,
    "pages.logout": PUBLIC,
    "pages.account": ANY_STAFF,
    "pages.create_token": ANY_STAFF,
    "pages.revoke_token": ANY_STAFF,
    "window.home": CLERK_ONLY,
    "window.applications": CLERK_ONLY,
    "window.application": CLERK_ONLY,
    "window.apply": CLERK_ONLY,
    "window.decide": CLERK_ONLY,
    "window.print_document": CLERK_ONLY,
    # A department's pages: its reviewers and supervisors (each view checks the department).
    "review.items": DEPARTMENT_STAFF,
    "review.item": DEPARTMENT_STAFF,
    "review.decide": DEPARTMENT_STAFF,
    "review.request_extension": DEPARTMENT_STAFF,
    "review.decide_extension": SUPERVISOR_ONLY,
    "review.assign": DEPARTMENT_STAFF,
    "review.print_document": DEPARTMENT_STAFF,
    "review.supervise": SUPERVISOR_ONLY,
    "admin.console": ADMIN,
    "admin.users": ADMIN,
    "admin.user": ADMIN,
    "admin.bundles": ADMIN,
    "admin.bundle": ADMIN,
    "admin.retire": ADMIN,
    "admin.migrate": ADMIN,
    "admin.new_bundle": ADMIN,
    "admin.start_draft": ADMIN,
    "admin.draft": ADMIN,
    "admin.draft_yaml": ADMIN,
    "admin.draft_preview": ADMIN,
    "admin.publish_draft": ADMIN,
    "admin.discard_draft": ADMIN,
    "admin.items": ADMIN,
    "admin.item": ADMIN,
    "admin.new_item": ADMIN,
    "admin.departments": ADMIN,
    "admin.department": ADMIN,
    "admin.calendar": ADMIN,
    "admin.calendar_year": ADMIN,
    "admin.outbox": ADMIN,
}

# Responses that show a secret (a query code, a receipt's link to it, a new token): never kept by
# a browser's history or cache, nor by a proxy. Idempotent replays of them are covered too.
NO_STORE = frozenset({
    "applications.create_application",
    "tokens.create_token",
    "citizen.open_session",
    "portal.receipt",
    "online.receipt",  # the submission's receipt carries the query code
    "pages.create_token",
    "users.reset_password",
    "admin.user",  # a new password, once
    "window.application",  # the query code, once, after intake
    "window.decide",  # a refused decision shows the application's page again
    "window.print_document",
})


def check_access():
    """before_request: the endpoint's rule, or a 401/403 problem."""
    endpoint = request.endpoint
    if endpoint is None:  # no route: let the 404 / 405 through
        return None
    rule = RULES.get(endpoint)
    if rule is None:
        log.error("no access rule for endpoint %s: refused", endpoint)
        return error_response(403, "Forbidden", "this endpoint has no access rule yet")
    if rule.public:
        return None
    user = acting_user()
    if user is not None and Role(user.role) in rule.roles:
        return None
    if rule.citizen and current_citizen() is not None:
        return None
    if rule.phone and current_phone() is not None:
        return None
    if user is None and not request.path.startswith("/api/"):
        if rule.citizen:  # an applicant's page: back to the look-up form
            return redirect(url_for("portal.lookup"))
        if rule.phone:  # the online counter: sign in with a code, then back here
            return redirect(url_for("online.sign_in", next=request.full_path.rstrip("?")))
        return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
    if user is None:
        response = problem(401, "Unauthorized", "sign in, or send an API token as "
                           "'Authorization: Bearer …'")
        response.headers["WWW-Authenticate"] = 'Bearer realm="onething"'
        return response
    return error_response(403, "Forbidden", f"a {user.role} may not do this")


def acting_user():
    """The signed-in user; on the API only by token, so that a browser's session cookie can
    never be ridden by another site (pages, which use the session, carry CSRF tokens)."""
    if not current_user.is_authenticated:
        return None
    if request.path.startswith("/api/") and g.get("authenticated_by") != "token":
        return None
    return current_user


def may_fire(user, trigger: Trigger, item_department: str | None) -> bool:
    """Whether a staff member may fire ``trigger`` on the application (no item) or on an item
    of ``item_department``."""
    role = Role(user.role)
    if item_department is None:
        return role == Role.CLERK and trigger in CLERK_TRIGGERS
    if role not in DEPARTMENT_ROLES or item_department not in user.department_codes:
        return False
    allowed = SUPERVISOR_TRIGGERS if role == Role.SUPERVISOR else REVIEWER_TRIGGERS
    return trigger in allowed


def sees_everything(user) -> bool:
    """Clerks and administrators see whole applications; department staff see their items."""
    return Role(user.role) in (Role.CLERK, Role.ADMIN)


def sees_personal_data(user) -> bool:
    """Full ID numbers and phones: the window checks identity and calls the applicant."""
    return user is not None and Role(user.role) == Role.CLERK


@dataclass(frozen=True)
class Viewer:
    """How much of an application someone sees."""

    departments: frozenset[str] | None  # None: every item
    personal_data: bool  # full ID numbers and phones
    staff_names: bool  # who did what (applicants see roles, not names)


CITIZEN_VIEWER = Viewer(departments=None, personal_data=False, staff_names=False)


def viewer_of(user) -> Viewer:
    departments = None if sees_everything(user) else user.department_codes
    return Viewer(departments=departments, personal_data=sees_personal_data(user),
                  staff_names=True)


def no_store(response):
    """after_request: ``Cache-Control: no-store`` on the responses that show a secret."""
    if request.endpoint in NO_STORE:
        response.headers["Cache-Control"] = "no-store"
    return response


def requester() -> str:
    """Who sends this request, for what is theirs alone (an ``Idempotency-Key``'s answer): a
    member of staff by user id, an applicant who proved their number by that number, anyone
    else by the client's address."""
    user = acting_user()
    if user is not None:
        return f"staff:{user.id}"
    number = current_citizen()
    if number is not None:
        return f"applicant:{number}"
    return f"anonymous:{client()}"
