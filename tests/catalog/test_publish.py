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
