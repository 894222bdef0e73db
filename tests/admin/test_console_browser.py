"""The console in a real browser: an administrator creates a reviewer for a department, who
signs in and sees that department's items; axe-core on every console page. PostgreSQL only."""


from tests.browsing import NARROW_DESK, axe_violations, desk_page, fits_the_screen, sign_in
from tests.conftest import PASSWORD, postgresql_only
from tests.factories import create, fire

pytestmark = postgresql_only




def test_a_new_reviewer_sees_their_departments_items(app, client, live, desk):
    number = create(client, "restaurant")["number"]
    fire(client, number, "accept")
    sign_in(desk, live, "admin", PASSWORD)
    desk.get_by_role("heading", name="管理控制台").wait_for()
    assert axe_violations(desk) == []
    desk.get_by_role("link", name="账号", exact=True).click()
    desk.get_by_label("用户名").fill("li.na")
    desk.get_by_label("姓名").fill("李娜")
    desk.get_by_label("初始密码（至少10位）").fill("a good password")
    desk.get_by_label("角色").select_option("reviewer")
    desk.get_by_label("县市场监督管理局").check()
    assert axe_violations(desk) == []
    desk.get_by_role("button", name="创建账号").click()
    desk.get_by_text("已创建账号 li.na").wait_for()
    assert axe_violations(desk) == []
    desk.get_by_role("link", name="一件事", exact=True).click()
    desk.get_by_text("开办餐饮店").wait_for()
    assert axe_violations(desk) == []

    sign_in(desk, live, "li.na", "a good password")
    desk.get_by_role("heading", name="待审事项").wait_for()
    desk.get_by_role("link", name=number).wait_for()


def test_console_pages_fit_1024_and_pass_axe(app, client, live, browser):
    with desk_page(browser, NARROW_DESK) as (page, errors):
        sign_in(page, live, "admin", PASSWORD)
        for path in ("/admin", "/admin/users", "/admin/bundles", "/admin/calendar", "/admin/outbox",
                     "/admin/calendar/2031"):
            page.goto(live + path)
            assert fits_the_screen(page), path
            assert axe_violations(page) == [], path
    assert errors == []


def test_the_bundle_page_draws_its_machine(app, client, live, desk):
    sign_in(desk, live, "admin", PASSWORD)
    desk.goto(f"{live}/admin/bundles")
    desk.get_by_role("link", name="开办餐饮店“一件事”").click()
    drawing = desk.locator("figure.diagram .diagram-drawing svg")
    drawing.wait_for()
    assert drawing.is_visible() and desk.locator("pre.diagram-source").is_hidden()
    assert "节省" in desk.locator(".saving").inner_text()
    assert axe_violations(desk) == []
