"""Hostile input answers 4xx, never 500, and writes nothing: NUL and lone surrogates anywhere,
JSON nested without end, integers past a column, bodies past the size limit, error lists that
would outgrow the request. The API answers problem documents, pages answer HTML.

Routes are walked from the URL map, so a new route is covered the day it is added.
"""

import json
import re
from urllib.parse import urlsplit

import pytest
from flask import url_for
from sqlalchemy import text

from service.access.citizens import SESSION_KEY, signed_link
from service.access.policy import RULES
from service.access.roles import Role
from service.core.bounds import INT_MAX
from service.core.database import db
from service.core.problems import MACHINE_PATHS
from tests.conftest import PASSWORD
from tests.db_counts import counts
from tests.factories import application_payload, create, fire

PROBLEM = "application/problem+json"
ARGUMENT = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>")
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def _routes(app):
    """(endpoint, method, rule text) for every route but the static files' own."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, rule.rule


def _url(rule: str, value=lambda converter: "a%00b") -> str:
    return ARGUMENT.sub(lambda match: str(value(match.group(1) or "default")), rule)


def _credentials(client, endpoint: str, citizen_token: str | None = None) -> dict:
    """Headers that get past the endpoint's access rule, so that its view runs."""
    rule = RULES[endpoint]
    if rule.citizen and citizen_token:
        return {"Authorization": f"Bearer {citizen_token}"}
    for role in ("admin", "clerk", "supervisor", "reviewer"):
        if Role(role) in rule.roles:
            return client.staff.headers(role)
    return {}


def _citizen_token(client, created: dict) -> str:
    response = client.post("/api/citizen/session", json={"number": created["number"],
                                                         "query_code": created["query_code"]})
    return response.get_json()["token"]


def _refused_well(response, url: str, status: int | tuple = None) -> str | None:
    """What is wrong with the answer to a hostile request, if anything."""
    path = urlsplit(url).path
    expected = (status,) if isinstance(status, int) else status
    if response.status_code >= 500 or (expected and response.status_code not in expected):
        return f"{response.status_code} {response.get_data(as_text=True)[:200]}"
    if response.status_code < 400:
        return None
    wanted = PROBLEM if path.startswith("/api/") or path in MACHINE_PATHS else "text/html"
    if response.mimetype != wanted:
        return f"{response.status_code} as {response.mimetype}, not {wanted}"
    return None


def _hostile_json(document) -> bytes:
    """JSON with ``\\u0000`` and ``\\ud800`` escapes, as an attacker sends them."""
    return json.dumps(document, ensure_ascii=True).encode()


# --- NUL and lone surrogates ---------------------------------------------------------------


def test_a_nul_in_any_path_is_a_400_naming_the_path(client, app):
    created = create(client)
    citizen = _citizen_token(client, created)
    before = counts(app)
    wrong = {}
    anonymous = app.test_client()
    for endpoint, method, rule in _routes(app):
        url = _url(rule) if "<" in rule else rule + "%00"
        response = anonymous.open(url, method=method, json={} if method in WRITES else None,
                                  headers=_credentials(client, endpoint, citizen))
        problem = _refused_well(response, url, 400)
        if problem is None and url.startswith("/api/"):
            body = response.get_json()
            problem = None if body["location"] == "the path" else body
        if problem:
            wrong[f"{method} {url}"] = problem
    assert wrong == {}
    assert counts(app) == before


QUERY_CASES = [  # (role, url): filters that reach a query
    ("clerk", "/api/applications?bundle=new%00born"),
    ("clerk", "/api/applications?department=tax%00"),
    ("supervisor", "/api/overdue?department=tax%00"),
    ("supervisor", "/api/overdue?bundle=%00"),
    (None, "/api/bundles/newborn?%00=1"),
    (None, "/?next=%00"),
    (None, "/language/en?next=/%00"),
]


