import copy

import pytest
from sqlalchemy import select

from service.catalog.models import BundleVersion
from service.catalog.operations import publish
from service.core.database import ImmutableRowError, db


def test_publishing_twice_changes_nothing(app, catalog):
    with app.app_context():
        first = publish(catalog)
        db.session.commit()
        second = publish(catalog)
        db.session.commit()
        versions = db.session.scalars(select(BundleVersion)).all()
    codes = ["company_closure", "newborn", "restaurant", "utility_connection"]
    assert sorted(first.created) == codes
    assert second.created == [] and second.changed == []
    assert sorted(second.unchanged) == codes
    assert len(versions) == 4


def test_a_changed_item_makes_new_versions_of_its_bundles_only(app, catalog):
    changed = copy.deepcopy(catalog)
    for snapshot in changed.bundles.values():
        for item in snapshot["items"]:
            if item["code"] == "food_business_permit":
                item["limits"]["committed"] = 3
    with app.app_context():
        publish(catalog)
        report = publish(changed)
        db.session.commit()
        versions = db.session.scalars(
            select(BundleVersion).where(BundleVersion.bundle_code == "restaurant")
            .order_by(BundleVersion.version)).all()
    assert report.changed == ["restaurant"]
    assert [version.version for version in versions] == [1, 2]
    first_items = {item["code"]: item for item in versions[0].definition["items"]}
    assert first_items["food_business_permit"]["limits"]["committed"] == 5


def test_published_versions_cannot_be_changed(app, catalog):
    with app.app_context():
        publish(catalog)
        db.session.commit()
        version = db.session.scalars(select(BundleVersion)).first()
        version.digest = "0" * 64
        with pytest.raises(ImmutableRowError):
            db.session.flush()
        db.session.rollback()


def _browser_version(app, code: str) -> None:
    """A version of ``code`` as the console will publish one: a new snapshot, source browser."""
    from service.catalog.models import Bundle, VersionSource

    with app.app_context():
        bundle = db.session.get(Bundle, code)
        latest = db.session.scalar(select(BundleVersion).where(
            BundleVersion.bundle_code == code, BundleVersion.version == bundle.latest_version))
        snapshot = copy.deepcopy(latest.definition)
        snapshot["limits"]["committed"] += 3
        bundle.latest_version += 1
        db.session.add(BundleVersion(bundle_code=code, version=bundle.latest_version,
                                     digest="browser-" + str(bundle.latest_version),
                                     definition=snapshot, source=VersionSource.BROWSER))
        db.session.commit()


@pytest.fixture
def browser_made(app, catalog):
    """The catalog loaded, then a newer restaurant version made in the browser."""
    with app.app_context():
        publish(catalog)
        db.session.commit()
    _browser_version(app, "restaurant")


def test_unchanged_yaml_leaves_a_browser_version_alone(app, catalog, browser_made):
    with app.app_context():
        report = publish(catalog)
        db.session.commit()
        assert "restaurant" in report.unchanged and not report.refused
        versions = db.session.scalars(select(BundleVersion.source).where(
            BundleVersion.bundle_code == "restaurant").order_by(BundleVersion.version)).all()
    assert versions == ["yaml", "browser"]  # the browser's version is still the latest


def test_changed_yaml_over_a_browser_version_is_refused_unless_forced(app, catalog,
                                                                      browser_made):
    changed = copy.deepcopy(catalog)
    changed.bundles["restaurant"]["limits"]["committed"] += 1
    changed.bundles["newborn"]["limits"]["committed"] += 1
    with app.app_context():
        report = publish(changed)
        db.session.commit()
        assert report.refused == ["restaurant"] and report.changed == ["newborn"]
        forced = publish(changed, force=True)
        db.session.commit()
        assert forced.changed == ["restaurant"]
        latest = db.session.scalar(select(BundleVersion).where(
            BundleVersion.bundle_code == "restaurant").order_by(BundleVersion.version.desc()))
        assert latest.source == "yaml" and latest.version == 3


def test_flask_catalog_load_names_what_it_refused(app, catalog, runner, monkeypatch,
                                                  browser_made):
    changed = copy.deepcopy(catalog)
    changed.bundles["restaurant"]["limits"]["committed"] += 1
    monkeypatch.setattr("service.catalog.cli.load_catalog", lambda directory: changed)
    refused = runner.invoke(args=["catalog", "load"])
    assert refused.exit_code == 1 and "restaurant" in refused.output and "--force" in refused.output
    assert runner.invoke(args=["catalog", "load", "--force"]).exit_code == 0
