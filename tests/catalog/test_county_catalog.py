"""The county's whole catalog: near the seed report's 36 bundles over 254 items from 39
departments.

The subject here is the shipped data itself, so these tests read ``workflows/``, not the tests'
frozen catalog (tests/workflows/): a correction of the county's data may need them updated.
"""

import math

import pytest

from service.catalog.definitions import load_catalog
from service.catalog.describe import MARKER, describe
from service.catalog.figures import bundle_figures, orphan_items, overall_reduction
from service.catalog.operations import publish
from service.core.database import db
from service.engine.bundle import Bundle
from tests.conftest import COUNTY_WORKFLOWS, make_staff, staff_client
from tests.factories import approval, create, fire

# Read once, at collection: the run-through test is parametrized by the county's bundle codes.
COUNTY = load_catalog(COUNTY_WORKFLOWS)
BUNDLE_CODES = sorted(COUNTY.bundles)


@pytest.fixture
def county_catalog():
    return COUNTY


def test_the_catalog_stays_near_the_countys_counts(county_catalog):
    # The seed report: 254 items of 39 departments in 36 bundles; padding removed and the
    # national items added keep the catalog near it.
    assert 34 <= len(county_catalog.departments) <= 42
    assert 235 <= len(county_catalog.items) <= 270
    assert 34 <= len(county_catalog.bundles) <= 42


def test_every_item_belongs_to_a_bundle(county_catalog):
    assert orphan_items(county_catalog) == []


def test_the_national_key_bundles_are_there(county_catalog):
    names = " ".join(snapshot["name"] for snapshot in county_catalog.bundles.values())
    for key in ("新生儿出生", "教育入学", "退休", "身后", "残疾人", "军人退役", "开办餐饮店",
                "企业信息变更", "企业注销", "开办运输企业", "水电气网", "员工录用", "破产",
                "上市", "社会保障卡"):
        assert key in names, key


def test_every_committed_limit_is_within_its_statutory_limit(county_catalog):
    for code, item in county_catalog.items.items():
        statutory = item["limits"]["statutory"]
        assert statutory is None or item["limits"]["committed"] <= statutory, code


def test_every_bundles_statutory_limit_is_derived_from_its_items(county_catalog):
    for code, snapshot in county_catalog.bundles.items():
        bundle = Bundle.from_snapshot(snapshot, "")
        assert snapshot["limits"]["statutory"] == bundle.derived_statutory_limit(), code
        if snapshot["limits"]["statutory"] is not None:  # None: service commitments alone
            assert snapshot["limits"]["statutory"] >= math.ceil(
                bundle.critical_path("committed"))


def test_every_department_has_a_level_and_every_bundle_a_category(county_catalog):
    assert all(department["level"] for department in county_catalog.departments.values())
    assert all(snapshot["categories"] for snapshot in county_catalog.bundles.values())
    # Most items' legal basis is still to be sourced; what is given names a law and article.
    bases = [item["basis"] for item in county_catalog.items.values() if item["basis"]]
    assert bases and all(basis.startswith("《") and "》第" in basis for basis in bases)


def test_every_bundle_keeps_its_promise_within_its_critical_path(county_catalog):
    for code, snapshot in county_catalog.bundles.items():
        bundle = Bundle.from_snapshot(snapshot, "")
        assert bundle.limits.committed >= math.ceil(bundle.critical_path("committed")), code
        assert bundle.execution_order()  # a graph without cycles


def test_the_catalog_states_a_reduction_from_sourced_figures_only(county_catalog):
    # The county reports turnaround cut by 52% against the items one after another; the
    # catalog states its own figure only where every item's statutory limit has a basis.
    figures = bundle_figures(county_catalog)
    sourced = [each for each in figures if each.sourced]
    assert all(each.standalone is None for each in figures if not each.sourced)
    assert (overall_reduction(figures) is None) == (not sourced)


def test_merging_asks_for_fewer_materials(county_catalog):
    figures = bundle_figures(county_catalog)
    assert sum(each.materials_after for each in figures) < sum(
        each.materials_before for each in figures)
    assert all(each.materials_after <= each.materials_before for each in figures)


def test_catalog_stats_prints_the_counts_and_the_reduction(runner, county_workflows):
    result = runner.invoke(args=["catalog", "stats"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["bundle", "items", "depts"]
    assert sum(line.split()[0] in BUNDLE_CODES for line in lines[1:] if line.strip()) == len(
        COUNTY.bundles)
    assert (f"{len(COUNTY.departments)} departments, {len(COUNTY.items)} items (0 in no bundle), "
            f"{len(COUNTY.bundles)} bundles") in result.output


def test_loading_the_whole_catalog_twice_changes_nothing_the_second_time(runner,
                                                                          county_workflows):
    first = runner.invoke(args=["catalog", "load"])
    assert first.exit_code == 0, first.output
    assert f"{len(COUNTY.departments)} departments, {len(COUNTY.items)} items" in first.output
    assert f"created: {len(COUNTY.bundles)}" in first.output
    second = runner.invoke(args=["catalog", "load"])
    assert "created: 0" in second.output and "changed: 0" in second.output
    assert f"unchanged: {len(COUNTY.bundles)}" in second.output


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("bundle_code", BUNDLE_CODES)
def test_every_bundle_runs_from_creation_to_delivery(app, county_catalog, password_hash,
                                                     bundle_code):
    subset = county_catalog.subset([bundle_code])
    with app.app_context():
        publish(subset)
        db.session.commit()
    client = staff_client(app, make_staff(app, list(subset.departments), password_hash))
    number = create(client, bundle_code)["number"]
    body = fire(client, number, "accept")
    while body["state"] == "processing":
        allowed = client.get(f"/api/applications/{number}/transitions",
                             headers=client.staff.headers("supervisor")).get_json()["allowed"]
        code, triggers = next((code, triggers) for code, triggers in allowed["items"].items()
                              if {"start_review", "approve"} & set(triggers))
        trigger = "start_review" if "start_review" in triggers else "approve"
        body = fire(client, number, trigger, code,
                    data=approval(app, code) if trigger == "approve" else None)
    assert (body["state"], body["outcome"]) == ("concluded", "approved")
    assert {item["state"] for item in body["items"]} == {"approved"}
    assert fire(client, number, "deliver")["state"] == "delivered"


def test_docs_catalog_describes_the_shipped_catalog(county_catalog):
    """docs/CATALOG.md's second half is `flask catalog describe --write docs/CATALOG.md`."""
    document = (COUNTY_WORKFLOWS.parent / "docs" / "CATALOG.md").read_text(encoding="utf-8")
    assert MARKER in document, "run: flask catalog describe --write docs/CATALOG.md"
    assert document.split(MARKER)[1] == describe(county_catalog).split(MARKER)[1], (
        "docs/CATALOG.md is behind workflows/: flask catalog describe --write docs/CATALOG.md")


def test_describe_writes_below_its_marker_and_keeps_what_is_above(runner, county_workflows,
                                                                  tmp_path):
    document = tmp_path / "CATALOG.md"
    document.write_text(f"# Notes\n\nkept\n\n{MARKER}\n\nstale text\n", encoding="utf-8")
    result = runner.invoke(args=["catalog", "describe", "--write", str(document)])
    assert result.exit_code == 0, result.output
    text = document.read_text(encoding="utf-8")
    assert text.startswith("# Notes\n\nkept\n\n" + MARKER) and "stale text" not in text
    assert "### 新生儿出生“一件事” (`newborn`, national)" in text