def test_a_nul_in_a_query_parameter_is_a_400_naming_it(client, app):
    before = counts(app)
    anonymous = app.test_client()
    for role, url in QUERY_CASES:
        response = anonymous.get(url, headers=client.staff.headers(role) if role else {})
        assert _refused_well(response, url, 400) is None, url
        if url.startswith("/api/"):
            assert "query parameter" in response.get_json()["location"], url
    # And on every route that reads a query string.
    for endpoint, method, rule in _routes(app):
        if method == "GET" and "<" not in rule:
            url = rule + "?q=%00"
            response = anonymous.get(url, headers=_credentials(client, endpoint))
            assert _refused_well(response, url, 400) is None, url
    assert counts(app) == before


def test_a_nul_in_a_header_or_a_form_field_is_a_400(client, app):
    before = counts(app)
    response = client.post("/api/applications", json=application_payload(app),
                           headers={"Idempotency-Key": "key\x00"})
    assert _refused_well(response, "/api/applications", 400) is None
    assert response.get_json()["location"] == "header 'Idempotency-Key'"
    page = app.test_client().post("/", data={"number": "2026\x00", "query_code": "X"})
    assert _refused_well(page, "/", 400) is None
    login = app.test_client().post("/login", data={"username": "clerk\x00", "password": "x"})
    assert _refused_well(login, "/login", 400) is None
    assert counts(app) == before


def _body_cases(app, number: str) -> list[tuple[str, str, str, dict]]:
    """(role, method, url, body) of every JSON write, its strings reaching the database."""
    transition = {"trigger": "refuse", "reason": "理由", "item": None, "data": {}}
    year = {"year": 2030, "holidays": [{"date": "2030-01-01", "name": "元旦"}]}
    return [
        (None, "POST", "/api/citizen/session", {"number": number, "query_code": "ABCDEFGHJK"}),
        (None, "POST", "/api/applications", application_payload(app, channel="online")),
        ("clerk", "POST", "/api/applications", application_payload(app)),
        ("clerk", "POST", f"/api/applications/{number}/transitions", transition),
        ("admin", "POST", "/api/users", {"username": "newcomer", "display_name": "新人",
                                         "password": PASSWORD, "role": "clerk"}),
        ("clerk", "POST", "/api/tokens", {"name": "script"}),
        ("admin", "PUT", "/api/calendar/2030", year),
    ]


def _spoil_strings(document, spoil):
    """Copies of ``document``, each with one of its strings (value or key) spoiled."""
    if isinstance(document, str):
        yield spoil(document)
    elif isinstance(document, dict):
        for key, value in document.items():
            yield {**document, spoil(key): value}
            for spoiled in _spoil_strings(value, spoil):
                yield {**document, key: spoiled}
    elif isinstance(document, list):
        for index, value in enumerate(document):
            for spoiled in _spoil_strings(value, spoil):
                yield [*document[:index], spoiled, *document[index + 1:]]


SPOILERS = {"nul": lambda text: text[:1] + "\x00" + text[1:],
            "surrogate": lambda text: text[:1] + "\ud800" + text[1:]}


@pytest.mark.parametrize("spoiler", SPOILERS)
def test_nul_or_a_lone_surrogate_in_any_body_string_is_a_400_naming_where(client, app, spoiler):
    created = create(client)
    citizen = _citizen_token(client, created)
    before = counts(app)
    wrong = {}
    anonymous = app.test_client()
    for role, method, url, body in _body_cases(app, created["number"]):
        for spoiled in _spoil_strings(body, SPOILERS[spoiler]):
            response = anonymous.open(url, method=method, data=_hostile_json(spoiled),
                                      content_type="application/json",
                                      headers=client.staff.headers(role) if role else {})
            problem = _refused_well(response, url, 400) or (
                None if response.get_json()["location"].startswith(("the body", "a key of"))
                else response.get_json())
            if problem:
                wrong[f"{method} {url} {spoiled}"] = problem
    # Every other JSON write, whatever it expects.
    for endpoint, method, rule in _routes(app):
        if method in ("POST", "PUT", "PATCH") and rule.startswith("/api/"):
            url = _url(rule, lambda converter: 2030 if converter == "int" else created["number"])
            response = anonymous.open(url, method=method, content_type="application/json",
                                      data=_hostile_json({"x": SPOILERS[spoiler]("text")}),
                                      headers=_credentials(client, endpoint, citizen))
            if problem := _refused_well(response, url, 400):
                wrong[f"{method} {url}"] = problem
    assert wrong == {}
    assert counts(app) == before


