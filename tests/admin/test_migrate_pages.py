"""Moving running applications to a newer version from the console, on both databases: the
dry run's report, then the move (the rules themselves: tests/applications/test_migration.py)."""

import pytest

from tests.access.test_pages import post_form as post
from tests.access.test_pages import sign_in, text
from tests.applications.test_migration import (
    ESTABLISHMENT,
    FIRE,
    accepted,
    committed,
    new_version,
    version_of,
)
from tests.conftest import PASSWORD
from tests.factories import decide


@pytest.fixture
def admin(app, staff):
    browser = app.test_client()
    sign_in(browser, "admin", PASSWORD)
    return browser


def test_the_dry_run_lists_each_application_and_the_move_follows_it(app, client, admin):
    movable = accepted(client)
    blocked = accepted(client)
    decide(client, blocked, ESTABLISHMENT)
    version = new_version(app, lambda text: text.replace(
        "      - item: fire_safety_inspection\n        after: [business_establishment]\n", ""),
        items={ESTABLISHMENT: committed(2)})
    bundle = text(admin.get("/admin/bundles/restaurant"))
    assert f"迁移到 v{version}" in bundle
    page = text(admin.get(f"/admin/bundles/restaurant/migrate?to={version}"))
    assert "可迁移1件，受阻1件" in page and movable in page and blocked in page
    assert f"{FIRE}: removed by v{version}, but already open" in page
    assert version_of(app, movable) == 1  # a dry run
    moved = post(admin, "/admin/bundles/restaurant/migrate", {"to": str(version)})
    assert moved.status_code == 302
    page = text(admin.get(moved.headers["Location"]))
    assert "已迁移1件，1件受阻未迁移" in page
    assert version_of(app, movable) == version and version_of(app, blocked) == 1


def test_an_unknown_version_or_bundle_is_not_found(app, admin):
    assert admin.get("/admin/bundles/restaurant/migrate?to=9").status_code == 404
    assert admin.get("/admin/bundles/nowhere/migrate").status_code == 404
