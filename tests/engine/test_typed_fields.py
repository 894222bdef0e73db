"""Typed form fields: each answer checked as it is on submission, normalised for storage, or
refused with a message that says what is expected. No database, no app."""

import pytest
from marshmallow import ValidationError

from service.engine.bundle import Bundle
from service.engine.identifiers import InvalidIdentifier, mobile
from service.engine.inputs import check_submission
from service.engine.terms import FieldType

FIELDS = {
    "legal_representative_id": FieldType.RESIDENT_ID,
    "company_credit_code": FieldType.CREDIT_CODE,
    "contact_mobile": FieldType.MOBILE,
    "budget": FieldType.MONEY,
    "site": FieldType.ADDRESS,
    "note": FieldType.TEXT,
    "area": FieldType.NUMBER,
    "opened_on": FieldType.DATE,
    "has_record": FieldType.BOOLEAN,
}
VALID = {
    "legal_representative_id": "11010519491231002X",
    "company_credit_code": "91110000600037341L",
    "contact_mobile": "13800138000",
    "budget": "1234.50",
    "site": "城关镇人民路18号",
    "note": "备注",
    "area": 80,
    "opened_on": "2026-11-20",
    "has_record": False,
}


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return Bundle.from_snapshot({
        "code": "typed", "name": "Typed", "audience": "company",
        "limits": {"statutory": None, "committed": 5, "unit": "working_days"},
        "items": [], "materials": [],
        "form": [{"code": code, "label": code, "type": kind.value, "required": True,
                  "choices": [], "help": "", "group": "company"}
                 for code, kind in FIELDS.items()],
    }, digest="typed-fields")


def answers(bundle: Bundle, **changes) -> dict:
    return check_submission(bundle, {**VALID, **changes}, [])


def refusal(bundle: Bundle, **changes) -> str:
    with pytest.raises(ValidationError) as error:
        answers(bundle, **changes)
    form = error.value.messages["form"]
    assert list(form) == list(changes), form
    return " ".join(form[next(iter(changes))])


def test_valid_answers_of_every_type_are_kept(bundle):
    assert answers(bundle) == {**VALID, "area": 80.0}


@pytest.mark.parametrize(
    ("field", "given", "stored"),
    [
        ("legal_representative_id", " 11010519491231002x ", "11010519491231002X"),
        ("company_credit_code", "9111 0000 6000 3734 1L", "91110000600037341L"),
        ("contact_mobile", "+86 138-0013-8000", "13800138000"),
        ("contact_mobile", "138 0013 8000", "13800138000"),
        ("budget", "1234.5", "1234.50"),
        ("budget", "1,234", "1234.00"),
        ("budget", "0", "0.00"),
        ("site", "  城关镇   人民路18号 ", "城关镇 人民路18号"),
    ],
)
def test_answers_are_normalised(bundle, field, given, stored):
    assert answers(bundle, **{field: given})[field] == stored


@pytest.mark.parametrize(
    ("field", "given", "message"),
    [
        ("legal_representative_id", "110105194912310021", "check character"),
        ("legal_representative_id", "1101051949", "18 characters"),
        ("company_credit_code", "91110000600037341M", "check character"),
        ("company_credit_code", "91110000600037341", "credit code is 18 characters"),
        ("contact_mobile", "12800138000", "mobile number has 11 digits"),
        ("contact_mobile", "010-12345678", "mobile number"),  # a landline is not a mobile
        ("contact_mobile", "１３８００１３８０００", "mobile number"),  # full-width digits
        ("budget", "12.345", "at most 2 decimals"),
        ("budget", "-5", "not negative"),
        ("budget", 1234.5, "decimal string"),  # a JSON number: floats are not money
        ("budget", "1e3", "decimal string"),
        ("site", "   ", "cannot be empty"),
        ("site", "路" * 201, "at most 200 characters"),
        ("note", "", "Length must be between 1 and 500"),
        ("area", "many", "Not a valid number"),
        ("opened_on", "2026-02-30", "Not a valid date"),
    ],
)
def test_invalid_answers_are_refused_saying_what_is_expected(bundle, field, given, message):
    assert message in refusal(bundle, **{field: given})


def test_mobile_numbers_alone():
    assert mobile("00861390000000 0") == "13900000000"
    with pytest.raises(InvalidIdentifier):
        mobile("1390000000")  # ten digits
