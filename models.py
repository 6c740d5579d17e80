"""The record model: agencies, MOUs, standards, curricula, teachers, placements, scholarships."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    case,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

import search_index
from thai.dates import after_day, bangkok_now, fiscal_year_label, format_be, format_be_datetime
from thai.digits import to_thai_digits

# Named constraints let Alembic alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)

EXPIRING_DAYS = 90


def now() -> dt.datetime:
    """Return the time now in Bangkok (one clock for every record, whatever the server's zone)."""
    return bangkok_now()


def today() -> dt.date:
    """Return today's date in Bangkok (one place, so tests can reason about 'now')."""
    return bangkok_now().date()


class Choice(enum.StrEnum):
    """A stored code with a translatable label; subclasses set LABELS."""

    @classmethod
    def choices(cls) -> list[tuple[str, Any]]:
        """Return (code, label) pairs; labels stay lazy so they follow the user's language."""
        return [(m.value, cls.LABELS[m.value]) for m in cls]  # type: ignore[attr-defined]

    @property
    def label(self) -> str:
        return str(self.LABELS[self.value])  # type: ignore[attr-defined]

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Every member's label in the current language (the screen's or the printout's)."""
        return {member.value: str(member.label) for member in cls}

    @classmethod
    def thai_labels(cls) -> dict[str, str]:
        """Every member's Thai label whatever the screen's language (printed reports are Thai)."""
        from flask_babel import force_locale

        with force_locale("th"):
            return {member.value: member.label for member in cls}


def choice_check(column: str, choice: type[Choice], nullable: bool = False) -> CheckConstraint:
    """Return a CHECK constraint that keeps a column within an enumeration."""
    values = ", ".join(f"'{m.value}'" for m in choice)
    expr = f"{column} IN ({values})"
    if nullable:
        expr = f"{column} IS NULL OR {expr}"
    return CheckConstraint(expr, name=f"{column}_valid")


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, onupdate=now)


