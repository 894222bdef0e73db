"""An uploaded material: which stored file, for which material, of which draft or application.

The rows name their draft or application by foreign key only: uploads sits below applications,
which calls it when a draft is submitted or expires.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import UTCDateTime, db, enum_text, utcnow
from .inspection import MediaType
from .scanning import ScanState


class Attachment(db.Model):
    """One uploaded file, attached to a draft (while the applicant fills it in) or to an
    application (from submission on, or sent in answer to a correction notice). The bytes are in
    the upload store under ``digest``; identical files share them."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("(draft_id IS NULL) <> (application_id IS NULL)", name="owner"),
        CheckConstraint("size > 0", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"),
                                                       index=True)
    material_code: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64), index=True)  # SHA-256, the store's key
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[MediaType] = mapped_column(enum_text(MediaType, 20, "media_type"))
    filename: Mapped[str] = mapped_column(String(200))  # as the applicant named it, shown back
    pages: Mapped[int | None] = mapped_column(Integer)  # a PDF's
    scan_state: Mapped[ScanState] = mapped_column(enum_text(ScanState, 12, "scan_state"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
