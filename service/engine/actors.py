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

    def __post_init__(self):
        if (self.kind == ActorKind.STAFF) != (self.user_id is not None):
            raise ValueError("a staff actor has a user id, and only a staff actor")


SYSTEM = Actor(ActorKind.SYSTEM)
APPLICANT = Actor(ActorKind.APPLICANT)


def staff(user_id: int) -> Actor:
    return Actor(ActorKind.STAFF, user_id)
