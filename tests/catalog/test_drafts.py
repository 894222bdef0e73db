"""Drafting bundles in the browser, and items and departments edited there."""

import copy

import pytest
from sqlalchemy import select

from service.catalog.drafts import (
    DraftChanged,
    DraftRefused,
    check_draft,
    list_drafts,
    locate,
    publish_draft,
    save_draft,
    start_draft,
)
from service.catalog.editing import EntryInvalid, save_entry
from service.catalog.models import BundleVersion, ServiceItem, VersionSource
from service.catalog.operations import find_version
from service.core.database import db

NEW_BUNDLE = """\
bundles:
  - code: food_stall
    name: 开办小吃摊“一件事”
    audience: person
    categories: [opening]
    limits: {committed: 6, unit: working_days}
    items:
      - item: business_establishment
        after: [food_business_permit]
      - item: food_business_permit
        after: [business_establishment]
"""


def test_a_new_draft_outlines_the_bundle_and_cannot_be_published_empty(app, loaded):
    with app.app_context():
        draft = start_draft("food_stall", None, name="开办小吃摊")
        check = check_draft(draft)
        assert "code: food_stall" in draft.text and "name: 开办小吃摊" in draft.text
        assert [problem.path for problem in check.problems] == ["bundles[0].categories",
                                                                "bundles[0].items"]
        with pytest.raises(DraftRefused, match="problem"):
            publish_draft(draft, draft.revision)


def test_a_cycle_is_reported_at_its_path_and_line_then_fixed_and_published(app, loaded):
    with app.app_context():
        draft = start_draft("food_stall", None)
        save_draft(draft, NEW_BUNDLE, draft.revision, None)
        check = check_draft(draft)
        [problem] = check.problems
        assert problem.path == "bundles[0].items[0].after"
        assert "cycle" in problem.message and problem.line == 9
        save_draft(draft, NEW_BUNDLE.replace("        after: [food_business_permit]\n", ""),
                   draft.revision, None)
        check = check_draft(draft)
        assert check.problems == [] and check.publishable
        assert check.snapshot["limits"]["statutory"] == 35  # derived: 15 + 20
        version = publish_draft(draft, draft.revision)
        db.session.commit()
        assert (version.version, version.source) == (1, VersionSource.BROWSER)
        assert find_version("food_stall").digest == check.digest and list_drafts() == []


def test_a_draft_of_a_published_bundle_starts_from_its_latest_version(app, loaded):
    with app.app_context():
        draft = start_draft("restaurant", None)
        assert check_draft(draft).unchanged and not check_draft(draft).publishable
        with pytest.raises(DraftRefused, match="nothing to publish"):
            publish_draft(draft, draft.revision)
        save_draft(draft, draft.text.replace("committed: 7", "committed: 9"), draft.revision,
                   None)
        version = publish_draft(draft, draft.revision)
        assert version.version == 2 and version.definition["limits"]["committed"] == 9


def test_a_draft_holds_its_own_bundle_only(app, loaded):
    with app.app_context():
        draft = start_draft("restaurant", None)
        save_draft(draft, draft.text.replace("code: restaurant", "code: other")
                   + "items:\n  - code: x\n", draft.revision, None)
        paths = {problem.path for problem in check_draft(draft).problems}
        assert paths == {"items", "bundles[0].code"}


def test_yaml_that_does_not_parse_is_reported_at_its_line(app, loaded):
    with app.app_context():
        draft = start_draft("restaurant", None)
        save_draft(draft, "bundles:\n  - code: restaurant\n    name: [unclosed\n", draft.revision,
                   None)
        [problem] = check_draft(draft).problems
        assert "not valid YAML" in problem.message and problem.line is not None


def test_a_stale_revision_is_refused(app, loaded):
    with app.app_context():
        draft = start_draft("restaurant", None)
        read = draft.revision
        save_draft(draft, draft.text + "\n", read, None)
        db.session.commit()
        with pytest.raises(DraftChanged):
            save_draft(draft, draft.text, read, None)


def test_a_bundle_code_must_be_snake_case(app, loaded):
    with app.app_context(), pytest.raises(DraftRefused, match="snake_case"):
        start_draft("Food Stall", None)


def test_locate_follows_a_path_as_far_as_it_goes():
    text = "bundles:\n  - code: x\n    limits: {committed: 1}\n    items:\n      - item: a\n"
    assert locate(text, "bundles[0].limits.committed") == 3
    assert locate(text, "bundles[0].items[0].item") == 5
    assert locate(text, "bundles[0].description") == 2
    assert locate("a: [", "a") is None


