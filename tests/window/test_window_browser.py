"""The window in a real browser at a desk's size: a clerk's day from intake to delivery, the
same intake by keyboard alone, a 1024 px screen, and axe-core on every page.

On PostgreSQL only, as the portal's browser tests: the server-side tests
(test_window_pages.py) cover both databases.
"""

import re

from playwright.sync_api import expect

from tests.browsing import NARROW_DESK, axe_violations, desk_page, fits_the_screen, sign_in
from tests.conftest import PASSWORD, postgresql_only
from tests.factories import bundle_definition, create, decide, fire
from tests.portal.test_citizen_pages import look_up
from tests.window.test_window_pages import BAD_ID, GOOD_ID, intake_form

pytestmark = postgresql_only

RESTAURANT_ITEMS = ("business_establishment", "food_business_permit", "outdoor_signboard",
                    "fire_safety_inspection")




def fill_intake(page, answers: dict) -> None:
    """Every input of the intake page as ``intake_form`` answers it, by the mouse."""
    for name, value in answers.items():
        if name == "action":
            continue
        if name == "materials":
            for code in value:
                page.locator(f'input[name="materials"][value="{code}"]').check()
            continue
        control = page.locator(f'[name="{name}"]')
        if control.first.evaluate("element => element.tagName") == "SELECT":
            control.select_option(value)
        elif control.first.get_attribute("type") == "radio":
            page.locator(f'[name="{name}"][value="{value}"]').check()
        else:
            control.fill(value)


def no_violations(page) -> None:
    assert axe_violations(page) == [], page.url


def test_a_clerk_takes_in_corrects_accepts_prints_and_delivers(app, client, live, desk):
    sign_in(desk, live, "clerk", PASSWORD, "/window")
    no_violations(desk)
    desk.get_by_label("事项名称").fill("餐饮")
    desk.get_by_role("button", name="筛选").click()
    desk.get_by_role("link", name=re.compile("开办餐饮店")).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(re.compile("^开办餐饮店"))
    no_violations(desk)

    bundle = bundle_definition(app, "restaurant")
    paper = [material.code for material in bundle.materials if not material.exempt]
    answers = intake_form(app, applicant_id=BAD_ID, delivery_method="post",
                          materials=paper[1:])  # the first is still missing
    fill_intake(desk, answers)
    desk.get_by_role("button", name="提交收件").click()
    summary = desk.locator(".error-summary")
    summary.wait_for()
    assert "身份证号码不正确" in summary.inner_text()
    field = desk.locator("#field-applicant_id")
    assert field.get_attribute("aria-invalid") == "true" and field.input_value() == BAD_ID
    assert desk.locator("#field-applicant_name").input_value() == "王小丽"  # nothing lost
    assert desk.locator(f'input[value="{paper[1]}"]').is_checked()
    no_violations(desk)
    summary.get_by_role("link").first.click()
    assert desk.evaluate("document.activeElement.id") == "field-applicant_id"

    field.fill(GOOD_ID)
    desk.get_by_role("button", name="保存草稿").click()
    desk.get_by_text("草稿已保存").wait_for()
    desk.goto(live + "/window")
    desk.get_by_role("link", name=re.compile("王小丽")).click()
    assert desk.locator("#field-applicant_id").input_value() == GOOD_ID
    assert desk.get_by_label("邮寄送达").is_checked()
    desk.get_by_role("button", name="提交收件").click()

    desk.get_by_text(re.compile("已收件，申请编号")).wait_for()
    number = re.search(r"\d{14}", desk.locator(".flash").inner_text()).group(0)
    query_code = desk.locator(".secret .code").inner_text()
    no_violations(desk)
    correction = desk.locator("#action-request_correction")
    correction.locator(f'input[name="missing"][value="{paper[0]}"]').check()
    correction.locator(f'input[name="note-{paper[0]}"]').fill("需加盖公章")
    correction.get_by_role("button", name="一次性告知补正").click()
    desk.get_by_role("link", name="一次性告知书").click()
    notice = desk.locator("article.notice").inner_text()
    assert "需加盖公章" in notice and query_code in notice and "县政务服务中心" in notice
    no_violations(desk)
    desk.get_by_role("link", name="返回申请").click()

    supplement = desk.locator("#action-supplement")
    assert supplement.locator(f'input[value="{paper[0]}"]').is_checked()  # what was asked
    supplement.get_by_role("button", name="记录补正材料").click()
    desk.locator("#action-accept").get_by_role("button", name="受理").click()
    desk.get_by_text("已受理，事项已分送各部门").wait_for()
    desk.get_by_role("link", name="受理回执").click()
    receipt = desk.locator("article.receipt")
    receipt.locator("svg.qr").wait_for()
    assert query_code in receipt.inner_text()
    desk.emulate_media(media="print")
    assert desk.locator("nav.no-print").is_hidden()  # A4: nothing but the document
    desk.emulate_media(media="screen")
    no_violations(desk)

    for item in RESTAURANT_ITEMS:  # the departments decide (their pages are issue 13)
        decide(client, number, item)
    desk.goto(live + "/window/applications?queue=delivery")
    desk.get_by_role("link", name=number).click()
    delivery = desk.locator("#action-deliver")
    assert delivery.get_by_label("邮寄送达").is_checked()  # as chosen at intake
    delivery.get_by_role("button", name="送达结果").click()
    desk.locator("#field-tracking_number-error").wait_for()  # the page the refusal rendered
    assert desk.locator("#field-tracking_number").get_attribute("aria-invalid") == "true"
    desk.locator("#action-deliver").get_by_label(re.compile("快递单号")).fill("SF1234567890")
    desk.locator("#action-deliver").get_by_role("button", name="送达结果").click()
    desk.get_by_text("已记录结果送达").wait_for()

    applicant = desk.context.new_page()
    look_up(applicant, live, number, query_code)
    applicant.get_by_text("已办结并送达").wait_for()
    applicant.close()


