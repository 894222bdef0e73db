"""The staff pages: sign-in with CSRF, the account page and its tokens, sign-out, redirects that
stay on the site, security headers, and the production session cookie."""

import re
from urllib.parse import urlsplit

import pytest
from flask_login import current_user
from sqlalchemy import select

from service.access.models import User
from service.access.operations import tokens_of
from service.core.database import db
from tests.conftest import PASSWORD, make_app

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no csrf_token hidden input"
    return match.group(1)


@pytest.fixture
def browser(app, staff):
    """A browser: cookies, no bearer token."""
    return app.test_client()


def sign_in(browser, username: str = "reviewer", password: str = PASSWORD, next_: str = ""):
    token = csrf_token(browser.get("/login").get_data(as_text=True))
    url = f"/login?next={next_}" if next_ else "/login"
    return browser.post(url, data={"username": username, "password": password,
                                   "csrf_token": token})


def post_form(browser, url: str, data: dict):
    """A form sent as a page sends it, with the session's CSRF token (from the account page,
    which every member of staff may open)."""
    token = csrf_token(browser.get("/account").get_data(as_text=True))
    return browser.post(url, data={**data, "csrf_token": token})


def text(response) -> str:
    return response.get_data(as_text=True)


def signed_in(browser) -> bool:
    response = browser.get("/account")
    return response.status_code == 200


def test_login_page_has_a_form_with_a_csrf_token(browser):
    response = browser.get("/login")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<form method="post"' in html
    assert re.search(r'<input[^>]*name="password"[^>]*type="password"', html)
    assert len(csrf_token(html)) > 20


def test_wrong_password_is_422_with_the_error_and_no_session(browser):
    response = sign_in(browser, password="not the password")
    assert response.status_code == 422
    assert "Wrong username or password" in response.get_data(as_text=True)
    assert not signed_in(browser)
    unknown = sign_in(browser, username="nobody")
    assert unknown.status_code == 422 and not signed_in(browser)


@pytest.mark.parametrize("token", [None, "", "forged-token", "IjAwMDAi.Zz.forged"])
def test_missing_or_forged_csrf_token_is_400_and_not_signed_in(browser, token):
    browser.get("/login")  # the session holds a real CSRF secret
    data = {"username": "reviewer", "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    response = browser.post("/login", data=data)
    assert response.status_code == 400
    assert not signed_in(browser)


def test_csrf_token_of_another_session_is_refused(app, browser):
    other = app.test_client()
    token = csrf_token(other.get("/login").get_data(as_text=True))
    browser.get("/login")
    response = browser.post("/login", data={"username": "reviewer", "password": PASSWORD,
                                            "csrf_token": token})
    assert response.status_code == 400 and not signed_in(browser)


def test_right_password_opens_the_roles_start_page(browser):
    response = sign_in(browser)  # a reviewer: their department's items
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/review"
    administrator = browser.application.test_client()
    assert urlsplit(sign_in(administrator, "admin").headers["Location"]).path == "/admin"
    page = browser.get("/account")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Reviewer" in html and "reviewer" in html and "tax" in html


def test_the_session_cookie_does_not_open_the_api(browser):
    sign_in(browser)
    assert browser.get("/api/tokens").status_code == 401
    assert browser.get("/api/applications").status_code == 401


def on_site(location: str) -> bool:
    parts = urlsplit(location)
    return (parts.scheme in ("", "http") and parts.netloc in ("", "localhost")
            and not location.startswith(("//", "/\\")))


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example",
                                    "//evil.example/account", "/\\evil.example",
                                    "http:/evil.example", "javascript:alert(1)", "///evil.example",
                                    "/%2F/evil.example", "/%09/evil.example", "%2F%2Fevil.example"])
