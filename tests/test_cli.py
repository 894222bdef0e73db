import shutil

import pytest

from service.applications.models import Application
from service.core.database import db
from tests.conftest import TEST_WORKFLOWS, make_app


def test_catalog_check_passes_on_the_repository(runner, county_workflows):
    """The shipped catalog (workflows/) is the subject: `flask catalog check` as CI runs it."""
    result = runner.invoke(args=["catalog", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("ok: ") and "departments" in result.output


def test_catalog_check_fails_with_every_problem_named(runner, tmp_path):
    shutil.copytree(TEST_WORKFLOWS, tmp_path / "workflows")
    items = tmp_path / "workflows" / "items.yaml"
    items.write_text(items.read_text(encoding="utf-8").replace(
        "department: tax", "department: treasury"), encoding="utf-8")
    result = runner.invoke(args=["catalog", "check", "--directory", str(tmp_path / "workflows")])
    assert result.exit_code != 0
    assert "items.yaml: items[" in result.output
    assert "unknown department 'treasury'" in result.output


def test_demo_seed_creates_applications_in_different_states_once(runner, app, county_workflows):
    """On the shipped catalog, as `make run` seeds it: the scenarios name its bundles' items."""
    runner.invoke(args=["catalog", "load"])
    result = runner.invoke(args=["demo", "seed", "--history-days", "0"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        states = sorted(db.session.scalars(db.select(Application.state)))
    assert states == ["concluded", "correction", "delivered", "processing", "processing",
                      "refused"]
    again = runner.invoke(args=["demo", "seed"])
    assert "nothing seeded" in again.output


def test_demo_seed_refuses_in_production(database_url, monkeypatch):
    monkeypatch.setenv("ONETHING_ENV", "production")
    production = make_app(database_url, SECRET_KEY="a-real-secret-for-tests-of-32-bytes")
    result = production.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0
    assert "production" in result.output


def test_production_refuses_to_start_without_a_secret_key(database_url, monkeypatch):
    monkeypatch.setenv("ONETHING_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        make_app(database_url)


def test_demo_history_plays_past_applications_through_the_engine(runner, app, staff):
    runner.invoke(args=["catalog", "load"])
    result = runner.invoke(args=["demo", "seed", "--history-days", "15"])
    assert result.exit_code == 0, result.output
    assert "past applications over 15 working days" in result.output
    stats = app.test_client().get("/api/stats",
                                  headers=staff.headers("admin")).get_json()["overall"]
    assert stats["applications"] > 5 and stats["concluded"] > 0
    assert 0 < stats["time_reduction"] < 1
