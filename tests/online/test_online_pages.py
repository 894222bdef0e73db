"""The online counter, served: the bundles and their guides, signing in by SMS code, the one form
with its errors at the fields, uploads, check-your-answers, the submission's receipt, and
answering a correction notice; nobody reaches another applicant's drafts or applications. On
both databases. The browser flow is in test_online_browser.py."""

import io
import re

from werkzeug.test import EnvironBuilder

from service.demo.samples import answers_for, resident_id
from tests.access.test_pages import sign_in as staff_sign_in
from tests.access.test_pages import text
from tests.factories import bundle_definition, decide, fire
from tests.online.conftest import PHONE, post, sign_in
from tests.uploads import files

GOOD_ID = resident_id(7)
BAD_ID = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")


def application_form(app, bundle_code: str = "restaurant", **overrides) -> dict:
    bundle = bundle_definition(app, bundle_code)
    form = {"acting": "self", "applicant_name": "王小丽", "applicant_id": GOOD_ID,
            "contact_phone": PHONE, "delivery_method": "electronic", "action": "next"}
    for code, answer in answers_for(bundle).items():
        form[f"form-{code}"] = ({True: "yes", False: "no"}[answer] if isinstance(answer, bool)
                                else str(answer))
    form.update(overrides)
    return form


def start(app, applicant, bundle_code: str = "restaurant", **overrides) -> int:
    """The form sent without errors: the draft's id."""
    response = post(applicant, f"/apply/{bundle_code}/form",
                    application_form(app, bundle_code, **overrides))
    assert response.status_code == 302, text(response)[:3000]
    return int(re.search(r"/drafts/(\d+)/materials", response.headers["Location"]).group(1))


def upload(applicant, draft_id: int, sent: dict, action: str = "upload"):
    """``sent``: a material's code → (file name, bytes)."""
    data = {f"file-{code}": (io.BytesIO(content), name)
            for code, (name, content) in sent.items()}
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      text(applicant.get(f"/apply/drafts/{draft_id}/materials"))).group(1)
    return send_multipart(applicant, f"/apply/drafts/{draft_id}/materials",
                          {**data, "csrf_token": token, "action": action})


def send_multipart(browser, url: str, data: dict):
    """POST ``data`` as multipart/form-data, closing the body after: werkzeug's test client
    spools a body over 500 KB to a temporary file it leaves open."""
    environ = EnvironBuilder(path=url, method="POST", data=data).get_environ()
    try:
        return browser.open(environ)
    finally:
        environ["wsgi.input"].close()


def submit(applicant, draft_id: int, declaration: bool = True):
    data = {"declaration": "yes"} if declaration else {}
    return post(applicant, f"/apply/drafts/{draft_id}/submit", data,
                page=f"/apply/drafts/{draft_id}/submit")


def test_the_catalog_finds_bundles_by_audience_category_and_words(app, loaded):
    browser = app.test_client()
    people = text(browser.get("/apply"))
    assert "新生儿出生" in people and "开办餐饮店" in people and "企业注销" not in people
    assert "企业注销" in text(browser.get("/apply?for=company"))
    births = text(browser.get("/apply?category=birth"))
    assert "新生儿出生" in births and "开办餐饮店" not in births
    assert "开办餐饮店" in text(browser.get("/apply?q=餐饮"))
    assert "没有找到" in text(browser.get("/apply?q=不存在的事"))


def test_a_bundle_s_guide_says_what_it_takes_before_starting(app, loaded):
    guide = text(app.test_client().get("/apply/restaurant"))
    bundle = bundle_definition(app, "restaurant")
    for material in bundle.materials:
        assert material.name in guide
    assert "承诺时限" in guide and "法定时限" in guide and "收费" in guide
    if any(material.exempt for material in bundle.materials):
        assert "免提交" in guide
    assert app.test_client().get("/apply/no-such-bundle").status_code == 404


def test_applying_needs_a_phone_signed_in(app, loaded):
    response = app.test_client().get("/apply/restaurant/form")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/apply/sign-in?next=/apply/restaurant/form")


