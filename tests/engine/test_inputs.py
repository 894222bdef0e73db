"""What a bundle asks of an applicant, and what each trigger needs: no database, no app. The
bundles are the tests' frozen catalog's (the ``catalog`` fixture)."""

from datetime import date

import pytest
from marshmallow import ValidationError

from service.catalog.definitions import Catalog
from service.engine.bundle import Bundle
from service.engine.calendar import WorkingCalendar
from service.engine.errors import InvalidTriggerInput
from service.engine.inputs import check_submission, check_trigger_input, correction_due
from service.engine.states import Trigger

T = Trigger
BASIS = "《中华人民共和国行政许可法》第三十二条"


def bundle_of(catalog: Catalog, code: str) -> Bundle:
    # The real digest: schemas are cached by digest, so two bundles must never share one.
    snapshot = catalog.bundles[code]
    return Bundle.from_snapshot(snapshot, Catalog.digest(snapshot))


@pytest.fixture(scope="module")
def newborn(catalog) -> Bundle:
    return bundle_of(catalog, "newborn")


@pytest.fixture(scope="module")
def restaurant(catalog) -> Bundle:
    return bundle_of(catalog, "restaurant")


NEWBORN_FORM = {
    "child_name": "王小明",
    "child_sex": "男",
    "child_birth_date": "2026-01-05",
    "birth_institution": "县人民医院",
    "mother_name": "李芳",
    "father_name": "王强",
    "registered_address": "县城关镇人民路1号",
}


def submission_errors(bundle: Bundle, form: dict, materials: list[str]) -> dict:
    with pytest.raises(ValidationError) as error:
        check_submission(bundle, form, materials)
    return error.value.messages


def trigger_errors(bundle: Bundle, trigger: Trigger, item=None, reason=None, data=None) -> dict:
    with pytest.raises(InvalidTriggerInput) as error:
        check_trigger_input(bundle, trigger, item, reason, data or {})
    return error.value.errors


# --- submissions ------------------------------------------------------------------------------


def test_complete_submission_is_returned(newborn):
    answers = check_submission(newborn, NEWBORN_FORM, ["parent_id_cards", "child_photo"])
    assert answers == NEWBORN_FORM


def test_answers_are_normalised(restaurant):
    form = {"business_name": "老王面馆", "business_address": "人民路2号",
            "registered_capital": "50", "business_area": 80, "food_categories": "热食类食品制售",
            "signboard_text": "老王面馆"}
    answers = check_submission(restaurant, form, [])
    assert answers["registered_capital"] == 50.0
    assert answers["business_area"] == 80.0


def test_missing_required_answers_are_each_named(newborn):
    form = {key: value for key, value in NEWBORN_FORM.items()
            if key not in ("child_name", "mother_name")}
    errors = submission_errors(newborn, form, [])
    assert set(errors) == {"form"}
    assert set(errors["form"]) == {"child_name", "mother_name"}


def test_unknown_field_is_refused(newborn):
    errors = submission_errors(newborn, {**NEWBORN_FORM, "pet_name": "旺财"}, [])
    assert set(errors["form"]) == {"pet_name"}


def test_field_of_another_bundle_is_refused(newborn):
    errors = submission_errors(newborn, {**NEWBORN_FORM, "business_name": "老王面馆"}, [])
    assert set(errors["form"]) == {"business_name"}


def test_choice_outside_its_list_is_refused(newborn):
    errors = submission_errors(newborn, {**NEWBORN_FORM, "child_sex": "未知"}, [])
    assert set(errors["form"]) == {"child_sex"}
    assert "男" in errors["form"]["child_sex"][0]


@pytest.mark.parametrize("day", ["2026-02-30", "05/01/2026", "tomorrow", ""])
def test_bad_date_is_refused(newborn, day):
    errors = submission_errors(newborn, {**NEWBORN_FORM, "child_birth_date": day}, [])
    assert set(errors["form"]) == {"child_birth_date"}


def test_empty_text_is_refused(newborn):
    errors = submission_errors(newborn, {**NEWBORN_FORM, "child_name": ""}, [])
    assert set(errors["form"]) == {"child_name"}


def test_unknown_materials_are_named_by_position(newborn):
    errors = submission_errors(newborn, NEWBORN_FORM,
                               ["parent_id_cards", "business_license", "child_photo", "x"])
    assert set(errors) == {"materials"}
    assert set(errors["materials"]) == {1, 3}
    assert "business_license" in errors["materials"][1][0]


def test_form_and_material_problems_are_reported_together(newborn):
    errors = submission_errors(newborn, {}, ["nothing"])
    assert set(errors) == {"form", "materials"}
    assert len(errors["form"]) == len(NEWBORN_FORM)


def test_optional_field_may_be_left_out(catalog):
    closure = bundle_of(catalog, "company_closure")
    form = {"company_name": "某某有限公司", "deregistration_reason": "决议解散",
            "liquidation_completed_on": "2026-03-02", "bank_account_number": "6222000011112222"}
    assert "has_customs_record" not in check_submission(closure, form, [])
    answers = check_submission(closure, {**form, "has_customs_record": None}, [])
    assert answers["has_customs_record"] is None