# --- JSON nested without end ---------------------------------------------------------------


def _nested(depth: int) -> bytes:
    return b'{"a": ' * depth + b"1" + b"}" * depth


@pytest.mark.parametrize("depth", [33, 100_000], ids=["past-the-bound", "past-the-parser"])
def test_deeply_nested_json_is_a_400_on_every_route(client, app, depth):
    created = create(client)
    citizen = _citizen_token(client, created)
    before = counts(app)
    wrong = {}
    anonymous = app.test_client()
    for endpoint, method, rule in _routes(app):
        if method not in ("POST", "PUT", "PATCH"):
            continue
        url = _url(rule, lambda converter: 2030 if converter == "int" else created["number"])
        for body in (_nested(depth), b"[" * depth + b"]" * depth):
            response = anonymous.open(url, method=method, data=body,
                                      content_type="application/json",
                                      headers=_credentials(client, endpoint, citizen))
            if problem := _refused_well(response, url, 400):
                wrong[f"{method} {url} {body[:2]}"] = problem
    assert wrong == {}
    assert counts(app) == before


def test_json_within_the_depth_bound_and_nan_are_judged_as_usual(client, app):
    payload = application_payload(app)
    payload["form"]["child_name"] = json.loads(_nested(20))
    response = client.post("/api/applications", json=payload)
    assert response.status_code == 422 and "form.child_name" in response.get_json()["detail"]
    nan = client.post("/api/tokens", data=b'{"name": "x", "days": NaN}',
                      content_type="application/json")
    assert nan.status_code == 400 and "NaN" in nan.get_json()["detail"]
    huge = client.post("/api/tokens", data=b'{"name": "x", "days": 1' + b"0" * 5000 + b"}",
                       content_type="application/json")
    assert huge.status_code == 400 and huge.mimetype == PROBLEM


# --- Integers past a column ----------------------------------------------------------------


def test_integers_past_a_column_in_any_path_match_no_route(client, app):
    before = counts(app)
    wrong = {}
    anonymous = app.test_client()
    for endpoint, method, rule in _routes(app):
        if "<int" not in rule:
            continue
        for too_big in (INT_MAX + 1, 99999999999999999999, "1" * 5000):
            url = _url(rule, lambda converter, value=too_big: value)
            response = anonymous.open(url, method=method, headers=_credentials(client, endpoint),
                                      json={} if method in WRITES else None)
            if problem := _refused_well(response, url, 404):
                wrong[f"{method} {url[:60]}"] = problem
        url = _url(rule, lambda converter: INT_MAX)
        response = anonymous.open(url, method=method, headers=_credentials(client, endpoint),
                                  json={} if method in WRITES else None)
        if problem := _refused_well(response, url):
            wrong[f"{method} {url}"] = problem
    assert wrong == {}
    assert counts(app) == before


QUERY_INTEGERS = [
    ("/api/bundles/newborn?version=99999999999", 422),
    ("/api/bundles/newborn/diagram?version=99999999999", 422),
    ("/api/bundles/newborn?version=0", 422),
    (f"/api/bundles/newborn?version={INT_MAX}", 404),
    ("/api/applications?page=99999999999", 422),
    ("/api/applications?page=99999999999999999999999", 422),
    ("/api/applications?page_size=99999999999", 422),
    (f"/api/applications?page={INT_MAX}", 200),
    ("/api/overdue?page=99999999999", 422),
    (f"/api/overdue?page={INT_MAX}", 200),
]


def test_integers_past_a_column_in_a_query_string_are_422(client):
    for url, status in QUERY_INTEGERS:
        role = "supervisor" if url.startswith("/api/overdue") else "clerk"
        response = client.get(url, headers=client.staff.headers(role))
        assert response.status_code == status, (url, response.get_json())
        if status == 422:
            assert response.mimetype == PROBLEM
            assert re.search(r"\b(version|page|page_size)\b", response.get_json()["detail"])


def test_a_token_id_past_a_column_on_a_page_is_a_404_page(app, staff):
    browser = app.test_client()
    login = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    browser.post("/login", data={"username": "clerk", "password": PASSWORD, "csrf_token": token})
    for token_id in (99999999999, INT_MAX + 1):
        response = browser.post(f"/account/tokens/{token_id}/revoke",
                                data={"csrf_token": token})
        assert response.status_code == 404 and response.mimetype == "text/html"


