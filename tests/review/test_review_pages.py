"""The departments' pages, served, on both databases: the items by deadline, one item with
only what deciding it needs, each step, extensions as a request and an approval, assignment,
the supervisor's board, printouts and access. The browser flow is in test_review_browser.py."""

import re

import pytest

from service.access.models import User, UserDepartment
from service.applications.operations import get_application
from service.core.database import db
from service.portal.status import status_of
from tests.access.test_pages import post_form as post
from tests.access.test_pages import sign_in, text
from tests.conftest import PASSWORD
from tests.factories import approval, create, decide, fire

RESTAURANT = "restaurant"
FIRST = "business_establishment"  # market_regulation; the others wait for it
SIGNBOARD = "outdoor_signboard"  # urban_management
FIRE = "fire_safety_inspection"  # fire_rescue


def add_staff(app, password_hash, username, role, departments):
    with app.app_context():
        db.session.add(User(username=username, display_name=username.title(), role=role,
                            password_hash=password_hash,
                            departments=[UserDepartment(department_code=code)
                                         for code in departments]))
        db.session.commit()


@pytest.fixture
def people(app, staff, password_hash):
    """A reviewer and a supervisor for each department of the restaurant bundle."""
    for department in ("market_regulation", "urban_management", "fire_rescue"):
        add_staff(app, password_hash, f"r_{department}", "reviewer", [department])
        add_staff(app, password_hash, f"s_{department}", "supervisor", [department])


def browser_as(app, username):
    browser = app.test_client()
    response = sign_in(browser, username, PASSWORD)
    assert response.status_code == 302, username
    return browser




def accepted(client) -> str:
    number = create(client, RESTAURANT)["number"]
    fire(client, number, "accept")
    return number


def opened_signboard(client) -> str:
    number = accepted(client)
    decide(client, number, FIRST)
    return number


def test_reviewers_land_on_their_items_sorted_by_deadline(app, client, people):
    first, second = accepted(client), accepted(client)
    reviewer = app.test_client()
    assert sign_in(reviewer, "r_market_regulation", PASSWORD).headers["Location"] == "/review"
    page = text(reviewer.get("/review"))
    assert page.index(first) < page.index(second)  # same deadline: the first received first
    assert "正常" in page and "共2件" in page
    other = browser_as(app, "r_fire_rescue")
    assert first not in text(other.get("/review"))  # not yet open for fire and rescue


def test_filters_and_level_counts(app, client, people):
    number = accepted(client)
    reviewer = browser_as(app, "r_market_regulation")
    assert number in text(reviewer.get("/review?level=green"))
    assert number not in text(reviewer.get("/review?level=red"))
    assert number not in text(reviewer.get("/review?view=mine"))
    assert number in text(reviewer.get("/review?assignee=nobody"))
    assert number in text(reviewer.get("/review?bundle=restaurant&state=open"))
    assert number not in text(reviewer.get("/review?bundle=newborn"))
    assert reviewer.get("/review?level=nonsense&state=nonsense&page=x").status_code == 200


def test_the_item_page_shows_only_what_the_item_asks_for(app, client, people):
    number = accepted(client)
    reviewer = browser_as(app, "r_market_regulation")
    page = text(reviewer.get(f"/review/items/{number}/{FIRST}"))
    assert "注册资本" in page  # asked by business establishment
    assert "招牌文字" not in page  # asked by the signboard item only
    assert "开始审查" in page and "申请延期" in page
    assert "430121" in page and "********" in page  # the ID number masked


def test_another_department_cannot_open_the_item(app, client, people):
    number = accepted(client)
    other = browser_as(app, "r_fire_rescue")
    assert other.get(f"/review/items/{number}/{FIRST}").status_code == 404
    assert post(other, f"/review/items/{number}/{FIRST}/start_review", {}).status_code == 404


def test_the_clerk_gets_a_403_page(app, client, people):
    clerk = browser_as(app, "clerk")
    for path in ("/review", "/supervise"):
        response = clerk.get(path)
        assert response.status_code == 403 and "没有权限" in text(response), path
    reviewer = browser_as(app, "r_market_regulation")
    assert reviewer.get("/supervise").status_code == 403


def test_review_approve_and_print_the_result(app, client, people):
    number = accepted(client)
    reviewer = browser_as(app, "r_market_regulation")
    base = f"/review/items/{number}/{FIRST}"
    assert post(reviewer, f"{base}/start_review", {}).status_code == 302
    missing = post(reviewer, f"{base}/approve", {"opinion": "", "document": "营业执照"})
    assert missing.status_code == 200
    assert "请写明审查意见" in text(missing) and 'href="#field-approve-opinion"' in text(missing)
    assert 'value="营业执照"' in text(missing)  # what was typed stays
    no_number = post(reviewer, f"{base}/approve", {"opinion": "同意", "document": "营业执照"})
    assert "请填写证照编号" in text(no_number)
    result = approval(app, FIRST)["result"]
    done = post(reviewer, f"{base}/approve", {"opinion": "同意", "document": result["document"],
                                              "number": result["number"]})
    assert done.status_code == 302
    printed = text(reviewer.get(f"{base}/print/result"))
    assert "准予决定书" in printed and result["number"] in printed and "同意" in printed
    assert reviewer.get(f"{base}/print/denial").status_code == 404