def test_the_same_intake_by_keyboard_alone(app, client, live, desk):
    sign_in(desk, live, "clerk", PASSWORD, "/window")  # typed, and Enter
    desk.keyboard.type("餐饮")  # the bundle finder has the focus
    with desk.expect_navigation():
        desk.keyboard.press("Enter")
    tab_to(desk, lambda active: "开办餐饮店" in active["text"])
    with desk.expect_navigation():
        desk.keyboard.press("Enter")
    bundle = bundle_definition(app, "restaurant")
    answers = intake_form(app)
    answers["materials"] = [material.code for material in bundle.materials if not material.exempt]
    with desk.expect_navigation():
        answer_by_keyboard(desk, answers)
    desk.get_by_text(re.compile("已收件，申请编号")).wait_for()
    tab_to(desk, lambda active: active["text"] == "受理" and active["tag"] == "BUTTON")
    with desk.expect_navigation():
        desk.keyboard.press("Enter")
    desk.get_by_text("已受理，事项已分送各部门").wait_for()


def active_element(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, name: e.name || '', type: e.type || '', value: e.value || '',
                text: (e.innerText || '').trim()}; }""")


def tab_to(page, wanted, limit: int = 80) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = active_element(page)
        if wanted(active):
            return active
    raise AssertionError("not reachable with Tab")


def answer_by_keyboard(page, answers: dict) -> None:
    """From the first field (autofocus) to the submit button, with keys only: typing in text
    boxes, arrows in lists, Space on check boxes and radio buttons; Enter submits."""
    for _ in range(60):
        active = active_element(page)
        if active["tag"] == "BUTTON":
            break
        name, kind = active["name"], active["type"]
        if kind == "checkbox" and active["value"] in answers.get(name, ()):
            page.keyboard.press("Space")
        elif kind == "radio":
            wanted = answers.get(name, "")
            for _ in range(5):  # arrows move and check within the group
                if active_element(page)["value"] == wanted:
                    break
                page.keyboard.press("ArrowDown")
        elif active["tag"] == "SELECT":
            page.keyboard.press("ArrowDown")  # the first choice after 请选择
        elif active["tag"] == "INPUT" and name in answers:
            page.keyboard.type(answers[name])
        page.keyboard.press("Tab")
    assert active_element(page)["text"] == "提交收件"
    page.keyboard.press("Shift+Tab")  # back into the form: Enter in a field submits it
    page.keyboard.press("Enter")


def test_pages_fit_a_1024_screen_and_pass_axe(app, client, live, browser):
    created = create(client, "restaurant", materials=[])
    fire(client, created["number"], "request_correction")
    with desk_page(browser, NARROW_DESK) as (page, errors):
        sign_in(page, live, "clerk", PASSWORD, "/window")
        for path in ("/window", "/window/apply/restaurant", "/window/applications?queue=correction",
                     f"/window/applications/{created['number']}",
                     f"/window/applications/{created['number']}/print/notice"):
            page.goto(live + path)
            assert fits_the_screen(page), path
            assert axe_violations(page) == [], path
        page.goto(live + "/window?lang=en")
        page.get_by_role("link", name="English").click()
        page.get_by_role("heading", name="Start an application").wait_for()
        assert fits_the_screen(page) and axe_violations(page) == []
    assert errors == []


def test_another_role_gets_a_403_page(app, client, live, browser):
    with desk_page(browser) as (page, errors):
        sign_in(page, live, "reviewer", PASSWORD, "/account")
        response = page.goto(live + "/window")
        assert response.status == 403
        page.get_by_role("heading", name="没有权限").wait_for()
        assert axe_violations(page) == []
    assert [error for error in errors if "403" not in error] == []
