from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.database import JSONDocument, UTCDateTime, db, write_once


class AdminAct(db.Model):
    """An administrative act: who did what to which thing, when, and what changed. The acts make
    one chain (``seq`` 1…n, ``chain_hash``), as each application's events make theirs."""

    __tablename__ = "admin_acts"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # None: the system, or a command run on the server (flask catalog load, flask users create).
    # A string reference: audit sits below access, which owns users.
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))  # acts.Action
    subject: Mapped[str] = mapped_column(String(200))  # a bundle's code, a username, a year…
    details: Mapped[dict] = mapped_column(JSONDocument)
    chain_hash: Mapped[str] = mapped_column(String(64))


write_once(AdminAct)
