"""A live server and Debian's Chromium, driven by Playwright, at a phone's size."""

import pytest

from tests.browsing import phone_page


@pytest.fixture
def phone(browser):
    """A page at 360 px, Chinese first; fails the test on any console error."""
    with phone_page(browser) as (page, errors):
        yield page
    assert errors == [], errors
