"""The SQLAlchemy extension, its naming convention and the column types every feature shares."""

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import TypeVar

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, DateTime, Enum, MetaData, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Responses are built from objects after the commit; expiring them would re-select every row.
db = SQLAlchemy(
    metadata=MetaData(naming_convention=NAMING_CONVENTION),
    session_options={"expire_on_commit": False},
)

JSONDocument = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back time-zone aware (SQLite forgets)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware one")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def enum_text(enum, length: int, name: str | None = None) -> Enum:
    """A column of ``enum``'s values as text, read back as its members, with the CHECK
    constraint of its values (named ``ck_<table>_<name>``, ``name`` defaulting to the column's)."""
    return Enum(enum, native_enum=False, create_constraint=True, length=length, name=name,
                values_callable=lambda members: [member.value for member in members],
                validate_strings=True)


def utcnow() -> datetime:
    return datetime.now(UTC)


T = TypeVar("T")


def in_batches(keys: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``keys`` in slices of at most ``size``: the keys one ``IN (…)`` takes (PostgreSQL binds
    at most 65,535 parameters a statement). itertools.batched comes with Python 3.12."""
    for start in range(0, len(keys), size):
        yield keys[start:start + size]


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.close()


class ImmutableRowError(Exception):
    """An attempt to change a row that is written once: a published version, an event."""


def write_once(model) -> None:
    """Refuse, at the ORM level, any UPDATE or DELETE of ``model``'s rows."""

    def refuse(mapper, connection, target):
        raise ImmutableRowError(f"{model.__tablename__} rows are written once and never changed")

    event.listen(model, "before_update", refuse)
    event.listen(model, "before_delete", refuse)


migrate = Migrate(compare_type=True, render_as_batch=True)


def normalize_url(url: str) -> str:
    """``postgresql://`` URLs use psycopg 3, the driver we ship, not SQLAlchemy's default."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