class VersionMixin:
    """A record's version, raised by every write (SQLAlchemy's version counter).

    A form carries the version it was rendered with, so a save from a stale form is told
    from a fresh one (admin/versioning.py); writes around the ORM set version = version + 1.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


# --------------------------------------------------------------------------- reference data


class Region(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name_th: Mapped[str] = mapped_column(String(100), unique=True)
    name_en: Mapped[str] = mapped_column(String(100))

    provinces: Mapped[list[Province]] = relationship(back_populates="region")

    def __str__(self) -> str:
        return self.name_th


class Province(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
    name_th: Mapped[str] = mapped_column(String(100), unique=True)
    name_en: Mapped[str] = mapped_column(String(100), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="provinces")

    def __str__(self) -> str:
        return self.name_th


# --------------------------------------------------------------------------- agencies


class AgencyKind(Choice):
    MINISTRY = "ministry"
    GOVERNMENT_OFFICE = "government_office"
    BUREAU = "bureau"
    PUBLIC_ORGANISATION = "public_organisation"
    LOCAL_GOVERNMENT = "local_government"
    FUND = "fund"
    INTERNATIONAL = "international"
    COLLEGE = "college"
    TRAINING_SCHOOL = "training_school"
    PROVINCIAL_OFFICE = "provincial_office"
    CREDIT_BANK_CENTRE = "credit_bank_centre"
    ESTABLISHMENT = "establishment"
    COMMITTEE = "committee"


AgencyKind.LABELS = {
    "ministry": _l("Ministry"),
    "government_office": _l("Government office"),
    "bureau": _l("Bureau"),
    "public_organisation": _l("Public organisation"),
    "local_government": _l("Local government"),
    "fund": _l("Fund"),
    "international": _l("International organisation"),
    "college": _l("College"),
    "training_school": _l("Training school"),
    "provincial_office": _l("Provincial education office"),
    "credit_bank_centre": _l("Credit-bank centre"),
    "establishment": _l("Establishment"),
    "committee": _l("Committee"),
}


class Agency(TimestampMixin, VersionMixin, db.Model):
    __table_args__ = (choice_check("kind", AgencyKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_th: Mapped[str] = mapped_column(String(255), unique=True)
    abbreviation: Mapped[str | None] = mapped_column(String(64), index=True)
    name_en: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("province.id"), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(255))
    website: Mapped[str | None] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(Text)

    parent: Mapped[Agency | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Agency]] = relationship(back_populates="parent")
    province: Mapped[Province | None] = relationship()
    contacts: Mapped[list[AgencyContact]] = relationship(
        back_populates="agency", cascade="all, delete-orphan"
    )
    mou_parties: Mapped[list[MouParty]] = relationship(back_populates="agency")

    def __str__(self) -> str:
        return self.name_th


class AgencyContact(TimestampMixin, VersionMixin, db.Model):
    """A contact person of an agency; a coordinator names the programme they coordinate."""

    # NULLs are distinct, so only named coordinator roles must be unique per agency.
    __table_args__ = (UniqueConstraint("agency_id", "coordinator_for"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    position: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(255))
    coordinator_for: Mapped[str | None] = mapped_column(String(255))

    agency: Mapped[Agency] = relationship(back_populates="contacts")

    def __str__(self) -> str:
        return self.name


# --------------------------------------------------------------------------- MOUs


class MouStatus(Choice):
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    OPEN_ENDED = "open_ended"


MouStatus.LABELS = {
    "active": _l("Active"),
    "expiring": _l("Expiring within 90 days"),
    "expired": _l("Expired"),
    "open_ended": _l("Open-ended"),
}


class Mou(TimestampMixin, VersionMixin, db.Model):
    __table_args__ = (
        CheckConstraint("expires_on IS NULL OR expires_on >= signed_on", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref_no: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(500), index=True)
    signed_on: Mapped[dt.date] = mapped_column(Date, index=True)
    expires_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    scope: Mapped[str | None] = mapped_column(Text)
    document_path: Mapped[str | None] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(Text)

    parties: Mapped[list[MouParty]] = relationship(
        back_populates="mou", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.ref_no} {self.title}"

    @hybrid_property
    def status(self) -> str:
        return mou_status(self.expires_on)

    @status.inplace.expression
    @classmethod
    def _status_expression(cls):
        now = today()
        return case(
            (cls.expires_on.is_(None), MouStatus.OPEN_ENDED.value),
            (cls.expires_on < now, MouStatus.EXPIRED.value),
            (
                cls.expires_on <= now + dt.timedelta(days=EXPIRING_DAYS),
                MouStatus.EXPIRING.value,
            ),
            else_=MouStatus.ACTIVE.value,
        )

    @property
    def party_names(self) -> str:
        return ", ".join(str(p.agency) for p in self.parties if p.agency)


def mou_status(expires_on: dt.date | None, on: dt.date | None = None) -> str:
    """Return the MOU status for an end date as seen on a given day."""
    now = on or today()
    if expires_on is None:
        return MouStatus.OPEN_ENDED.value
    if expires_on < now:
        return MouStatus.EXPIRED.value
    if expires_on <= now + dt.timedelta(days=EXPIRING_DAYS):
        return MouStatus.EXPIRING.value
    return MouStatus.ACTIVE.value


class MouParty(VersionMixin, db.Model):
    __table_args__ = (UniqueConstraint("mou_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mou_id: Mapped[int] = mapped_column(ForeignKey("mou.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    signatory: Mapped[str | None] = mapped_column(String(255))

    mou: Mapped[Mou] = relationship(back_populates="parties")
    agency: Mapped[Agency] = relationship(back_populates="mou_parties")

    def __str__(self) -> str:
        return str(self.agency) if self.agency else ""


# --------------------------------------------------------------------------- standards


class Sector(VersionMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name_th: Mapped[str] = mapped_column(String(255), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(255))

    occupations: Mapped[list[Occupation]] = relationship(back_populates="sector")

    def __str__(self) -> str:
        return self.name_th


class Occupation(VersionMixin, db.Model):
    __table_args__ = (UniqueConstraint("sector_id", "name_th"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sector.id"), index=True)
    name_th: Mapped[str] = mapped_column(String(255))

    sector: Mapped[Sector] = relationship(back_populates="occupations")
    qualifications: Mapped[list[Qualification]] = relationship(back_populates="occupation")

    def __str__(self) -> str:
        return self.name_th


qualification_unit = Table(
    "qualification_unit",
    db.metadata,
    Column(
        "qualification_id",
        ForeignKey("qualification.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("unit_id", ForeignKey("competency_unit.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_qualification_unit_unit_id", "unit_id"),
)


class Qualification(TimestampMixin, VersionMixin, db.Model):
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 8", name="level_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(500), index=True)
    level: Mapped[int] = mapped_column(Integer)
    occupation_id: Mapped[int | None] = mapped_column(ForeignKey("occupation.id"), index=True)

    occupation: Mapped[Occupation | None] = relationship(back_populates="qualifications")
    units: Mapped[list[CompetencyUnit]] = relationship(
        secondary=qualification_unit,
        back_populates="qualifications",
        order_by="CompetencyUnit.code",
    )

    def __str__(self) -> str:
        return gettext(
            "%(code)s %(title)s (level %(level)s)",
            code=self.code,
            title=self.title,
            level=self.level,
        )


class CompetencyUnit(TimestampMixin, VersionMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(500), index=True)

    qualifications: Mapped[list[Qualification]] = relationship(
        secondary=qualification_unit, back_populates="units"
    )
    elements: Mapped[list[UnitElement]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitElement.code"
    )

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class UnitElement(VersionMixin, db.Model):
    __table_args__ = (UniqueConstraint("unit_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("competency_unit.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    performance_criteria: Mapped[str | None] = mapped_column(Text)

    unit: Mapped[CompetencyUnit] = relationship(back_populates="elements")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


# --------------------------------------------------------------------------- excellence fields


class ExcellenceGroup(Choice):
    EXCELLENCE_CENTER = "excellence_center"
    EXPERT = "expert"
    STANDARD = "standard"


ExcellenceGroup.LABELS = {
    "excellence_center": _l("Excellence Center"),
    "expert": _l("Expert"),
    "standard": _l("Standard"),
}


class ExcellenceField(TimestampMixin, VersionMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_th: Mapped[str] = mapped_column(String(255), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(255))
    hub_college_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)

    hub_college: Mapped[Agency | None] = relationship()
    college_groups: Mapped[list[CollegeFieldGroup]] = relationship(
        back_populates="field", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.name_th


class CollegeFieldGroup(VersionMixin, db.Model):
    __table_args__ = (
        UniqueConstraint("field_id", "college_id"),
        choice_check("tier", ExcellenceGroup),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(
        ForeignKey("excellence_field.id", ondelete="CASCADE"), index=True
    )
    college_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    tier: Mapped[str] = mapped_column(String(32))

    field: Mapped[ExcellenceField] = relationship(back_populates="college_groups")
    college: Mapped[Agency] = relationship()

    def __str__(self) -> str:
        return f"{self.college} — {self.field} ({ExcellenceGroup(self.tier).label})"


# --------------------------------------------------------------------------- curricula


class CurriculumKind(Choice):
    VOCATIONAL_CERTIFICATE = "vocational_certificate"
    HIGHER_VOCATIONAL = "higher_vocational"
    TRAINING_SCHOOL = "training_school"
    SHORT_COURSE = "short_course"
    TEACHER_DEVELOPMENT = "teacher_development"


CurriculumKind.LABELS = {
    "vocational_certificate": _l("Vocational certificate (Por Wor Chor)"),
    "higher_vocational": _l("Higher vocational certificate (Por Wor Sor)"),
    "training_school": _l("Training-school course"),
    "short_course": _l("Short course"),
    "teacher_development": _l("Teacher-development curriculum"),
}


class CreditBankLevel(Choice):
    LOWER_SECONDARY = "lower_secondary"
    UPPER_SECONDARY = "upper_secondary"
    ASSOCIATE = "associate"
    SHORT_LIFELONG = "short_lifelong"


CreditBankLevel.LABELS = {
    "lower_secondary": _l("Lower secondary"),
    "upper_secondary": _l("Upper secondary / Por Wor Chor"),
    "associate": _l("Por Wor Sor / associate degree"),
    "short_lifelong": _l("Short courses and lifelong learning"),
}


class Coverage(Choice):
    FULL = "full"
    PARTIAL = "partial"


Coverage.LABELS = {"full": _l("Full"), "partial": _l("Partial")}


class Curriculum(TimestampMixin, VersionMixin, db.Model):
    __table_args__ = (
        choice_check("kind", CurriculumKind),
        choice_check("level_group", CreditBankLevel, nullable=True),
        CheckConstraint("hours IS NULL OR hours >= 0", name="hours_positive"),
        CheckConstraint("credits IS NULL OR credits >= 0", name="credits_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(500), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    level_group: Mapped[str | None] = mapped_column(String(32))
    field: Mapped[str | None] = mapped_column(String(255))
    excellence_field_id: Mapped[int | None] = mapped_column(
        ForeignKey("excellence_field.id"), index=True
    )
    hours: Mapped[int | None] = mapped_column(Integer)
    credits: Mapped[int | None] = mapped_column(Integer)
    edition_year: Mapped[int | None] = mapped_column(Integer)

    owner: Mapped[Agency | None] = relationship()
    excellence_field: Mapped[ExcellenceField | None] = relationship()
    alignments: Mapped[list[CurriculumUnit]] = relationship(
        back_populates="curriculum", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CurriculumUnit(VersionMixin, db.Model):
    """An alignment row: a curriculum covers a unit of competence fully or partly."""

    __table_args__ = (
        UniqueConstraint("curriculum_id", "unit_id"),
        choice_check("coverage", Coverage),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    curriculum_id: Mapped[int] = mapped_column(
        ForeignKey("curriculum.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("competency_unit.id"), index=True)
    coverage: Mapped[str] = mapped_column(String(16), default=Coverage.FULL.value)
    notes: Mapped[str | None] = mapped_column(Text)

    curriculum: Mapped[Curriculum] = relationship(back_populates="alignments")
    unit: Mapped[CompetencyUnit] = relationship()

    def __str__(self) -> str:
        return f"{self.unit} ({Coverage(self.coverage).label})" if self.unit else ""


# --------------------------------------------------------------------------- teachers


class Teacher(TimestampMixin, VersionMixin, db.Model):
    __table_args__ = (
        CheckConstraint("length(national_id) = 13", name="national_id_length"),
        Index("ix_teacher_name", "first_name", "last_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    national_id: Mapped[str] = mapped_column(String(13), unique=True)
    prefix: Mapped[str | None] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(128))
    last_name: Mapped[str] = mapped_column(String(128), index=True)
    college_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    department: Mapped[str | None] = mapped_column(String(255))
    position: Mapped[str | None] = mapped_column(String(128))
    academic_standing: Mapped[str | None] = mapped_column(String(128))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    college: Mapped[Agency | None] = relationship()
    units: Mapped[list[TeacherUnit]] = relationship(
        back_populates="teacher", cascade="all, delete-orphan"
    )
    certificates: Mapped[list[TeacherCertificate]] = relationship(
        back_populates="teacher", cascade="all, delete-orphan"
    )
    attendances: Mapped[list[TrainingAttendance]] = relationship(
        back_populates="teacher", cascade="all, delete-orphan"
    )
    placements: Mapped[list[Placement]] = relationship(back_populates="teacher")

    @property
    def full_name(self) -> str:
        return f"{self.prefix or ''}{self.first_name} {self.last_name}"

    def __str__(self) -> str:
        return self.full_name


class UnitSource(Choice):
    PLACEMENT = "placement"
    TEST = "test"
    TRAINING = "training"
    CURRICULUM = "curriculum"
    RECOGNITION = "recognition"


UnitSource.LABELS = {
    "placement": _l("Industry placement"),
    "test": _l("Competency test"),
    "training": _l("Training"),
    "curriculum": _l("Aligned curriculum"),
    "recognition": _l("Recognition of prior learning"),
}


class TeacherUnit(VersionMixin, db.Model):
    """A unit of competence in a teacher's Digital Competency Bank record."""

    __table_args__ = (
        UniqueConstraint("teacher_id", "unit_id"),
        choice_check("source", UnitSource),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teacher.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("competency_unit.id"), index=True)
    achieved_on: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(32))
    evidence: Mapped[str | None] = mapped_column(String(500))
    # The placement whose passed test earned the unit (source "placement").
    placement_id: Mapped[int | None] = mapped_column(
        ForeignKey("placement.id", ondelete="SET NULL"), index=True
    )

    teacher: Mapped[Teacher] = relationship(back_populates="units")
    unit: Mapped[CompetencyUnit] = relationship()
    placement: Mapped[Placement | None] = relationship()

    def __str__(self) -> str:
        return f"{self.unit} — {format_be(self.achieved_on)}"