# --- Sizes ---------------------------------------------------------------------------------


def test_a_body_over_max_content_length_is_413(client, app):
    before = counts(app)
    payload = application_payload(app, channel="online")
    payload["form"]["child_name"] = "王" * (app.config["MAX_CONTENT_LENGTH"] // 3 + 1)
    api = app.test_client().post("/api/applications", json=payload)
    assert api.status_code == 413 and api.mimetype == PROBLEM
    page = app.test_client().post("/", data={"number": "1" * app.config["MAX_CONTENT_LENGTH"],
                                             "query_code": "X"})
    assert page.status_code == 413 and page.mimetype == "text/html"
    assert counts(app) == before


def test_max_content_length_and_depth_are_settings(database_url):
    from tests.conftest import make_app

    small = make_app(database_url, MAX_CONTENT_LENGTH=100, MAX_JSON_DEPTH=2)
    client = small.test_client()
    assert client.post("/api/citizen/session", json={"number": "1" * 100}).status_code == 413
    deep = client.post("/api/citizen/session", json={"number": {"a": {"b": 1}}})
    assert deep.status_code == 400 and "deeper than 2" in deep.get_json()["detail"]


def test_error_lists_are_capped_below_the_size_of_the_request(client, app):
    before = counts(app)
    payload = application_payload(app, channel="online")
    payload["materials"] = [f"m{serial}" for serial in range(5000)]
    request = json.dumps(payload).encode()
    response = app.test_client().post("/api/applications", data=request,
                                      content_type="application/json")
    body = response.get_json()
    assert response.status_code == 422 and len(response.data) < len(request) / 5
    assert body["errors_omitted"] == 5000 - 20 and body["detail"].endswith("… and 4980 more")
    assert "materials[0]" in body["detail"]
    payload = application_payload(app, channel="online")
    payload["form"]["k" * 300_000] = "v"  # echoed as the key of "Unknown field."
    response = app.test_client().post("/api/applications", json=payload)
    assert response.status_code == 422 and len(response.data) < 2000
    assert counts(app) == before


# --- Integers are integers, dates are listed once ------------------------------------------


# (days, year): what a lenient schema truncates or converts.
NOT_INTEGERS = [(5.5, 2030.5), ("5", "2030"), (True, True), (5.0, 2030.0)]


def test_integers_in_request_bodies_are_strict(client, app):
    number = create(client)["number"]
    fire(client, number, "accept")
    before = counts(app)
    for days, year in NOT_INTEGERS:
        token = client.post("/api/tokens", json={"name": "script", "days": days})
        assert token.status_code == 422 and "days" in token.get_json()["detail"], days
        extension = fire(client, number, "extend", "birth_medical_certificate", reason="复杂",
                         data={"days": days}, expect=422)
        assert "data.days" in extension["detail"], days
        schedule = client.put("/api/calendar/2030", json={"year": year, "holidays": []},
                              headers=client.staff.headers("admin"))
        assert schedule.status_code == 422 and "year" in schedule.get_json()["detail"], year
    assert counts(app) == before


def test_a_calendar_with_a_day_listed_twice_is_refused_naming_it(client, app):
    response = client.put("/api/calendar/2030", headers=client.staff.headers("admin"), json={
        "year": 2030, "holidays": [{"date": "2030-01-01", "name": "元旦"},
                                   {"date": "2030-10-01", "name": "国庆节"},
                                   {"date": "2030-01-01", "name": "新年"}],
        "workdays": [{"date": "2030-09-29", "name": "国庆节调休"},
                     {"date": "2030-09-29", "name": "国庆节调休"}]})
    assert response.status_code == 422, response.get_json()
    detail = response.get_json()["detail"]
    assert "holidays[2].date: 2030-01-01 is listed twice" in detail
    assert "workdays[1].date: 2030-09-29 is listed twice" in detail
    assert client.get("/api/calendar/2030", headers=client.staff.headers("admin")
                      ).status_code == 404


# --- An application that no longer exists --------------------------------------------------


def _delete_applications(app) -> None:
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            if "application_id" in table.c:
                db.session.execute(table.delete())
        db.session.execute(text("DELETE FROM applications"))
        db.session.commit()


def test_a_session_link_or_receipt_of_a_missing_application_is_a_404(client, app):
    created = create(client)
    citizen = _citizen_token(client, created)
    browser = app.test_client()
    with browser.session_transaction() as session:
        session[SESSION_KEY] = created["number"]
    with app.test_request_context():
        link = url_for("portal.signed_link", token=signed_link(created["number"]))
    _delete_applications(app)

    api = app.test_client().get("/api/citizen/application",
                                headers={"Authorization": f"Bearer {citizen}"})
    assert api.status_code == 404 and api.mimetype == PROBLEM
    assert created["number"] in api.get_json()["detail"]
    pages = [browser.get("/status"), app.test_client().get(created["receipt_url"]),
             app.test_client().get(link, follow_redirects=True)]
    for page in pages:
        assert page.status_code == 404 and page.mimetype == "text/html"
        assert "找不到这件申请" in page.get_data(as_text=True)
    browser.set_cookie("lang", "en")
    assert "Application not found" in browser.get("/status").get_data(as_text=True)


# --- Pages answer pages --------------------------------------------------------------------


def test_pages_answer_html_error_pages_and_the_api_problems(client, app):
    anonymous = app.test_client()
    for url, method, status in [("/nowhere", "GET", 404), ("/login", "DELETE", 405),
                                ("/api/nowhere", "GET", 404), ("/api/bundles", "DELETE", 405)]:
        response = anonymous.open(url, method=method)
        assert _refused_well(response, url, status) is None, url
        if status == 405:
            assert "GET" in response.headers["Allow"]
    page = anonymous.get("/nowhere").get_data(as_text=True)
    assert "找不到这个页面" in page and "<html" in page


PAGE_WORDS = {400: "无法处理这个请求", 404: "找不到这个页面", 405: "不支持这个操作",
              413: "提交的内容太大", 429: "操作太频繁", 500: "系统出了点问题",
              503: "系统暂时无法服务"}


@pytest.fixture
def erring(database_url, monkeypatch):
    """An app with routes that fail with the status they name (or a bug, for 500), on a page
    and on the API, answering as in production (no exception reaches the test)."""
    from werkzeug.exceptions import abort

    from service.access.policy import PUBLIC
    from tests.conftest import make_app

    erring = make_app(database_url, PROPAGATE_EXCEPTIONS=False)

    def fail(status):
        if status == 500:
            raise RuntimeError("a bug")
        abort(status)

    erring.add_url_rule("/fail/<int:status>", "fail", fail)
    erring.add_url_rule("/api/fail/<int:status>", "api_fail", fail)
    monkeypatch.setitem(RULES, "fail", PUBLIC)
    monkeypatch.setitem(RULES, "api_fail", PUBLIC)
    return erring


@pytest.mark.parametrize("status", PAGE_WORDS)
def test_every_error_is_a_page_in_words_or_a_problem(erring, status):
    client = erring.test_client()
    page, api = client.get(f"/fail/{status}"), client.get(f"/api/fail/{status}")
    assert page.status_code == api.status_code == status
    assert page.mimetype == "text/html" and PAGE_WORDS[status] in page.get_data(as_text=True)
    assert api.mimetype == PROBLEM and api.get_json()["status"] == status
    english = erring.test_client()
    english.set_cookie("lang", "en")
    in_english = english.get(f"/fail/{status}").get_data(as_text=True)
    assert '<html lang="en"' in in_english and PAGE_WORDS[status] not in in_english


# --- Start-up ------------------------------------------------------------------------------


def test_production_refuses_a_secret_key_shorter_than_32_bytes(monkeypatch, tmp_path):
    from service import create_app

    monkeypatch.setenv("ONETHING_ENV", "production")
    config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
              "AUDIT_KEY": "a" * 32}
    for short in ("x", "k" * 31, "密" * 10):
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            create_app({**config, "SECRET_KEY": short})
    assert create_app({**config, "SECRET_KEY": "k" * 32}).config["SECRET_KEY"] == "k" * 32
