from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalog.models import BundleVersion
from ..core.database import JSONDocument, UTCDateTime, db, utcnow, write_once
from ..engine.states import (
    ApplicationState,
    Channel,
    DeliveryMethod,
    ItemState,
    Outcome,
)


def _one_of(column: str, enum) -> str:
    return f"{column} IN ({', '.join(repr(member.value) for member in enum)})"


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(_one_of("state", ApplicationState), name="state"),
        CheckConstraint(_one_of("channel", Channel), name="channel"),
        CheckConstraint(_one_of("delivery_method", DeliveryMethod), name="delivery_method"),
        CheckConstraint("applicant_kind IN ('person', 'company')", name="applicant_kind"),
        # An outcome exactly when the application is concluded.
        CheckConstraint(
            "(outcome IS NULL) = (state NOT IN ('concluded', 'delivered'))", name="outcome"
        ),
        CheckConstraint(f"outcome IS NULL OR {_one_of('outcome', Outcome)}",
                        name="outcome_value"),
        Index("ix_applications_bundle_state", "bundle_code", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    bundle_version_id: Mapped[int] = mapped_column(ForeignKey("bundle_versions.id"))
    bundle_code: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10), index=True)
    applicant_kind: Mapped[str] = mapped_column(String(10))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_id_number: Mapped[str] = mapped_column(String(18))
    contact_phone: Mapped[str] = mapped_column(String(20))
    form: Mapped[dict] = mapped_column(JSONDocument)
    materials_handed_in: Mapped[list] = mapped_column(JSONDocument)
    materials_missing: Mapped[list] = mapped_column(JSONDocument)
    delivery_method: Mapped[str] = mapped_column(String(20))
    query_code_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The statutory clock (see service/deadlines). Dates are days in Asia/Shanghai.
    accepted_on: Mapped[date | None] = mapped_column(Date)
    correction_notice_late: Mapped[bool] = mapped_column(Boolean, default=False)
    committed_due: Mapped[date | None] = mapped_column(Date, index=True)
    statutory_due: Mapped[date | None] = mapped_column(Date)
    yellow_on: Mapped[date | None] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    predicted_on: Mapped[date | None] = mapped_column(Date)
    paused_days: Mapped[int] = mapped_column(Integer, default=0)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped by every write: a writer that read an older version fails instead of winning.
    lock_version: Mapped[int] = mapped_column(Integer)

    bundle_version: Mapped[BundleVersion] = relationship(lazy="joined", innerjoin=True)
    items: Mapped[list["ApplicationItem"]] = relationship(
        back_populates="application", order_by="ApplicationItem.position", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": lock_version}


class ApplicationItem(db.Model):
    """One item of an application, as its department works it."""

    __tablename__ = "application_items"
    __table_args__ = (
        UniqueConstraint("application_id", "item_code"),
        CheckConstraint(_one_of("state", ItemState), name="state"),
        CheckConstraint("warned_level IS NULL OR warned_level IN ('yellow', 'red', 'statutory')",
                        name="warned_level"),
        Index("ix_application_items_department_state", "department_code", "state"),
        # The overdue board and the sweep: running items by when they turn yellow or red.
        Index("ix_application_items_state_yellow_on", "state", "yellow_on"),
        Index("ix_application_items_state_committed_due", "state", "committed_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    item_code: Mapped[str] = mapped_column(String(64))
    department_code: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    clock_started_on: Mapped[date | None] = mapped_column(Date)
    committed_due: Mapped[date | None] = mapped_column(Date)
    statutory_due: Mapped[date | None] = mapped_column(Date)
    yellow_on: Mapped[date | None] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_days: Mapped[int] = mapped_column(Integer, default=0)
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    # The highest warning already announced by the sweep: each is announced once.
    warned_level: Mapped[str | None] = mapped_column(String(10))

    application: Mapped[Application] = relationship(back_populates="items")


class Event(db.Model):
    """An append-only record of one change of state."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    item_code: Mapped[str | None] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application: Mapped[Application] = relationship(lazy="raise")


write_once(Event)


class DailyCounter(db.Model):
    """The last application number handed out on a day (Asia/Shanghai)."""

    __tablename__ = "application_counters"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class PausedSpan(db.Model):
    """A span during which an item's clock stood still, and why."""

    __tablename__ = "paused_spans"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("application_items.id"), index=True)
    cause: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_on: Mapped[date] = mapped_column(Date)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_on: Mapped[date | None] = mapped_column(Date)
    days: Mapped[int | None] = mapped_column(Integer)  # in the item's unit, once ended
