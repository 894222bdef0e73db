"""Wrong query codes and wrong passwords lock the client out, not the application: with a delay
that grows, shared by the API and the page, by client address as the trusted proxies give it.
Wrong passwords also lock the account for a short while."""

import logging
import re
from datetime import UTC, datetime

import pytest
import time_machine

from service.access import operations
from service.core.database import db
from tests.conftest import PASSWORD, make_app
from tests.factories import create

SESSION = "/api/citizen/session"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
WRONG_PASSWORD = "Wrong username or password"


def wrong(code: str) -> str:
    return ("2" if code[0] != "2" else "3") + code[1:]


def unknown_number(serial: int) -> str:
    return f"2099010100{serial:04d}"


def api_lookup(app, address: str, number: str, code: str, **headers):
    return app.test_client().post(SESSION, json={"number": number, "query_code": code},
                                  environ_base={"REMOTE_ADDR": address}, headers=headers)


def page_lookup(app, address: str, number: str, code: str):
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    token = CSRF.search(browser.get("/").get_data(as_text=True)).group(1)
    return browser.post("/", data={"number": number, "query_code": code, "csrf_token": token})


def fail_five_times(app, address: str, **headers) -> None:
    """Five wrong look-ups, each of another number: no one number is tried twice."""
    for serial in range(5):
        response = api_lookup(app, address, unknown_number(serial), "ABCDEFGHJK", **headers)
        assert response.status_code == 404, response.get_json()


def assert_locked_out(response, seconds: int | None = None) -> None:
    assert response.status_code == 429
    assert "token" not in (response.get_json(silent=True) or {})
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= (seconds or 60)
    if seconds is not None:  # Flask-Limiter rewrites the header, rounding down to the second
        assert seconds - 1 <= retry_after <= seconds


def test_an_attackers_wrong_codes_do_not_keep_the_owner_out(client, app):
    target = create(client)
    for _ in range(30):
        response = api_lookup(app, ATTACKER, target["number"], wrong(target["query_code"]))
        assert response.status_code in (404, 429)
    owner = api_lookup(app, OWNER, target["number"], target["query_code"])
    assert owner.status_code == 200 and owner.get_json()["token"]
    assert page_lookup(app, OWNER, target["number"], target["query_code"]).status_code == 302


def test_five_wrong_codes_lock_the_client_out_with_429_and_retry_after(client, app):
    mine = create(client)
    fail_five_times(app, ATTACKER)
    locked = api_lookup(app, ATTACKER, unknown_number(9), "ABCDEFGHJK")
    assert_locked_out(locked, 60)
    assert locked.mimetype == "application/problem+json"
    # A locked-out client's codes are not checked: not even a right one gets through.
    assert_locked_out(api_lookup(app, ATTACKER, mine["number"], mine["query_code"]))
    assert api_lookup(app, OWNER, mine["number"], mine["query_code"]).status_code == 200


def test_the_lockout_grows_with_each_further_failure(client, app):
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        fail_five_times(app, ATTACKER)
        assert_locked_out(api_lookup(app, ATTACKER, unknown_number(9), "X"), 60)
        for seconds in (60, 120, 240):
            traveller.shift(seconds)
            assert api_lookup(app, ATTACKER, unknown_number(9), "X").status_code == 404
            assert_locked_out(api_lookup(app, ATTACKER, unknown_number(9), "X"), seconds * 2)


def test_a_right_code_does_not_clear_the_clients_count(client, app):
    """Else a guesser would interleave look-ups of their own application with the guesses."""
    mine = create(client)
    for serial in range(4):
        assert api_lookup(app, ATTACKER, unknown_number(serial), "X").status_code == 404
        assert api_lookup(app, ATTACKER, mine["number"], mine["query_code"]).status_code == 200
    assert api_lookup(app, ATTACKER, unknown_number(5), "X").status_code == 404
    assert_locked_out(api_lookup(app, ATTACKER, mine["number"], mine["query_code"]))


def test_the_api_and_the_page_share_one_count(client, app):
    mine = create(client)
    for serial in range(3):
        assert api_lookup(app, ATTACKER, unknown_number(serial), "X").status_code == 404
    for serial in range(3, 5):
        page = page_lookup(app, ATTACKER, unknown_number(serial), "ABCDEFGHJK")
        assert page.status_code == 200 and "申请编号或查询码不正确" in page.get_data(as_text=True)
    assert_locked_out(api_lookup(app, ATTACKER, mine["number"], mine["query_code"]))
    page = page_lookup(app, ATTACKER, mine["number"], mine["query_code"])
    assert page.status_code == 429 and int(page.headers["Retry-After"]) <= 60
    assert "尝试次数过多，请 1 分钟后再试" in page.get_data(as_text=True)


def alerts(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "service.access.citizens"]


