"""The departments' pages in a real browser at a desk's size: after the window accepts a
restaurant application, each department's reviewer decides its item — one with a pause and a
resumption, one with an extension requested and approved by the supervisor — and the last
decision concludes the application; axe-core on every page.

On PostgreSQL only, as the other browser tests.
"""

import re

from tests.browsing import NARROW_DESK, axe_violations, desk_page, fits_the_screen, sign_in
from tests.conftest import PASSWORD, postgresql_only
from tests.factories import approval, create, fire
from tests.review.test_review_pages import FIRE, FIRST, SIGNBOARD, people  # noqa: F401

pytestmark = postgresql_only




def open_item(page, number):
    page.get_by_role("link", name=number).first.click()


def press(page, form_id, button):
    page.locator(f"#{form_id}").get_by_role("button", name=button).click()


def review_and_approve(app, page, item_code, started=False):
    if not started:
        press(page, "action-start_review", "开始审查")
        page.get_by_text("已开始审查").wait_for()
    result = approval(app, item_code)
    form = page.locator("#action-approve")
    form.get_by_label("审查意见").fill(result["opinion"])
    form.get_by_label("出具的文书").fill(result["result"]["document"])
    if result["result"]["number"]:
        form.get_by_label("证照编号").fill(result["result"]["number"])
    form.get_by_role("button", name="准予").click()
    page.get_by_text("已准予，结果已记录").wait_for()


def test_each_department_decides_its_item_and_the_last_concludes(app, client, live, desk,
                                                                  people):  # noqa: F811
    number = create(client, "restaurant")["number"]
    fire(client, number, "accept")

    sign_in(desk, live, "r_market_regulation", PASSWORD)
    assert axe_violations(desk) == []
    open_item(desk, number)
    assert desk.get_by_role("heading", level=1).inner_text().startswith("企业（个体工商户）")
    assert axe_violations(desk) == []
    desk.locator("#assignment").get_by_role("button", name="领取").click()
    desk.get_by_text("已领取，由您办理").wait_for()
    review_and_approve(app, desk, FIRST)
    desk.get_by_role("link", name="准予决定书").click()
    issued = approval(app, FIRST)["result"]
    letter = desk.locator("article.notice").inner_text()
    assert issued["document"] in letter and issued["number"] in letter
    assert axe_violations(desk) == []
    desk.get_by_role("link", name="返回申请").click()
    desk.goto(f"{live}/review")  # the permit opened for the same department, after the licence
    open_item(desk, number)
    review_and_approve(app, desk, "food_business_permit")

    sign_in(desk, live, "r_fire_rescue", PASSWORD)  # a pause while the site is inspected
    open_item(desk, number)
    press(desk, "action-start_review", "开始审查")
    desk.locator("#action-pause").get_by_label("暂停原因").select_option("inspection")
    press(desk, "action-pause", "暂停计时")
    desk.get_by_text("已暂停计时").wait_for()
    assert "暂停" in desk.locator(".standing").inner_text()
    press(desk, "action-resume", "恢复计时")
    review_and_approve(app, desk, FIRE, started=True)

    sign_in(desk, live, "r_urban_management", PASSWORD)  # an extension, requested
    open_item(desk, number)
    press(desk, "action-start_review", "开始审查")
    extension = desk.locator("#action-extension")
    extension.get_by_label("延长天数").fill("5")
    extension.get_by_label(re.compile("延长的理由")).fill("需现场核查招牌安装位置")
    extension.get_by_role("button", name="提交延期申请").click()
    desk.locator("#extension").get_by_text("等待部门负责人审批").wait_for()

    sign_in(desk, live, "s_urban_management", PASSWORD)  # and approved
    desk.get_by_role("link", name="督办").click()
    desk.get_by_text("需现场核查招牌安装位置").wait_for()
    assert axe_violations(desk) == []
    desk.get_by_role("link", name=number).first.click()
    desk.get_by_role("button", name="同意延期", exact=True).click()
    desk.get_by_text("已延长办理期限").wait_for()
    review_and_approve(app, desk, SIGNBOARD, started=True)

    state = client.get(f"/api/applications/{number}").get_json()
    assert state["state"] == "concluded" and state["outcome"] == "approved"


def test_a_reviewer_of_another_department_cannot_open_the_item(app, client, live, browser,
                                                               people):  # noqa: F811
    number = create(client, "restaurant")["number"]
    fire(client, number, "accept")
    with desk_page(browser, NARROW_DESK) as (page, errors):
        sign_in(page, live, "r_fire_rescue", PASSWORD)
        assert fits_the_screen(page)
        response = page.goto(f"{live}/review/items/{number}/{FIRST}")
        assert response.status == 404
        sign_in(page, live, "r_market_regulation", PASSWORD)
        page.goto(f"{live}/review/items/{number}/{FIRST}")
        assert fits_the_screen(page) and axe_violations(page) == []
    assert [error for error in errors if "404" not in error] == []