def test_signing_in_with_the_code_leads_back_where_the_applicant_was(app, loaded, sms):
    browser = app.test_client()
    browser.get("/apply/sign-in?next=/apply/mine")
    signed = sign_in(browser, sms)
    assert signed.status_code == 302 and signed.headers["Location"] == "/apply/mine"
    assert "我的办件" in text(browser.get("/apply/mine"))


def test_a_wrong_code_is_refused_at_its_field(app, loaded, sms):
    browser = app.test_client()
    sign_in(browser, sms)  # the right code: signs in
    browser = app.test_client()
    post(browser, "/apply/sign-in", {"action": "send", "phone": "13700001111"})
    wrong = post(browser, "/apply/sign-in", {"action": "check", "code": "000000"})
    assert wrong.status_code == 200 and "验证码" in text(wrong)
    assert browser.get("/apply/mine").status_code == 302


def test_a_landline_cannot_receive_a_code(app, loaded):
    refused = post(app.test_client(), "/apply/sign-in",
                   {"action": "send", "phone": "0731-84567890"})
    assert refused.status_code == 200 and 'class="error"' in text(refused)


def test_the_form_keeps_what_was_typed_and_names_the_wrong_field(app, applicant):
    response = post(applicant, "/apply/restaurant/form",
                    application_form(app, applicant_id=BAD_ID))
    page = text(response)
    assert response.status_code == 200
    assert 'id="field-applicant_id"' in page and 'aria-invalid="true"' in page
    assert "身份证号码" in page and BAD_ID in page  # kept, and said where
    # The draft was saved all the same: nothing typed is lost.
    assert "开办餐饮店" in text(applicant.get("/apply/mine"))


def test_a_name_that_is_no_name_fails_the_identity_check(app, applicant):
    page = text(post(applicant, "/apply/restaurant/form",
                     application_form(app, applicant_name="Xiao Li 2")))
    assert "请填写身份证上的姓名" in page


def test_an_agent_is_checked_and_must_upload_a_power_of_attorney(app, staff, applicant):
    page = text(post(applicant, "/apply/restaurant/form",
                     application_form(app, acting="agent", agent_name="张三",
                                      agent_id=BAD_ID)))
    assert 'id="field-agent_id"' in page and "校验码" in page
    draft = start(app, applicant, acting="agent", agent_name="张三", agent_id=resident_id(8))
    assert "授权委托书" in text(applicant.get(f"/apply/drafts/{draft}/materials"))
    refused = submit(applicant, draft)
    assert refused.status_code == 200 and "代办须上传授权委托书" in text(refused)
    upload(applicant, draft, {"power_of_attorney": ("委托书.pdf", files.pdf())})
    done = submit(applicant, draft)
    assert done.status_code == 302
    assert "/apply/receipt/" in done.headers["Location"]
    number = _number(applicant, done)
    with app.app_context():
        from service.applications.operations import get_application
        application = get_application(number)
        assert (application.agent_name, application.agent_id_number) == ("张三", resident_id(8))
    clerk = app.test_client()
    staff_sign_in(clerk, "clerk")
    window = text(clerk.get(f"/window/applications/{number}"))
    assert "代理人" in window and "张三" in window and resident_id(8) in window
    assert "授权委托书" in window and "委托书.pdf" in window


def _to_upload(app) -> str:
    """A material of the restaurant bundle that no electronic certificate replaces."""
    return next(material.code for material in bundle_definition(app, "restaurant").materials
                if not material.exempt)


def _number(applicant, submitted) -> str:
    receipt = text(applicant.get(submitted.headers["Location"]))
    return re.search(r"\b(\d{14})\b", receipt).group(1)


def test_uploads_are_checked_by_content_and_a_refusal_stores_nothing(app, applicant,
                                                                       upload_store):
    draft = start(app, applicant)
    material = _to_upload(app)
    refused = upload(applicant, draft, {material: ("看起来是.pdf", b"MZ\x90\x00 not a pdf")})
    assert refused.status_code == 200
    assert f'id="field-{material}"' in text(refused) and "未上传" in text(refused)
    assert not [path for path in upload_store.root.rglob("*") if path.is_file()]
    kept = upload(applicant, draft, {material: ("营业执照.jpg", files.jpeg())})
    assert kept.status_code == 302
    assert "营业执照.jpg" in text(applicant.get(f"/apply/drafts/{draft}/materials"))


