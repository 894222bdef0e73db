"""The window's pages, served: intake, drafts, decisions, printouts, queues and search, on both
databases. The browser flows are in test_window_browser.py."""

import re

import pytest

from service.demo.samples import answers_for, resident_id
from tests.access.test_pages import post_form as post
from tests.access.test_pages import sign_in, text
from tests.factories import bundle_definition, create, decide, fire

GOOD_ID = resident_id(7)
BAD_ID = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")  # wrong check character


@pytest.fixture
def clerk(app, staff):
    """A browser signed in as the window clerk."""
    browser = app.test_client()
    sign_in(browser, "clerk")
    return browser


def intake_form(app, bundle_code="restaurant", **overrides) -> dict:
    """What the intake page sends, every answer valid and every material handed in."""
    bundle = bundle_definition(app, bundle_code)
    form = {"applicant_name": "王小丽", "applicant_id": GOOD_ID,
            "contact_phone": "13912345678", "delivery_method": "window", "action": "submit"}
    for code, answer in answers_for(bundle).items():
        form[f"form-{code}"] = ({True: "yes", False: "no"}[answer] if isinstance(answer, bool)
                                else str(answer))
    form["materials"] = [material.code for material in bundle.materials if not material.exempt]
    form.update(overrides)
    return form



def take_in(app, clerk, **overrides):
    response = post(clerk, "/window/apply/restaurant", intake_form(app, **overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rsplit("/", 1)[1]



def test_home_lists_bundles_queues_and_finds_by_category(app, clerk):
    home = text(clerk.get("/window"))
    assert "开办餐饮店" in home and "待受理" in home and "待补正" in home and "待送达" in home
    openings = text(clerk.get("/window?category=opening"))
    assert "开办餐饮店" in openings and "新生儿出生" not in openings
    assert "开办餐饮店" in text(clerk.get("/window?bundle=餐饮"))
    assert "开办餐饮店" not in text(clerk.get("/window?bundle=不存在的事"))


def test_other_roles_get_a_403_page_and_strangers_the_sign_in(app, staff):
    reviewer = app.test_client()
    sign_in(reviewer, "reviewer")
    response = reviewer.get("/window")
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert "没有权限" in text(response)
    stranger = app.test_client().get("/window/apply/restaurant")
    assert stranger.status_code == 302 and "/login" in stranger.headers["Location"]


def test_intake_shows_one_form_and_one_material_list(app, clerk):
    page = text(clerk.get("/window/apply/restaurant"))
    bundle = bundle_definition(app, "restaurant")
    for field in bundle.form:
        assert page.count(f'name="form-{field.code}"') >= 1, field.code
    assert "免提交" in page  # an electronic certificate stands in for the paper
    assert "共享" in page and "营业执照" in page  # issued by the first item for the others
    assert re.search(r'<label for="field-applicant_id">', page)


def test_a_bad_id_number_is_shown_at_its_field_and_nothing_is_lost(app, clerk):
    response = post(clerk, "/window/apply/restaurant",
                    intake_form(app, applicant_id=BAD_ID, applicant_name="王小丽"))
    page = text(response)
    assert response.status_code == 200  # as the portal: a page, not a failed load
    assert 'class="error-summary"' in page and 'href="#field-applicant_id"' in page
    assert 'id="field-applicant_id-error"' in page and "校验码" in page
    assert f'value="{BAD_ID}"' in page and 'value="王小丽"' in page
    assert 'value="13912345678"' in page
    assert page.count('checked') >= 2  # the materials ticked stay ticked
    listed = text(clerk.get("/window/applications?queue=intake"))
    assert "王*丽" not in listed  # nothing was written


def test_an_empty_required_field_says_to_fill_it_in(app, clerk):
    bundle = bundle_definition(app, "restaurant")
    required = next(field for field in bundle.form if field.required)
    response = post(clerk, "/window/apply/restaurant",
                    intake_form(app, **{f"form-{required.code}": ""}))
    assert response.status_code == 200
    assert f"请填写{required.label}" in text(response)


def test_a_draft_is_saved_reopened_and_submitted_once(app, clerk):
    form = intake_form(app, action="save", applicant_id=BAD_ID)  # drafts keep anything
    saved = post(clerk, "/window/apply/restaurant", form)
    assert saved.status_code == 302 and "draft=" in saved.headers["Location"]
    draft_id = saved.headers["Location"].rsplit("=", 1)[1]
    assert "王小丽" in text(clerk.get("/window"))  # listed among my drafts
    reopened = text(clerk.get(f"/window/apply/restaurant?draft={draft_id}"))
    assert f'value="{BAD_ID}"' in reopened and f'name="draft" value="{draft_id}"' in reopened
    submitted = post(clerk, "/window/apply/restaurant",
                     intake_form(app, applicant_id=GOOD_ID, draft=draft_id))
    assert submitted.status_code == 302
    assert clerk.get(f"/window/apply/restaurant?draft={draft_id}").status_code == 404


def test_correction_notice_then_correction_then_acceptance_and_receipt(app, clerk):
    bundle = bundle_definition(app, "restaurant")
    paper = [material for material in bundle.materials if not material.exempt]
    first = paper[0]
    number = take_in(app, clerk, materials=[material.code for material in paper[1:]])
    page = text(clerk.get(f"/window/applications/{number}"))
    assert "查询码" in page and GOOD_ID in page and "13912345678" in page  # in full here
    query_code = re.search(r'class="code">([A-Z0-9]+)<', page).group(1)

    noticed = post(clerk, f"/window/applications/{number}/request_correction",
                   {"missing": [first.code], f"note-{first.code}": "照片不清晰", "days": "5"})
    assert noticed.status_code == 302
    notice = text(clerk.get(f"/window/applications/{number}/print/notice"))
    assert "一次性告知书" in notice and first.name in notice and "照片不清晰" in notice
    assert query_code in notice and "Clerk" in notice and "县政务服务中心" in notice

    assert post(clerk, f"/window/applications/{number}/supplement",
                {"materials": [first.code]}).status_code == 302
    accepted = post(clerk, f"/window/applications/{number}/accept", {})
    assert "已受理" in text(clerk.get(accepted.headers["Location"]))
    receipt = clerk.get(f"/window/applications/{number}/print/receipt")
    assert receipt.headers["Cache-Control"] == "no-store"
    assert "受理回执" in text(receipt) and query_code in text(receipt)
    assert "<svg" in text(receipt) and "Clerk" in text(receipt)


def test_a_refusal_needs_reason_and_basis_and_prints_the_remedies(app, clerk):
    number = take_in(app, clerk)
    missing = post(clerk, f"/window/applications/{number}/refuse", {"reason": "", "basis": ""})
    assert missing.status_code == 200
    assert "请写明不予受理的理由" in text(missing) and "请写明法律依据" in text(missing)
    refused = post(clerk, f"/window/applications/{number}/refuse",
                   {"reason": "不属于本机关职权范围", "basis": "行政许可法第三十二条第一款第二项"})
    assert refused.status_code == 302
    letter = text(clerk.get(f"/window/applications/{number}/print/refusal"))
    assert "不予受理决定书" in letter and "不属于本机关职权范围" in letter
    assert "行政复议" in letter  # the remedies


def test_delivery_by_post_needs_a_tracking_number_and_the_applicant_sees_it(app, clerk, client):
    number = take_in(app, clerk, delivery_method="post")
    fire(client, number, "accept")
    for item in ("business_establishment", "food_business_permit", "outdoor_signboard",
                 "fire_safety_inspection"):
        decide(client, number, item)
    assert "待送达" in text(clerk.get("/window/applications?queue=delivery"))
    without = post(clerk, f"/window/applications/{number}/deliver", {"method": "post"})
    assert without.status_code == 200 and "快递单号" in text(without)
    delivered = post(clerk, f"/window/applications/{number}/deliver",
                     {"method": "post", "tracking_number": "SF1234567890"})
    assert delivered.status_code == 302
    status = client.get(f"/api/applications/{number}").get_json()
    assert status["state"] == "delivered" and status["tracking_number"] == "SF1234567890"


def test_a_stale_decision_says_the_state_changed(app, clerk, client):
    number = take_in(app, clerk)
    fire(client, number, "accept")
    response = post(clerk, f"/window/applications/{number}/accept", {})
    assert response.status_code == 302
    assert "状态已经变化" in text(clerk.get(response.headers["Location"]))


def test_lists_mask_names_and_phones_and_search_finds_exactly(app, clerk):
    number = take_in(app, clerk)
    listed = text(clerk.get("/window/applications?queue=intake"))
    assert "王*丽" in listed and "139****5678" in listed and "13912345678" not in listed
    for query in (number, "王小", GOOD_ID, "139 1234 5678"):
        found = text(clerk.get("/window/applications", query_string={"q": query}))
        assert number in found, query
    assert number not in text(clerk.get("/window/applications", query_string={"q": "王大"}))
    assert number not in text(clerk.get("/window/applications",
                                        query_string={"q": GOOD_ID[:-2]}))  # exact only
    assert number in text(clerk.get("/window"))  # my recent work


def test_queues_are_paginated(app, clerk, client):
    for serial in range(23):
        create(client, "newborn", serial=serial + 1)
    first = text(clerk.get("/window/applications?queue=intake"))
    assert "共23件" in first and 'rel="next"' in first and "第 1 / 2 页" in first
    second = text(clerk.get("/window/applications?queue=intake&page=2"))
    assert second.count('href="/window/applications/2') == 3
    assert clerk.get("/window/applications?queue=intake&page=abc").status_code == 200


def test_every_post_needs_the_csrf_token(app, clerk):
    number = take_in(app, clerk)
    response = clerk.post(f"/window/applications/{number}/accept", data={})
    assert response.status_code == 400
    assert clerk.post("/window/apply/restaurant", data=intake_form(app)).status_code == 400


def test_unknown_things_are_404_pages(app, clerk):
    assert clerk.get("/window/apply/nothing").status_code == 404
    assert clerk.get("/window/applications/20260101999999").status_code == 404
    number = take_in(app, clerk)
    assert clerk.get(f"/window/applications/{number}/print/receipt").status_code == 404
    assert clerk.get(f"/window/applications/{number}/print/other").status_code == 404
    assert post(clerk, f"/window/applications/{number}/approve", {}).status_code == 404


def test_a_clerk_signs_in_to_the_desk(app, staff):
    browser = app.test_client()
    response = sign_in(browser, "clerk")
    assert response.headers["Location"] == "/window"
    assert "综合窗口工作台" in text(browser.get("/account"))

