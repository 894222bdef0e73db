"""Authoring in a real browser: an administrator drafts a bundle with a cycle (the error at its
path), fixes it in the YAML editor, previews the form, the drawn machine and the saving,
publishes it; a clerk then takes in an application of it. PostgreSQL only."""

import re

from tests.browsing import NARROW_DESK, axe_violations, desk_page, fits_the_screen, sign_in
from tests.conftest import PASSWORD, postgresql_only
from tests.window.test_window_browser import fill_intake
from tests.window.test_window_pages import intake_form

pytestmark = postgresql_only


def add_item(page, search: str, name: str) -> None:
    page.get_by_label("查找事项").fill(search)
    page.get_by_role("button", name="查找", exact=True).click()
    page.get_by_role("button", name=f"加入 {name}").click()
    page.get_by_role("row", name=re.compile("^" + re.escape(name))).wait_for()


def test_an_administrator_drafts_fixes_previews_and_publishes_a_bundle_a_clerk_uses(
        app, client, live, desk):
    sign_in(desk, live, "admin", PASSWORD, "/admin/bundles")
    desk.get_by_role("link", name="新建一件事").click()
    desk.get_by_label("代码").fill("food_stall")
    desk.get_by_label("名称").fill("开办小吃摊“一件事”")
    desk.get_by_role("button", name="起草").click()
    desk.get_by_role("heading", name=re.compile("草稿：food_stall")).wait_for()
    assert axe_violations(desk) == []

    desk.get_by_label("个人", exact=True).check()
    desk.get_by_label("开办", exact=True).check()
    desk.get_by_label("承诺时限").fill("6")
    add_item(desk, "设立登记", "企业（个体工商户）设立登记")
    add_item(desk, "食品经营", "食品经营许可")
    establishment = desk.get_by_role("row", name=re.compile("^企业（个体工商户）设立登记"))
    establishment.get_by_label("食品经营许可").check()
    desk.get_by_role("row", name=re.compile("^食品经营许可")).get_by_label(
        "企业（个体工商户）设立登记").check()
    desk.get_by_role("button", name="保存草稿").click()
    desk.get_by_text("草稿已保存").wait_for()
    assert "prerequisite cycle" in desk.locator("tr.invalid").inner_text()
    assert axe_violations(desk) == []

    desk.get_by_role("link", name="YAML 编辑").click()
    problem = desk.locator(".error-summary li").first
    problem.wait_for()
    assert "bundles[0].items[0].after" in problem.inner_text()
    problem.get_by_role("link").click()  # selects the line the problem names
    selected = desk.evaluate("() => { const t = document.getElementById('field-text');"
                             " return t.value.slice(t.selectionStart, t.selectionEnd); }")
    assert "after: [food_business_permit]" in selected
    text = desk.get_by_label("定义（workflows/ 的 YAML 格式）")
    text.fill(text.input_value().replace("        after: [food_business_permit]\n", ""))
    desk.get_by_role("button", name="保存并检查").click()
    desk.get_by_text("检查通过，可以发布").wait_for()
    assert axe_violations(desk) == []

    desk.get_by_role("link", name="检查、预览与发布").first.click()
    drawing = desk.locator("figure.diagram .diagram-drawing svg")
    drawing.wait_for()
    assert desk.locator("pre.diagram-source").is_hidden()
    assert "并联办理6个工作日" in desk.locator(".saving").inner_text()
    assert "经营场所地址" in desk.locator("#form-heading + *").inner_text() or (
        "经营场所地址" in desk.content())
    assert axe_violations(desk) == []
    desk.get_by_role("button", name="发布", exact=True).click()
    desk.get_by_text("已发布 v1").wait_for()

    sign_in(desk, live, "clerk", PASSWORD, "/window")
    desk.get_by_label("事项名称").fill("小吃摊")
    desk.get_by_role("button", name="筛选").click()
    desk.get_by_role("link", name=re.compile("开办小吃摊")).click()
    fill_intake(desk, intake_form(app, "food_stall"))
    desk.get_by_role("button", name="提交收件").click()
    desk.get_by_text(re.compile("已收件，申请编号")).wait_for()


def test_authoring_pages_fit_1024_and_pass_axe(app, client, live, browser):
    with desk_page(browser, NARROW_DESK) as (page, errors):
        sign_in(page, live, "admin", PASSWORD)
        page.goto(live + "/admin/items/food_business_permit")
        page.get_by_label("承诺时限").fill("4")
        page.get_by_role("button", name="保存").click()
        page.get_by_text("请核对后发布").wait_for()
        for path in ("/admin/items", "/admin/items/food_business_permit", "/admin/departments",
                     "/admin/departments/market_regulation", "/admin/bundles/new",
                     "/admin/bundles", "/admin/drafts/restaurant",
                     "/admin/drafts/restaurant/yaml", "/admin/drafts/restaurant/preview",
                     "/admin/bundles/restaurant/migrate"):
            page.goto(live + path)
            assert fits_the_screen(page), path
            assert axe_violations(page) == [], path
    assert errors == []
