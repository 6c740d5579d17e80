"""Curriculum alignment: how fully a curriculum covers a qualification's units of competence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from models import (
    CompetencyUnit,
    Coverage,
    Curriculum,
    CurriculumUnit,
    Qualification,
    qualification_unit,
)
from reports.filters import clean, describe
from reports.model import (
    Block,
    Column,
    Facts,
    Filter,
    FilterError,
    Mark,
    Note,
    Report,
    ReportDefinition,
    Table,
    Viewer,
)
from reports.words import lt, t

NEITHER_GIVEN = lt("ให้ระบุหลักสูตรหรือคุณวุฒิวิชาชีพอย่างน้อยหนึ่งอย่าง")
NOT_COVERED = lt("ไม่ครอบคลุม")
SHORT_LEGEND = lt("แถวที่ทำเครื่องหมาย: หน่วยสมรรถนะที่หลักสูตรยังไม่ครอบคลุม")
RULE = lt(
    "ร้อยละการครอบคลุม = (จำนวนหน่วยที่ครอบคลุมเต็ม × 1 + จำนวนหน่วยที่ครอบคลุมบางส่วน × 0.5) ÷"
    " จำนวนหน่วยสมรรถนะทั้งหมดของคุณวุฒิวิชาชีพ × 100 หน่วยที่หลักสูตรไม่ได้เทียบเคียงไว้นับเป็นไม่ครอบคลุม"
)

UNIT_COLUMNS = [
    Column("code", lt("รหัสหน่วยสมรรถนะ"), "code"),
    Column("title", lt("ชื่อหน่วยสมรรถนะ")),
    Column("coverage", lt("การครอบคลุม")),
    Column("notes", lt("หมายเหตุ")),
]
TALLY_COLUMNS = [
    Column("full", lt("ครอบคลุมเต็ม"), "int"),
    Column("partial", lt("ครอบคลุมบางส่วน"), "int"),
    Column("none", NOT_COVERED, "int"),
    Column("percent", lt("ร้อยละการครอบคลุม"), "percent"),
]

Record = TypeVar("Record", Curriculum, Qualification)


def record_parser(model: type[Record], label: str) -> Callable[[Session, str], Record]:
    """A curriculum or qualification by its code (any case) or its exact title."""

    def parse(session: Session, text: str) -> Record:
        key = clean(text)
        exact = session.scalar(select(model).where(model.code == key))
        if exact is not None:
            return exact
        found = session.scalars(
            select(model)
            .where(or_(func.lower(model.code) == key.lower(), model.title == key))
            .limit(2)
        ).all()
        if not found:
            raise FilterError(
                t('ไม่พบ%(label)s "%(text)s" ในระบบ ให้ระบุรหัสหรือชื่อเต็ม', label=label, text=text)
            )
        if len(found) > 1:
            raise FilterError(
                t('"%(text)s" ตรงกับ%(label)sมากกว่าหนึ่งรายการ ให้ระบุรหัสแทน', text=text, label=label)
            )
        return found[0]

    return parse


def record_choices(model: type[Record]) -> Callable[[Session], list[tuple[str, str]]]:
    def choices(session: Session) -> list[tuple[str, str]]:
        return [
            (code, f"{code} {title}")
            for code, title in session.execute(select(model.code, model.title).order_by(model.code))
        ]

    return choices


def curriculum() -> Filter:
    return Filter(
        "curriculum",
        lt("หลักสูตร"),
        record_parser(Curriculum, lt("หลักสูตร")),
        choices=record_choices(Curriculum),
        describe=lambda session, value: f"{value.code} {value.title}",
        help=lt("รหัสหรือชื่อเต็มของหลักสูตร"),
    )


def qualification() -> Filter:
    return Filter(
        "qualification",
        lt("คุณวุฒิวิชาชีพ"),
        record_parser(Qualification, lt("คุณวุฒิวิชาชีพ")),
        choices=record_choices(Qualification),
        describe=lambda session, value: str(value),
        help=lt("รหัสหรือชื่อเต็มของคุณวุฒิวิชาชีพ"),
    )


@dataclass
class Tally:
    """How many of a qualification's units a curriculum covers fully, partly or not at all."""

    full: int = 0
    partial: int = 0
    none: int = 0

    @property
    def units(self) -> int:
        return self.full + self.partial + self.none

    @property
    def percent(self) -> float | None:
        """Full counts 1, partial 0.5, over all the qualification's units; None without units."""
        if not self.units:
            return None
        return round((self.full + 0.5 * self.partial) * 100 / self.units, 1)

    def row(self) -> dict[str, Any]:
        return {
            "full": self.full,
            "partial": self.partial,
            "none": self.none,
            "percent": self.percent,
        }

    def facts(self, title: str | None = None) -> Facts:
        percent = "-" if self.percent is None else f"{self.percent:.1f}"
        return Facts(
            [
                (t("จำนวนหน่วยสมรรถนะของคุณวุฒิ"), f"{self.units:,}"),
                (t("ครอบคลุมเต็ม"), f"{self.full:,}"),
                (t("ครอบคลุมบางส่วน"), f"{self.partial:,}"),
                (NOT_COVERED, f"{self.none:,}"),
                (t("ร้อยละการครอบคลุม"), percent),
            ],
            title=title,
        )