def test_submitting_gives_a_receipt_not_an_acceptance(app, applicant):
    draft = start(app, applicant)
    bundle = bundle_definition(app, "restaurant")
    sent = {material.code: (f"{material.name}.pdf", files.pdf())
            for material in bundle.materials if not material.exempt}
    assert upload(applicant, draft, sent, action="next").status_code == 302
    check = text(applicant.get(f"/apply/drafts/{draft}/submit"))
    assert "王小丽" in check and "身份核验" in check
    undeclared = submit(applicant, draft, declaration=False)
    assert undeclared.status_code == 200 and "请阅读并勾选承诺" in text(undeclared)
    done = submit(applicant, draft)
    assert done.status_code == 302
    receipt = text(applicant.get(done.headers["Location"]))
    assert "收件凭证" in receipt and "这不是受理回执" in receipt and "预审期限" in receipt
    number = re.search(r"\b(\d{14})\b", receipt).group(1)
    with app.app_context():
        from service.applications.operations import get_application
        application = get_application(number)
        assert application.channel == "online" and application.state == "submitted"
        assert set(application.materials_handed_in) == set(sent)
        assert application.visit_count == 0
    mine = text(applicant.get("/apply/mine"))
    assert number in mine
    assert applicant.get(f"/apply/drafts/{draft}/submit").status_code == 404  # submitted: gone


def test_nobody_reaches_another_applicant_s_drafts_files_or_applications(app, applicant,
                                                                        sms):
    draft = start(app, applicant)
    material = _to_upload(app)
    upload(applicant, draft, {material: ("证明.png", files.png())})
    done = submit(applicant, draft)
    number = _number(applicant, done)
    other_draft = start(app, applicant)
    upload(applicant, other_draft, {material: ("另一份.png", files.png(50, 50))})
    stranger = app.test_client()
    sign_in(stranger, sms, phone="13600002222")
    assert stranger.get(f"/apply/restaurant/form?draft={other_draft}").status_code == 404
    assert stranger.get(f"/apply/drafts/{other_draft}/materials").status_code == 404
    assert stranger.get(f"/apply/drafts/{other_draft}/submit").status_code == 404
    assert stranger.get(f"/apply/applications/{number}").status_code == 404
    assert number not in text(stranger.get("/apply/mine"))
    with app.app_context():
        from service.uploads import operations as uploads
        attachment_id = uploads.of_draft(other_draft)[0].id
    removed = post(stranger, f"/apply/drafts/{other_draft}/materials/{attachment_id}/delete",
                   {})
    assert removed.status_code == 404
    assert "另一份.png" in text(applicant.get(f"/apply/drafts/{other_draft}/materials"))
    # Applicants never download files; staff do, through the access check.
    assert stranger.get(f"/files/{attachment_id}").status_code in (302, 401)


