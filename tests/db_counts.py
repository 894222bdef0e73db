"""What reaches the database: row counts, to prove that a refused request wrote nothing, and
the statements a request sends, to count them or explain them."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, func, select

from service.applications.models import Application, ApplicationItem, DailyCounter, Event
from service.core.database import db
from service.core.idempotency import IdempotencyRecord

WRITTEN = (Application, ApplicationItem, Event, DailyCounter, IdempotencyRecord)


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                for model in WRITTEN}


@contextmanager
def statements_sent(app) -> Iterator[list[tuple[str, object]]]:
    """Every statement sent meanwhile, with its parameters, in order."""
    sent: list[tuple[str, object]] = []

    def capture(connection, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", capture)