def coverage_labels() -> dict[str | None, str]:
    """Each coverage's Thai label (None: no alignment row), whatever the reader's language."""
    labels: dict[str | None, str] = dict(Coverage.labels())
    labels[None] = str(NOT_COVERED)
    return labels


class AlignmentReport(ReportDefinition):
    """Compare curricula with qualifications: which units each covers fully, partly or not.

    With a curriculum and a qualification: the qualification's units one by one. With only
    a curriculum: one section per qualification it touches. With only a qualification:
    every curriculum aligned to any of its units, best covering first.
    """

    name = "alignment"
    title = lt("การเทียบเคียงหลักสูตรกับมาตรฐานอาชีพ")
    description = lt("หน่วยสมรรถนะของคุณวุฒิวิชาชีพที่หลักสูตรครอบคลุมเต็ม บางส่วน หรือไม่ครอบคลุม")
    filters = (curriculum(), qualification())

    def build(self, session: Session, values: dict[str, Any], viewer: Viewer) -> Report:
        """Build the comparison for a curriculum, a qualification or both."""
        chosen_curriculum: Curriculum | None = values.get("curriculum")
        chosen_qualification: Qualification | None = values.get("qualification")
        labels = coverage_labels()
        if chosen_curriculum is None:
            if chosen_qualification is None:
                raise FilterError(NEITHER_GIVEN)
            blocks = self.by_qualification(session, chosen_qualification)
        elif chosen_qualification is None:
            blocks = self.by_curriculum(session, chosen_curriculum, labels)
        else:
            blocks = self.one_pair(session, chosen_curriculum, chosen_qualification, labels)
        return Report(
            self.name,
            self.title,
            [
                (f.label, describe(f, session, values[f.name]))
                for f in self.filters
                if values.get(f.name) is not None
            ],
            blocks,
            landscape=self.landscape,
        )

    def one_pair(
        self,
        session: Session,
        curriculum: Curriculum,
        qualification: Qualification,
        labels: dict[str | None, str],
    ) -> list[Block]:
        """The qualification's units against the curriculum's alignment rows."""
        aligned = alignments(session, curriculum)
        tally, table = unit_table(qualification.units, aligned, labels)
        return [tally.facts(t("สรุปการครอบคลุม")), Note(RULE), table]

    def by_curriculum(
        self, session: Session, curriculum: Curriculum, labels: dict[str | None, str]
    ) -> list[Block]:
        """One section per qualification that has any unit the curriculum is aligned to."""
        aligned = alignments(session, curriculum)
        qualifications = related_qualifications(session, curriculum)
        if not qualifications:
            return [Note(t("หลักสูตรนี้ยังไม่ได้เทียบเคียงกับหน่วยสมรรถนะของคุณวุฒิวิชาชีพใด"))]

        sections: list[Block] = []
        overview: list[dict[str, Any]] = []
        for each in qualifications:
            tally, table = unit_table(each.units, aligned, labels)
            sections += [tally.facts(t("คุณวุฒิวิชาชีพ %(each)s", each=each)), table]
            overview.append({"code": each.code, "title": each.title, **tally.row()})
        blocks: list[Block] = [Note(RULE)]
        if len(qualifications) > 1:
            blocks.append(
                Table(
                    [
                        Column("code", t("รหัสคุณวุฒิ"), "code"),
                        Column("title", t("คุณวุฒิวิชาชีพ")),
                        *TALLY_COLUMNS,
                    ],
                    overview,
                    title=t("สรุปรายคุณวุฒิวิชาชีพ"),
                )
            )
        return blocks + sections

    def by_qualification(self, session: Session, qualification: Qualification) -> list[Block]:
        """Every curriculum aligned to any of the qualification's units, best covering first."""
        units = len(qualification.units)
        tallies: dict[int, Tally] = defaultdict(Tally)
        counts = session.execute(
            select(CurriculumUnit.curriculum_id, CurriculumUnit.coverage, func.count())
            .where(
                CurriculumUnit.unit_id.in_(
                    select(qualification_unit.c.unit_id).where(
                        qualification_unit.c.qualification_id == qualification.id
                    )
                )
            )
            .group_by(CurriculumUnit.curriculum_id, CurriculumUnit.coverage)
        )
        for curriculum_id, coverage, count in counts:
            tally = tallies[curriculum_id]
            if coverage == Coverage.FULL:
                tally.full += count
            else:
                tally.partial += count
        for tally in tallies.values():
            tally.none = units - tally.full - tally.partial

        curricula = (
            session.execute(
                select(Curriculum.id, Curriculum.code, Curriculum.title).where(
                    Curriculum.id.in_(list(tallies))
                )
            ).all()
            if tallies
            else []
        )
        rows = [
            {"code": code, "title": title, **tallies[curriculum_id].row()}
            for curriculum_id, code, title in curricula
        ]
        rows.sort(key=lambda row: (-(row["percent"] or 0), row["code"]))
        table = Table(
            [
                Column("code", t("รหัสหลักสูตร"), "code"),
                Column("title", t("ชื่อหลักสูตร")),
                *TALLY_COLUMNS,
            ],
            rows,
            title=t("หลักสูตรที่เทียบเคียงกับคุณวุฒิวิชาชีพ %(qualification)s", qualification=qualification),
            empty=t("ยังไม่มีหลักสูตรที่เทียบเคียงกับหน่วยสมรรถนะของคุณวุฒิวิชาชีพนี้"),
        )
        summary = Facts(
            [
                (t("จำนวนหน่วยสมรรถนะของคุณวุฒิ"), f"{units:,}"),
                (t("จำนวนหลักสูตรที่เทียบเคียง"), f"{len(rows):,}"),
            ],
            title=t("สรุป"),
        )
        return [summary, Note(RULE), table]