class TeacherCertificate(VersionMixin, db.Model):
    """A professional-qualification certificate held by a teacher."""

    __table_args__ = (
        CheckConstraint("expires_on IS NULL OR expires_on >= issued_on", name="expiry_after_issue"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teacher.id", ondelete="CASCADE"), index=True
    )
    qualification_id: Mapped[int] = mapped_column(ForeignKey("qualification.id"), index=True)
    certificate_no: Mapped[str] = mapped_column(String(64), unique=True)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)

    teacher: Mapped[Teacher] = relationship(back_populates="certificates")
    qualification: Mapped[Qualification] = relationship()

    def __str__(self) -> str:
        return f"{self.certificate_no} {self.qualification.title if self.qualification else ''}"


class Training(TimestampMixin, VersionMixin, db.Model):
    __table_args__ = (
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),
        CheckConstraint("hours IS NULL OR hours >= 0", name="hours_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500), index=True)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    excellence_field_id: Mapped[int | None] = mapped_column(
        ForeignKey("excellence_field.id"), index=True
    )
    curriculum_id: Mapped[int | None] = mapped_column(ForeignKey("curriculum.id"), index=True)
    start_on: Mapped[dt.date] = mapped_column(Date, index=True)
    end_on: Mapped[dt.date | None] = mapped_column(Date)
    hours: Mapped[int | None] = mapped_column(Integer)

    provider: Mapped[Agency | None] = relationship()
    excellence_field: Mapped[ExcellenceField | None] = relationship()
    curriculum: Mapped[Curriculum | None] = relationship()
    attendances: Mapped[list[TrainingAttendance]] = relationship(
        back_populates="training", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.title} ({format_be(self.start_on)})"