def test_deny_needs_reason_and_basis_and_prints_the_remedies(app, client, people):
    number = opened_signboard(client)
    reviewer = browser_as(app, "r_urban_management")
    base = f"/review/items/{number}/{SIGNBOARD}"
    post(reviewer, f"{base}/start_review", {})
    refused = post(reviewer, f"{base}/deny", {"reason": "", "basis": ""})
    assert "请写明理由" in text(refused) and "请写明法律依据" in text(refused)
    post(reviewer, f"{base}/deny",
         {"reason": "招牌位置占用消防通道", "basis": "城市市容条例第十七条"})
    letter = text(reviewer.get(f"{base}/print/denial"))
    assert "不予许可决定书" in letter and "招牌位置占用消防通道" in letter and "行政复议" in letter


def test_pause_and_resume_stop_the_clock(app, client, people):
    number = opened_signboard(client)
    reviewer = browser_as(app, "r_fire_rescue")
    base = f"/review/items/{number}/{FIRE}"
    post(reviewer, f"{base}/start_review", {})
    assert post(reviewer, f"{base}/pause", {"cause": "inspection"}).status_code == 302
    assert "暂停" in text(reviewer.get("/review?view=department&level=paused"))
    assert post(reviewer, f"{base}/resume", {}).status_code == 302
    state = client.get(f"/api/applications/{number}").get_json()
    assert next(item for item in state["items"] if item["code"] == FIRE)["state"] == (
        "reviewing")


def test_an_extension_is_requested_then_approved_by_the_supervisor(app, client, people):
    number = opened_signboard(client)
    reviewer = browser_as(app, "r_urban_management")
    base = f"/review/items/{number}/{SIGNBOARD}"
    post(reviewer, f"{base}/start_review", {})
    too_long = post(reviewer, f"{base}/extension", {"days": "30", "reason": "需现场核查"})
    assert "天数超出" in text(too_long)
    requested = post(reviewer, f"{base}/extension", {"days": "5", "reason": "需现场核查"})
    assert requested.status_code == 302
    before = client.get(f"/api/applications/{number}").get_json()
    item = next(item for item in before["items"] if item["code"] == SIGNBOARD)
    assert item["clock"]["extension_days"] == 0  # only an approved request extends
    assert "等待部门负责人审批" in text(reviewer.get(base))

    supervisor = browser_as(app, "s_urban_management")
    board = text(supervisor.get("/supervise"))
    assert number in board and "需现场核查" in board
    page = text(supervisor.get(base))
    request_id = re.search(r"/extensions/(\d+)/approve", page).group(1)
    assert post(supervisor, f"{base}/extensions/{request_id}/approve", {}).status_code == 302
    after = client.get(f"/api/applications/{number}").get_json()
    item = next(item for item in after["items"] if item["code"] == SIGNBOARD)
    assert item["clock"]["extension_days"] == 5
    assert any(event["trigger"] == "extend" and event["reason"] == "需现场核查"
               for event in after["history"])
    with app.test_request_context():  # the applicant's status page tells them (art. 42)
        view = status_of(get_application(number))
    assert "延长5个工作日：需现场核查" in [step["extended_by"] for step in view["timeline"]]


def test_extend_through_the_api_settles_the_pending_request(app, client, people):
    from service.applications.models import ExtensionRequest

    number = opened_signboard(client)
    reviewer = browser_as(app, "r_urban_management")
    base = f"/review/items/{number}/{SIGNBOARD}"
    post(reviewer, f"{base}/extension", {"days": "3", "reason": "等待检测报告"})
    fire(client, number, "extend", item=SIGNBOARD, reason="等待检测报告", data={"days": 3})
    fire(client, number, "extend", item=FIRE, reason="专家论证", data={"days": 2})
    with app.app_context():
        requests = db.session.scalars(db.select(ExtensionRequest).order_by(
            ExtensionRequest.id)).all()
        assert [(each.days, each.state) for each in requests] == [(3, "approved"),
                                                                    (2, "approved")]


def test_a_reviewer_takes_an_item_and_a_supervisor_assigns_one(app, client, people):
    number = accepted(client)
    reviewer = browser_as(app, "r_market_regulation")
    base = f"/review/items/{number}/{FIRST}"
    assert post(reviewer, f"{base}/assignee", {}).status_code == 302
    assert number in text(reviewer.get("/review?view=mine"))
    supervisor = browser_as(app, "s_market_regulation")
    with app.app_context():
        supervisor_id = db.session.scalar(db.select(User.id).where(
            User.username == "s_market_regulation"))
        outsider_id = db.session.scalar(db.select(User.id).where(
            User.username == "r_fire_rescue"))
    refused = post(supervisor, f"{base}/assignee", {"assignee": str(outsider_id)})
    assert "此人不在本部门" in text(supervisor.get(refused.headers["Location"]))
    post(supervisor, f"{base}/assignee", {"assignee": str(supervisor_id)})
    assert number not in text(reviewer.get("/review?view=mine"))
    other = browser_as(app, "r_market_regulation")
    late = post(other, f"{base}/assignee", {})
    assert "别人已先领取" in text(other.get(late.headers["Location"]))


def test_the_supervisors_board_counts_this_week(app, client, people):
    number = accepted(client)
    decide(client, number, FIRST)
    board = text(browser_as(app, "s_market_regulation").get("/supervise"))
    assert "本周" in board and "红黄牌" in board and "未分派" in board