def test_next_off_site_is_not_followed(browser, target):
    response = sign_in(browser, next_=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert on_site(location), location
    assert "javascript" not in location


def test_next_with_a_newline_falls_back_to_the_start_page(browser):
    response = sign_in(browser, next_="/%0d%0aSet-Cookie:%20x=y")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/review"


def test_next_on_site_is_followed(browser):
    response = sign_in(browser, next_="/account?tab=tokens")
    assert response.headers["Location"] == "/account?tab=tokens"


def test_account_anonymous_redirects_to_login_with_next(browser):
    response = browser.get("/account")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login" and location.query == "next=/account"


def test_token_created_in_the_form_is_shown_once_then_by_prefix(browser, app):
    sign_in(browser)
    page = browser.get("/account").get_data(as_text=True)
    assert browser.post("/account/tokens", data={"name": "reports", "days": "30"}).status_code \
        == 400  # no CSRF token: refused
    response = browser.post("/account/tokens", data={"name": "reports", "days": "30",
                                                     "csrf_token": csrf_token(page)})
    assert response.status_code == 201
    secret = re.search(r"<code>(ot_[^<]+)</code>", response.get_data(as_text=True)).group(1)
    assert app.test_client().get("/api/tokens", headers={
        "Authorization": f"Bearer {secret}"}).status_code == 200

    again = browser.get("/account").get_data(as_text=True)
    assert secret not in again
    assert f"<code>{secret[:10]}…</code>" in again and "reports" in again


def test_token_form_errors_are_shown(browser):
    sign_in(browser)
    page = browser.get("/account").get_data(as_text=True)
    response = browser.post("/account/tokens", data={"name": "", "days": "999",
                                                     "csrf_token": csrf_token(page)})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count('class="error"') == 2


def test_token_revoked_in_the_form(browser, app, staff):
    sign_in(browser)
    token = csrf_token(browser.get("/account").get_data(as_text=True))
    secret = re.search(r"<code>(ot_[^<]+)</code>", browser.post(
        "/account/tokens", data={"name": "old", "days": "30", "csrf_token": token}
    ).get_data(as_text=True)).group(1)
    page = browser.get("/account").get_data(as_text=True)
    ids = re.findall(r'action="/account/tokens/(\d+)/revoke"', page)
    assert len(ids) == 2  # the fixture's token and the new one
    newest = max(ids, key=int)

    assert browser.post(f"/account/tokens/{newest}/revoke").status_code == 400  # no CSRF
    response = browser.post(f"/account/tokens/{newest}/revoke",
                            data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    page = browser.get("/account").get_data(as_text=True)
    assert "已撤销" in page and "Revoked" in page
    assert re.findall(r'action="/account/tokens/(\d+)/revoke"', page) == [min(ids, key=int)]
    api = app.test_client()
    assert api.get("/api/tokens", headers={"Authorization": f"Bearer {secret}"}).status_code \
        == 401
    assert api.get("/api/tokens", headers=staff.headers("reviewer")).status_code == 200


def test_someone_elses_token_cannot_be_revoked_in_the_form(browser, app, staff):
    sign_in(browser)  # the reviewer
    with app.app_context():
        clerk = db.session.scalar(select(User).where(User.username == "clerk"))
        clerks_token = tokens_of(clerk)[0].id
    page = browser.get("/account").get_data(as_text=True)
    response = browser.post(f"/account/tokens/{clerks_token}/revoke",
                            data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert "Revoked" not in browser.get("/account").get_data(as_text=True)
    assert app.test_client().get("/api/tokens", headers=staff.headers("clerk")).status_code \
        == 200


def test_logout_needs_post_with_csrf(browser):
    sign_in(browser)
    assert browser.get("/logout").status_code == 405
    assert browser.post("/logout").status_code == 400
    assert signed_in(browser)
    page = browser.get("/account").get_data(as_text=True)
    response = browser.post("/logout", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"
    assert not signed_in(browser)


def test_deactivated_user_is_signed_out(browser, client, app):
    sign_in(browser)
    users = client.get("/api/users", headers=client.staff.headers("admin")).get_json()
    reviewer = next(user["id"] for user in users if user["username"] == "reviewer")
    client.patch(f"/api/users/{reviewer}", json={"active": False},
                 headers=client.staff.headers("admin"))
    assert not signed_in(browser)
    assert sign_in(browser).status_code == 422


@pytest.mark.parametrize("path", ["/login", "/account", "/logout-get", "/healthz"])
def test_every_page_response_carries_security_headers(browser, path):
    if path == "/account":
        sign_in(browser)
    response = browser.get("/logout" if path == "/logout-get" else path)
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"]


def test_signed_in_responses_and_redirects_carry_security_headers(browser):
    for response in (sign_in(browser), browser.get("/account"), browser.get("/nowhere")):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def production(database_url, monkeypatch, staff):
    monkeypatch.setenv("ONETHING_ENV", "production")
    production = make_app(database_url, SECRET_KEY="a-real-secret-for-tests-of-32-bytes")
    yield production
    with production.app_context():
        db.engine.dispose()


def test_production_session_cookie_is_secure_httponly_lax(production):
    browser = production.test_client()
    token = csrf_token(browser.get("/login").get_data(as_text=True))
    with browser:
        response = browser.post("/login", data={"username": "reviewer", "password": PASSWORD,
                                                "csrf_token": token})
        assert response.status_code == 302
        assert current_user.is_authenticated
    cookies = response.headers.getlist("Set-Cookie")
    session = next(cookie for cookie in cookies if cookie.startswith("session="))
    flags = {part.strip().lower() for part in session.split(";")[1:]}
    assert {"secure", "httponly", "samesite=lax"} <= flags
