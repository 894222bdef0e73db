"""Moving a bundle's running applications to another of its versions, from the console: the
report of what would move and what is blocked (a dry run), then the move itself — the same
operation as `flask catalog migrate`."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access.actors import current_actor
from ..applications.migration import migrate_applications
from ..catalog.operations import versions_of
from ..core.database import utcnow
from .bundle_view import running_per_version
from .pages import bp


@bp.route("/bundles/<code>/migrate", methods=["GET", "POST"])
def migrate(code):
    versions = versions_of(code)
    if not versions:
        abort(404)
    to = request.values.get("to", type=int) or versions[0].version
    if to not in {version.version for version in versions}:
        abort(404)
    dry_run = request.method == "GET"
    report = migrate_applications(code, to, current_actor(), utcnow(), dry_run=dry_run,
                                  yellow_share=current_app.config["WARNING_YELLOW_SHARE"])
    if not dry_run:
        flash(_("已迁移%(moved)d件，%(blocked)d件受阻未迁移", moved=len(report.migrating),
                blocked=len(report.blocked)))
        return redirect(url_for(".migrate", code=code, to=to))
    return render_template("admin/migrate.html", code=code, versions=versions, to=to,
                           report=report, running=running_per_version(code)[code])
