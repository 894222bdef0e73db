"""The dashboard in a real browser: ECharts draws each chart (SVG) beside its table with no
console error, the page passes axe-core at 1366 px and fits 1024 px, a CSV download holds the
table's numbers, and a supervisor records a bad rating's follow-up from the page.

On PostgreSQL only, as the other browser tests; the history is test_dashboard_pages.py's.
"""

import csv
from urllib.parse import quote

from tests.browsing import NARROW_DESK, axe_violations, desk_page, fits_the_screen, sign_in
from tests.conftest import PASSWORD, postgresql_only
from tests.stats.test_dashboard_pages import history  # noqa: F401  (the fixture)

pytestmark = postgresql_only

OCTOBER = "?since=2026-10-01&until=2026-10-28"
AFTER_SIGN_IN = quote(f"/dashboard{OCTOBER}")  # the sign-in's ?next=
CHARTS = ("bundles", "weeks", "overdue", "grades")


def drawn(page, chart: str) -> bool:
    return page.locator(f"#chart-{chart} svg").count() > 0


def table_cells(page, name: str) -> list[list[str]]:
    return page.locator(f"#table-{name} tr").evaluate_all(
        "rows => rows.map(row => [...row.cells].map(cell => cell.innerText.trim()))")


def test_the_charts_draw_beside_their_tables(app, live, desk, browser, history,  # noqa: F811
                                            tmp_path):
    sign_in(desk, live, "leader", PASSWORD)
    assert desk.url == f"{live}/dashboard"  # a leader starts here: the last four weeks
    desk.locator("#chart-weeks svg").first.wait_for()  # nothing happened: a flat line
    assert not any(drawn(desk, chart) for chart in ("bundles", "overdue", "grades"))
    assert desk.locator("#chart-grades").is_hidden()  # an empty table is not drawn
    desk.goto(f"{live}/dashboard{OCTOBER}")
    for chart in CHARTS:
        desk.locator(f"#chart-{chart} svg").first.wait_for()
        assert desk.locator(f"#chart-{chart}").is_visible()
    assert "开办餐饮店" in desk.locator("#chart-bundles").inner_text()
    assert fits_the_screen(desk)
    assert axe_violations(desk) == []

    with desk.expect_download() as download:
        desk.locator("#departments").get_by_role("link", name="下载CSV").click()
    path = tmp_path / "departments.csv"
    download.value.save_as(path)
    with path.open(encoding="utf-8-sig", newline="") as file:
        assert list(csv.reader(file)) == [["" if cell == "—" else cell for cell in row]
                                          for row in table_cells(desk, "departments")]

    with desk_page(browser, NARROW_DESK) as (page, errors):
        sign_in(page, live, "leader", PASSWORD, to=AFTER_SIGN_IN)
        page.locator("#chart-grades svg").first.wait_for()
        assert fits_the_screen(page)
        assert all(drawn(page, chart) for chart in CHARTS)
    assert errors == []


def test_a_supervisor_follows_up_a_bad_rating(app, live, browser, history):  # noqa: F811
    with desk_page(browser) as (desk, errors):
        sign_in(desk, live, "s_market", PASSWORD, to=AFTER_SIGN_IN)
        desk.locator("#chart-grades svg").first.wait_for()
        assert not desk.locator("#chart-bundles").count()  # the county's are not theirs
        assert all(drawn(desk, chart) for chart in ("overdue", "grades"))
        desk.get_by_role("link", name="待跟进").click()
        form = desk.locator(f"#follow-up-{history['ratings'][history['r2']]}")
        form.get_by_label("已回访").check()
        form.get_by_role("button", name="记录跟进").click()  # without a note: refused (422)
        desk.get_by_role("link", name="请写明跟进情况，如回访结果、整改措施").click()
        assert axe_violations(desk) == []
        form.get_by_label("跟进说明").fill("已电话回访申请人，说明补正要求")
        form.get_by_role("button", name="记录跟进").click()
        desk.get_by_text("已记录跟进情况").wait_for()
        assert "已回访：已电话回访申请人" in desk.locator("#table-bad_ratings").inner_text()
        assert axe_violations(desk) == []
    assert [error for error in errors if "422" not in error] == []