def test_one_number_failing_from_many_clients_is_logged(client, app, caplog):
    target = create(client)
    caplog.set_level(logging.WARNING, logger="service.access.citizens")
    for client_number in range(1, 5):
        for _ in range(2):  # a client trying twice is still one client
            api_lookup(app, f"192.0.2.{client_number}", target["number"], "ABCDEFGHJK")
    assert not alerts(caplog)
    api_lookup(app, "192.0.2.5", target["number"], "ABCDEFGHJK")
    [alert] = alerts(caplog)
    assert alert.levelno == logging.WARNING
    assert target["number"] in alert.getMessage() and "5 clients" in alert.getMessage()


def test_an_ipv6_client_is_counted_by_its_64(client, app):
    mine = create(client)
    for host in range(1, 6):
        address = f"2001:db8:1:2::{host:x}"
        assert api_lookup(app, address, unknown_number(host), "X").status_code == 404
    assert_locked_out(api_lookup(app, "2001:db8:1:2:ffff::1", mine["number"], mine["query_code"]))
    assert api_lookup(app, "2001:db8:1:3::1", mine["number"], mine["query_code"]).status_code == 200


def test_x_forwarded_for_is_ignored_without_trusted_proxies(client, app):
    mine = create(client)
    for serial in range(5):
        forged = {"X-Forwarded-For": f"192.0.2.{serial}"}
        assert api_lookup(app, ATTACKER, unknown_number(serial), "X", **forged).status_code == 404
    assert_locked_out(api_lookup(app, ATTACKER, mine["number"], mine["query_code"],
                                 **{"X-Forwarded-For": OWNER}))


@pytest.fixture
def behind_a_proxy(database_url, staff):
    """The app behind one reverse proxy, which appends the address it saw to X-Forwarded-For."""
    proxied = make_app(database_url, TRUSTED_PROXY_HOPS=1)
    yield proxied
    with proxied.app_context():
        db.engine.dispose()


def test_x_forwarded_for_names_the_client_behind_a_trusted_proxy(client, behind_a_proxy):
    mine = create(client)
    proxy = "10.0.0.2"
    fail_five_times(behind_a_proxy, proxy, **{"X-Forwarded-For": ATTACKER})
    assert_locked_out(api_lookup(behind_a_proxy, proxy, mine["number"], mine["query_code"],
                                 **{"X-Forwarded-For": ATTACKER}))
    # The owner, behind the same proxy, is another client.
    owner = api_lookup(behind_a_proxy, proxy, mine["number"], mine["query_code"],
                       **{"X-Forwarded-For": OWNER})
    assert owner.status_code == 200
    # What the attacker writes in front of the proxy's own entry changes nothing.
    assert_locked_out(api_lookup(behind_a_proxy, proxy, mine["number"], mine["query_code"],
                                 **{"X-Forwarded-For": f"{OWNER}, {ATTACKER}"}))


# Staff passwords.

def sign_in(app, username: str, password: str, address: str):
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    token = CSRF.search(browser.get("/login").get_data(as_text=True)).group(1)
    response = browser.post("/login", data={"username": username, "password": password,
                                            "csrf_token": token})
    return response


def test_wrong_passwords_lock_the_account_whatever_the_client(staff, app, monkeypatch):
    for attempt in range(5):
        response = sign_in(app, "reviewer", "not the password", f"192.0.2.{attempt}")
        assert response.status_code == 422

    def not_checked(*_):
        raise AssertionError("a locked account's password is not checked")

    monkeypatch.setattr(operations, "authenticate", not_checked)
    locked = sign_in(app, "reviewer", PASSWORD, OWNER)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) <= 60
    assert WRONG_PASSWORD in locked.get_data(as_text=True)
    assert "Location" not in locked.headers
    monkeypatch.undo()
    # Another account is not locked.
    assert sign_in(app, "clerk", PASSWORD, OWNER).status_code == 302


def test_the_accounts_lockout_ends_and_a_right_password_clears_its_count(staff, app):
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        for attempt in range(5):
            sign_in(app, "reviewer", "not the password", f"192.0.2.{attempt}")
        assert sign_in(app, "reviewer", PASSWORD, OWNER).status_code == 429
        traveller.shift(60)
        assert sign_in(app, "reviewer", PASSWORD, OWNER).status_code == 302
        for attempt in range(4):
            sign_in(app, "reviewer", "not the password", f"192.0.2.{attempt}")
        assert sign_in(app, "reviewer", PASSWORD, OWNER).status_code == 302


def test_wrong_passwords_from_one_client_lock_that_client(staff, app):
    usernames = ["clerk", "reviewer", "supervisor", "admin", "nobody"]
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        for round_ in range(2):  # two passes, a minute apart: under the per-minute limit
            if round_:
                traveller.shift(61)
            for username in usernames:
                response = sign_in(app, username, "not the password", ATTACKER)
                assert response.status_code == 422
        locked = sign_in(app, "clerk", PASSWORD, ATTACKER)
        assert locked.status_code == 429 and WRONG_PASSWORD in locked.get_data(as_text=True)
        assert sign_in(app, "clerk", PASSWORD, OWNER).status_code == 302
