"""Who applies: resident ID numbers (GB 11643), unified social credit codes (GB 32100), phones.

python-stdnum does the arithmetic. Its ``cn.ric.validate`` also rejects region codes missing from
its table, which real, newer or retired codes are; so the birth place is not checked here.
"""

import re

from stdnum import exceptions
from stdnum.cn import ric, uscc
from stdnum.util import isdigits

_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


class InvalidIdentifier(ValueError):
    pass


def resident_id(number: str) -> str:
    """The compact, upper-case form of a valid resident ID number."""
    number = ric.compact(number)
    if len(number) != 18:
        raise InvalidIdentifier("a resident ID number has 18 characters")
    if not isdigits(number[:-1]):
        raise InvalidIdentifier("a resident ID number is 17 digits and a check character")
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidIdentifier("the check character of this resident ID number is wrong")
    try:
        ric.get_birth_date(number)
    except exceptions.ValidationError:
        raise InvalidIdentifier("the birth date in this resident ID number is not a date") from None
    return number


def credit_code(code: str) -> str:
    """The compact form of a valid unified social credit code."""
    try:
        return uscc.validate(code)
    except exceptions.InvalidChecksum:
        raise InvalidIdentifier("the check character of this credit code is wrong") from None
    except exceptions.ValidationError:
        raise InvalidIdentifier("a credit code is 18 characters over 0-9 and A-Y "
                                "without I, O, S, V, Z") from None


def phone(number: str) -> str:
    compact = re.sub(r"[\s()]", "", number)
    if not _PHONE.match(compact):
        raise InvalidIdentifier("a mobile number (11 digits, 1…) or a landline with area code")
    return compact


def mobile(number: str) -> str:
    """The 11 digits of a mainland mobile number, without spaces, hyphens or +86."""
    compact = re.sub(r"[\s()-]", "", number)
    compact = re.sub(r"^(\+|00)86", "", compact)
    if not _MOBILE.match(compact):
        raise InvalidIdentifier("a mobile number has 11 digits, the first 1 and the second 3 to 9")
    return compact


def mask_id(number: str) -> str:
    """430121********123X: region and last four visible (PIPL: show the minimum)."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(number: str) -> str:
    """138****5678."""
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_name(name: str) -> str:
    """张*明, 李*: a person's name where others can read the screen; first and last character
    visible, as the national service platform shows them."""
    if len(name) <= 2:
        return name[:1] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]
