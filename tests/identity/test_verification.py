"""The form-only identity verifier: what it refuses, and that it never claims a real check."""

import pytest
from stdnum.cn import ric

from service.identity.verification import FormOnlyVerifier, IdentityVerifier, Verification

BASE = "11010519491231002"


def with_check(base: str) -> str:
    # calc_check_digit reads the first 17 of 18 characters: a placeholder stands for the check.
    return base + ric.calc_check_digit(base + "0")


VALID_ID = with_check(BASE)
WRONG_CHECK = BASE + ("0" if VALID_ID[-1] != "0" else "1")


def verifier() -> IdentityVerifier:
    return FormOnlyVerifier()


@pytest.mark.parametrize("name", ["张三", " 李小明 ", "阿依古丽·买买提", "欧阳娜娜", "𠮷野家"])
def test_a_name_and_a_valid_number_pass_the_form_but_are_not_a_real_verification(name):
    result = verifier().verify(name, VALID_ID)
    assert result == Verification(True, real=False, message=FormOnlyVerifier.NOTICE)


def test_a_lower_case_check_character_is_accepted():
    number = next(with_check(f"110105194912310{serial:02d}") for serial in range(100)
                  if with_check(f"110105194912310{serial:02d}").endswith("X"))
    assert verifier().verify("张三", number.lower()).passed


@pytest.mark.parametrize("name", ["", "张", "Zhang San", "张三3", "张 三", "·张三", "张三·",
                                  "张··三", "张" * 31, "<script>"])
def test_a_name_that_is_not_a_name_is_refused_at_its_field(name):
    result = verifier().verify(name, VALID_ID)
    assert (result.passed, result.real, result.field) == (False, False, "name")
    assert "姓名" in result.message


@pytest.mark.parametrize("number", [WRONG_CHECK, VALID_ID[:-1], "1101051949123100X1",
                                    "110105194913310021", ""])
def test_a_number_with_a_wrong_check_character_length_or_date_is_refused_at_its_field(number):
    result = verifier().verify("张三", number)
    assert (result.passed, result.real, result.field) == (False, False, "id_number")
    assert "身份证号码" in result.message
