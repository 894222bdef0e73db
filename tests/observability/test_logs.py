"""Logs as JSON lines: each record of a request carries its id (the caller's X-Request-ID when
sane, returned in the response), the signed-in user and the application number; one access line
per request; mobile and resident ID numbers masked; pytest's caplog still sees every record."""

import json
import logging

import pytest

from service.access.models import User
from service.access.policy import RULES
from service.core.database import db
from service.observability.logs import mask_personal_data
from tests.factories import create

ACCESS = "service.observability.requests"


def json_lines(captured: str) -> list[dict]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


def access_lines(capsys, endpoint: str) -> list[dict]:
    return [line for line in json_lines(capsys.readouterr().err)
            if line["logger"] == ACCESS and line["endpoint"] == endpoint]


def test_the_callers_request_id_comes_back_and_is_in_the_access_line(client, capsys):
    number = create(client)["number"]
    capsys.readouterr()
    response = client.get(f"/api/applications/{number}", headers={"X-Request-ID": "lb-7f3a.2"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.2"
    [line] = access_lines(capsys, "applications.get_application")
    with client.application.app_context():
        clerk = db.session.query(User).filter_by(username="clerk").one()
    assert line["request_id"] == "lb-7f3a.2"
    assert line["application"] == number
    assert line["user_id"] == clerk.id
    assert (line["method"], line["status"], line["level"]) == ("GET", 200, "INFO")
    assert line["duration_ms"] >= 0
    assert line["message"].startswith("GET applications.get_application 200 ")


@pytest.mark.parametrize("sent", [None, "", "x" * 65, "two words", "<script>", "编号"])
def test_without_a_sane_request_id_a_new_one_is_made(app, capsys, sent):
    headers = {} if sent is None else {"X-Request-ID": sent}
    response = app.test_client().get("/healthz", headers=headers)
    made = response.headers["X-Request-ID"]
    assert made != sent and len(made) == 32 and int(made, 16) >= 0
    [line] = access_lines(capsys, "health.healthz")
    assert line["request_id"] == made and "user_id" not in line


def test_every_record_of_a_request_carries_its_id_and_caplog_sees_them(app, capsys, caplog,
                                                                       monkeypatch):
    monkeypatch.delitem(RULES, "health.healthz")  # the access check logs an error, and refuses
    with caplog.at_level(logging.INFO):
        response = app.test_client().get("/healthz", headers={"X-Request-ID": "req-403"})
    assert response.status_code == 403 and response.headers["X-Request-ID"] == "req-403"
    records = {record.name: record for record in caplog.records}
    assert records["service.access.policy"].levelname == "ERROR"
    assert records["service.access.policy"].request_id == "req-403"
    assert records[ACCESS].request_id == "req-403"
    lines = {line["logger"]: line for line in json_lines(capsys.readouterr().err)}
    assert lines["service.access.policy"]["request_id"] == "req-403"
    assert lines[ACCESS]["status"] == 403


def test_personal_numbers_are_masked_in_messages_and_tracebacks(app, capsys):
    log = logging.getLogger("tests.observability")
    log.warning("call %s about %s (application 20261126000001)", "13800138000",
                "11010519491231002X")
    try:
        raise ValueError("no such phone 13912345678")
    except ValueError:
        log.exception("failed for 110105194912310021")
    first, second = json_lines(capsys.readouterr().err)
    assert first["message"] == "call 138****8000 about 110105********002X (application " \
                               "20261126000001)"
    assert second["message"] == "failed for 110105********0021"
    assert "139****5678" in second["exception"] and "13912345678" not in second["exception"]


@pytest.mark.parametrize(("text", "masked"), [
    ("13800138000", "138****8000"),
    ("tel:13800138000;", "tel:138****8000;"),
    ("12800138000", "12800138000"),  # no mobile begins 12
    ("138001380001", "138001380001"),  # 12 digits: part of something else
    ("11010519491231002x", "110105********002x"),
    ("A11010519491231002X", "A11010519491231002X"),  # inside a longer code
    ("2026112600000112345", "2026112600000112345"),  # 19 digits
    ("张三 13800138000 110105194912310021", "张三 138****8000 110105********0021"),
])
def test_the_mask(text, masked):
    assert mask_personal_data(text) == masked
