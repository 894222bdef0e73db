"""The identity-verification interface and the one implementation that exists here.

In production a province's real-name service (公安实名认证) answers whether a name belongs to a
resident ID number; it would implement :class:`IdentityVerifier` and be chosen by configuration.
:class:`FormOnlyVerifier`, for development and tests, checks only what can be checked without
one: the ID's check character and birth date (GB 11643) and that the name looks like a name. It
says so in every answer (``real`` is False), so nothing downstream can take it for a
verification of the person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from ..engine.identifiers import InvalidIdentifier, resident_id

# Chinese characters (the basic block and extensions A–G), with the middle dot that joins the
# parts of a name transcribed from another language (阿依古丽·买买提).
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]"
_NAME = re.compile(rf"^{_HAN}+(?:[·•]{_HAN}+)*$")
NAME_LENGTH = (2, 30)


@dataclass(frozen=True)
class Verification:
    passed: bool
    real: bool  # False: only the form was checked; nobody vouched that the person is real
    field: str | None = None  # "name" or "id_number" when not passed
    message: str = ""  # for the field, in Chinese


class IdentityVerifier(Protocol):
    def verify(self, name: str, id_number: str) -> Verification: ...


class FormOnlyVerifier:
    """Checks the form only, and says so: never a real-name verification."""

    NOTICE = "仅校验了格式，未经实名认证"

    def verify(self, name: str, id_number: str) -> Verification:
        name = name.strip()
        low, high = NAME_LENGTH
        if not (low <= len(name) <= high and _NAME.match(name)):
            return Verification(False, real=False, field="name",
                                message=f"请填写身份证上的姓名（{low}至{high}个汉字，少数民族姓名"
                                        "用“·”分隔）")
        try:
            resident_id(id_number)
        except InvalidIdentifier:
            return Verification(False, real=False, field="id_number",
                                message="身份证号码不正确，请核对（18位，最后一位可能是X）")
        return Verification(True, real=False, message=self.NOTICE)


VERIFIERS = {"form-only": FormOnlyVerifier}


def identity_verifier(name: str) -> IdentityVerifier:
    """The verifier IDENTITY_VERIFIER names."""
    if name not in VERIFIERS:
        raise RuntimeError(f"IDENTITY_VERIFIER={name!r}: choose one of {', '.join(VERIFIERS)}")
    return VERIFIERS[name]()
