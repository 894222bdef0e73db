from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import UTCDateTime, db, utcnow


class Rating(db.Model):
    """好差评 (国办发〔2019〕51号): one per application, five grades, 5 the best."""

    __tablename__ = "ratings"
    __table_args__ = (CheckConstraint("grade BETWEEN 1 AND 5", name="grade"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    grade: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
