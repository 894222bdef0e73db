"""The catalog in the database as the source of truth: its canonical export, and loads that keep
what the browser edited."""

import copy

from sqlalchemy import select

from service.catalog.definitions import load_catalog
from service.catalog.models import BundleVersion, Material, ServiceItem, VersionSource
from service.catalog.operations import publish
from service.catalog.store import KIND, resolve_stored, store_entry
from service.core.database import db
from tests.conftest import TEST_WORKFLOWS


def _files(directory):
    return {str(path.relative_to(directory)): path.read_bytes()
            for path in sorted(directory.rglob("*.yaml"))}


def test_export_then_load_then_export_gives_the_same_bytes(app, loaded, runner, tmp_path):
    first = runner.invoke(args=["catalog", "export", str(tmp_path / "one")])
    assert first.exit_code == 0, first.output
    assert "4 bundles" in first.output
    exported = load_catalog(tmp_path / "one")
    assert exported.bundles == loaded.bundles  # the same snapshots, so no new version
    with app.app_context():
        report = publish(exported)
        db.session.commit()
    assert report.changed == [] and report.created == []
    runner.invoke(args=["catalog", "export", str(tmp_path / "two")])
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    assert "bundles/restaurant.yaml" in _files(tmp_path / "one")


def test_export_keeps_an_existing_directory_unless_told_to_replace_it(app, loaded, runner,
                                                                      tmp_path):
    (tmp_path / "old.yaml").write_text("departments: []\n")
    refused = runner.invoke(args=["catalog", "export", str(tmp_path)])
    assert refused.exit_code == 1 and "--replace" in refused.output
    assert (tmp_path / "old.yaml").exists()
    replaced = runner.invoke(args=["catalog", "export", str(tmp_path), "--replace"])
    assert replaced.exit_code == 0 and not (tmp_path / "old.yaml").exists()
    assert load_catalog(tmp_path).bundles.keys() == loaded.bundles.keys()


def test_export_of_an_empty_catalog_says_to_load_it_first(app, runner, tmp_path):
    result = runner.invoke(args=["catalog", "export", str(tmp_path / "out")])
    assert result.exit_code == 1 and "flask catalog load" in result.output


def test_materials_and_fields_are_stored_with_their_yaml_digest(app, loaded):
    with app.app_context():
        photo = db.session.get(Material, "child_photo")
        assert photo.name == loaded.materials["child_photo"]["name"]
        assert photo.yaml_digest == KIND["materials"].digest(loaded.materials["child_photo"])
        assert resolve_stored().bundles == loaded.bundles


def _edit_in_browser(app, code: str, **changes) -> None:
    with app.app_context():
        row = db.session.get(ServiceItem, code)
        data = {**copy.deepcopy(row.definition), **changes}
        store_entry(KIND["items"], data, row, source=VersionSource.BROWSER)
        db.session.commit()


def test_a_load_keeps_an_item_edited_in_the_browser_and_resolves_new_versions_with_it(
        app, loaded):
    _edit_in_browser(app, "food_business_permit", name="食品经营许可（浏览器）")
    changed = copy.deepcopy(loaded)
    changed.bundle_entries["restaurant"]["limits"]["committed"] += 1
    changed.bundles["restaurant"]["limits"]["committed"] += 1
    with app.app_context():
        report = publish(changed)
        db.session.commit()
        assert report.changed == ["restaurant"] and report.refused == []
        item = db.session.get(ServiceItem, "food_business_permit")
        assert item.source == VersionSource.BROWSER and item.name.endswith("（浏览器）")
        latest = db.session.scalar(select(BundleVersion).where(
            BundleVersion.bundle_code == "restaurant").order_by(BundleVersion.version.desc()))
    names = {each["code"]: each["name"] for each in latest.definition["items"]}
    assert names["food_business_permit"] == "食品经营许可（浏览器）"


def test_changed_yaml_over_an_item_edited_in_the_browser_is_refused_unless_forced(
        app, loaded, runner, monkeypatch):
    _edit_in_browser(app, "food_business_permit", name="食品经营许可（浏览器）")
    changed = copy.deepcopy(loaded)
    changed.items["food_business_permit"]["online"] = False
    monkeypatch.setattr("service.catalog.cli.load_catalog", lambda directory: changed)
    refused = runner.invoke(args=["catalog", "load"])
    assert refused.exit_code == 1 and "item food_business_permit" in refused.output
    with app.app_context():
        assert db.session.get(ServiceItem, "food_business_permit").name.endswith("（浏览器）")
    assert runner.invoke(args=["catalog", "load", "--force"]).exit_code == 0
    with app.app_context():
        item = db.session.get(ServiceItem, "food_business_permit")
        assert item.source == VersionSource.YAML and item.definition["online"] is False


def test_the_shipped_workflows_are_canonical(app, runner, county_workflows, tmp_path):
    assert runner.invoke(args=["catalog", "load"]).exit_code == 0
    runner.invoke(args=["catalog", "export", str(tmp_path)])
    assert _files(tmp_path) == _files(county_workflows)


def test_the_tests_catalog_loads_from_its_export(app, loaded, tmp_path, runner):
    runner.invoke(args=["catalog", "export", str(tmp_path)])
    assert load_catalog(tmp_path).items == load_catalog(TEST_WORKFLOWS).items
