from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import JSONDocument, UTCDateTime, db, enum_text, utcnow


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for a delivery, now or at next_attempt_at
    LEASED = "leased"  # a delivery holds it until lease_expires_at
    SENT = "sent"
    DEAD = "dead"  # every try failed: left for a person to look at and retry


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("recipient_kind IN ('citizen', 'department')", name="recipient_kind"),
        # What is due: pending by its retry time, leased by its expiry (few rows; sent ones are
        # the many, never read by the re-dispatch).
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    item_code: Mapped[str | None] = mapped_column(String(64))
    recipient_kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_text(OutboxStatus, 10, "status"), default=OutboxStatus.PENDING,
        server_default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
