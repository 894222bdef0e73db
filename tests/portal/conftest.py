"""A live server and Debian's Chromium, driven by Playwright, at a phone's size."""

import os

import pytest

from tests.browsing import CHROMIUM, launch, phone_page, served


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium fonts-wqy-microhei"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: the browser tests must run)", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def live(app, client):
    """The app served on a free port of this machine, with the catalog and staff loaded."""
    with served(app) as url:
        yield url


@pytest.fixture
def phone(browser):
    """A page at 360 px, Chinese first; fails the test on any console error."""
    with phone_page(browser) as (page, errors):
        yield page
    assert errors == [], errors
