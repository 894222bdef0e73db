from tests.conftest import make_app


def test_healthz_answers_when_the_database_does(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    unreachable = make_app("postgresql://nobody@127.0.0.1:1/nowhere?connect_timeout=1")
    response = unreachable.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["title"] == "Database unavailable"
