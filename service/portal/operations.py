"""The applicant's rating (好差评). Only flushes; the request commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..applications.models import Application, Event
from ..core.database import db, utcnow
from ..engine.states import ApplicationState
from ..outbox.models import OutboxMessage
from .models import Rating
from .wording import BAD_GRADES

FOLLOW_UP = "service_center"  # 政务服务中心: calls back a bad rating within a working day


class RatingRefused(ValueError):
    pass


def rate(application: Application, grade: int, comment: str | None,
         now: datetime | None = None) -> Rating:
    """One rating per application, once its result is delivered; a bad one is followed up."""
    if application.state != ApplicationState.DELIVERED:
        raise RatingRefused("the service can be rated once its result is delivered")
    if db.session.scalar(select(Rating.id).where(Rating.application_id == application.id)):
        raise RatingRefused("this application has been rated already")
    now = now or utcnow()
    comment = (comment or "").strip() or None
    rating = Rating(application_id=application.id, grade=grade, comment=comment, created_at=now)
    db.session.add(rating)
    db.session.add(Event(application_id=application.id, item_code=None, trigger="rate",
                         from_state=application.state, to_state=application.state,
                         actor="citizen", reason=comment, data={"grade": grade},
                         created_at=now))
    if grade in BAD_GRADES:
        db.session.add(OutboxMessage(
            application_id=application.id, recipient_kind="department", recipient=FOLLOW_UP,
            kind="bad_rating", payload={"application": application.number, "grade": grade,
                                        "comment": comment}, created_at=now))
    db.session.flush()
    return rating
