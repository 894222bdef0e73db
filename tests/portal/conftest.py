"""A live server and Debian's Chromium, driven by Playwright, at a phone's size."""

import pytest

from tests.browsing import browser, live, phone_page  # noqa: F401  (fixtures)


@pytest.fixture
def phone(browser):  # noqa: F811
    """A page at 360 px, Chinese first; fails the test on any console error."""
    with phone_page(browser) as (page, errors):
        yield page
    assert errors == [], errors
