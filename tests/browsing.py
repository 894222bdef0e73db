"""What the browser tests and `make screenshots` share: the app served on a free port of this
machine, Debian's Chromium driven by Playwright at a phone's or a desk's size, and axe-core's
accessibility check (tests/vendor/axe-core)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1366, "height": 768}  # staff pages: a service centre's screens
NARROW_DESK = {"width": 1024, "height": 768}  # and still usable here
AXE_VERSION = "4.14.1"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@contextmanager
def served(app) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, one thread per request; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def phone_page(browser):
    """A page at 360 px, Chinese first, and the console errors it collects."""
    return _page(browser, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)


def desk_page(browser, viewport: dict = DESK):
    """A page at a desk's size, Chinese first, and the console errors it collects."""
    return _page(browser, viewport=viewport)


@contextmanager
def _page(browser, **options) -> Iterator[tuple[object, list[str]]]:
    # CSP is bypassed so that axe-core can be injected; the pages themselves never need it.
    context = browser.new_context(locale="zh-CN", bypass_csp=True, **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page, errors
    finally:
        context.close()


def sign_in(page, live: str, username: str, password: str, to: str = "") -> None:
    """Sign in as a member of staff would, typing and pressing Enter, from a browser with no
    session; returns once the page the sign-in leads to (``to``, or the role's own) is open."""
    page.context.clear_cookies()
    page.goto(f"{live}/login" + (f"?next={to}" if to else ""))
    page.get_by_label("用户名 Username").fill(username)
    page.get_by_label("密码 Password").fill(password)
    with page.expect_navigation():
        page.get_by_label("密码 Password").press("Enter")


def fits_the_screen(page) -> bool:
    """No horizontal scroll."""
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2 A and AA violations on the page as it stands: rule and elements."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
        .then(result => result.violations.map(v =>
            v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))""", WCAG_A_AA)
    return found


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium for the session; skipped without it, failed under CI=true."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium fonts-wqy-microhei"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: the browser tests must run)", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def desk(browser):
    """A page at 1366×768, Chinese first; fails the test on any console error."""
    with desk_page(browser) as (page, errors):
        yield page
    assert errors == [], errors


@pytest.fixture
def live(app, client):
    """The app served on a free port of this machine, with the catalog and staff loaded."""
    with served(app) as url:
        yield url
