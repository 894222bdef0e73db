"""Who caused an event: a member of staff, the applicant, or the system itself."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActorKind(StrEnum):
    STAFF = "staff"
    APPLICANT = "applicant"  # whoever proved the query code, or applied online
    SYSTEM = "system"  # automatic transitions, warnings, recomputed deadlines


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user_id: int | None = None  # staff only
    phone: str | None = None  # an applicant signed in online: the mobile number they proved

    def __post_init__(self):
        if (self.kind == ActorKind.STAFF) != (self.user_id is not None):
            raise ValueError("a staff actor has a user id, and only a staff actor")
        if self.phone is not None and self.kind != ActorKind.APPLICANT:
            raise ValueError("only an applicant actor has a verified phone")


SYSTEM = Actor(ActorKind.SYSTEM)
APPLICANT = Actor(ActorKind.APPLICANT)


def staff(user_id: int) -> Actor:
    return Actor(ActorKind.STAFF, user_id)


def applicant_with_phone(phone: str) -> Actor:
    """An applicant signed in online by the mobile number a one-time code proved."""
    return Actor(ActorKind.APPLICANT, phone=phone)
