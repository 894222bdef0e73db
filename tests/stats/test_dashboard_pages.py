"""The dashboard (/dashboard), served, on both databases: access per role, a supervisor's view of
their departments only, the CSV and Excel downloads against the page's tables, the follow-up of
a bad rating, bad periods, and no personal data. The browser test is test_dashboard_browser.py.

The history, in October 2026 (国庆节 1–7 October; Saturday 10 October worked), seen on
Wednesday 28 October, the default period being 1–28 October:
- newborn N1 (window), accepted Mon 12, concluded Tue 13, delivered electronically, rated 1
  with a phone number in the comment; newborn N2 (online), concluded Wed 14, rated 5: its birth
  certificate (health, committed 1 working day: due Tue 13) late;
- restaurant R1, accepted Tue 13: its licence (market regulation, committed 1 working day: due
  Wed 14) decided Mon 19, late; the three items it opens are due Mon 26 and still undecided;
- restaurant R2, accepted Tue 13, every item decided Wed 14, collected at the window, rated 2.
"""

import csv
import io
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
import time_machine
from openpyxl import load_workbook

from service.applications.operations import lock
from service.applications.ratings import rate
from service.core.database import db
from tests.access.test_pages import post_form, sign_in, text
from tests.conftest import PASSWORD
from tests.factories import create, decide, fire
from tests.review.test_review_pages import add_staff

RESTAURANT_ITEMS = ("food_business_permit", "outdoor_signboard", "fire_safety_inspection")
NEWBORN_ITEMS = ("birth_medical_certificate", "birth_registration", "newborn_medical_insurance",
                 "social_security_card", "vaccination_certificate")
PHONE = "13800138000"  # the applications' contact phone, and in N1's comment


def at(month: int, day: int, hour: int = 10):
    """A moment in 2026 in Shanghai (UTC+8), the clock standing still."""
    return time_machine.travel(datetime(2026, month, day, hour - 8, tzinfo=UTC), tick=False)


def rated(app, number: str, grade: int, comment: str | None = None) -> int:
    with app.app_context():
        rating = rate(lock(number), grade, comment)
        db.session.commit()
        return rating.id


@pytest.fixture
def history(app, client, password_hash):
    """The applications above, and (beside the fixture's leader) a supervisor of market
    regulation and one of health; the ratings' ids by application."""
    add_staff(app, password_hash, "s_market", "supervisor", ["market_regulation"])
    add_staff(app, password_hash, "s_health", "supervisor", ["health"])
    with at(10, 12):
        n1 = create(client)["number"]
        n2 = create(client, channel="online", delivery_method="electronic")["number"]
        for number in (n1, n2):
            fire(client, number, "accept")
    with at(10, 13):
        r1, r2 = (create(client, "restaurant")["number"] for _ in range(2))
        for number in (r1, r2):
            fire(client, number, "accept")
        for code in NEWBORN_ITEMS:
            decide(client, n1, code)
    with at(10, 14, hour=15):
        for code in NEWBORN_ITEMS:
            decide(client, n2, code)
        decide(client, r2, "business_establishment")
        for code in RESTAURANT_ITEMS:
            decide(client, r2, code)
        for number, method in ((n1, "electronic"), (n2, "electronic"), (r2, "window")):
            fire(client, number, "deliver", data={"method": method})
    with at(10, 15):
        ratings = {n1: rated(app, n1, 1, f"窗口排队太久，请回电{PHONE}"), n2: rated(app, n2, 5)}
    with at(10, 16):
        ratings[r2] = rated(app, r2, 2, "材料退回了两次")
    with at(10, 19):
        decide(client, r1, "business_establishment")
    return {"n1": n1, "n2": n2, "r1": r1, "r2": r2, "ratings": ratings}


def browser_as(app, username: str):
    browser = app.test_client()
    with at(10, 28):
        assert sign_in(browser, username, PASSWORD).status_code == 302, username
    return browser


def get(browser, path: str):
    with at(10, 28):
        return browser.get(path)


