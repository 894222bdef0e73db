"""``next`` sends a browser to a path of this site, never elsewhere: checked against hostile
forms, against arbitrary strings (hypothesis), and with Chromium's own URL parser as the judge
of where a browser would really go."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.core.redirects import local_path

DEFAULT = "/fallback"
SITE = "https://onething.example/portal/page"

HOSTILE = [
    "//evil.example", "///evil.example", "////evil.example", "/////evil.example",
    "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "\\/evil.example",
    "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "\t//evil.example",
    "/%09/evil.example", "/%0a/evil.example", "/%2F/evil.example", "/%2f%2fevil.example",
    "/%5C/evil.example", "/%5cevil.example", "/%252F/evil.example", "/%25252F/evil.example",
    "%2F%2Fevil.example", "https://evil.example", "http:/evil.example", "http:evil.example",
    "HTTPS://evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x",
    " //evil.example", "/\u3000/evil.example", "/\x00/evil.example", "/\x7f/evil.example",
    "/\u2028/evil.example", "/\u200b/evil.example", "evil.example", "", "?next=//evil.example",
    "/account\r\nSet-Cookie: x=y", "/%0d%0aSet-Cookie:%20x=y",
]
ON_SITE = ["/", "/account", "/account?tab=tokens", "/status#items", "/receipt/abc.def-ghi",
           "/a//b", "/a/b/?x=//evil.example", "/help/receipt?lang=zh", "/办事指南",
           "/search?q=%E4%B8%AD%E6%96%87"]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_fall_back(target):
    assert local_path(target, DEFAULT) == DEFAULT


@pytest.mark.parametrize("target", ON_SITE)
def test_paths_of_this_site_are_kept(target):
    assert local_path(target, DEFAULT) == target


def test_no_target_falls_back():
    assert local_path(None, DEFAULT) == DEFAULT


# Strings made of what open redirects are made of, and anything else.
PIECES = st.sampled_from(["/", "//", "\\", "%2F", "%2f", "%5C", "%25", "%09", "%0A", "\t", "\n",
                          "\r", " ", "\u3000", ":", "@", ".", "evil.example", "http", "https:",
                          "javascript:", "?", "#", "a", "%", "\x00"])
HOSTILE_LOOKING = st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=8).map("".join)


def _browser_sees_this_site(target: str) -> bool:
    """Where a lenient URL parser would go: tabs and line feeds dropped, \\ read as /."""
    from urllib.parse import urljoin, urlsplit

    cleaned = "".join(c for c in target if c not in "\t\n\r").strip("\x00- ").replace("\\", "/")
    return urlsplit(urljoin(SITE, cleaned)).netloc == "onething.example"


@given(HOSTILE_LOOKING)
@settings(max_examples=1000)
def test_whatever_is_kept_is_a_path_of_this_site(target):
    kept = local_path(target, DEFAULT)
    assert kept in (DEFAULT, target)
    if kept == target:
        assert target.startswith("/") and target.isprintable()
        assert _browser_sees_this_site(target)


@pytest.fixture(scope="module")
def url_parser(browser):
    """Chromium's URL parser: where a browser would go for a Location header."""
    context = browser.new_context()
    page = context.new_page()
    yield lambda target: page.evaluate(
        "([target, base]) => new URL(target, base).host", [target, SITE])
    context.close()


@pytest.mark.parametrize("target", [
    "////evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "/\n/evil.example", " //evil.example", "http:/evil.example",
    "HTTPS://evil.example"])
def test_chromium_would_leave_the_site_for_them(url_parser, target):
    """What these forms guard against is real: a browser given them goes elsewhere."""
    assert target in HOSTILE
    assert url_parser(target) == "evil.example"


@given(HOSTILE_LOOKING)
@settings(max_examples=300, deadline=None)
def test_chromium_stays_on_the_site_for_whatever_is_kept(url_parser, target):
    kept = local_path(target, DEFAULT)
    if kept == target:
        assert url_parser(target) == "onething.example"


@pytest.mark.parametrize("route", ["/language/en", "/text-size/large"])
@pytest.mark.parametrize("target", ["////evil.example", "/\\evil.example", "/%09/evil.example",
                                    "/%2F%2Fevil.example", "/%5Cevil.example"])
def test_preference_links_do_not_leave_the_site(app, route, target):
    response = app.test_client().get(route, query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_preference_links_return_to_the_page(app):
    response = app.test_client().get("/language/en", query_string={"next": "/help/receipt"})
    assert response.headers["Location"] == "/help/receipt"


def test_sign_in_does_not_follow_next_off_the_site(app, staff):
    from tests.access.test_pages import sign_in

    browser = app.test_client()
    response = sign_in(browser, next_="%2F%2F%2F%2Fevil.example")  # ////evil.example
    assert response.status_code == 302
    assert response.headers["Location"] == "/review"  # a reviewer's start page instead
