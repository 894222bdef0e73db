"""The administrators' console, served, on both databases: accounts (create, change role and
departments, deactivate, reset a password, revoke tokens) and the bundles as published. The
browser flow (a new reviewer signs in and sees their department's items) is in
test_console_browser.py."""

import re

import pytest

from service.access.models import User
from service.core.database import db
from tests.access.test_pages import post_form as post
from tests.access.test_pages import sign_in, text
from tests.conftest import PASSWORD
from tests.factories import application_payload, bundle_definition, create, decide, fire


@pytest.fixture
def admin(app, staff):
    browser = app.test_client()
    sign_in(browser, "admin", PASSWORD)
    return browser




def user_id(app, username) -> int:
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.username == username))


NEW_REVIEWER = {"username": "zhang.wei", "display_name": "张伟", "password": "long enough 1",
                "role": "reviewer", "departments": ["market_regulation"]}


def test_an_administrator_creates_a_reviewer_who_signs_in(app, admin):
    created = post(admin, "/admin/users", NEW_REVIEWER)
    assert created.status_code == 302
    assert "张伟" in text(admin.get(created.headers["Location"]))
    newcomer = app.test_client()
    assert sign_in(newcomer, "zhang.wei", "long enough 1").headers["Location"] == "/review"


def test_account_errors_are_shown_at_their_fields_and_nothing_is_written(app, admin):
    refused = post(admin, "/admin/users", {**NEW_REVIEWER, "username": "Bad Name",
                                           "password": "short", "departments": []})
    page = text(refused)
    assert refused.status_code == 200 and 'class="error-summary"' in page
    assert "密码至少10位" in page and "须选择部门" in page and "用户名为3至64位" in page
    assert 'value="张伟"' in page  # what was typed stays (not the password)
    assert user_id(app, "Bad Name") is None


def test_role_and_departments_change_and_the_last_admin_stays(app, admin):
    post(admin, "/admin/users", NEW_REVIEWER)
    account = user_id(app, "zhang.wei")
    changed = post(admin, f"/admin/users/{account}",
                   {"action": "update", "display_name": "张伟", "role": "supervisor",
                    "departments": ["market_regulation", "tax"]})
    assert changed.status_code == 302
    with app.app_context():
        found = db.session.get(User, account)
        assert found.role == "supervisor" and found.department_codes == {"market_regulation", "tax"}
    me = user_id(app, "admin")
    demoted = post(admin, f"/admin/users/{me}", {"action": "update", "display_name": "Admin",
                                                 "role": "clerk"})
    assert "最后一位在用的管理员" in text(demoted)
    stopped = post(admin, f"/admin/users/{me}", {"action": "deactivate"})
    assert "最后一位在用的管理员" in text(admin.get(stopped.headers["Location"]))


def test_deactivate_reset_the_password_and_revoke_a_token(app, admin, client):
    clerk = user_id(app, "clerk")
    reset = post(admin, f"/admin/users/{clerk}", {"action": "password"})
    assert reset.headers["Cache-Control"] == "no-store"
    password = re.search(r"<code>([^<]+)</code>", text(reset)).group(1)
    assert sign_in(app.test_client(), "clerk", password).status_code == 302
    page = text(admin.get(f"/admin/users/{clerk}"))
    token = re.search(r'name="token" value="(\d+)"', page).group(1)
    post(admin, f"/admin/users/{clerk}", {"action": "revoke", "token": token})
    assert client.get("/api/applications").status_code == 401  # the clerk's token is revoked
    post(admin, f"/admin/users/{clerk}", {"action": "deactivate"})
    assert "已停用" in text(admin.get(f"/admin/users/{clerk}"))


def test_bundles_list_their_versions_and_running_applications(app, admin, client):
    number = create(client, "restaurant")["number"]
    fire(client, number, "accept")
    page = text(admin.get("/admin/bundles"))
    assert "开办餐饮店" in page and "v1: 1" in page


def test_only_administrators_open_the_console(app, admin, staff):
    clerk = app.test_client()
    sign_in(clerk, "clerk", PASSWORD)
    for path in ("/admin", "/admin/users", "/admin/bundles"):
        assert clerk.get(path).status_code == 403, path
    assert admin.get("/admin/users/999999").status_code == 404
    assert post(admin, f"/admin/users/{user_id(app, 'clerk')}",
                {"action": "nonsense"}).status_code == 400


