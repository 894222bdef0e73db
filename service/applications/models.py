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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..access.models import User
from ..catalog.models import BundleVersion
from ..core.database import JSONDocument, UTCDateTime, db, enum_text, utcnow, write_once
from ..engine.actors import ActorKind
from ..engine.states import (
    ApplicantKind,
    ApplicationState,
    Channel,
    ClockStop,
    DeliveryMethod,
    EventKind,
    ExtensionState,
    FollowUpStatus,
    ItemState,
    Level,
    Outcome,
    VisitKind,
)


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        # An outcome exactly when the application is concluded.
        CheckConstraint(
            "(outcome IS NULL) = (state NOT IN ('concluded', 'delivered'))", name="outcome"
        ),
        Index("ix_applications_bundle_state", "bundle_code", "state"),
        # The window's queues: one state, oldest first. By state alone, PostgreSQL walked the
        # primary key from the first id to reach the newest rows, where the waiting ones are.
        Index("ix_applications_state_id", "state", "id"),
        Index("ix_applications_created_at", "created_at"),  # received in a period
        # A version's received on a day: what the figures' rollup counts again (stats/rollup.py).
        Index("ix_applications_version_created_at", "bundle_version_id", "created_at"),
        # The window's search: exact ID number or phone, a name by its first characters.
        Index("ix_applications_applicant_id_number", "applicant_id_number"),
        Index("ix_applications_contact_phone", "contact_phone"),
        Index("ix_applications_applicant_name", "applicant_name",
              postgresql_ops={"applicant_name": "text_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    bundle_version_id: Mapped[int] = mapped_column(ForeignKey("bundle_versions.id"))
    bundle_code: Mapped[str] = mapped_column(String(64))
    state: Mapped[ApplicationState] = mapped_column(enum_text(ApplicationState, 20, "state"))
    outcome: Mapped[Outcome | None] = mapped_column(enum_text(Outcome, 20, "outcome_value"))
    channel: Mapped[Channel] = mapped_column(enum_text(Channel, 10, "channel"), index=True)
    applicant_kind: Mapped[ApplicantKind] = mapped_column(
        enum_text(ApplicantKind, 10, "applicant_kind"))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_id_number: Mapped[str] = mapped_column(String(18))
    contact_phone: Mapped[str] = mapped_column(String(20))
    # Who applied for the applicant under a power of attorney (委托代理), or for a company as its
    # agent: their name and resident ID. None: the applicant acted themselves.
    agent_name: Mapped[str | None] = mapped_column(String(200))
    agent_id_number: Mapped[str | None] = mapped_column(String(18))
    form: Mapped[dict] = mapped_column(JSONDocument)
    materials_handed_in: Mapped[list] = mapped_column(JSONDocument)
    materials_missing: Mapped[list] = mapped_column(JSONDocument)
    delivery_method: Mapped[DeliveryMethod] = mapped_column(
        enum_text(DeliveryMethod, 20, "delivery_method"))
    tracking_number: Mapped[str | None] = mapped_column(String(64))  # delivered by post
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
    # Set when it concludes, for the figures to aggregate in SQL: the day (Asia/Shanghai) and
    # the working days in (accepted_on, concluded_on].
    concluded_on: Mapped[date | None] = mapped_column(Date, index=True)
    turnaround_days: Mapped[int | None] = mapped_column(Integer)
    # Tallies the figures sum, kept by the steps that add to them: counting the visits and the
    # events of a province's applications one by one takes minutes.
    visit_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    correction_notices: Mapped[int] = mapped_column(Integer, default=0,
                                                    server_default=text("0"))
    # Bumped by every write: a writer that read an older version fails instead of winning.
    lock_version: Mapped[int] = mapped_column(Integer)
    # The head of its events' chain (service/audit): the newest event's number and hash, kept
    # here so that recording an event reads nothing more than the row its step updates anyway.
    chain_seq: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    chain_head: Mapped[str | None] = mapped_column(String(64))

    bundle_version: Mapped[BundleVersion] = relationship(lazy="joined", innerjoin=True)
    items: Mapped[list["ApplicationItem"]] = relationship(
        back_populates="application", order_by="ApplicationItem.position", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": lock_version}


WORKING_CONDITION = "state IN ('open', 'reviewing', 'paused', 'correction')"
LATE_CONDITION = {  # the figures' late items (service/stats/operations.py, weekly_trends)
    "postgresql": "state IN ('open', 'reviewing') "
                  "OR (decided_at AT TIME ZONE 'Asia/Shanghai')::date > committed_due",
    "sqlite": "state IN ('open', 'reviewing') OR date(decided_at, '+8 hours') > committed_due",
}


class ApplicationItem(db.Model):
    """One item of an application, as its department works it."""

    __tablename__ = "application_items"
    __table_args__ = (
        UniqueConstraint("application_id", "item_code"),
        Index("ix_application_items_department_state", "department_code", "state"),
        # The overdue board and the sweep: running items by when they turn yellow or red.
        Index("ix_application_items_state_yellow_on", "state", "yellow_on"),
        Index("ix_application_items_state_committed_due", "state", "committed_due"),
        # A reviewer's own items ("mine").
        Index("ix_application_items_assignee_state", "assignee_user_id", "state"),
        # A department's items to decide, in deadline order (the /review list reads its page
        # from here without a sort), and its week: items opened, items decided.
        Index("ix_application_items_working_department_due", "department_code", "committed_due",
              "id", postgresql_where=text(WORKING_CONDITION), sqlite_where=text(WORKING_CONDITION)),
        # The same in every department's (the overdue board, a reviewer of many departments):
        # on PostgreSQL the count reads only the index, the page only its rows.
        Index("ix_application_items_working_due", "committed_due", "id",
              postgresql_where=text(WORKING_CONDITION), sqlite_where=text(WORKING_CONDITION),
              postgresql_include=["state", "department_code", "yellow_on", "statutory_due",
                                  "assignee_user_id", "application_id"]),
        # Late against the committed deadline (decided after it, or running): the figures'
        # week-by-week chart counts them per department and due day from this index alone.
        Index("ix_application_items_late", "committed_due", "department_code",
              postgresql_where=text(LATE_CONDITION["postgresql"]),
              sqlite_where=text(LATE_CONDITION["sqlite"])),
        Index("ix_application_items_department_opened_at", "department_code", "opened_at"),
        Index("ix_application_items_department_decided_at", "department_code", "decided_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    item_code: Mapped[str] = mapped_column(String(64))
    department_code: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[ItemState] = mapped_column(enum_text(ItemState, 20, "state"))
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
    warned_level: Mapped[Level | None] = mapped_column(enum_text(Level, 10, "warned_level"))
    # Who in the department works it (assigned by its supervisor, or taken); None: nobody yet.
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship(back_populates="items")
    assignee: Mapped[User | None] = relationship(lazy="raise")


class Event(db.Model):
    """An append-only record of one change of state, or of a warning, a rating, a re-timing."""

    __tablename__ = "events"
    __table_args__ = (
        # A member of staff is a user; the applicant and the system are not.
        CheckConstraint("(actor_kind = 'staff') = (actor_user_id IS NOT NULL)", name="actor"),
        # A clerk's recent work: their latest events first.
        Index("ix_events_actor_user_id_id", "actor_user_id", "id"),
        # An application's events are numbered 1…n: two writers cannot both add the next one.
        # Its index serves every look-up of an application's events.
        UniqueConstraint("application_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    seq: Mapped[int] = mapped_column(Integer)
    item_code: Mapped[str | None] = mapped_column(String(64))
    trigger: Mapped[EventKind] = mapped_column(enum_text(EventKind, 40, "trigger"))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor_kind: Mapped[ActorKind] = mapped_column(enum_text(ActorKind, 10, "actor_kind"))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # HMAC of the event's content and its predecessor's chain_hash (events.event_fields).
    chain_hash: Mapped[str] = mapped_column(String(64))

    application: Mapped[Application] = relationship(lazy="raise")
    actor_user: Mapped[User | None] = relationship(lazy="joined")


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
    cause: Mapped[ClockStop] = mapped_column(enum_text(ClockStop, 20, "cause"))
    note: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_on: Mapped[date] = mapped_column(Date)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_on: Mapped[date | None] = mapped_column(Date)
    days: Mapped[int | None] = mapped_column(Integer)  # in the item's unit, once ended


class ItemResult(db.Model):
    """What an approved item issues (行政许可法 art. 39): the document the applicant receives."""

    __tablename__ = "item_results"
    __table_args__ = (
        CheckConstraint("valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from",
                        name="validity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("application_items.id"), unique=True)
    document: Mapped[str] = mapped_column(String(200))
    number: Mapped[str | None] = mapped_column(String(100))  # the licence or certificate number
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)  # None: without limit
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)

    item: Mapped[ApplicationItem] = relationship(lazy="joined", innerjoin=True)


write_once(ItemResult)


class Visit(db.Model):
    """The applicant served in person at the window: at intake, with a correction, to collect
    the results. An application without one was handled fully online."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[VisitKind] = mapped_column(enum_text(VisitKind, 20, "kind"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    clerk_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    clerk: Mapped[User | None] = relationship(lazy="joined")


write_once(Visit)


class Rating(db.Model):
    """好差评 (国办发〔2019〕51号): one per application, five grades, 5 the best."""

    __tablename__ = "ratings"
    __table_args__ = (CheckConstraint("grade BETWEEN 1 AND 5", name="grade"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    grade: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RatingFollowUp(db.Model):
    """What was done about a bad rating, by whom and when: appended, never changed."""

    __tablename__ = "rating_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"), index=True)
    status: Mapped[FollowUpStatus] = mapped_column(enum_text(FollowUpStatus, 10, "status"))
    note: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


write_once(RatingFollowUp)


class Draft(db.Model):
    """An application not yet submitted: what was filled in so far, by whom, until when.

    One concept for both channels: a clerk's draft at the window is owned by the clerk; an
    applicant's online draft by the verified phone that saved it. Nothing in a draft is checked
    beyond its shape: the bundle's rules apply when it is submitted.
    """

    __tablename__ = "drafts"
    __table_args__ = (
        # Staff own drafts by account, applicants by their verified phone.
        CheckConstraint("(owner_kind = 'staff') = (owner_user_id IS NOT NULL) "
                        "AND (owner_kind = 'applicant') = (owner_phone IS NOT NULL)",
                        name="owner"),
        Index("ix_drafts_owner_user_id_expires_at", "owner_user_id", "expires_at"),
        Index("ix_drafts_owner_phone_expires_at", "owner_phone", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_code: Mapped[str] = mapped_column(String(64))
    channel: Mapped[Channel] = mapped_column(enum_text(Channel, 10, "channel"))
    owner_kind: Mapped[ActorKind] = mapped_column(enum_text(ActorKind, 10, "owner_kind"))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    owner_phone: Mapped[str | None] = mapped_column(String(20))
    # The application's fields as far as they are known (applicant, contact_phone, form,
    # materials, delivery_method), in the shape the applications API takes them.
    content: Mapped[dict] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ExtensionRequest(db.Model):
    """A request to extend an item's limit, and its supervisor's decision. Only an approved one
    extends the clock: approving fires ``extend`` (applications/extensions.py)."""

    __tablename__ = "extension_requests"
    __table_args__ = (
        CheckConstraint("days > 0", name="days"),
        # Decided exactly when no longer pending.
        CheckConstraint("(state = 'pending') = (decided_at IS NULL)", name="decided"),
        Index("ix_extension_requests_item_id_state", "item_id", "state"),
        Index("ix_extension_requests_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("application_items.id"))
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[ExtensionState] = mapped_column(enum_text(ExtensionState, 10, "state"))
    requested_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)

    item: Mapped[ApplicationItem] = relationship(lazy="joined", innerjoin=True)
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_user_id], lazy="joined",
                                              innerjoin=True)
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_user_id],
                                                   lazy="joined")
