"""Row counts, to prove that a refused request wrote nothing."""

from sqlalchemy import func, select

from service.applications.models import Application, ApplicationItem, DailyCounter, Event
from service.core.database import db
from service.core.idempotency import IdempotencyRecord

WRITTEN = (Application, ApplicationItem, Event, DailyCounter, IdempotencyRecord)


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                for model in WRITTEN}
