"""The README's pictures of the applicant's pages: ``make screenshots`` (``python -m
tests.screenshots [--out DIR]``), never the tests.

Serves the app on a temporary SQLite database with the calendar and the county's catalog (the
configured ``WORKFLOWS_DIR``, ``workflows/`` by default: the pictures show the product), creates
two newborn applications through the API as the portal tests do, and photographs their status
pages with Debian's Chromium at a phone's size into ``docs/``:

- ``status.png``: accepted, each department with its deadline;
- ``status-delivered.png``: every item approved, delivered, rated.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from contextlib import contextmanager
from pathlib import Path

from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from service import create_app
from service.access.operations import PASSWORD_METHOD
from service.catalog.definitions import load_catalog
from service.catalog.operations import publish
from service.core.config import PROJECT_ROOT
from service.core.database import db
from service.workdays.operations import seed_from_library
from tests.browsing import CHROMIUM, launch, phone_page, served
from tests.conftest import PASSWORD, make_staff, staff_client
from tests.factories import bundle_definition, create, decide, fire


def prepared_app(database: Path):
    """The app on a new SQLite database: migrated, calendar seeded, the newborn bundle
    published; and the departments of that bundle."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        seed_from_library()
        newborn = load_catalog(app.config["WORKFLOWS_DIR"]).subset(["newborn"])
        publish(newborn)
        db.session.commit()
    return app, list(newborn.departments)


@contextmanager
def phone():
    """A page at 360 px, Chinese first, as the portal tests' ``phone``; fails on console errors."""
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium fonts-wqy-microhei")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        with phone_page(browser) as (page, errors):
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
        with app.app_context():
            db.engine.dispose()
    return [out / "status.png", out / "status-delivered.png"]


def main() -> None:
    parser = argparse.ArgumentParser(description="The README's pictures of the applicant's pages.")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs",
                        help="directory for the PNGs (default: docs/)")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    for path in take(parser.parse_args().out):
        print(path)


if __name__ == "__main__":
    main()
