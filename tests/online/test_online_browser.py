"""The online counter in a real browser at 360 px: an applicant signs in with the texted code,
applies for the restaurant bundle (a wrong ID first), uploads, submits; the window pre-reviews
at a desk, asks once for a missing material, which the applicant uploads to the same
application; then accepted, decided and delivered, followed by the applicant to the end. And a
decompression bomb refused at its field. axe-core on every applicant page.

On PostgreSQL only, as the other browser tests: the server-side tests (test_online_pages.py)
cover both databases.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browsing import axe_violations, desk_page, fits_the_screen, phone_page, sign_in
from tests.conftest import PASSWORD, postgresql_only
from tests.factories import bundle_definition, decide
from tests.online.conftest import PHONE, last_code
from tests.online.test_online_pages import BAD_ID, GOOD_ID, application_form
from tests.uploads import files
from tests.window.test_window_browser import RESTAURANT_ITEMS, fill_intake

pytestmark = postgresql_only

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"


@pytest.fixture
def phone(browser):
    """A page at 360 px, Chinese first; fails the test on any console error."""
    with phone_page(browser) as (page, errors):
        yield page
    assert errors == [], errors


def fits_and_passes_axe(page) -> None:
    assert fits_the_screen(page), page.url
    assert axe_violations(page) == [], page.url


def sign_in_by_code(page, sms) -> None:
    """From the sign-in page: the number, then the code the logging SMS gateway wrote (the
    server is a thread of this process: the ``sms`` fixture hears it)."""
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    code = page.get_by_label("短信验证码")
    expect(code).to_be_visible()
    code.fill(last_code(sms))
    page.get_by_role("button", name="登录").click()


def to_upload(app) -> list:
    return [material for material in bundle_definition(app, "restaurant").materials
            if not material.exempt]


def attach(page, code: str, name: str, media_type: str, content: bytes) -> None:
    page.locator(f"#file-{code}").set_input_files(
        {"name": name, "mimeType": media_type, "buffer": content})


def test_an_applicant_applies_online_and_follows_it_to_delivery(app, client, live, browser,
                                                                 phone, upload_store, sms):
    phone.goto(live + "/apply")
    card = phone.locator("li.card").filter(has_text="开办餐饮店")
    items = len(bundle_definition(app, "restaurant").items)
    expect(card).to_contain_text(f"{items}个事项一次办")
    fits_and_passes_axe(phone)
    card.get_by_role("link").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("办事指南")
    fits_and_passes_axe(phone)
    phone.get_by_role("link", name="在线申请").click()
    expect(phone.get_by_role("button", name="获取验证码")).to_be_visible()
    fits_and_passes_axe(phone)
    sign_in_by_code(phone, sms)
    expect(phone).to_have_url(re.compile(r"/apply/restaurant/form$"))  # back where it was
    assert phone.locator("#field-contact_phone").input_value() == PHONE

    fill_intake(phone, application_form(app, applicant_id=BAD_ID))
    phone.get_by_role("button", name="保存并继续：上传材料").click()
    summary = phone.locator(".error-summary")
    expect(summary).to_contain_text("身份证号码")
    field = phone.locator("#field-applicant_id")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value(BAD_ID)  # what was typed is kept, and said where
    expect(phone.locator("#field-applicant_id-error")).to_contain_text("身份证号码")
    expect(phone.locator("#field-applicant_name")).to_have_value("王小丽")
    fits_and_passes_axe(phone)
    field.fill(GOOD_ID)
    phone.get_by_role("button", name="保存并继续：上传材料").click()

    expect(phone).to_have_url(re.compile(r"/apply/drafts/\d+/materials$"))
    fits_and_passes_axe(phone)
    *sent, missing = to_upload(app)  # the last is left for the window to ask for
    kinds = [("pdf", PDF, files.pdf(2)), ("jpg", JPEG, files.jpeg()), ("png", PNG, files.png())]
    for index, material in enumerate(sent):
        extension, media_type, content = kinds[index % len(kinds)]
        attach(phone, material.code, f"{material.name}.{extension}", media_type, content)
    phone.get_by_role("button", name="上传并继续：核对提交").click()

    expect(phone.get_by_role("button", name="提交申请")).to_be_visible()
    for material in sent:
        expect(phone.locator("#field-materials ~ ul.checklist")).to_contain_text(material.name)
    expect(phone.get_by_text("未上传", exact=True)).to_be_visible()  # the one left out
    fits_and_passes_axe(phone)
    phone.locator('input[name="declaration"]').check()
    phone.get_by_role("button", name="提交申请").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("收件凭证")
    expect(phone.locator("article.receipt")).to_contain_text("这不是受理回执")
    number = phone.locator("dd.big").first.inner_text().strip()
    assert re.fullmatch(r"\d{14}", number), number
    fits_and_passes_axe(phone)

    with desk_page(browser) as (desk, desk_errors):
        sign_in(desk, live, "clerk", PASSWORD, "/window")
        desk.get_by_role("link", name=re.compile("网上申请待预审")).first.click()
        row = desk.get_by_role("row", name=re.compile(number))
        expect(row).to_contain_text("网上申请 · 待预审")
        row.get_by_role("link", name=number).click()
        expect(desk.get_by_role("heading", level=1)).to_contain_text(number)
        uploaded = desk.locator('section[aria-labelledby="materials-heading"]')
        for material in sent:
            expect(uploaded).to_contain_text(material.name + ".")
        download = desk.get_by_role("link", name=f"下载 {sent[0].name}.pdf")  # a PDF: kinds[0]
        fetched = desk.request.get(live + download.get_attribute("href"))
        assert fetched.ok and fetched.body() == files.pdf(2)

        correction = desk.locator("#action-request_correction")
        correction.locator(f'input[name="missing"][value="{missing.code}"]').check()
        correction.locator(f'input[name="note-{missing.code}"]').fill("请上传签字盖章的承诺书")
        correction.get_by_role("button", name="一次性告知补正").click()
        expect(desk.get_by_text("已出具一次性告知书")).to_be_visible()

        phone.goto(f"{live}/apply/applications/{number}")
        notice = phone.locator("section.notice")
        expect(notice).to_contain_text(missing.name)
        expect(notice).to_contain_text("请上传签字盖章的承诺书")
        fits_and_passes_axe(phone)
        attach(phone, missing.code, "承诺书.pdf", PDF, files.pdf())
        phone.get_by_role("button", name="提交补正材料").click()
        expect(phone.get_by_text("补正材料已提交")).to_be_visible()
        expect(phone.locator("section.notice")).to_have_count(0)

        desk.reload()
        expect(uploaded).to_contain_text("承诺书.pdf")
        expect(desk.get_by_text("补正时上传")).to_be_visible()
        desk.locator("#action-accept").get_by_role("button", name="受理").click()
        expect(desk.get_by_text("已受理，事项已分送各部门")).to_be_visible()

        for item in RESTAURANT_ITEMS:  # the departments decide (their own browser tests)
            decide(client, number, item)
        desk.reload()
        delivery = desk.locator("#action-deliver")
        expect(delivery.get_by_role("radio", name="电子送达")).to_be_checked()  # as chosen
        delivery.get_by_role("button", name="送达结果").click()
        expect(desk.get_by_text("已记录结果送达")).to_be_visible()
    assert desk_errors == []

    phone.goto(f"{live}/apply/applications/{number}")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("开办餐饮店")
    fits_and_passes_axe(phone)
    phone.get_by_role("link", name="查看完整办理进度").click()
    expect(phone.get_by_text("已办结并送达").first).to_be_visible()


def test_a_decompression_bomb_is_refused_at_its_field(app, client, live, phone, upload_store,
                                                     sms):
    phone.goto(live + "/apply/restaurant/form")
    sign_in_by_code(phone, sms)
    fill_intake(phone, application_form(app))
    phone.get_by_role("button", name="保存并继续：上传材料").click()
    expect(phone).to_have_url(re.compile(r"/apply/drafts/\d+/materials$"))
    material = to_upload(app)[0]
    # 20000 × 20000 pixels of 1 bit: 400 megapixels in some 200 kB.
    attach(phone, material.code, "bomb.png", PNG, files.png(20_000, 20_000, mode="1"))
    phone.get_by_role("button", name="上传所选文件").click()

    field = phone.locator(f"#field-{material.code}")
    expect(field.locator(".error")).to_be_visible()
    expect(phone.locator(f"#file-{material.code}")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator(".error-summary")).to_contain_text(material.name)
    expect(phone.locator("ul.files")).to_have_count(0)  # nothing listed as uploaded
    fits_and_passes_axe(phone)
    assert not [path for path in upload_store.root.rglob("*") if path.is_file()]