class TrainingAttendance(VersionMixin, db.Model):
    __table_args__ = (UniqueConstraint("training_id", "teacher_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(
        ForeignKey("training.id", ondelete="CASCADE"), index=True
    )
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teacher.id", ondelete="CASCADE"), index=True
    )
    completed: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    training: Mapped[Training] = relationship(back_populates="attendances")
    teacher: Mapped[Teacher] = relationship(back_populates="attendances")

    def __str__(self) -> str:
        return f"{self.teacher} — {self.training}"


# --------------------------------------------------------------------------- placements


class PlacementStep(Choice):
    APPLIED = "applied"
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    ORIENTED = "oriented"
    IN_PLACEMENT = "in_placement"
    TESTED = "tested"
    COLLEGE_REPORT = "college_report"
    LESSONS_LEARNED = "lessons_learned"
    POST_REPORT = "post_report"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"


PlacementStep.LABELS = {
    "applied": _l("Applied"),
    "eligible": _l("Eligible"),
    "not_eligible": _l("Not eligible"),
    "oriented": _l("Oriented"),
    "in_placement": _l("In placement"),
    "tested": _l("Tested"),
    "college_report": _l("College report"),
    "lessons_learned": _l("Lessons learned"),
    "post_report": _l("Post report"),
    "withdrawn": _l("Withdrawn"),
    "rejected": _l("Rejected"),
}

