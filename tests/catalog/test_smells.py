"""`flask catalog check`'s warnings and `flask catalog stats`' sourced figures, on copies of the
tests' catalog."""

import shutil

import pytest

from tests.conftest import TEST_WORKFLOWS

RESTAURANT_ITEMS = ("business_establishment", "food_business_permit", "outdoor_signboard",
                    "fire_safety_inspection")


@pytest.fixture
def workflows(tmp_path, app, monkeypatch):
    """A copy of the tests' catalog that ``flask catalog …`` reads."""
    shutil.copytree(TEST_WORKFLOWS, tmp_path / "workflows")
    monkeypatch.setitem(app.config, "WORKFLOWS_DIR", tmp_path / "workflows")
    return tmp_path / "workflows"


def source(workflows, codes) -> None:
    """Give these items a basis (the tests' catalog has none)."""
    items = workflows / "items.yaml"
    lines = items.read_text(encoding="utf-8").splitlines(keepends=True)
    current = None
    for index, line in enumerate(lines):
        if line.startswith("  - code: "):
            current = line.removeprefix("  - code: ").strip()
        elif current in codes and line.strip() == "basis: unknown":
            lines[index] = line.replace("unknown", "《示例条例》第一条")
    items.write_text("".join(lines), encoding="utf-8")


def test_check_counts_its_warnings_and_the_certificates_share(runner, workflows):
    result = runner.invoke(args=["catalog", "check"])
    assert result.exit_code == 0, result.output
    assert "item(s) whose statutory limit has no known basis" in result.output
    assert "electronic certificates replace" in result.output
    verbose = runner.invoke(args=["catalog", "check", "--verbose"])
    assert "item 'food_business_permit': the basis of its statutory limit is unknown" in (
        verbose.output)
    source(workflows, RESTAURANT_ITEMS)
    fewer = runner.invoke(args=["catalog", "check", "--verbose"])
    assert "'food_business_permit': the basis" not in fewer.output


def test_a_statutory_limit_without_a_basis_fails_the_check(runner, workflows):
    items = workflows / "items.yaml"
    items.write_text(items.read_text(encoding="utf-8").replace("    basis: unknown\n", "", 1),
                     encoding="utf-8")
    result = runner.invoke(args=["catalog", "check"])
    assert result.exit_code == 1 and "basis: Missing data for required field." in result.output


def test_stats_state_a_reduction_from_sourced_figures_only(runner, workflows):
    unsourced = runner.invoke(args=["catalog", "stats"])
    assert "no reduction is stated" in unsourced.output
    source(workflows, RESTAURANT_ITEMS)
    sourced = runner.invoke(args=["catalog", "stats"])
    restaurant = next(line for line in sourced.output.splitlines()
                      if line.startswith("restaurant"))
    assert restaurant.split()[3] == "65"  # 15 + 20 + 20 + 10 working days, one after another
    assert "over the 1 bundle(s) whose every item's limit is sourced" in sourced.output