def publish_second_version(app, loaded):
    """The restaurant bundle republished with a longer committed limit: version 2."""
    import copy

    from service.catalog.operations import publish

    changed = copy.deepcopy(loaded)
    changed.bundles["restaurant"]["limits"]["committed"] += 1
    with app.app_context():
        publish(changed)
        db.session.commit()


def test_a_bundles_page_previews_saves_and_compares_versions(app, admin, loaded):
    page = text(admin.get("/admin/bundles/restaurant"))
    assert "节省" in page and "stateDiagram-v2" in page  # the text, drawn by mermaid
    assert "注册资本" in page and "营业执照" in page  # the one form; the shared licence
    publish_second_version(app, loaded)
    compared = admin.get("/admin/bundles/restaurant?version=2&compare=1")
    assert "v1 → v2" in text(compared) and "7/" in text(compared) and "8/" in text(compared)
    assert "'unsafe-inline'" in compared.headers["Content-Security-Policy"].split(
        "style-src")[1].split(";")[0]
    assert "'unsafe-inline'" not in compared.headers["Content-Security-Policy"].split(
        "script-src")[1].split(";")[0]
    assert admin.get("/admin/bundles/nothing").status_code == 404
    assert admin.get("/admin/bundles/restaurant?version=9").status_code == 404


SCHEDULE_2031 = """year: 2031
holidays:
  - {date: 2031-01-01, name: 元旦}
  - {date: 2031-10-01, name: 国庆节}
workdays:
  - {date: 2031-09-28, name: 国庆节调休}
"""


def test_a_years_calendar_is_checked_tried_and_published(app, admin):
    assert "2031" in text(admin.get("/admin/calendar/2031"))
    broken = post(admin, "/admin/calendar/2031",
                  {"action": "try", "schedule": SCHEDULE_2031.replace("2031-10-01", "2030-10-01")})
    assert "holidays[1].date: not in 2031" in text(broken)
    tried = post(admin, "/admin/calendar/2031", {"action": "try", "schedule": SCHEDULE_2031})
    assert "试算结果" in text(tried) and "+ 2031-10-01 休 国庆节" in text(tried)
    assert "尚未发布" in text(admin.get("/admin/calendar/2031"))  # a trial keeps nothing
    published = post(admin, "/admin/calendar/2031", {"action": "publish",
                                                     "schedule": SCHEDULE_2031})
    assert published.status_code == 302
    page = text(admin.get("/admin/calendar/2031"))
    assert "国庆节调休" in page and "来源：admin" in page
    assert "2031" in text(admin.get("/admin/calendar"))
    assert "不是有效的 YAML" in text(post(admin, "/admin/calendar/2031",
                                          {"action": "try", "schedule": "year: [2031"}))
    assert admin.get("/admin/calendar/1900").status_code == 404


def test_a_retired_bundle_takes_no_new_applications_and_running_ones_finish(app, admin, client):
    running = create(client, "restaurant")["number"]
    assert post(admin, "/admin/bundles/restaurant/retired", {"retired": "yes"}).status_code == 302
    refused = client.post("/api/applications", json=application_payload(app, "restaurant"))
    assert refused.status_code == 422 and "retired" in refused.get_json()["detail"]
    assert "restaurant" not in [each["code"] for each in client.get("/api/bundles").get_json()]
    assert "已停办" in text(admin.get("/admin/bundles"))
    fire(client, running, "accept")  # the one already in goes on
    clerk = app.test_client()
    sign_in(clerk, "clerk", PASSWORD)
    assert clerk.get("/window/apply/restaurant").status_code == 404
    assert "/window/apply/restaurant" not in text(clerk.get("/window"))  # not offered
    post(admin, "/admin/bundles/restaurant/retired", {"retired": "no"})
    assert clerk.get("/window/apply/restaurant").status_code == 200


def test_the_outbox_lists_what_waits_to_be_sent(app, admin, client):
    from service.applications.operations import get_application
    from service.applications.ratings import rate

    number = create(client, "newborn")["number"]
    fire(client, number, "accept")
    for item in bundle_definition(app, "newborn").execution_order():
        decide(client, number, item)
    fire(client, number, "deliver", data={"method": "electronic"})
    with app.test_request_context():
        rate(get_application(number), 1, "等了太久")  # a bad rating: a call-back message
        db.session.commit()
    page = text(admin.get("/admin/outbox"))
    assert number in page and "未发送2条" in page  # the result ready, the call-back
