"""The applicant's pages in a real browser, at a phone's width, in Chinese and English.

On PostgreSQL only: a browser drives the pages above the same operations as the API tests,
which cover both databases, so a second run on SQLite would only double the slowest tests. The
README's pictures of these pages come from `make screenshots` (tests/screenshots.py), not from
here.
"""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browsing import axe_violations, fits_the_screen
from tests.conftest import postgresql_only
from tests.factories import create, decide, fire

pytestmark = postgresql_only


def look_up(page, live, number: str, code: str) -> None:
    page.goto(live + "/")
    page.get_by_label("申请编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()


def test_lookup_with_a_wrong_code_then_the_right_one(client, live, phone):
    created = create(client)
    look_up(phone, live, created["number"], "WRONGCODE0")
    expect(phone.get_by_role("alert").filter(has_text="申请编号或查询码不正确")).to_be_visible()
    look_up(phone, live, "20990101000001", created["query_code"])  # the same words
    expect(phone.get_by_role("alert").filter(has_text="申请编号或查询码不正确")).to_be_visible()
    look_up(phone, live, created["number"], created["query_code"].lower())
    expect(phone.get_by_role("heading", level=1)).to_have_text("新生儿出生“一件事”")
    expect(phone.get_by_text("已收到您的申请，等待窗口受理")).to_be_visible()
    assert fits_the_screen(phone)


def test_the_help_link_explains_the_receipt(client, live, phone):
    phone.goto(live + "/")
    phone.get_by_role("link", name="在回执的哪里找到它们？").click()
    expect(phone.get_by_text("14位数字")).to_be_visible()


def test_status_after_acceptance_shows_each_department_with_its_deadline(client, live, phone):
    created = create(client)
    fire(client, created["number"], "accept")
    look_up(phone, live, created["number"], created["query_code"])
    expect(phone.get_by_text("已受理，各部门正在办理")).to_be_visible()
    first = phone.locator("li.item").first
    assert "县卫生健康局" in first.inner_text() and "期限" in first.inner_text()
    assert "年" in first.locator(".due").inner_text()  # dates in Chinese form
    assert "level-green" in first.get_attribute("class")
    expect(phone.get_by_text("预计办结")).to_be_visible()
    timeline = phone.locator("ol.timeline").inner_text()
    assert "提交申请" in timeline and "窗口受理" in timeline
    assert fits_the_screen(phone)
    assert axe_violations(phone) == []


def test_a_correction_notice_lists_everything_missing(client, live, phone):
    created = create(client, materials=["parent_id_cards", "household_register"])
    fire(client, created["number"], "request_correction", reason="材料不全")
    look_up(phone, live, created["number"], created["query_code"])
    todo = phone.get_by_role("region", name="您需要做的事")
    expect(todo).to_be_visible()
    # 结婚证 and the parents' ID cards come by data sharing: never asked for.
    for material in ("分娩机构出具的出生记录", "新生儿近期免冠照片"):
        expect(todo.get_by_text(material)).to_be_visible()
    expect(todo.get_by_text("结婚证")).to_have_count(0)
    assert fits_the_screen(phone)


def test_a_paused_item_shows_why_its_clock_stopped(client, live, phone):
    created = create(client)
    fire(client, created["number"], "accept")
    fire(client, created["number"], "start_review", "birth_medical_certificate")
    fire(client, created["number"], "pause", "birth_medical_certificate", reason="送检",
         data={"cause": "testing"})
    look_up(phone, live, created["number"], created["query_code"])
    item = phone.locator("li.item").first
    assert "特殊程序中，计时暂停" in item.inner_text()
    assert "暂停计时：检验" in item.inner_text()
    assert "level-paused" in item.get_attribute("class")


def deliver(client, number: str) -> None:
    fire(client, number, "accept")
    for code in ("birth_medical_certificate", "birth_registration", "newborn_medical_insurance",
                 "social_security_card", "vaccination_certificate"):
        decide(client, number, code)
    fire(client, number, "deliver", data={"method": "electronic"})


def test_after_delivery_the_applicant_rates_the_service_once(client, live, phone):
    created = create(client)
    deliver(client, created["number"])
    look_up(phone, live, created["number"], created["query_code"])
    expect(phone.get_by_text("已办结并送达")).to_be_visible()
    expect(phone.get_by_text("电子证照，在线领取")).to_be_visible()
    expect(phone.get_by_role("heading", name="您将收到的证照和文书")).to_be_visible()
    assert phone.locator("ul.documents li").count() == 5  # one result per approved item
    phone.get_by_label("不满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.get_by_role("alert").filter(has_text="请告诉我们哪里不满意")).to_be_visible()
    phone.get_by_label("不满意", exact=True).check()
    phone.get_by_label("意见（不满意时必填）").fill("窗口排队太久")
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.get_by_text("感谢您的评价！")).to_be_visible()
    expect(phone.get_by_role("button", name="提交评价")).to_have_count(0)


def test_the_language_switch_and_large_text_persist(client, live, phone):
    created = create(client)
    fire(client, created["number"], "accept")
    look_up(phone, live, created["number"], created["query_code"])
    phone.get_by_role("link", name="English").click()
    expect(phone.get_by_text("Accepted: the departments are working on it")).to_be_visible()
    assert phone.locator("html").get_attribute("lang") == "en"
    phone.get_by_role("link", name="Large text").click()
    expect(phone.locator("html")).to_have_class(re.compile(r"\blarge\b"))
    phone.goto(live + "/status")  # both remembered
    expect(phone.get_by_text("Each department's work")).to_be_visible()
    assert "large" in phone.locator("html").get_attribute("class")
    assert fits_the_screen(phone)
    phone.get_by_role("link", name="中文").click()
    expect(phone.get_by_text("各部门办理情况")).to_be_visible()


def test_the_receipt_prints_the_code_and_its_qr_link_opens_the_status(client, live, phone):
    created = create(client)
    receipt = urlsplit(created["receipt_url"])
    phone.goto(live + receipt.path)
    expect(phone.get_by_role("heading", name="受理回执")).to_be_visible()
    expect(phone.get_by_text(created["query_code"])).to_be_visible()
    assert phone.locator("svg.qr").count() == 1
    link = urlsplit(phone.get_by_role("link", name="打开办理进度").get_attribute("href"))
    fresh = phone.context.browser.new_context(viewport=phone.viewport_size)  # as on a phone
    scanned = fresh.new_page()
    scanned.goto(live + link.path)
    assert scanned.get_by_role("heading", level=1).inner_text() == "新生儿出生“一件事”"
    fresh.close()


def test_pages_work_without_javascript(client, browser, live):
    created = create(client)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360,
                                                                       "height": 740})
    page = context.new_page()
    look_up(page, live, created["number"], created["query_code"])
    assert page.get_by_role("heading", level=1).inner_text() == "新生儿出生“一件事”"
    context.close()


def test_every_control_has_an_accessible_label_and_nothing_loads_from_elsewhere(
        client, live, phone):
    created = create(client)
    deliver(client, created["number"])
    requested: list[str] = []
    phone.on("request", lambda request: requested.append(request.url))
    look_up(phone, live, created["number"], created["query_code"])
    unlabeled = phone.evaluate("""() => [...document.querySelectorAll(
        'input:not([type=hidden]), textarea, select, button')].filter(
        element => !(element.labels && element.labels.length) &&
                   !element.getAttribute('aria-label') && !element.textContent.trim()
        ).map(element => element.outerHTML)""")
    assert unlabeled == []
    assert all(url.startswith(live) for url in requested), requested
