"""A form answer as a staff page shows it."""

from flask_babel import lazy_gettext as _l

from ..applications.presenters import ANSWER_MASKS
from ..engine.bundle import FormField
from ..engine.terms import FieldType


def shown_answer(field: FormField, answer, masked: bool = False):
    """Yes or no in words, 60 rather than 60.0; an ID number or a phone masked if ``masked``."""
    if masked and field.type in ANSWER_MASKS and isinstance(answer, str):
        return ANSWER_MASKS[field.type](answer)
    if field.type == FieldType.BOOLEAN:
        return _l("是") if answer else _l("否")
    if isinstance(answer, float) and answer.is_integer():
        return int(answer)
    return answer
