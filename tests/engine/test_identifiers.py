"""Resident ID numbers (GB 11643), unified social credit codes (GB 32100), phones and masking."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from service.engine.identifiers import (
    InvalidIdentifier,
    credit_code,
    mask_id,
    mask_phone,
    phone,
    resident_id,
)

# ISO 7064 MOD 11-2, written out independently of stdnum.
_WEIGHTS = [2 ** (17 - position) % 11 for position in range(17)]


def mod11_2(body: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(body, _WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def with_check(body: str) -> str:
    return body + mod11_2(body)


# --- resident ID numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "360426199101010071",  # stdnum's own example
        "11010519491231002X",  # check character X
        "43012119800106123X",
    ],
)
def test_valid_resident_ids_pass(number):
    assert resident_id(number) == number


def test_check_character_is_upper_cased_and_whitespace_stripped():
    assert resident_id(" 11010519491231002x ") == "11010519491231002X"


def test_unknown_region_code_is_accepted():
    number = with_check("99999919900101123")
    assert not ric.is_valid(number)  # stdnum rejects it: the reason the module exists
    assert resident_id(number) == number


@pytest.mark.parametrize(
    ("number", "complaint"),
    [
        ("110105194912310021", "check character"),
        ("110105194912310020", "check character"),
        ("11010519491231002", "18 characters"),
        ("11010519491231002XX", "18 characters"),
        ("", "18 characters"),
        ("1101051949123100AX", "17 digits"),
        (with_check("43012119900230123"), "birth date"),  # 30 February
        (with_check("43012119901301123"), "birth date"),  # month 13
        (with_check("43012119900100123"), "birth date"),  # day 0
    ],
)
def test_invalid_resident_ids_are_rejected(number, complaint):
    with pytest.raises(InvalidIdentifier, match=complaint):
        resident_id(number)


def test_independent_checksum_agrees_with_stdnum_examples():
    assert mod11_2("36042619910101007") == "1"
    assert mod11_2("11010519491231002") == "X"


regions = st.integers(0, 999_999).map("{:06d}".format)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)).map(
    lambda day: f"{day.year:04d}{day.month:02d}{day.day:02d}")
sequences = st.integers(0, 999).map("{:03d}".format)
bodies = st.tuples(regions, birth_dates, sequences).map("".join)


@given(body=bodies)
def test_body_with_its_check_character_passes(body):
    # calc_check_digit reads the first 17 of 18 characters: give it a placeholder check position.
    check = ric.calc_check_digit(body + "0")
    assert check == mod11_2(body)
    assert resident_id(body + check) == body + check
    assert resident_id(body + check.lower()) == body + check


@given(body=bodies, data=st.data())
def test_any_other_check_character_fails(body, data):
    right = ric.calc_check_digit(body + "0")
    wrong = data.draw(st.sampled_from("0123456789X").filter(lambda char: char != right))
    with pytest.raises(InvalidIdentifier, match="check character"):
        resident_id(body + wrong)


# --- credit codes -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["91110000600037341L", " 91110000600037341l ",
                                  "9111-0000-6000-3734-1L"])
def test_valid_credit_code_is_compacted(code):
    assert credit_code(code) == "91110000600037341L"


@pytest.mark.parametrize(
    ("code", "complaint"),
    [
        ("91110000600037341K", "check character"),
        ("91110000600037341", "18 characters"),
        ("A1110000600037341L", "18 characters"),  # the first eight are digits
        ("9111000060003734IL", "without I, O, S, V, Z"),  # I is not in the alphabet
        ("", "18 characters"),
    ],
)
def test_invalid_credit_codes_are_rejected(code, complaint):
    with pytest.raises(InvalidIdentifier, match=complaint):
        credit_code(code)


# --- phones and masks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "compact"),
    [
        ("13812345678", "13812345678"),
        ("199 1234 5678", "19912345678"),
        ("010-12345678", "010-12345678"),
        ("(0731)1234567", "07311234567"),
        ("07311234567", "07311234567"),
    ],
)
def test_valid_phones(number, compact):
    assert phone(number) == compact


@pytest.mark.parametrize(
    "number",
    ["12345678901", "1381234567", "138123456789", "1381234567a", "010-123456", "",
     "+8613812345678"],
)
def test_invalid_phones(number):
    with pytest.raises(InvalidIdentifier):
        phone(number)


def test_mask_id_shows_region_and_last_four():
    assert mask_id("43012119800106123X") == "430121********123X"


def test_mask_phone_shows_prefix_and_last_four():
    assert mask_phone("13812345678") == "138****5678"


def test_invalid_identifier_is_a_value_error():
    assert issubclass(InvalidIdentifier, ValueError)
