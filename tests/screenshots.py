"""The README's pictures of the applicant's pages: ``make screenshots`` (``python -m
tests.screenshots [--out DIR]``), never the tests.

Serves the app on a temporary SQLite database with the calendar and the county's catalog (the
configured ``WORKFLOWS_DIR``, ``workflows/`` by default: the pictures show the product), creates
two newborn applications through the API as the portal tests do, and photographs their status
pages with Debian's Chromium at a phone's size into ``docs/``:

- ``status.png``: accepted, each department with its deadline;
- ``status-delivered.png``: every item approved, delivered, rated.

and the online counter as an applicant signed in by the texted code goes through it for the
restaurant bundle, at the same size:

- ``online-catalog.png``: the bundles one can apply for, by life event;
- ``online-guide.png``: the restaurant bundle's guide: limits, fees, materials, items;
- ``online-form.png``: its one form after a wrong ID number, the error at the field and above;
- ``online-materials.png``: the materials, one file uploaded and another refused at its field;
- ``online-receipt.png``: the 收件凭证 once submitted (not yet an acceptance);
- ``online-correction.png``: the application as the applicant follows it, with the window's
  one-time correction notice and the upload that answers it;
- ``window-online.png`` (at a desk's size): the clerk's page of that online submission waiting
  for pre-review, with its uploaded files to download;

and the window clerk's pages at a desk's size (1366×768; the desk also at 1024 px):

- ``window-desk.png``, ``window-desk-1024.png``: bundles, queues with their clocks, recent work;
- ``window-intake.png``: the restaurant bundle's one form after a wrong ID number;
- ``window-application.png``: an application in correction, with what the clerk may do;
- ``window-notice.png``: the one-time correction notice as it prints;

and a department supervisor's (every department of the two bundles):

- ``review-items.png``: the items to decide by committed deadline, with their levels;
- ``review-item.png``: one item under review: what deciding it needs, and each step;
- ``review-supervise.png``: the overdue board, extension requests, workload, this week;

and an administrator's: ``admin-user.png`` (an account: role, departments, tokens),
``admin-bundle.png`` (a bundle: what it saves, its versions, its machine drawn, its one form),
``admin-draft.png`` and ``admin-draft-yaml.png`` (a new bundle drafted with a prerequisite
cycle, in the form and as YAML), ``admin-draft-preview.png`` (mended: what it saves, its
machine, its form) and ``admin-item.png`` (an item's definition being edited).

The leader's dashboard is taken over the demo month instead, on a database of its own as `make
run` leaves it (the county's whole catalog, ``flask demo seed``'s history with its ratings and
follow-ups, the demo accounts), signed in as the demo leader:

- ``dashboard.png``: the first screen: the period, the county's figures, the chart per bundle;
- ``dashboard-ratings.png``: the 好差评 section: each grade's share, the bad ratings and their
  follow-ups (the whole page is some 6,000 px tall).
"""

from __future__ import annotations

import argparse
import logging
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from service import create_app
from service.access.demo_accounts import demo_password
from service.access.operations import PASSWORD_METHOD
from service.catalog.definitions import load_catalog
from service.catalog.operations import publish
from service.core.config import PROJECT_ROOT
from service.core.database import db
from service.workdays.operations import seed_from_library
from tests.browsing import (
    CHROMIUM,
    DESK,
    NARROW_DESK,
    desk_page,
    launch,
    phone_page,
    served,
    sign_in,
)
from tests.conftest import PASSWORD, make_staff, staff_client
from tests.factories import bundle_definition, create, decide, fire
from tests.online.conftest import PHONE, SMS_LOGGER
from tests.online.test_online_pages import BAD_ID, GOOD_ID, application_form
from tests.uploads import files
from tests.window.test_window_browser import fill_intake

MEDIA_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def prepared_app(database: Path):
    """The app on a new SQLite database, its uploads in a folder beside it: migrated, calendar
    seeded, the newborn and restaurant bundles published; and the departments of those
    bundles."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                      "UPLOAD_DIR": str(database.parent / "uploads")})
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        seed_from_library()
        shown = load_catalog(app.config["WORKFLOWS_DIR"]).subset(["newborn", "restaurant"])
        publish(shown)
        db.session.commit()
    return app, list(shown.departments)


def demo_month_app(database: Path):
    """The app on a new SQLite database as `make run` leaves it: migrated, the calendar seeded,
    the county's catalog loaded, then ``flask demo seed`` (its month of history, rated, and the
    demo accounts)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
    runner = app.test_cli_runner()
    for args in (["calendar", "seed"], ["catalog", "load"], ["demo", "seed"]):
        result = runner.invoke(args=args)
        if result.exit_code:
            raise SystemExit(f"flask {' '.join(args)} failed:\n{result.output}")
    return app