# --- trigger input ----------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", [T.ACCEPT, T.REFUSE, T.WITHDRAW, T.DELIVER])
def test_item_given_for_an_application_trigger(newborn, trigger):
    errors = trigger_errors(newborn, trigger, item="birth_registration", reason="why")
    assert "whole application" in errors["item"][0]


@pytest.mark.parametrize("trigger", [T.START_REVIEW, T.APPROVE, T.DENY])
def test_item_missing_for_an_item_trigger(newborn, trigger):
    errors = trigger_errors(newborn, trigger, reason="why")
    assert "name it" in errors["item"][0]


def test_unknown_item_is_named_with_the_bundles_items(newborn):
    errors = trigger_errors(newborn, T.APPROVE, item="business_establishment")
    assert "business_establishment" in errors["item"][0]
    assert "birth_registration" in errors["item"][0]


@pytest.mark.parametrize(
    ("trigger", "item"),
    [(T.REFUSE, None), (T.DENY, "birth_registration"),
     (T.REQUEST_CORRECTION, "birth_registration")],
)
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_reason_required(newborn, trigger, item, reason):
    data = {} if trigger == T.REQUEST_CORRECTION else {"basis": BASIS}
    errors = trigger_errors(newborn, trigger, item=item, reason=reason, data=data)
    assert set(errors) == {"reason"}


@pytest.mark.parametrize(
    ("trigger", "item", "data"),
    [(T.REFUSE, None, {"basis": BASIS}), (T.DENY, "birth_registration", {"basis": BASIS}),
     (T.REQUEST_CORRECTION, "birth_registration", {})],
)
def test_reason_given(newborn, trigger, item, data):
    assert check_trigger_input(newborn, trigger, item, "照片不清晰", data) == data


def test_application_correction_needs_no_reason(newborn):
    # The one-time notice lists the missing materials; they are the reason.
    assert check_trigger_input(newborn, T.REQUEST_CORRECTION, None, None, {}) == {}


@pytest.mark.parametrize(
    ("trigger", "item"), [(T.ACCEPT, None), (T.START_REVIEW, "birth_registration"),
                          (T.APPROVE, "birth_registration"), (T.DELIVER, None)]
)
def test_unknown_data_key_is_refused(newborn, trigger, item):
    errors = trigger_errors(newborn, trigger, item=item, data={"colour": "red"})
    assert set(errors) == {"data"}
    assert "colour" in errors["data"]  # an approval's opinion and result are missing too


def test_correction_lists_missing_materials_with_notes(newborn):
    data = {"missing": [{"material": "child_photo", "note": "照片不清晰"},
                        {"material": "birth_medical_record"}]}
    assert check_trigger_input(newborn, T.REQUEST_CORRECTION, None, None, data) == {
        "missing": [{"material": "child_photo", "note": "照片不清晰"},
                    {"material": "birth_medical_record", "note": None}]}


def test_correction_still_takes_bare_codes(newborn):
    data = {"missing": ["child_photo"], "days": 5}
    assert check_trigger_input(newborn, T.REQUEST_CORRECTION, None, None, data) == {
        "missing": [{"material": "child_photo", "note": None}], "days": 5}


@pytest.mark.parametrize(("data", "fields"), [
    ({"days": 5, "due_on": "2026-12-01"}, {"days"}), ({"days": 61}, {"days"}),
    ({"days": 1.5}, {"days"}), ({"due_on": "tomorrow"}, {"due_on"}),
    ({"missing": [{"material": "child_photo", "colour": "red"}]}, {"missing"}),
    ({"missing": [None]}, {"missing"}),
])
def test_correction_refuses_bad_limits_and_entries(newborn, data, fields):
    errors = trigger_errors(newborn, T.REQUEST_CORRECTION, data=data)
    assert set(errors["data"]) == fields


def test_correction_due_from_days_or_a_date():
    calendar, friday = WorkingCalendar(frozenset(), frozenset(), frozenset({2026})), date(
        2026, 11, 20)
    assert correction_due({}, friday, calendar, 10) == date(2026, 12, 4)
    assert correction_due({"days": 1}, friday, calendar, 10) == date(2026, 11, 23)
    assert correction_due({"due_on": date(2026, 11, 21)}, friday, calendar, 10) == date(
        2026, 11, 21)
    with pytest.raises(InvalidTriggerInput) as error:
        correction_due({"due_on": friday}, friday, calendar, 10)
    assert set(error.value.errors["data"]) == {"due_on"}


@pytest.mark.parametrize("trigger", [T.REFUSE, T.DENY])
@pytest.mark.parametrize("data", [{}, {"basis": ""}, {"basis": "   "}, {"basis": "x" * 501}])
def test_refusal_and_denial_need_their_legal_basis(newborn, trigger, data):
    item = "birth_registration" if trigger == T.DENY else None
    errors = trigger_errors(newborn, trigger, item=item, reason="不符合条件", data=data)
    assert set(errors) == {"data"} and set(errors["data"]) == {"basis"}


