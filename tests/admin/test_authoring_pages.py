"""Authoring the catalog in the console, served, on both databases: a bundle drafted in the
structured form and as YAML, checked, previewed and published; items and departments edited,
drafting the bundles they change. The browser flow is in test_authoring_browser.py."""

import re

import pytest

from service.catalog.models import BundleVersion
from service.core.database import db
from tests.access.test_pages import post_form as post
from tests.access.test_pages import sign_in, text
from tests.conftest import PASSWORD


@pytest.fixture
def admin(app, staff):
    browser = app.test_client()
    sign_in(browser, "admin", PASSWORD)
    return browser


def revision(page: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', page).group(1)


STALL = {"name": "开办小吃摊“一件事”", "description": "营业执照与食品经营许可，一次办。",
         "audience": "person", "categories": ["opening"], "committed": "6",
         "unit": "working_days"}


def start(admin, code="food_stall") -> str:
    created = post(admin, "/admin/bundles/new", {"code": code, "name": "开办小吃摊"})
    assert created.status_code == 302 and created.headers["Location"] == f"/admin/drafts/{code}"
    return text(admin.get(created.headers["Location"]))


def save(admin, page: str, **fields):
    items = fields.pop("items", [])
    data = {**STALL, "revision": revision(page), "items": items, **fields}
    return post(admin, "/admin/drafts/food_stall", data)


def test_a_bundle_is_drafted_in_the_form_checked_previewed_and_published(app, admin):
    page = start(admin)
    assert "有2个问题" in page and 'name="name" value="开办小吃摊"' in page
    found = admin.get("/admin/drafts/food_stall?q=食品经营")
    assert "食品经营许可" in text(found) and 'name="add" value="food_business_permit"' in text(
        found)
    save(admin, page, add="business_establishment")
    page = text(admin.get("/admin/drafts/food_stall"))
    save(admin, page, items=["business_establishment"], add="food_business_permit")
    page = text(admin.get("/admin/drafts/food_stall"))
    # A cycle: each item after the other. The error is shown at the item's row.
    save(admin, page, items=["business_establishment", "food_business_permit"],
         **{"after-business_establishment": "food_business_permit",
            "after-food_business_permit": "business_establishment"})
    page = text(admin.get("/admin/drafts/food_stall"))
    assert "prerequisite cycle" in page and 'class="invalid"' in page
    save(admin, page, items=["business_establishment", "food_business_permit"],
         **{"after-food_business_permit": "business_establishment"}, action="save")
    preview = text(admin.get("/admin/drafts/food_stall/preview"))
    assert "检查通过，可以发布" in preview and "stateDiagram-v2" in preview
    assert "各事项依次办理需6个工作日，并联办理6个工作日" in preview  # 1 + 5, one after the other
    published = post(admin, "/admin/drafts/food_stall/publish", {"revision": revision(preview)})
    assert published.headers["Location"] == "/admin/bundles/food_stall"
    assert "v1" in text(admin.get("/admin/bundles/food_stall"))
    with app.app_context():
        version = db.session.scalar(db.select(BundleVersion).where(
            BundleVersion.bundle_code == "food_stall"))
        assert version.source == "browser" and version.definition["limits"]["statutory"] == 35


def test_the_yaml_editor_shows_each_problem_at_its_line(app, admin):
    page = start(admin)
    broken = "bundles:\n  - code: food_stall\n    name: x\n    audience: alien\n"
    post(admin, "/admin/drafts/food_stall/yaml", {"text": broken, "revision": revision(page)})
    page = text(admin.get("/admin/drafts/food_stall/yaml"))
    assert 'data-line="4"' in page and "bundles[0].audience" in page
    assert "audience: alien" in page  # kept as typed
    # The structured form shows what it can of it.
    assert 'name="name" value="x"' in text(admin.get("/admin/drafts/food_stall"))
    post(admin, "/admin/drafts/food_stall/yaml", {"text": "bundles: [", "revision":
                                                  revision(page)})
    assert "无法在表单中显示" in text(admin.get("/admin/drafts/food_stall"))


def test_a_save_over_someone_elses_is_refused_and_loses_nothing_of_theirs(app, admin):
    page = start(admin)
    save(admin, page, name="第一位管理员", action="save")
    refused = save(admin, page, name="第二位管理员", action="save")  # the old revision
    assert refused.status_code == 302
    page = text(admin.get("/admin/drafts/food_stall"))
    assert "第一位管理员" in page and "已被他人保存" in page


def test_a_draft_of_a_published_bundle_publishes_a_new_version_and_discards(app, admin):
    bundle = text(admin.get("/admin/bundles/restaurant"))
    assert "起草新版本" in bundle
    started = post(admin, "/admin/bundles/restaurant/draft", {})
    assert started.headers["Location"] == "/admin/drafts/restaurant"
    preview = text(admin.get("/admin/drafts/restaurant/preview"))
    assert "与当前版本相同" in preview and ">发布<" not in preview
    listed = text(admin.get("/admin/bundles"))
    assert "/admin/drafts/restaurant" in listed  # listed among the drafts
    assert "<td>开办</td>" in listed and "<td>7 工作日</td>" in listed  # category, limit
    discarded = post(admin, "/admin/drafts/restaurant/discard", {"revision": revision(preview)})
    assert discarded.headers["Location"] == "/admin/bundles"
    assert admin.get("/admin/drafts/restaurant").status_code == 404


def test_a_new_bundle_code_must_be_free_and_snake_case(app, admin):
    refused = post(admin, "/admin/bundles/new", {"code": "Food Stall", "name": "x"})
    assert refused.status_code == 422 and "蛇形命名" in text(refused)
    taken = post(admin, "/admin/bundles/new", {"code": "restaurant", "name": "x"})
    assert taken.status_code == 422 and "起草新版本" in text(taken)


ITEM = {"name": "食品经营许可", "department": "market_regulation", "kind": "licence",
        "statutory": "20", "committed": "3", "unit": "working_days", "basis": "",
        "materials": ["business_license", "premises_layout", "food_safety_rules",
                      "applicant_id_card"],
        "fields": ["business_name", "business_address", "business_area", "food_categories"],
        "produces": ["food_business_permit"], "online": "yes"}


def test_editing_an_item_drafts_its_bundles_for_review(app, admin):
    page = text(admin.get("/admin/items/food_business_permit"))
    assert 'value="5"' in page and "开办餐饮店" in page
    saved = post(admin, "/admin/items/food_business_permit", ITEM)
    assert saved.status_code == 302
    page = text(admin.get(saved.headers["Location"]))
    assert "restaurant" in page and "浏览器修改" in page
    drafts = text(admin.get("/admin/bundles"))
    assert "目录修改：item:food_business_permit" in drafts
    preview = text(admin.get("/admin/drafts/restaurant/preview"))
    assert "检查通过，可以发布" in preview and "时限" in preview


def test_an_invalid_item_is_refused_at_its_fields(app, admin):
    refused = post(admin, "/admin/items/food_business_permit", {**ITEM, "committed": "30"})
    page = text(refused)
    assert refused.status_code == 422 and 'href="#field-committed"' in page
    assert "above the statutory limit" in page
    assert 'value="5"' in text(admin.get("/admin/items/food_business_permit"))


def test_a_new_item_and_the_items_list(app, admin):
    created = post(admin, "/admin/items/new", {**ITEM, "code": "street_food_filing",
                                                "name": "小吃摊备案", "kind": "filing",
                                                "produces": []})
    assert created.headers["Location"] == "/admin/items/street_food_filing"
    listed = text(admin.get("/admin/items?q=小吃"))
    assert "小吃摊备案" in listed and "共1项" in listed
    by_department = text(admin.get("/admin/items?department=fire_rescue"))
    assert "消防安全检查" in by_department and "小吃摊备案" not in by_department


def test_departments_are_added_and_renamed(app, admin):
    added = post(admin, "/admin/departments", {"code": "water", "name": "县水利局",
                                               "level": "county"})
    assert added.status_code == 302 and "县水利局" in text(admin.get("/admin/departments"))
    refused = post(admin, "/admin/departments", {"code": "water", "name": "again",
                                                 "level": "county"})
    assert refused.status_code == 422 and "taken" in text(refused)
    renamed = post(admin, "/admin/departments/fire_rescue", {"name": "县消防救援大队（新）",
                                                             "level": "vertical"})
    assert renamed.status_code == 302
    assert "restaurant" in text(admin.get("/admin/departments/fire_rescue"))


@pytest.mark.parametrize("path", ["/admin/items", "/admin/departments", "/admin/bundles/new"])
def test_authoring_is_for_administrators_only(app, staff, path):
    clerk = app.test_client()
    sign_in(clerk, "clerk", PASSWORD)
    assert clerk.get(path).status_code == 403


def test_an_item_saved_unchanged_drafts_nothing(app, admin):
    page = text(admin.get("/admin/items/food_business_permit"))
    chosen = re.findall(r'name="(materials|fields|produces)" value="([a-z_]+)" checked', page)
    form = {**ITEM, "committed": "5", "materials": [], "fields": [], "produces": []}
    for name, code in chosen:
        form[name].append(code)
    saved = post(admin, "/admin/items/food_business_permit", form)
    assert saved.status_code == 302
    assert "已保存" in text(admin.get(saved.headers["Location"]))
    assert "草稿" not in text(admin.get("/admin/bundles"))
