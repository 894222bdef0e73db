"""Every administrative act is recorded with who, when and what changed, through the same
operations the console, the API and the commands use, as one chain that verifies."""

import pytest
from sqlalchemy import select

from service.access.models import User
from service.audit.acts import acts_since
from service.catalog.drafts import discard_draft, publish_draft, save_draft, start_draft
from service.catalog.editing import save_entry
from service.core.database import db
from tests.access.test_pages import post_form, sign_in
from tests.audit.helpers import verify
from tests.conftest import PASSWORD
from tests.workdays.test_calendar_api import SCHEDULE_2027


def acts(app) -> list[tuple[str, str, str | None, dict]]:
    """(action, subject, username, details) of every act, in order."""
    with app.app_context():
        return [(act.action, act.subject, username, act.details)
                for act, username in acts_since(None)]


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


@pytest.fixture
def admin(client):
    client.environ_base["HTTP_AUTHORIZATION"] = client.staff.headers("admin")["Authorization"]
    return client


def test_loading_the_catalog_records_each_version_published_by_the_system(app, loaded, runner):
    recorded = acts(app)
    published = [(subject, details["version"], details["source"], username)
                 for action, subject, username, details in recorded
                 if action == "bundle.published"]
    assert published == [(code, 1, "yaml", None) for code in sorted(loaded.bundles)]
    loaded_entries = {subject: details["codes"] for action, subject, _, details in recorded
                      if action == "catalog.entries_loaded"}
    assert sorted(loaded_entries["items"]) == sorted(loaded.items)
    assert runner.invoke(args=["catalog", "load"]).exit_code == 0  # nothing changed
    assert len(acts(app)) == len(recorded)
    assert verify(runner).exit_code == 0


def test_drafts_started_saved_published_and_discarded_name_their_administrator(app, staff,
                                                                                runner):
    admin = user_id(app, "admin")
    with app.app_context():
        draft = start_draft("restaurant", admin)
        save_draft(draft, draft.text.replace("committed: 7", "committed: 9"), draft.revision,
                   admin)
        publish_draft(draft, draft.revision, admin)
        again = start_draft("newborn", admin)
        discard_draft(again, again.revision, admin)
        db.session.commit()
    recorded = [(action, subject, username) for action, subject, username, _ in acts(app)]
    assert recorded[-5:] == [
        ("draft.started", "restaurant", "admin"), ("draft.saved", "restaurant", "admin"),
        ("bundle.published", "restaurant", "admin"), ("draft.started", "newborn", "admin"),
        ("draft.discarded", "newborn", "admin")]
    published = acts(app)[-3][3]
    assert (published["version"], published["source"]) == (2, "browser")
    assert verify(runner).exit_code == 0


def test_a_drafted_bundle_is_recorded_through_the_api(admin, app):
    draft = admin.post("/api/bundle-drafts", json={"code": "restaurant"}).get_json()
    assert admin.delete(f"/api/bundle-drafts/restaurant?revision={draft['revision']}"
                        ).status_code == 204
    assert [(action, username) for action, _, username, _ in acts(app)][-2:] == [
        ("draft.started", "admin"), ("draft.discarded", "admin")]


def test_an_item_saved_records_what_changed_and_the_bundles_it_drafts(admin, app):
    item = admin.get("/api/catalog/items/food_business_permit").get_json()["entry"]
    item["limits"]["committed"] = 4
    assert admin.put("/api/catalog/items/food_business_permit",
                     json={"entry": item}).status_code == 200
    (action, subject, username, details), drafted = acts(app)[-2:]
    assert drafted[:3] == ("draft.started", "restaurant", "admin")
    assert (action, subject, username) == ("catalog.entry_saved", "items/food_business_permit",
                                           "admin")
    assert (details["created"], details["changed"], details["drafted"]) == (
        False, ["limits"], ["restaurant"])
    with app.app_context():
        save_entry("departments", {"code": "water", "name": "县水利局", "level": "county"}, None)
        db.session.commit()
    assert acts(app)[-1][:3] == ("catalog.entry_saved", "departments/water", None)


def test_retiring_and_reopening_a_bundle(admin, app):
    for retired in (True, True, False):  # retiring twice is one act
        assert admin.put("/api/bundles/restaurant/retired",
                         json={"retired": retired}).status_code == 200
    assert [(action, subject, username) for action, subject, username, _ in acts(app)][-2:] == [
        ("bundle.retired", "restaurant", "admin"), ("bundle.reopened", "restaurant", "admin")]