def _item(app, code):
    with app.app_context():
        return copy.deepcopy(db.session.get(ServiceItem, code).definition)


def _as_yaml(data):
    return {**data, "basis": data["basis"] or "unknown"}


def test_editing_an_item_drafts_the_bundles_that_contain_it(app, loaded):
    item = _as_yaml(_item(app, "food_business_permit"))
    item["limits"]["committed"] = 4
    with app.app_context():
        saved = save_entry("items", item, None, code="food_business_permit")
        db.session.commit()
        assert saved.drafted == ["restaurant"]
        [draft] = list_drafts()
        assert draft.prompted_by == "item:food_business_permit"
        check = check_draft(draft)
        assert check.publishable
        limits = {each["code"]: each["limits"]["committed"] for each in check.snapshot["items"]}
        assert limits["food_business_permit"] == 4
        assert find_version("restaurant").version == 1  # nothing reaches applications yet
        assert db.session.get(ServiceItem, "food_business_permit").source == "browser"


def test_an_item_edit_that_would_break_a_bundle_is_refused_naming_it(app, loaded):
    item = _as_yaml(_item(app, "food_business_permit"))
    item["limits"].update(statutory=20, committed=20)
    with app.app_context():
        with pytest.raises(EntryInvalid) as refused:
            save_entry("items", item, None, code="food_business_permit")
        [problem] = refused.value.problems
        assert problem.file == "bundles/restaurant.yaml" and problem.path.endswith(
            "limits.committed")
        assert db.session.get(ServiceItem, "food_business_permit").definition["limits"][
            "committed"] == 5


def test_an_invalid_item_is_refused_at_its_own_paths(app, loaded):
    item = _as_yaml(_item(app, "food_business_permit"))
    item["limits"]["committed"] = 30
    item["materials"].append("nowhere")
    with app.app_context(), pytest.raises(EntryInvalid) as refused:
        save_entry("items", item, None, code="food_business_permit")
    assert {problem.path for problem in refused.value.problems} == {"limits.committed"}


def test_a_new_department_and_a_new_item_of_it(app, loaded):
    with app.app_context():
        save_entry("departments", {"code": "water", "name": "县水利局", "level": "county"}, None)
        saved = save_entry("items", {
            "code": "water_permit", "name": "取水许可", "kind": "licence", "department": "water",
            "limits": {"statutory": 20, "committed": 10, "unit": "working_days"},
            "basis": "unknown", "materials": ["applicant_id_card"]}, None)
        db.session.commit()
        assert saved.drafted == []  # in no bundle yet
        with pytest.raises(EntryInvalid, match="problem"):
            save_entry("departments", {"code": "water", "name": "again", "level": "county"},
                       None)


def test_renaming_a_department_drafts_every_bundle_with_its_items(app, loaded):
    with app.app_context():
        saved = save_entry("departments", {"code": "market_regulation", "name": "县市场监管局",
                                           "level": "county"}, None, code="market_regulation")
        assert saved.drafted == ["company_closure", "restaurant"]
        assert len(db.session.scalars(select(BundleVersion)).all()) == 4  # none new


def test_days_are_whole_and_bounded(app, loaded):
    with app.app_context():
        draft = start_draft("restaurant", None)
        for committed in ("4.5", "100000"):
            save_draft(draft, draft.text.replace("committed: 7", f"committed: {committed}"),
                       draft.revision, None)
            [problem] = check_draft(draft).problems
            assert problem.path == "bundles[0].limits.committed", committed
            save_draft(draft, draft.text.replace(f"committed: {committed}", "committed: 7"),
                       draft.revision, None)


def test_an_edit_prompts_only_the_bundles_it_changes(app, loaded):
    item = _as_yaml(_item(app, "food_business_permit"))
    item["limits"]["committed"] = 4
    with app.app_context():
        save_entry("items", item, None, code="food_business_permit")
        saved = save_entry("materials", {"code": "stall_photo", "name": "摊位照片"}, None)
        assert saved.drafted == []
        [draft] = list_drafts()
        assert draft.prompted_by == "item:food_business_permit"


def test_a_draft_refuses_a_nul_character(app, loaded):
    with app.app_context():
        draft = start_draft("restaurant", None)
        with pytest.raises(DraftRefused, match="NUL"):
            save_draft(draft, draft.text + "\x00", draft.revision, None)