def test_a_correction_notice_is_answered_by_uploading_to_the_same_application(app, applicant,
                                                                               client):
    draft = start(app, applicant)
    bundle = bundle_definition(app, "restaurant")
    wanted = [material for material in bundle.materials if not material.exempt]
    first, missing = wanted[:-1], wanted[-1]
    upload(applicant, draft, {material.code: (f"{material.name}.pdf", files.pdf())
                              for material in first})
    number = _number(applicant, submit(applicant, draft))
    fire(client, number, "request_correction", reason="缺少材料",
         data={"missing": [{"material": missing.code, "note": "请上传清晰的扫描件"}]})
    page = text(applicant.get(f"/apply/applications/{number}"))
    assert missing.name in page and "请上传清晰的扫描件" in page
    empty = post(applicant, f"/apply/applications/{number}/materials", {},
                 page=f"/apply/applications/{number}")
    assert empty.status_code == 200 and "请为清单中的材料选择要上传的文件" in text(empty)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    refused = applicant.post(f"/apply/applications/{number}/materials", data={
        "csrf_token": token, f"file-{missing.code}": (io.BytesIO(b"GIF89a not accepted"),
                                                      "补交.gif")},
        content_type="multipart/form-data")
    assert refused.status_code == 200 and 'aria-invalid="true"' in text(refused)
    with app.app_context():
        from service.applications.operations import get_application
        from service.uploads import operations as uploads
        application = get_application(number)
        assert application.state == "correction"
        assert "补交.gif" not in {each.filename for each in uploads.of_application(application.id)}
    sent = applicant.post(f"/apply/applications/{number}/materials", data={
        "csrf_token": token, f"file-{missing.code}": (io.BytesIO(files.pdf()),
                                                      "补交.pdf")},
        content_type="multipart/form-data")
    assert sent.status_code == 302, text(sent)[:3000]
    with app.app_context():
        from service.applications.operations import get_application
        from service.uploads import operations as uploads
        application = get_application(number)
        assert application.state == "submitted" and application.visit_count == 0
        assert "补交.pdf" in {each.filename for each in uploads.of_application(application.id)}


def test_only_the_upload_routes_take_a_large_body(app, applicant, upload_store):
    """MAX_CONTENT_LENGTH (1 MiB) everywhere, UPLOAD_REQUEST_MAX_BYTES on the upload routes."""
    photo = files.noisy_png(900, 700)  # a phone's photo of a page: over a mebibyte
    assert len(photo) > app.config["MAX_CONTENT_LENGTH"]
    too_large = post(applicant, "/apply/restaurant/form",
                     {**application_form(app), "padding": "x" * len(photo)})
    assert too_large.status_code == 413
    draft = start(app, applicant)
    taken = upload(applicant, draft, {_to_upload(app): ("照片.png", photo)})
    assert taken.status_code == 302
    assert "照片.png" in text(applicant.get(f"/apply/drafts/{draft}/materials"))


def test_a_second_code_within_the_minute_waits_with_retry_after(app, loaded, sms):
    browser = app.test_client()
    assert post(browser, "/apply/sign-in", {"action": "send", "phone": PHONE}).status_code == 302
    again = post(browser, "/apply/sign-in", {"action": "send", "phone": PHONE})
    assert again.status_code == 429 and 0 < int(again.headers["Retry-After"]) <= 60
    assert "秒后再获取验证码" in text(again)
    assert len([record for record in sms.records if "验证码为" in record.getMessage()]) == 1


def test_a_draft_saved_empty_is_checked_as_left_empty_not_a_500(app, applicant):
    saved = post(applicant, "/apply/newborn/form", {"action": "save", "acting": "self"})
    assert saved.status_code == 302
    draft = int(re.search(r"draft=(\d+)", saved.headers["Location"]).group(1))
    check = applicant.get(f"/apply/drafts/{draft}/submit")
    assert check.status_code == 200 and "请改正以下问题" in text(check)
    assert applicant.get(f"/apply/drafts/{draft}/materials").status_code == 200
    assert applicant.get("/apply/drafts/999999/materials").status_code == 404
    nothing = post(applicant, "/apply/company_closure/form", {"action": "next"})
    assert nothing.status_code == 200 and 'id="field-agent_id"' in text(nothing)


def test_an_application_made_and_delivered_online_counts_as_fully_online(app, applicant, client):
    """The dashboard's online share and 全程网办 come from these applications: delivered
    electronically with no visit between submission and delivery."""
    draft = start(app, applicant)
    bundle = bundle_definition(app, "restaurant")
    upload(applicant, draft, {material.code: (f"{material.name}.pdf", files.pdf())
                              for material in bundle.materials if not material.exempt})
    number = _number(applicant, submit(applicant, draft))
    fire(client, number, "accept")
    for item in bundle.execution_order():
        decide(client, number, item)
    fire(client, number, "deliver", data={"method": "electronic"})
    figures = client.get("/api/stats", headers=client.staff.headers("admin")).get_json()
    overall = figures["overall"]
    assert overall["online_share"] == 1.0 and overall["fully_online_share"] == 1.0
