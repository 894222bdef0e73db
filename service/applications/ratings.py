"""The applicant's rating (好差评, 国办发〔2019〕51号): one per application, once its result is
delivered; a bad one is followed up by the service centre. Only flushes; the request commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..core.database import db, utcnow
from ..engine.actors import APPLICANT
from ..engine.states import ApplicationState, Bookkeeping
from ..outbox.models import OutboxMessage
from . import events
from .models import Application, Rating

GRADES = range(1, 6)  # 5 非常满意 … 1 非常不满意
BAD_GRADES = frozenset({1, 2})  # 不满意 and 非常不满意: a comment is required, and a call-back
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
    events.record(application.id, Bookkeeping.RATE, APPLICANT, now,
                  from_state=application.state, to_state=application.state, reason=comment,
                  data={"grade": grade})
    if grade in BAD_GRADES:
        db.session.add(OutboxMessage(
            application_id=application.id, recipient_kind="department", recipient=FOLLOW_UP,
            kind="bad_rating", payload={"application": application.number, "grade": grade,
                                        "comment": comment}, created_at=now))
    db.session.flush()
    return rating


def rating_of(application: Application) -> int | None:
    return db.session.scalar(select(Rating.grade).where(Rating.application_id == application.id))
