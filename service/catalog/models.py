from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import JSONDocument, UTCDateTime, db, enum_text, utcnow, write_once
from ..engine.terms import DepartmentLevel, ItemKind


class Department(db.Model):
    """A body that decides items: a department, a vertical office, an enterprise."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # None only on rows loaded before levels existed, until the catalog is loaded again.
    level: Mapped[DepartmentLevel | None] = mapped_column(enum_text(DepartmentLevel, 20, "level"))


class ServiceItem(db.Model):
    """The catalog's current definition of an item; bundle versions keep their own copy."""

    __tablename__ = "service_items"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    kind: Mapped[ItemKind | None] = mapped_column(enum_text(ItemKind, 20, "kind"))  # None: unsorted
    definition: Mapped[dict] = mapped_column(JSONDocument)


class VersionSource(StrEnum):
    YAML = "yaml"  # `flask catalog load`, from workflows/
    BROWSER = "browser"  # the administrators' console


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