@pytest.fixture
def console(app, staff):
    """A browser signed in as the administrator."""
    browser = app.test_client()
    sign_in(browser, "admin", PASSWORD)
    return browser


def test_retiring_and_an_account_in_the_console(app, console):
    post_form(console, "/admin/bundles/newborn/retired", {"retired": "yes"})
    post_form(console, f"/admin/users/{user_id(app, 'clerk')}", {"action": "password"})
    assert [act[:3] for act in acts(app)][-2:] == [("bundle.retired", "newborn", "admin"),
                                                   ("user.password_reset", "clerk", "admin")]


def test_accounts_and_roles(admin, app, runner):
    created = admin.post("/api/users", json={
        "username": "li.hua", "display_name": "李华", "password": "long enough password",
        "role": "reviewer", "departments": ["tax"]})
    assert created.status_code == 201, created.get_json()
    new = created.get_json()["id"]
    admin.patch(f"/api/users/{new}", json={"role": "supervisor", "departments": ["tax"]})
    admin.patch(f"/api/users/{new}", json={"display_name": "李华"})  # no change: no act
    admin.patch(f"/api/users/{new}", json={"active": False})
    admin.patch(f"/api/users/{new}", json={"active": True})
    admin.post(f"/api/users/{new}/password")
    token = admin.post("/api/tokens", json={"name": "laptop", "days": 30}).get_json()["id"]
    assert admin.delete(f"/api/tokens/{token}").status_code == 204
    assert runner.invoke(args=["users", "create", "wang.fang", "--name", "王芳", "--role",
                               "clerk", "--password", "long enough password"]).exit_code == 0
    recorded = acts(app)
    assert [(action, subject, username) for action, subject, username, _ in recorded][-7:] == [
        ("user.created", "li.hua", "admin"), ("user.updated", "li.hua", "admin"),
        ("user.deactivated", "li.hua", "admin"), ("user.activated", "li.hua", "admin"),
        ("user.password_reset", "li.hua", "admin"), ("user.token_revoked", "admin", "admin"),
        ("user.created", "wang.fang", None)]
    assert recorded[-6][3] == {"role": {"from": "reviewer", "to": "supervisor"}}
    assert recorded[-7][3] == {"display_name": "李华", "role": "reviewer",
                               "departments": ["tax"]}
    assert recorded[-2][3]["name"] == "laptop"
    assert "long enough password" not in str(recorded)
    assert verify(runner).exit_code == 0


def test_a_calendar_year_published_records_the_days_it_changed(admin, app, runner, tmp_path):
    assert admin.put("/api/calendar/2027", json=SCHEDULE_2027).status_code == 200
    action, subject, username, details = acts(app)[-1]
    assert (action, subject, username) == ("calendar.published", "2027", "admin")
    assert details["holidays_added"] == ["2027-01-01", "2027-01-02", "2027-01-03"]
    assert details["workdays_added"] == ["2027-02-20"] and details["moved"] == 0
    path = tmp_path / "2027.yaml"
    path.write_text("year: 2027\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n",
                    encoding="utf-8")
    assert runner.invoke(args=["calendar", "import", str(path)]).exit_code == 0
    action, subject, username, details = acts(app)[-1]
    assert (action, username, details["source"]) == ("calendar.published", None,
                                                      "import 2027.yaml")
    assert details["holidays_removed"] == ["2027-01-02", "2027-01-03"]
    assert details["workdays_removed"] == ["2027-02-20"]


def test_a_calendar_year_in_the_console_tried_records_nothing_published_records_it(app,
                                                                                   console):
    before = len(acts(app))
    schedule = {"schedule": "year: 2027\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n"}
    post_form(console, "/admin/calendar/2027", {**schedule, "action": "try"})
    assert len(acts(app)) == before
    post_form(console, "/admin/calendar/2027", {**schedule, "action": "publish"})
    assert acts(app)[-1][:3] == ("calendar.published", "2027", "admin")


def test_the_acts_are_listed_and_verify(admin, app, runner):
    admin.put("/api/bundles/restaurant/retired", json={"retired": True})
    listed = runner.invoke(args=["audit", "acts"]).stdout.splitlines()
    assert "admin" in listed[-1] and "bundle.retired" in listed[-1]
    assert "restaurant" in listed[-1] and "{}" in listed[-1]
    assert verify(runner).exit_code == 0