class Tables(HTMLParser):
    """Each ``<table id="table-…">`` of a page as rows of cell texts (header row first)."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs).get("id", "") or ""
        if tag == "table" and found.startswith("table-"):
            self._table = self.tables.setdefault(found.removeprefix("table-"), [])
        elif self._table is not None and tag == "tr":
            self._row = []
            self._table.append(self._row)
        elif self._row is not None and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_tables(response) -> dict[str, list[list[str]]]:
    tables = Tables(text(response)).tables
    for rows in tables.values():  # the empty table's one row says so
        if len(rows) == 2 and len(rows[1]) == 1:
            rows.pop()
    return tables


def csv_rows(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("username, status", [
    ("leader", 200), ("admin", 200), ("supervisor", 200), ("clerk", 403), ("reviewer", 403)])
def test_who_may_open_the_dashboard(app, staff, username, status):
    browser = browser_as(app, username)
    for path in ("/dashboard", "/dashboard/departments.csv", "/dashboard.xlsx"):
        assert get(browser, path).status_code == status, path
    nav = text(get(browser, "/account" if status == 403 else "/dashboard"))
    assert ('href="/dashboard"' in nav) == (status == 200)
    anonymous = app.test_client().get("/dashboard")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_a_leader_sees_the_county_and_no_personal_data(app, history):
    leader = app.test_client()
    with at(10, 28):
        assert sign_in(leader, "leader", PASSWORD).headers["Location"] == "/dashboard"
    response = get(leader, "/dashboard")
    page, tables = text(response), page_tables(response)
    assert "2026-10-01" in page and "2026-10-28" in page  # the default period
    assert set(tables) == {"bundles", "departments", "weeks", "overdue", "grades", "bad_ratings"}
    bundles = {row[0]: row[1:4] for row in tables["bundles"][1:]}
    assert bundles == {"新生儿出生“一件事”": ["2", "2", "1"],  # received, concluded, median
                       "开办餐饮店“一件事”": ["2", "1", "1"], "全县": ["4", "3", "1"]}
    assert "办理时长中位数" in page and "中位数，按最近秩法取值" in page  # with its definition
    departments = {row[0]: row[1:] for row in tables["departments"][1:]}
    assert departments["县市场监督管理局"] == ["3", "3", "66.7%", "100.0%", "1"]
    assert tables["weeks"][1:] == [["2026-09-28", "0", "0", "0"], ["2026-10-05", "0", "0", "0"],
                                   ["2026-10-12", "4", "3", "2"], ["2026-10-19", "0", "0", "0"],
                                   ["2026-10-26", "0", "0", "3"]]
    assert tables["overdue"][1:] == [  # by the departments' names (in their collation)
        ["县卫生健康局", *"00100", "1"], ["县城市管理和综合执法局", *"00001", "1"],
        ["县市场监督管理局", *"00101", "2"], ["县消防救援大队", *"00001", "1"]]
    assert [row[1] for row in tables["grades"][1:]] == ["1", "0", "0", "1", "1", "3"]
    assert [row[0] for row in tables["bad_ratings"][1:]] == [history["r2"], history["n1"]]
    for chart in ("bundles", "weeks", "overdue", "grades"):
        assert f'id="chart-{chart}"' in page
    assert "记录跟进" not in page  # a leader reads; supervisors follow up
    assert "unsafe-inline" in response.headers["Content-Security-Policy"]  # ECharts' tooltips
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]

    # No personal data: neither on the page nor in a download.
    files = [get(leader, f"/dashboard/{name}.csv").get_data().decode("utf-8-sig")
             for name in ("bundles", "departments", "weeks", "overdue", "grades", "bad_ratings")]
    book = load_workbook(io.BytesIO(get(leader, "/dashboard.xlsx").get_data()))
    cells = " ".join(str(value) for sheet in book for row in sheet.iter_rows(values_only=True)
                     for value in row if value is not None)
    for found in (page, *files, cells):
        assert "李明" not in found and "县恒通商贸有限公司" not in found
        assert PHONE not in found and "430121" not in found
    for found in (page, files[-1], cells):  # the comment, its phone masked
        assert "窗口排队太久，请回电***********" in found


def test_a_supervisor_sees_their_departments_only(app, history):
    supervisor = browser_as(app, "s_market")
    response = get(supervisor, "/dashboard")
    page, tables = text(response), page_tables(response)
    assert set(tables) == {"departments", "overdue", "grades", "bad_ratings"}
    assert "全县" not in page and 'id="chart-bundles"' not in page and "chart-weeks" not in page
    assert [row[0] for row in tables["departments"][1:]] == ["县市场监督管理局"]
    assert [row[0] for row in tables["overdue"][1:]] == ["县市场监督管理局"]
    assert [row[0] for row in tables["bad_ratings"][1:]] == [history["r2"]]  # not newborn's
    assert tables["grades"][-1][1] == "1"
    assert 'href="/supervise"' in page  # the department's overdue count: its red cards
    assert f'href="/review/items/{history["r2"]}/business_establishment"' in page
    for county in ("bundles", "weeks"):
        assert get(supervisor, f"/dashboard/{county}.csv").status_code == 404
    book = load_workbook(io.BytesIO(get(supervisor, "/dashboard.xlsx").get_data()))
    assert book.sheetnames == ["各部门", "各部门每周超期事项", "好差评", "差评及整改", "指标说明"]


def test_the_downloads_hold_the_numbers_of_the_page_tables(app, history):
    admin = browser_as(app, "admin")
    query = "?since=2026-10-12&until=2026-10-25"
    tables = page_tables(get(admin, f"/dashboard{query}"))
    for name, rows in tables.items():
        response = get(admin, f"/dashboard/{name}.csv{query}")
        assert response.status_code == 200 and response.mimetype == "text/csv", name
        assert "attachment" in response.headers["Content-Disposition"]
        assert csv_rows(response) == [["" if cell == "—" else cell for cell in row]
                                      for row in rows], name
    assert tables["weeks"][1:] == [["2026-10-12", "4", "3", "2"], ["2026-10-19", "0", "0", "0"]]
    assert 'href="/admin/bundles/restaurant"' in text(get(admin, f"/dashboard{query}"))

    # The workbook: a sheet per table, numbers as numbers, and the definitions.
    response = get(admin, "/dashboard.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith(".sheet")
    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == ["各“一件事”", "各部门", "每周收件、办结和超期事项",
                               "各部门每周超期事项", "好差评", "差评及整改", "指标说明"]
    tables = page_tables(get(admin, "/dashboard"))
    departments = [list(row) for row in book["各部门"].iter_rows(values_only=True)]
    assert departments[0] == tables["departments"][0]
    market = next(row for row in departments if row[0] == "县市场监督管理局")
    assert market == ["县市场监督管理局", 3, 3, 0.667, 1.0, 1]
    assert book["各部门"]["D2"].number_format == "0.0%"
    notes = [row for row in book["指标说明"].iter_rows(values_only=True)]
    assert notes[0] == ("统计期间", "2026-10-01 – 2026-10-28", None)
    assert any(row[1] == "时间压减" and "52%" in row[2] for row in notes)


def test_a_supervisor_follows_up_the_bad_ratings_of_their_departments(app, history):
    supervisor = browser_as(app, "s_market")
    rating = history["ratings"][history["r2"]]
    page = text(get(supervisor, "/dashboard"))
    assert f'id="follow-up-{rating}"' in page and 'href="#follow-up-' in page
    url = f"/dashboard/ratings/{rating}/follow-ups?since=2026-10-01&until=2026-10-28"
    with at(10, 28):
        missing = post_form(supervisor, url, {"status": "contacted", "note": " "})
    assert missing.status_code == 422
    assert "请写明跟进情况" in text(missing) and f'href="#field-{rating}-note"' in text(missing)
    assert re.search(r'value="contacted"[^>]*checked', text(missing))  # what was sent stays
    with at(10, 28):
        done = post_form(supervisor, url, {"status": "contacted", "note": "已电话回访，致歉"})
    assert done.status_code == 302
    assert done.headers["Location"].startswith("/dashboard?since=2026-10-01&until=2026-10-28")
    page = text(get(supervisor, "/dashboard"))
    assert "已记录跟进情况" in page and "已回访：已电话回访，致歉" in page
    with at(10, 28, hour=16):  # later that day (a session cannot go back in time)
        post_form(supervisor, url, {"status": "resolved", "note": "已改为一次告知"})
        response = supervisor.get("/dashboard")
    assert page_tables(response)["bad_ratings"][1][-1] == "已解决"
    assert f'id="follow-up-{rating}"' not in text(response)  # resolved: no more form
    assert "<strong>0</strong> 待整改差评" in text(response)

    # Not another department's rating, nor a good one; and leaders only read.
    r2, n2 = rating, history["ratings"][history["n2"]]
    form = {"status": "contacted", "note": "已回访"}
    with at(10, 28, hour=17):
        health = browser_as(app, "s_health")  # newborn's, not the restaurant's
        assert post_form(health, f"/dashboard/ratings/{r2}/follow-ups", form).status_code == 404
        everyone = browser_as(app, "supervisor")
        good = post_form(everyone, f"/dashboard/ratings/{n2}/follow-ups", form)
        assert good.status_code == 422 and "只有差评（1、2级）需要整改跟进" in text(good)
        leader = browser_as(app, "leader")
        assert post_form(leader, f"/dashboard/ratings/{r2}/follow-ups", form).status_code == 403


@pytest.mark.parametrize("query, field, words", [
    ("?since=2026-02-30", "since", "请按“年-月-日”填写日期"),
    ("?since=2026-10-28&until=2026-10-01", "until", "结束日期不能早于开始日期"),
    ("?since=2025-01-01&until=2026-10-28", "until", "统计期间最长一年"),
    ("?until=0001-01-01", "until", "请填写2000年至2099年之间的日期"),
], ids=["no-such-day", "backwards", "too-long", "out-of-range"])
def test_a_bad_period_is_a_form_error(app, staff, query, field, words):
    admin = browser_as(app, "admin")
    response = get(admin, f"/dashboard{query}")
    assert response.status_code == 422
    assert words in text(response) and f'href="#field-{field}"' in text(response)
    assert 'id="table-departments"' not in text(response)
    assert get(admin, f"/dashboard/departments.csv{query}").status_code == 422
