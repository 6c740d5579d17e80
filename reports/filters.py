"""The filters reports share: years, places, agencies and choices, each with a Thai message.

A filter's text comes from a form field or a CLI option; parse() turns it into what a
report's build() uses (a BE year, a Region, an Agency, a choice code) or raises
FilterError naming the filter and what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models import Agency, AgencyKind, Choice, PlacementRound, Province, Region
from reports.model import Filter, FilterError
from reports.words import lt, t
from thai.dates import english, parse_be_year
from thai.digits import to_arabic_digits
from thai.text import normalize_text


def clean(text: str) -> str:
    return normalize_text(to_arabic_digits(str(text))).strip()


def place_name(place: Region | Province | Agency) -> str:
    """A place's or agency's name in the printout's language (Thai when it has no other)."""
    return (english() and place.name_en) or place.name_th


def year_parser(label: Any) -> Callable[[Session, str], int]:
    """A BE year ("2568", "๒๕๖๘", "68", 2025 CE) within 2500-2600."""

    def parse(session: Session, text: str) -> int:
        try:
            year = parse_be_year(clean(text))
        except ValueError:
            raise FilterError(bad_year(label, text)) from None
        if not 2500 <= year <= 2600:
            raise FilterError(bad_year(label, text))
        return year

    return parse


def bad_year(label: Any, text: str) -> str:
    return t('%(label)s "%(text)s" ไม่ถูกต้อง ให้ระบุปี พ.ศ. เช่น 2568', label=label, text=text)


def fiscal_year_choices(session: Session) -> list[tuple[str, str]]:
    """The fiscal years that have a placement round, newest first."""
    years = session.scalars(
        select(PlacementRound.fiscal_year).order_by(PlacementRound.fiscal_year.desc())
    )
    return [(str(year), str(year)) for year in years]


def fiscal_year(required: bool = True) -> Filter:
    return Filter(
        "fiscal_year",
        lt("ปีงบประมาณ"),
        year_parser(lt("ปีงบประมาณ")),
        required=required,
        choices=fiscal_year_choices,
        help=lt("ปี พ.ศ. เช่น 2568 (1 ต.ค. 2567 - 30 ก.ย. 2568)"),
    )


def academic_year(required: bool = True) -> Filter:
    return Filter(
        "academic_year",
        lt("ปีการศึกษา"),
        year_parser(lt("ปีการศึกษา")),
        required=required,
        help=lt("ปี พ.ศ. เช่น 2566"),
    )


def parse_region(session: Session, text: str) -> Region:
    key = clean(text)
    region = session.scalar(
        select(Region).where(
            or_(
                Region.code == key,
                Region.name_th == key,
                func.lower(Region.name_en) == key.lower(),
                Region.name_th == f"ภาค{key}",
            )
        )
    )
    if region is None:
        names = ", ".join(session.scalars(select(Region.name_th).order_by(Region.id)))
        raise FilterError(t('ไม่พบภาค "%(text)s" (มี %(names)s)', text=text, names=names))
    return region


def region() -> Filter:
    return Filter(
        "region",
        lt("ภาค"),
        parse_region,
        choices=lambda session: [
            (r.code, place_name(r)) for r in session.scalars(select(Region).order_by(Region.id))
        ],
        describe=lambda session, value: place_name(value),
    )


def parse_province(session: Session, text: str) -> Province:
    key = clean(text).removeprefix("จังหวัด").removeprefix("จ.").strip()
    province = session.scalar(
        select(Province).where(
            or_(
                Province.code == key,
                Province.name_th == key,
                func.lower(Province.name_en) == key.lower(),
            )
        )
    )
    if province is None:
        raise FilterError(
            t('ไม่พบจังหวัด "%(text)s" ให้ระบุชื่อจังหวัดหรือรหัสจังหวัด เช่น ลำปาง หรือ 52', text=text)
        )
    return province


def province() -> Filter:
    return Filter(
        "province",
        lt("จังหวัด"),
        parse_province,
        choices=lambda session: [
            (p.code, place_name(p))
            for p in session.scalars(select(Province).order_by(Province.name_th))
        ],
        describe=lambda session, value: place_name(value),
    )


def agency_parser(label: Any, kinds: Sequence[str] = ()) -> Callable[[Session, str], Agency]:
    """An agency by code, abbreviation, Thai or English name (of the given kinds, if any)."""

    def parse(session: Session, text: str) -> Agency:
        key = clean(text)
        query = select(Agency).where(
            or_(
                func.lower(Agency.code) == key.lower(),
                Agency.name_th == key,
                Agency.abbreviation == key,
                func.lower(Agency.name_en) == key.lower(),
            )
        )
        if kinds:
            query = query.where(Agency.kind.in_(kinds))
        found = session.scalars(query.limit(2)).all()
        if not found:
            raise FilterError(
                t('ไม่พบ%(label)s "%(text)s" ในระบบ ให้ระบุรหัสหรือชื่อเต็ม', label=label, text=text)
            )
        if len(found) > 1:
            raise FilterError(
                t('"%(text)s" ตรงกับ%(label)sมากกว่าหนึ่งแห่ง ให้ระบุรหัสแทน', label=label, text=text)
            )
        return found[0]

    return parse


def college() -> Filter:
    return Filter(
        "college",
        lt("สถานศึกษา"),
        agency_parser(lt("สถานศึกษา"), (AgencyKind.COLLEGE.value, AgencyKind.TRAINING_SCHOOL.value)),
        describe=lambda session, value: place_name(value),
        help=lt("รหัสหรือชื่อสถานศึกษา เช่น C5201"),
    )


def partner() -> Filter:
    return Filter(
        "partner",
        lt("คู่ความร่วมมือ"),
        agency_parser(lt("หน่วยงาน")),
        describe=lambda session, value: place_name(value),
        help=lt("รหัส ชื่อย่อ หรือชื่อหน่วยงาน เช่น TPQI หรือ สคช."),
    )


def choice(name: str, label: Any, enum: type[Choice]) -> Filter:
    """One value of an enumeration, by code or by its Thai or English label."""

    def parse(session: Session, text: str) -> str:
        key = clean(text)
        for member in enum:
            if key.lower() in (member.value, str(member.label).lower()):
                return member.value
        names = ", ".join(str(member.label) for member in enum)
        raise FilterError(
            t(
                '%(label)s "%(text)s" ไม่ถูกต้อง (เลือกได้: %(names)s)',
                label=label,
                text=text,
                names=names,
            )
        )

    return Filter(
        name,
        label,
        parse,
        choices=lambda session: [(m.value, m.label) for m in enum],
        describe=lambda session, value: enum(value).label,
    )


def describe(filter_: Filter, session: Session, value: Any) -> str:
    """How a parsed filter value reads in a report's header."""
    if filter_.describe is not None:
        return filter_.describe(session, value)
    return str(value)