APPROVAL = {"opinion": "同意", "result": {"document": "居民户口簿", "number": "A1"}}


def test_approval_with_opinion_and_result(newborn):
    cleaned = check_trigger_input(newborn, T.APPROVE, "birth_registration", None, APPROVAL)
    assert cleaned == {"opinion": "同意", "result": {
        "document": "居民户口簿", "number": "A1", "valid_from": None, "valid_until": None}}


@pytest.mark.parametrize(("data", "fields"), [
    ({}, {"opinion", "result"}),
    ({**APPROVAL, "opinion": ""}, {"opinion"}),
    ({**APPROVAL, "result": {"number": "A1"}}, {"result"}),
    ({**APPROVAL, "result": {"document": "居民户口簿", "number": " "}}, {"result"}),
    ({**APPROVAL, "result": {"document": "居民户口簿", "number": "A1",
                             "valid_from": "2026-02-01", "valid_until": "2026-01-01"}},
     {"result"}),
])
def test_approval_names_what_is_wrong(newborn, data, fields):
    errors = trigger_errors(newborn, T.APPROVE, item="birth_registration", data=data)
    assert set(errors["data"]) == fields


def test_a_certificate_needs_its_number_other_results_need_not(newborn):
    without = {"opinion": "同意", "result": {"document": "居民户口簿"}}
    errors = trigger_errors(newborn, T.APPROVE, item="birth_registration", data=without)
    assert set(errors["data"]["result"]) == {"number"}  # it produces household_register
    cleaned = check_trigger_input(newborn, T.APPROVE, "newborn_medical_insurance", None,
                                  without)
    assert cleaned["result"]["number"] is None


def test_unknown_missing_material_is_named_by_position(newborn):
    errors = trigger_errors(newborn, T.REQUEST_CORRECTION,
                            data={"missing": ["child_photo", "signboard_design"]})
    assert set(errors["data"]["missing"]) == {1}
    assert "signboard_design" in errors["data"]["missing"][1][0]


@pytest.mark.parametrize("item", [None, "birth_registration"])
def test_unknown_supplied_material_is_named_by_position(newborn, item):
    errors = trigger_errors(newborn, T.SUPPLEMENT, item=item,
                            data={"materials": ["zzz", "child_photo"]})
    assert set(errors["data"]["materials"]) == {0}


def test_application_supplement_needs_materials(newborn):
    assert set(trigger_errors(newborn, T.SUPPLEMENT)["data"]) == {"materials"}
    assert set(trigger_errors(newborn, T.SUPPLEMENT, data={"materials": []})["data"]) == {
        "materials"}
    data = {"materials": ["child_photo"]}
    assert check_trigger_input(newborn, T.SUPPLEMENT, None, None, data) == data


def test_item_supplement_may_bring_no_material(newborn):
    cleaned = check_trigger_input(newborn, T.SUPPLEMENT, "birth_registration", None, {})
    assert cleaned == {"materials": []}


@pytest.mark.parametrize("method", ["window", "electronic"])
def test_deliver_accepts_each_method(newborn, method):
    assert check_trigger_input(newborn, T.DELIVER, None, None, {"method": method}) == {
        "method": method}


def test_deliver_by_post_takes_a_tracking_number_and_only_post_does(newborn):
    by_post = {"method": "post", "tracking_number": "SF1234567890123"}
    assert check_trigger_input(newborn, T.DELIVER, None, None, by_post) == by_post
    for data in ({"method": "post"}, {"method": "window", "tracking_number": "SF1"},
                 {"method": "post", "tracking_number": ""}):
        assert set(trigger_errors(newborn, T.DELIVER, data=data)["data"]) == {
            "tracking_number"}


def test_deliver_defaults_to_the_method_chosen_at_intake(newborn):
    assert check_trigger_input(newborn, T.DELIVER, None, None, {},
                               delivery_method="electronic") == {"method": "electronic"}
    with pytest.raises(InvalidTriggerInput) as error:
        check_trigger_input(newborn, T.DELIVER, None, None, {}, delivery_method="post")
    assert set(error.value.errors["data"]) == {"tracking_number"}


@pytest.mark.parametrize("channel", ["window", "online"])
def test_supplement_says_where_it_was_handed_in(newborn, channel):
    data = {"materials": ["child_photo"], "channel": channel}
    assert check_trigger_input(newborn, T.SUPPLEMENT, None, None, data) == data
    assert set(trigger_errors(newborn, T.SUPPLEMENT, data={**data, "channel": "post"})[
        "data"]) == {"channel"}


@pytest.mark.parametrize("method", ["pigeon", "", "WINDOW"])
def test_deliver_refuses_other_methods(newborn, method):
    errors = trigger_errors(newborn, T.DELIVER, data={"method": method})
    assert set(errors["data"]) == {"method"}


def test_several_problems_are_reported_at_once(newborn):
    errors = trigger_errors(newborn, T.DENY, data={"colour": "red"})
    assert set(errors) == {"item", "reason", "data"}
    assert "item:" in str(InvalidTriggerInput(errors))