# The main line a placement moves along; a placement at a step has passed all before it.
# The clip is not a step: it is a fact recorded during the placement (clip_url and so on).
PLACEMENT_PROGRESS = [
    PlacementStep.APPLIED,
    PlacementStep.ELIGIBLE,
    PlacementStep.ORIENTED,
    PlacementStep.IN_PLACEMENT,
    PlacementStep.TESTED,
    PlacementStep.COLLEGE_REPORT,
    PlacementStep.LESSONS_LEARNED,
    PlacementStep.POST_REPORT,
]


def steps_from(step: PlacementStep) -> list[str]:
    """Return the status values of placements that have reached a step."""
    return [s.value for s in PLACEMENT_PROGRESS[PLACEMENT_PROGRESS.index(step) :]]


class ExamResult(Choice):
    PASSED = "passed"
    FAILED = "failed"


ExamResult.LABELS = {"passed": _l("Passed"), "failed": _l("Failed")}


class PlacementRound(TimestampMixin, VersionMixin, db.Model):
    __table_args__ = (CheckConstraint("fiscal_year BETWEEN 2500 AND 2700", name="fy_be"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(500))
    application_deadline: Mapped[dt.date] = mapped_column(Date)
    budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    letter_ref: Mapped[str | None] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(Text)

    steps: Mapped[list[RoundStep]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundStep.position"
    )
    placements: Mapped[list[Placement]] = relationship(back_populates="round")

    def __str__(self) -> str:
        return fiscal_year_label(self.fiscal_year)


class RoundStep(VersionMixin, db.Model):
    """One step of a round's calendar, kept as data so each year can differ."""

    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="end_after_start"),
        choice_check("step", PlacementStep, nullable=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("placement_round.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(255))
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)

    round: Mapped[PlacementRound] = relationship(back_populates="steps")

    def __str__(self) -> str:
        return self.title


placement_unit = Table(
    "placement_unit",
    db.metadata,
    Column("placement_id", ForeignKey("placement.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("competency_unit.id", ondelete="CASCADE"), primary_key=True),
)


class Placement(TimestampMixin, VersionMixin, db.Model):
    __table_args__ = (
        UniqueConstraint("round_id", "teacher_id"),
        CheckConstraint(
            "planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start",
            name="end_after_start",
        ),
        CheckConstraint(
            "clip_duration IS NULL OR clip_duration BETWEEN 1 AND 300", name="clip_at_most_5_min"
        ),
        choice_check("status", PlacementStep),
        choice_check("test_result", ExamResult, nullable=True),
        Index("ix_placement_round_status", "round_id", "status"),
        # Late applications and the home page's lists in order of application, per round.
        Index("ix_placement_round_applied", "round_id", "applied_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("placement_round.id"), index=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teacher.id"), index=True)
    college_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    host_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    applied_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    applicant_email: Mapped[str | None] = mapped_column(String(255))
    planned_start: Mapped[dt.date | None] = mapped_column(Date)
    planned_end: Mapped[dt.date | None] = mapped_column(Date)
    plan_url: Mapped[str | None] = mapped_column(String(1000))
    plan_document_path: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(32), default=PlacementStep.APPLIED.value)
    test_result: Mapped[str | None] = mapped_column(String(16))
    logbook_received: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    clip_url: Mapped[str | None] = mapped_column(String(1000))
    clip_title: Mapped[str | None] = mapped_column(String(500))
    post_report_received: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    budget: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    notes: Mapped[str | None] = mapped_column(Text)
    # The date of the competency test whose result is test_result.
    tested_on: Mapped[dt.date | None] = mapped_column(Date)
    # The clip's length in seconds (at most 5 minutes).
    clip_duration: Mapped[int | None] = mapped_column(Integer)
    # DOMAIN.md: a host without an MOU with the college is allowed when it develops
    # education jointly with it; the exception is explicit and says why.
    mou_exception: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    mou_exception_reason: Mapped[str | None] = mapped_column(Text)
    # When the placement reached its current step (the newest event's time), kept here so
    # lists can filter on it without reading the events.
    status_since: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)

    round: Mapped[PlacementRound] = relationship(back_populates="placements")
    teacher: Mapped[Teacher] = relationship(back_populates="placements")
    college: Mapped[Agency | None] = relationship(foreign_keys=[college_id])
    host: Mapped[Agency | None] = relationship(foreign_keys=[host_id])
    units: Mapped[list[CompetencyUnit]] = relationship(secondary=placement_unit)
    visits: Mapped[list[SupervisionVisit]] = relationship(
        back_populates="placement",
        cascade="all, delete-orphan",
        order_by="SupervisionVisit.visited_on",
    )
    events: Mapped[list[PlacementEvent]] = relationship(
        back_populates="placement",
        cascade="all, delete-orphan",
        order_by="PlacementEvent.id",
    )

    @property
    def is_late(self) -> bool:
        """Applied after the round's deadline day ended, in Bangkok time."""
        deadline = self.round.application_deadline if self.round is not None else None
        return after_day(self.applied_at, deadline)

    def __str__(self) -> str:
        return f"{self.teacher} — {self.round}" if self.teacher and self.round else ""


class SupervisionVisit(VersionMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placement.id", ondelete="CASCADE"), index=True
    )
    visited_on: Mapped[dt.date] = mapped_column(Date)
    visitor: Mapped[str] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(Text)

    placement: Mapped[Placement] = relationship(back_populates="visits")

    def __str__(self) -> str:
        return f"{format_be(self.visited_on)} {self.visitor}"


class PlacementEvent(db.Model):
    """One move of a placement from a step to the next: when, by whom, and why."""

    __table_args__ = (
        choice_check("from_step", PlacementStep, nullable=True),
        choice_check("to_step", PlacementStep),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placement.id", ondelete="CASCADE"), index=True
    )
    # None for the event that created the placement.
    from_step: Mapped[str | None] = mapped_column(String(32))
    to_step: Mapped[str] = mapped_column(String(32), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    by: Mapped[str] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    # The import that made the move (None for a form, a button or a bulk action).
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)

    placement: Mapped[Placement] = relationship(back_populates="events")

    def __str__(self) -> str:
        return f"{format_be_datetime(self.at)} {PlacementStep(self.to_step).label}"


# --------------------------------------------------------------------------- scholarships


class StudentLevel(Choice):
    VOCATIONAL = "vocational"
    HIGHER_VOCATIONAL = "higher_vocational"


StudentLevel.LABELS = {"vocational": _l("Por Wor Chor"), "higher_vocational": _l("Por Wor Sor")}


class IdentifierType(Choice):
    NATIONAL_ID = "national_id"
    G_CODE = "g_code"


IdentifierType.LABELS = {"national_id": _l("National ID"), "g_code": _l("G-code")}


class AwardStatus(Choice):
    STUDYING = "studying"
    GRADUATED = "graduated"
    DROPPED_OUT = "dropped_out"
    SUSPENDED = "suspended"


AwardStatus.LABELS = {
    "studying": _l("Studying"),
    "graduated": _l("Graduated"),
    "dropped_out": _l("Dropped out"),
    "suspended": _l("Suspended"),
}


class ScholarshipProgramme(TimestampMixin, VersionMixin, db.Model):
    __table_args__ = (
        CheckConstraint("duration_years IS NULL OR duration_years > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_th: Mapped[str] = mapped_column(String(255), unique=True)
    name_en: Mapped[str | None] = mapped_column(String(255))
    funder_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    level: Mapped[str | None] = mapped_column(String(255))
    duration_years: Mapped[int | None] = mapped_column(Integer)
    target_group: Mapped[str | None] = mapped_column(Text)

    funder: Mapped[Agency | None] = relationship()
    allocations: Mapped[list[ScholarshipAllocation]] = relationship(
        back_populates="programme", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.name_th


class ScholarshipAllocation(VersionMixin, db.Model):
    __table_args__ = (
        UniqueConstraint("programme_id", "academic_year", "college_id"),
        CheckConstraint("quota >= 0", name="quota_positive"),
        CheckConstraint("academic_year BETWEEN 2500 AND 2700", name="ay_be"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("scholarship_programme.id", ondelete="CASCADE"), index=True
    )
    academic_year: Mapped[int] = mapped_column(Integer, index=True)
    college_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    quota: Mapped[int] = mapped_column(Integer)

    programme: Mapped[ScholarshipProgramme] = relationship(back_populates="allocations")
    college: Mapped[Agency | None] = relationship()

    def __str__(self) -> str:
        where = f" {self.college}" if self.college else ""
        return f"{self.programme} ปีการศึกษา {self.academic_year}{where}: {self.quota}"


class Student(TimestampMixin, VersionMixin, db.Model):
    __table_args__ = (
        UniqueConstraint("id_type", "id_value"),
        choice_check("id_type", IdentifierType),
        choice_check("level", StudentLevel, nullable=True),
        Index("ix_student_name", "first_name", "last_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    id_type: Mapped[str] = mapped_column(String(16), default=IdentifierType.NATIONAL_ID.value)
    id_value: Mapped[str] = mapped_column(String(16), index=True)
    prefix: Mapped[str | None] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(128))
    last_name: Mapped[str] = mapped_column(String(128))
    college_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    level: Mapped[str | None] = mapped_column(String(32))
    field: Mapped[str | None] = mapped_column(String(255))
    special_needs: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    college: Mapped[Agency | None] = relationship()
    awards: Mapped[list[ScholarshipAward]] = relationship(
        back_populates="student", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return f"{self.prefix or ''}{self.first_name} {self.last_name}"

    def __str__(self) -> str:
        return self.full_name


# Name search at a million rows: FTS5 (SQLite) or trigram (PostgreSQL) indexes outside this
# metadata, created with the person tables (search_index.py; the migration calls it too).
search_index.listen(Teacher.__table__, Student.__table__)


class ScholarshipAward(TimestampMixin, VersionMixin, db.Model):
    __table_args__ = (
        UniqueConstraint("programme_id", "student_id", "start_year"),
        choice_check("status", AwardStatus),
        CheckConstraint("start_year BETWEEN 2500 AND 2700", name="start_year_be"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), index=True
    )
    programme_id: Mapped[int] = mapped_column(ForeignKey("scholarship_programme.id"), index=True)
    start_year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(16), default=AwardStatus.STUDYING.value)
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)

    student: Mapped[Student] = relationship(back_populates="awards")
    programme: Mapped[ScholarshipProgramme] = relationship()
    events: Mapped[list[AwardEvent]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="AwardEvent.id"
    )

    def __str__(self) -> str:
        return f"{self.student} — {self.programme} ({self.start_year})"


class AwardEvent(db.Model):
    """One change of an award's status, dated like a placement's moves."""

    __table_args__ = (
        choice_check("from_status", AwardStatus, nullable=True),
        choice_check("to_status", AwardStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(
        ForeignKey("scholarship_award.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    # The day the change took effect (graduation day, say), and when it was recorded.
    effective_on: Mapped[dt.date] = mapped_column(Date)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    by: Mapped[str] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)

    award: Mapped[ScholarshipAward] = relationship(back_populates="events")

    def __str__(self) -> str:
        return f"{format_be(self.effective_on)} {AwardStatus(self.to_status).label}"


# --------------------------------------------------------------------------- letters


class OfficeSettings(TimestampMixin, VersionMixin, db.Model):
    """The office's own particulars for its letters (one row)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(Text)
    # The office's code before each letter number, e.g. "ศธ ๐๖๐๕".
    letter_prefix: Mapped[str] = mapped_column(String(64))
    signatory_name: Mapped[str | None] = mapped_column(String(255))
    # One line per line of the signature block under the name.
    signatory_position: Mapped[str | None] = mapped_column(Text)
    contact_unit: Mapped[str | None] = mapped_column(String(255))
    contact_phone: Mapped[str | None] = mapped_column(String(64))
    contact_email: Mapped[str | None] = mapped_column(String(255))
    # The Garuda emblem the office uploads (no package ships it); None leaves its space blank.
    emblem_path: Mapped[str | None] = mapped_column(String(255))

    def __str__(self) -> str:
        return self.name


class LetterTemplate(TimestampMixin, VersionMixin, db.Model):
    """The wording of a letter the office sends, editable by staff.

    subject, addressee and body may hold placeholders such as {college} and {fiscal_year}
    (processes.letters lists them).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(500))
    addressee: Mapped[str] = mapped_column(String(500))
    reference: Mapped[str | None] = mapped_column(String(500))
    enclosure: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    closing: Mapped[str] = mapped_column(String(255), default="ขอแสดงความนับถือ")

    def __str__(self) -> str:
        return self.name


class LetterCounter(db.Model):
    """The last number given out in a calendar year (BE): the register's running number."""

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class OutgoingLetter(db.Model):
    """One entry of the outgoing-letter register (ทะเบียนหนังสือส่ง), as issued."""

    __table_args__ = (UniqueConstraint("year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)  # BE calendar year of issue
    number: Mapped[int] = mapped_column(Integer)
    prefix: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[dt.date] = mapped_column(Date, index=True)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    issued_by: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(500))
    addressee: Mapped[str] = mapped_column(String(500))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("letter_template.id"), index=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("placement_round.id"), index=True)
    college_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    # The letter as issued, so a reprint says exactly what was sent.
    reference: Mapped[str | None] = mapped_column(String(500))
    enclosure: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    closing: Mapped[str] = mapped_column(String(255))
    # The attachment's rows (e.g. the eligible teachers), as printed.
    attachment: Mapped[list | None] = mapped_column(JSON)

    template: Mapped[LetterTemplate | None] = relationship()
    round: Mapped[PlacementRound | None] = relationship()
    college: Mapped[Agency | None] = relationship()

    @property
    def ref(self) -> str:
        return f"{self.prefix}/{to_thai_digits(str(self.number))}"

    def __str__(self) -> str:
        return f"{self.ref} {self.subject}"


# --------------------------------------------------------------------------- users and audit


class Role(Choice):
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"


Role.LABELS = {"admin": _l("Administrator"), "editor": _l("Editor"), "viewer": _l("Viewer")}


class User(UserMixin, TimestampMixin, VersionMixin, db.Model):
    __table_args__ = (choice_check("role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.VIEWER.value)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Part of the login session (auth.py): raised at logout, so a session saved before
    # it (a copied cookie) no longer logs anyone in.
    session_version: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users at login
        return bool(self.active)

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.ADMIN.value, Role.EDITOR.value)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    @property
    def sees_personal_data(self) -> bool:
        # The roles that may are configurable (PERSONAL_DATA_ROLES), as pdpa reads them.
        from pdpa_roles import personal_data_roles

        return self.is_active and self.role in personal_data_roles()

    def __str__(self) -> str:
        return self.email


class AuditLog(db.Model):
    """One change to one record, kept so every change is traceable (PDPA)."""

    __table_args__ = (Index("ix_audit_log_record", "table_name", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    user_email: Mapped[str | None] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(16))
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str | None] = mapped_column(String(64))
    changes: Mapped[dict | None] = mapped_column(JSON)
    # The import batch that made this change (None for a form, a button or a command).
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.table_name}#{self.record_id}"


# --------------------------------------------------------------------------- import history


class ImportStatus(Choice):
    CHECKING = "checking"
    PREVIEWED = "previewed"
    WRITING = "writing"
    WRITTEN = "written"
    REJECTED = "rejected"
    UNREADABLE = "unreadable"
    CANCELLED = "cancelled"
    FAILED = "failed"
    UNDONE = "undone"


ImportStatus.LABELS = {
    "checking": _l("Checking"),
    "previewed": _l("Waiting for confirmation"),
    "writing": _l("Writing"),
    "written": _l("Written"),
    "rejected": _l("Rejected, nothing written"),
    "unreadable": _l("File could not be read"),
    "cancelled": _l("Cancelled"),
    "failed": _l("Failed, nothing written"),
    "undone": _l("Undone"),
}


class ImportBatch(db.Model):
    """One uploaded file: who sent it, what it held, and what became of it."""

    __table_args__ = (choice_check("status", ImportStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    stored_path: Mapped[str] = mapped_column(String(500))
    user_email: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default=ImportStatus.CHECKING.value)
    skip_invalid: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    options: Mapped[dict | None] = mapped_column(JSON)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[str | None] = mapped_column(String(32))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    # The process working on a checking or writing batch ("host:pid:start"), so a batch
    # whose process died (a restart) can be told from one still at work.
    worker: Mapped[str | None] = mapped_column(String(128))
    # An undo is a batch of its own that names the batch it took back.
    undo_of_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str | None] = mapped_column(String(255))

    def __str__(self) -> str:
        return f"{self.filename} ({self.kind}, {self.created_at:%Y-%m-%d %H:%M})"


# --------------------------------------------------------------------------- sign-in security


class LoginAttempt(db.Model):
    """One try to log in, kept a day to throttle guessing per account and per address."""

    __table_args__ = (
        Index("ix_login_attempt_email_at", "email", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    email: Mapped[str] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
