from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import JSONDocument, UTCDateTime, db, enum_text, utcnow, write_once
from ..engine.terms import DepartmentLevel, ItemKind


class VersionSource(StrEnum):
    """Where a bundle version, or the current definition of a catalog entry, was made."""

    YAML = "yaml"  # `flask catalog load`, from workflows/
    BROWSER = "browser"  # the administrators' console


class CatalogEntry:
    """A department, material, form field or item as the catalog holds it now. ``definition`` is
    the entry as its schema loads it; ``yaml_digest`` that of its YAML when last loaded, so that
    a load skips what did not change there and keeps what the browser edited since."""

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    definition: Mapped[dict] = mapped_column(JSONDocument)
    yaml_digest: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[VersionSource] = mapped_column(enum_text(VersionSource, 10, "source"),
                                                  default=VersionSource.YAML,
                                                  server_default=VersionSource.YAML.value)


class Department(CatalogEntry, db.Model):
    """A body that decides items: a department, a vertical office, an enterprise."""

    __tablename__ = "departments"

    name: Mapped[str] = mapped_column(String(200))
    # None only on rows loaded before levels existed, until the catalog is loaded again.
    level: Mapped[DepartmentLevel | None] = mapped_column(enum_text(DepartmentLevel, 20, "level"))


class Material(CatalogEntry, db.Model):
    """What an applicant may be asked to hand in, or an item issues."""

    __tablename__ = "materials"

    name: Mapped[str] = mapped_column(String(200))


class FormField(CatalogEntry, db.Model):
    """A question of the merged form."""

    __tablename__ = "form_fields"

    label: Mapped[str] = mapped_column(String(200))


class ServiceItem(CatalogEntry, db.Model):
    """The catalog's current definition of an item; bundle versions keep their own copy."""

    __tablename__ = "service_items"

    name: Mapped[str] = mapped_column(String(200))
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    kind: Mapped[ItemKind | None] = mapped_column(enum_text(ItemKind, 20, "kind"))  # None: unsorted


class Bundle(db.Model):
    __tablename__ = "bundles"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    latest_version: Mapped[int] = mapped_column(Integer)
    # Retired: no new applications; those running finish on their versions. None: open.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The digest of the YAML definition last loaded: a load skips what did not change there,
    # whatever the browser published since.
    yaml_digest: Mapped[str | None] = mapped_column(String(64))

    versions: Mapped[list["BundleVersion"]] = relationship(
        back_populates="bundle", order_by="BundleVersion.version", lazy="raise"
    )


class BundleVersion(db.Model):
    """A published, immutable bundle definition; applications stay on the one they began on."""

    __tablename__ = "bundle_versions"
    __table_args__ = (UniqueConstraint("bundle_code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_code: Mapped[str] = mapped_column(ForeignKey("bundles.code"))
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict] = mapped_column(JSONDocument)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[VersionSource] = mapped_column(enum_text(VersionSource, 10, "source"),
                                                  default=VersionSource.YAML,
                                                  server_default=VersionSource.YAML.value)

    bundle: Mapped[Bundle] = relationship(back_populates="versions", lazy="raise")


write_once(BundleVersion)


class BundleDraft(db.Model):
    """A bundle, new or a next version, being written in the browser: its YAML text in the
    ``workflows/`` format, kept as typed (valid or not) until it is published or discarded.
    One draft per bundle; ``revision`` stops two administrators' saves both winning."""

    __tablename__ = "bundle_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_code: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    # The catalog entries whose edit drafted it (e.g. "item:food_business_permit"); None when an
    # administrator started it.
    prompted_by: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    revision: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": revision}
