"""What a form field of each type accepts, and how its answer is stored: checked and normalised
as it is on submission (identifiers with python-stdnum, in ``identifiers``)."""

from __future__ import annotations

import re
from decimal import Decimal

from marshmallow import ValidationError, fields, validate

from .identifiers import credit_code, mobile, resident_id
from .terms import FieldType

TEXT_MAX = 500
ADDRESS_MAX = 200
_IDENTIFIER_MAX = 40  # room for spaces and hyphens around 18 characters

MONEY_HINT = ('an amount of yuan as a decimal string, not negative, with at most 2 decimals, '
              'e.g. "1234.50"')
_MONEY = re.compile(r"^[0-9]{1,13}(\.[0-9]{1,2})?$")


def money(text: str) -> str:
    """Yuan as a decimal string with two decimals: ``"1,234.5"`` → ``"1234.50"``.

    Raises:
        ValueError: with what the amount should look like.
    """
    compact = text.strip().replace(",", "")
    if not _MONEY.match(compact):
        raise ValueError(MONEY_HINT)
    return f"{Decimal(compact):.2f}"


def address(text: str) -> str:
    """An address with its runs of spaces made one, and none around it."""
    compact = " ".join(text.split())
    if not compact:
        raise ValueError("an address cannot be empty")
    return compact


class Checked(fields.String):
    """A string answer checked and normalised by ``check``, which raises ``ValueError`` (such
    as ``InvalidIdentifier``) with the message the applicant reads."""

    def __init__(self, check, max_length: int, **kwargs):
        super().__init__(**kwargs)
        self._check, self._max_length = check, max_length

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > self._max_length:
            raise ValidationError(f"at most {self._max_length} characters")
        try:
            return self._check(text)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class Money(Checked):
    def __init__(self, **kwargs):
        super().__init__(money, 32, error_messages={"invalid": MONEY_HINT}, **kwargs)


def form_field(field) -> fields.Field:
    """The marshmallow field that checks the answer to one form field of a bundle."""
    options = {"required": field.required, "allow_none": not field.required}
    match field.type:
        case FieldType.DATE:
            return fields.Date(**options)
        case FieldType.NUMBER:
            return fields.Float(allow_nan=False, **options)
        case FieldType.BOOLEAN:
            return fields.Boolean(**options)
        case FieldType.CHOICE:
            return fields.String(validate=validate.OneOf(field.choices), **options)
        case FieldType.RESIDENT_ID:
            return Checked(resident_id, _IDENTIFIER_MAX, **options)
        case FieldType.CREDIT_CODE:
            return Checked(credit_code, _IDENTIFIER_MAX, **options)
        case FieldType.MOBILE:
            return Checked(mobile, _IDENTIFIER_MAX, **options)
        case FieldType.MONEY:
            return Money(**options)
        case FieldType.ADDRESS:
            return Checked(address, ADDRESS_MAX, **options)
    return fields.String(validate=validate.Length(min=1, max=TEXT_MAX), **options)
