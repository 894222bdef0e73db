from datetime import UTC, datetime

import time_machine

from service.core.database import db
from service.workdays.operations import replace_year
from service.workdays.schedules import YearSchedule
from tests.conftest import make_app


@time_machine.travel(datetime(2026, 10, 15, 2, tzinfo=UTC), tick=False)
def test_healthz_answers_when_the_database_does(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok",
                                   "calendar": {"missing_years": []}}


@time_machine.travel(datetime(2026, 11, 1, 2, tzinfo=UTC), tick=False)
def test_from_november_healthz_reports_next_years_missing_schedule(app):
    body = app.test_client().get("/healthz").get_json()
    assert body["calendar"] == {"missing_years": [2027]}
    with app.app_context():
        replace_year(YearSchedule(2027, source="test"))
        db.session.commit()
    assert app.test_client().get("/healthz").get_json()["calendar"] == {"missing_years": []}


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    unreachable = make_app("postgresql://nobody@127.0.0.1:1/nowhere?connect_timeout=1")
    response = unreachable.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["title"] == "Database unavailable"