def related_qualifications(session: Session, curriculum: Curriculum) -> list[Qualification]:
    """The qualifications with a unit the curriculum is aligned to, by code (units loaded)."""
    return list(
        session.scalars(
            select(Qualification)
            .where(
                Qualification.id.in_(
                    select(qualification_unit.c.qualification_id).where(
                        qualification_unit.c.unit_id.in_(
                            select(CurriculumUnit.unit_id).where(
                                CurriculumUnit.curriculum_id == curriculum.id
                            )
                        )
                    )
                )
            )
            .options(selectinload(Qualification.units))
            .order_by(Qualification.code)
        )
    )


def alignments(session: Session, curriculum: Curriculum) -> dict[int, tuple[str, str | None]]:
    """The curriculum's alignment rows: unit id -> (coverage, notes)."""
    return {
        unit_id: (coverage, notes)
        for unit_id, coverage, notes in session.execute(
            select(CurriculumUnit.unit_id, CurriculumUnit.coverage, CurriculumUnit.notes).where(
                CurriculumUnit.curriculum_id == curriculum.id
            )
        )
    }


def unit_table(
    units: Sequence[CompetencyUnit],
    aligned: dict[int, tuple[str, str | None]],
    labels: dict[str | None, str],
) -> tuple[Tally, Table]:
    """One row per unit with its coverage; units with no alignment row are marked short."""
    tally = Tally()
    rows: list[dict[str, Any]] = []
    marks: dict[int, Mark] = {}
    for index, unit in enumerate(units):
        coverage, notes = aligned.get(unit.id, (None, None))
        if coverage == Coverage.FULL:
            tally.full += 1
        elif coverage == Coverage.PARTIAL:
            tally.partial += 1
        else:
            tally.none += 1
            marks[index] = "short"
        rows.append(
            {"code": unit.code, "title": unit.title, "coverage": labels[coverage], "notes": notes}
        )
    table = Table(
        UNIT_COLUMNS,
        rows,
        marks=marks,
        legend=str(SHORT_LEGEND) if marks else None,
        empty=t("คุณวุฒิวิชาชีพนี้ยังไม่มีหน่วยสมรรถนะ"),
    )
    return tally, table