@contextmanager
def phone():
    """A page at 360 px, Chinese first, as the portal tests' ``phone``; fails on console errors."""
    with browser_page(phone_page) as page:
        yield page


@contextmanager
def browser_page(open_page, *args):
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium fonts-wqy-microhei")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        with open_page(browser, *args) as (page, errors):
            yield page
        browser.close()
    if errors:
        raise SystemExit(f"console errors: {errors}")


def look_up(page, live: str, created: dict) -> None:
    page.goto(live + "/")
    page.get_by_label("申请编号").fill(created["number"])
    page.get_by_label("查询码").fill(created["query_code"])
    page.get_by_role("button", name="查询").click()


def take(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        app, departments = prepared_app(Path(directory) / "screenshots.sqlite3")
        password_hash = generate_password_hash(PASSWORD, method=PASSWORD_METHOD)
        client = staff_client(app, make_staff(app, departments, password_hash))
        accepted = create(client)
        fire(client, accepted["number"], "accept")
        delivered = create(client)
        fire(client, delivered["number"], "accept")
        for item in bundle_definition(app, "newborn").execution_order():
            decide(client, delivered["number"], item)
        fire(client, delivered["number"], "deliver", data={"method": "electronic"})

        with served(app) as live, phone() as page:
            look_up(page, live, accepted)
            page.get_by_text("已受理，各部门正在办理").wait_for()
            page.screenshot(path=str(out / "status.png"), full_page=True)

            look_up(page, live, delivered)
            page.get_by_label("非常满意", exact=True).check()
            page.get_by_role("button", name="提交评价").click()
            page.get_by_text("感谢您的评价！").wait_for()
            page.reload()  # the page as the applicant finds it when they come back
            page.screenshot(path=str(out / "status-delivered.png"), full_page=True)
            online = photograph_online(app, client, live, page, out)
        with served(app) as live, browser_page(desk_page, DESK) as page:
            taken = photograph_window(app, client, live, page, out)
            taken += photograph_review(app, client, live, page, out)
            sign_in(page, live, "admin", PASSWORD, "/admin/users")
            page.get_by_role("link", name="reviewer", exact=True).click()
            page.screenshot(path=str(out / "admin-user.png"), full_page=True)
            page.goto(f"{live}/admin/bundles/restaurant")
            page.locator("figure.diagram svg").wait_for()
            page.screenshot(path=str(out / "admin-bundle.png"), full_page=True)
            taken += [out / "admin-user.png", out / "admin-bundle.png"]
            taken += photograph_authoring(live, page, out)
        with app.app_context():
            db.engine.dispose()
        demo = demo_month_app(Path(directory) / "demo-month.sqlite3")
        with served(demo) as live, browser_page(desk_page, DESK) as page:
            taken += photograph_dashboard(live, page, out)
        with demo.app_context():
            db.engine.dispose()
    return [out / "status.png", out / "status-delivered.png", *online, *taken]


class TextsSent(logging.Handler):
    """What the logging SMS gateway writes: the texts that would have been sent."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(record.getMessage())

    def last_code(self) -> str:
        return re.search(r"验证码为 (\d{6})", self.texts[-1]).group(1)


@contextmanager
def texts_sent() -> Iterator[TextsSent]:
    sms = logging.getLogger(SMS_LOGGER)
    handler, level = TextsSent(), sms.level
    sms.addHandler(handler)
    sms.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        sms.removeHandler(handler)
        sms.setLevel(level)


def photograph_online(app, client, live: str, page, out: Path) -> list[Path]:
    """An applicant's way through the online counter for the restaurant bundle, at a phone's
    size; the clerk's page of the submission at a desk's, in the same browser."""
    shots = {name: out / f"{name}.png" for name in (
        "online-catalog", "online-guide", "online-form", "online-materials", "online-receipt",
        "window-online", "online-correction")}
    page.goto(f"{live}/apply")
    page.screenshot(path=str(shots["online-catalog"]), full_page=True)
    page.get_by_role("link", name=re.compile("开办餐饮店")).click()
    page.get_by_role("link", name="在线申请").wait_for()
    page.screenshot(path=str(shots["online-guide"]), full_page=True)
    page.get_by_role("link", name="在线申请").click()
    with texts_sent() as sent:
        page.get_by_label("手机号码").fill(PHONE)
        page.get_by_role("button", name="获取验证码").click()
        code = page.get_by_label("短信验证码")
        code.wait_for()  # the page after the code was sent
        code.fill(sent.last_code())
        page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="保存并继续：上传材料").wait_for()
    fill_intake(page, application_form(app, applicant_id=BAD_ID))
    page.get_by_role("button", name="保存并继续：上传材料").click()
    page.locator(".error-summary").wait_for()
    page.screenshot(path=str(shots["online-form"]), full_page=True)
    page.locator("#field-applicant_id").fill(GOOD_ID)
    page.get_by_role("button", name="保存并继续：上传材料").click()

    materials = [material for material in bundle_definition(app, "restaurant").materials
                 if not material.exempt]
    *handed, missing = materials  # the last is left for the window's correction notice
    page.get_by_role("button", name="上传所选文件").wait_for()
    attach(page, handed[0].code, "租赁合同.pdf", files.pdf(3))
    page.get_by_role("button", name="上传所选文件").click()
    page.get_by_text("租赁合同.pdf").wait_for()
    attach(page, handed[1].code, "平面图.pdf", b"MZ\x90\x00 not a pdf at all")
    page.get_by_role("button", name="上传所选文件").click()
    page.locator(".error-summary").wait_for()
    page.screenshot(path=str(shots["online-materials"]), full_page=True)
    later = [("平面图.png", files.png(1200, 900)), ("管理制度.pdf", files.pdf(4)),
             ("招牌效果图.jpg", files.jpeg(800, 600)), ("承诺书.pdf", files.pdf())]
    for material, (name, content) in zip(handed[1:], later, strict=False):
        attach(page, material.code, name, content)
    page.get_by_role("button", name="上传并继续：核对提交").click()
    page.locator('input[name="declaration"]').check()
    page.get_by_role("button", name="提交申请").click()
    page.get_by_role("heading", name="收件凭证").wait_for()
    page.screenshot(path=str(shots["online-receipt"]), full_page=True)
    number = page.locator("dd.big").first.inner_text().strip()

    with desk_page(page.context.browser) as (desk, errors):
        sign_in(desk, live, "clerk", PASSWORD, f"/window/applications/{number}")
        desk.screenshot(path=str(shots["window-online"]), full_page=True)
    if errors:
        raise SystemExit(f"console errors: {errors}")
    fire(client, number, "request_correction", reason="材料不齐", data={"missing": [
        {"material": missing.code, "note": "请上传有资质机构出具的检测报告"}]})
    page.goto(f"{live}/apply/applications/{number}")
    page.screenshot(path=str(shots["online-correction"]), full_page=True)
    return list(shots.values())


def attach(page, code: str, name: str, content: bytes) -> None:
    page.locator(f"#file-{code}").set_input_files(
        {"name": name, "mimeType": MEDIA_TYPES[name.rsplit(".", 1)[-1]], "buffer": content})


def photograph_dashboard(live: str, page, out: Path) -> list[Path]:
    """The demo leader's landing page over the demo month, once every chart is drawn: its
    first screen, and its ratings section."""
    sign_in(page, live, "leader", demo_password("leader"))
    for chart in ("bundles", "weeks", "overdue", "grades"):
        page.locator(f"#chart-{chart} svg").first.wait_for()
    shots = [out / "dashboard.png", out / "dashboard-ratings.png"]
    page.screenshot(path=str(shots[0]))
    ratings = page.locator("#ratings").bounding_box()  # the page's width, a margin above, below
    top = ratings["y"] + page.evaluate("window.scrollY") - 16
    page.screenshot(path=str(shots[1]), full_page=True, clip={
        "x": 0, "y": top, "width": DESK["width"], "height": ratings["height"] + 32})
    return shots


def photograph_authoring(live: str, page, out: Path) -> list[Path]:
    """A new bundle drafted in the form with a cycle, the same draft as YAML with the problem at
    its line, then mended and previewed; an item being edited."""
    page.goto(f"{live}/admin/bundles/new")
    page.get_by_label("代码").fill("food_stall")
    page.get_by_label("名称").fill("开办小吃摊“一件事”")
    page.get_by_role("button", name="起草").click()
    page.get_by_label("个人", exact=True).check()
    page.get_by_label("开办", exact=True).check()
    page.get_by_label("承诺时限").fill("6")
    for search, name in (("设立登记", "企业（个体工商户）设立登记"),
                         ("食品经营许可", "食品经营许可")):
        page.get_by_label("查找事项").fill(search)
        page.get_by_role("button", name="查找", exact=True).click()
        page.get_by_role("button", name=f"加入 {name}").click()
        page.get_by_role("row", name=re.compile("^" + re.escape(name))).wait_for()
    page.get_by_role("row", name=re.compile("^企业")).get_by_label("食品经营许可").check()
    page.get_by_role("row", name=re.compile("^食品经营许可")).get_by_label(
        "企业（个体工商户）设立登记").check()
    page.get_by_label("查找事项").fill("")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("草稿已保存").wait_for()
    page.screenshot(path=str(out / "admin-draft.png"), full_page=True)
    page.get_by_role("link", name="YAML 编辑").click()
    page.locator(".error-summary").wait_for()
    page.screenshot(path=str(out / "admin-draft-yaml.png"), full_page=True)
    text = page.get_by_label("定义（workflows/ 的 YAML 格式）")
    text.fill(text.input_value().replace("        after: [food_business_permit]\n", ""))
    page.get_by_role("button", name="保存并检查").click()
    page.get_by_role("link", name="检查、预览与发布").first.click()
    page.locator("figure.diagram svg").wait_for()
    page.screenshot(path=str(out / "admin-draft-preview.png"), full_page=True)
    page.goto(f"{live}/admin/items/food_business_permit")
    page.screenshot(path=str(out / "admin-item.png"), full_page=True)
    return [out / name for name in ("admin-draft.png", "admin-draft-yaml.png",
                                    "admin-draft-preview.png", "admin-item.png")]


def photograph_review(app, client, live: str, page, out: Path) -> list[Path]:
    """The supervisor's pages over the applications the window's pictures left, and two more
    restaurants accepted, one under review with a pause."""
    for serial in (21, 22):
        restaurant = create(client, "restaurant", serial=serial)
        fire(client, restaurant["number"], "accept")
    fire(client, restaurant["number"], "start_review", item="business_establishment")
    sign_in(page, live, "supervisor", PASSWORD, "/review")
    shots = [out / "review-items.png", out / "review-item.png", out / "review-supervise.png"]
    page.screenshot(path=str(shots[0]), full_page=True)
    page.goto(f"{live}/review/items/{restaurant['number']}/business_establishment")
    page.screenshot(path=str(shots[1]), full_page=True)
    page.goto(f"{live}/supervise")
    page.screenshot(path=str(shots[2]), full_page=True)
    return shots


def photograph_window(app, client, live: str, page, out: Path) -> list[Path]:
    """The clerk's pages, with a few applications waiting in each queue."""
    for serial in range(1, 4):
        create(client, "newborn", serial=serial)
    in_correction = create(client, "restaurant", materials=[])
    fire(client, in_correction["number"], "request_correction")
    concluded = create(client, "newborn", serial=9)
    fire(client, concluded["number"], "accept")
    for item in bundle_definition(app, "newborn").execution_order():
        decide(client, concluded["number"], item)
    sign_in(page, live, "clerk", PASSWORD, "/window")
    shots = []

    def shoot(name: str) -> None:
        shots.append(out / name)
        page.screenshot(path=str(out / name), full_page=name != "window-intake.png")

    shoot("window-desk.png")
    page.set_viewport_size(NARROW_DESK)
    shoot("window-desk-1024.png")
    page.set_viewport_size(DESK)
    page.goto(f"{live}/window/apply/restaurant")
    page.get_by_label("申请人姓名").fill("王小丽")
    page.get_by_label("公民身份号码").fill("110101199003070000")
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_role("button", name="提交收件").click()
    page.locator(".error-summary").wait_for()  # the page the refusal rendered, not the click's
    shoot("window-intake.png")
    page.goto(f"{live}/window/applications/{in_correction['number']}")
    shoot("window-application.png")
    page.goto(f"{live}/window/applications/{in_correction['number']}/print/notice")
    page.emulate_media(media="print")
    shoot("window-notice.png")
    page.emulate_media(media="screen")
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description="The README's pictures of the applicant's pages.")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs",
                        help="directory for the PNGs (default: docs/)")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    for path in take(parser.parse_args().out):
        print(path)


if __name__ == "__main__":
    main()
