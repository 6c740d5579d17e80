"""Occupational standards (TPQI lists): one row per unit of competence within a qualification.

Rows repeat their qualification (and a unit may sit in several qualifications), so what a
file says about a qualification or a unit is gathered from all its rows first: the first
value given wins, a later row that says otherwise is rejected, and a blank cell says
nothing. Sectors and occupations are made as the file names them; qualifications and
units are upserted by code and linked without duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from importers import cells
from importers.cells import key_text
from importers.columns import Column
from importers.core import NEW, UNCHANGED, UPDATED, Importer, Row
from models import CompetencyUnit, Occupation, Qualification, Sector, qualification_unit

# What the file says about a qualification, by column name; compared ignoring case and spaces.
QUALIFICATION_COLUMNS = ("qualification", "level", "sector", "occupation")
NAMED = ("sector", "occupation")


@dataclass
class Said:
    """The values a file gives a qualification or unit: {column: (value, first row)}."""

    values: dict[str, tuple[Any, int]] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        return self.values[name][0] if name in self.values else None


class StandardImporter(Importer):
    kind = "standards"
    label = "มาตรฐานอาชีพ (คุณวุฒิวิชาชีพและหน่วยสมรรถนะ)"
    key_column = "unit_code"
    columns = (
        Column(
            "sector",
            ("สาขาวิชาชีพ", "sector"),
            cells.text,
            help="ต้องระบุคู่กับอาชีพ",
            example="ยานยนต์",
        ),
        Column(
            "occupation",
            ("อาชีพ", "occupation"),
            cells.text,
            help="ต้องระบุคู่กับสาขาวิชาชีพ",
            example="ช่างเครื่องยนต์ดีเซล",
        ),
        Column(
            "qualification_code",
            ("รหัสคุณวุฒิ", "qualification_code", "รหัสคุณวุฒิวิชาชีพ"),
            cells.code,
            required=True,
            example="Q-AUT-4",
        ),
        Column(
            "qualification",
            ("ชื่อคุณวุฒิ", "qualification", "ชื่อคุณวุฒิวิชาชีพ", "คุณวุฒิวิชาชีพ"),
            cells.text,
            help="ต้องระบุสำหรับคุณวุฒิที่ยังไม่มีในระบบ (อย่างน้อยหนึ่งแถว)",
            example="ช่างเครื่องยนต์ดีเซล ระดับ 4",
        ),
        Column(
            "level",
            ("ระดับ", "level", "ระดับคุณวุฒิ", "ชั้น"),
            cells.level,
            help='เลข 1 ถึง 8 เช่น "4" "ระดับ 4" หรือ "ชั้น 4"',
            example="ระดับ 4",
        ),
        Column(
            "unit_code",
            ("รหัสหน่วยสมรรถนะ", "unit_code", "รหัสหน่วย"),
            cells.code,
            required=True,
            help="เก็บตามที่เขียน เช่น ECM-ZZZ-5-011ZA, ICT-QLIP-401B, 10201",
            example="AUT-MEC-4-220B",
        ),
        Column(
            "unit_title",
            ("ชื่อหน่วยสมรรถนะ", "unit_title", "หน่วยสมรรถนะ"),
            cells.text,
            help="ต้องระบุสำหรับหน่วยสมรรถนะที่ยังไม่มีในระบบ",
            example="วิเคราะห์ข้อขัดข้องเครื่องยนต์ดีเซล",
        ),
    )
    required_columns = ((("qualification_code",),), (("unit_code",),))
    instructions = "หนึ่งแถวต่อหนึ่งหน่วยสมรรถนะในคุณวุฒิ แถวของคุณวุฒิเดียวกันต้องมีชื่อ ระดับ สาขาวิชาชีพและอาชีพตรงกัน"

    # ------------------------------------------------------------------ prepare

    def prepare(self, rows: list[Row]) -> None:
        qcodes = {row.values.get("qualification_code") for row in rows} - {None}
        ucodes = {row.values.get("unit_code") for row in rows} - {None}
        self.qualifications = {
            q.code: q
            for q in self.session.scalars(
                select(Qualification)
                .where(Qualification.code.in_(qcodes))
                .options(selectinload(Qualification.occupation).selectinload(Occupation.sector))
            )
        }
        self.units = {
            u.code: u
            for u in self.session.scalars(
                select(CompetencyUnit).where(CompetencyUnit.code.in_(ucodes))
            )
        }
        links = select(qualification_unit.c.qualification_id, qualification_unit.c.unit_id).where(
            qualification_unit.c.qualification_id.in_([q.id for q in self.qualifications.values()])
        )
        self.links = {(q_id, u_id) for q_id, u_id in self.session.execute(links)}
        self.said_q: dict[str, Said] = {}
        self.said_u: dict[str, Said] = {}
        super().prepare(rows)
        for row in rows:
            self.require_new(row)

    def prepare_row(self, row: Row) -> None:
        values = row.values
        self.require(row, "qualification_code", "unit_code")
        qcode, ucode = values.get("qualification_code"), values.get("unit_code")
        if qcode is not None and ucode is not None:
            row.key = (qcode, ucode)
        sector, occupation = values.get("sector"), values.get("occupation")
        if occupation is not None and sector is None:
            self.problem(row, "sector", "ระบุอาชีพแล้วต้องระบุสาขาวิชาชีพของอาชีพนั้นด้วย")
        if sector is not None and occupation is None:
            self.problem(row, "occupation", "ระบุสาขาวิชาชีพแล้วต้องระบุอาชีพด้วย")
        if qcode is not None:
            said = self.said_q.setdefault(qcode, Said())
            # A sector or an occupation alone (already reported) says nothing about either.
            paired = (sector is None) == (occupation is None)
            for name in QUALIFICATION_COLUMNS:
                if paired or name not in NAMED:
                    self.gather(row, said, name, "qualification_code", qcode)
        if ucode is not None:
            self.gather(
                row, self.said_u.setdefault(ucode, Said()), "unit_title", "unit_code", ucode
            )

    def gather(self, row: Row, said: Said, name: str, code_column: str, code: str) -> None:
        """Keep the first value the file gives; reject a later row that gives another."""
        value = row.values.get(name)
        if value is None:
            return
        if name not in said.values:
            said.values[name] = (value, row.number)
            return
        first, number = said.values[name]
        if same(first, value):
            return
        self.problem(
            row,
            name,
            f'{self.header(code_column)} "{code}" ในแถวที่ {number} มี{self.header(name)} '
            f'"{first}" แต่แถวนี้เป็น "{value}" ทุกแถวของรหัสเดียวกันต้องระบุให้ตรงกัน',
        )

    def require_new(self, row: Row) -> None:
        """A qualification or unit not yet stored needs its title (and level) somewhere."""
        if row.key is None:
            return
        qcode, ucode = row.key
        if qcode not in self.qualifications:
            for name in ("qualification", "level"):
                if self.said_q[qcode].get(name) is None and not self.has_problem(row, name):
                    self.problem(
                        row,
                        name,
                        f'ไม่ได้ระบุ{self.header(name)} (คุณวุฒิ "{qcode}" ยังไม่มีในระบบ '
                        "ต้องระบุในแถวใดแถวหนึ่งของคุณวุฒินี้)",
                    )
        if ucode not in self.units and self.said_u[ucode].get("unit_title") is None:
            if not self.has_problem(row, "unit_title"):
                self.problem(
                    row,
                    "unit_title",
                    f'ไม่ได้ระบุ{self.header("unit_title")} (หน่วยสมรรถนะ "{ucode}" ยังไม่มีในระบบ)',
                )

    # ------------------------------------------------------------------ compare

    def compare(self, rows: list[Row]) -> None:
        # A qualification's or unit's changes are told once, on its first valid row.
        told: set[tuple[str, str]] = set()
        for row in rows:
            qcode, ucode = row.key
            qualification = self.qualifications.get(qcode)
            unit = self.units.get(ucode)
            if qualification is not None:
                row.record_id = qualification.id
                if ("q", qcode) not in told:
                    told.add(("q", qcode))
                    self.diff_said(row, self.said_q[qcode], stored_qualification(qualification))
            if unit is not None and ("u", ucode) not in told:
                told.add(("u", ucode))
                self.diff_said(row, self.said_u[ucode], {"unit_title": unit.title})
            linked = (
                qualification is not None
                and unit is not None
                and (qualification.id, unit.id) in self.links
            )
            if not linked:
                row.outcome = NEW
            else:
                row.outcome = UPDATED if row.changes else UNCHANGED

    @staticmethod
    def diff_said(row: Row, said: Said, stored: dict[str, Any]) -> None:
        for name, old in stored.items():
            new = said.get(name)
            if new is None:
                continue
            # Sectors and occupations are found by name; titles are stored as written.
            changed = not same(old, new) if name in NAMED else old != new
            if changed:
                row.changes[name] = (old, new)

    # ------------------------------------------------------------------ write

    def write(self, rows: list[Row]) -> None:
        self.sectors = {key_text(s.name_th): s for s in self.session.scalars(select(Sector))}
        self.occupations: dict[tuple[str, str], Occupation] = {}
        self.written_q: dict[str, Qualification] = {}
        self.written_u: dict[str, CompetencyUnit] = {}
        for row in rows:
            qcode, ucode = row.key
            qualification = self.write_qualification(qcode)
            unit = self.write_unit(ucode)
            if unit not in qualification.units:
                qualification.units.append(unit)
        self.session.flush()

    def write_qualification(self, code: str) -> Qualification:
        if code in self.written_q:
            return self.written_q[code]
        said = self.said_q[code]
        qualification = self.qualifications.get(code)
        if qualification is None:
            qualification = Qualification(code=code)
            self.session.add(qualification)
        for name, attribute in (("qualification", "title"), ("level", "level")):
            value = said.get(name)
            if value is not None and getattr(qualification, attribute) != value:
                setattr(qualification, attribute, value)
        sector, occupation = said.get("sector"), said.get("occupation")
        if sector is not None and occupation is not None:
            stored = stored_qualification(qualification)
            if not (same(stored["sector"], sector) and same(stored["occupation"], occupation)):
                qualification.occupation = self.occupation(sector, occupation)
        self.written_q[code] = qualification
        return qualification

    def write_unit(self, code: str) -> CompetencyUnit:
        if code in self.written_u:
            return self.written_u[code]
        title = self.said_u[code].get("unit_title")
        unit = self.units.get(code)
        if unit is None:
            unit = CompetencyUnit(code=code, title=title)
            self.session.add(unit)
        elif title is not None and unit.title != title:
            unit.title = title
        self.written_u[code] = unit
        return unit

    def occupation(self, sector_name: str, name: str) -> Occupation:
        """Find an occupation by its sector and name, or make it (and its sector)."""
        key = (key_text(sector_name), key_text(name))
        if key in self.occupations:
            return self.occupations[key]
        sector = self.sectors.get(key[0])
        if sector is None:
            sector = Sector(name_th=sector_name)
            self.session.add(sector)
            self.sectors[key[0]] = sector
        # Names match ignoring case and spaces, as references do everywhere in imports.
        found = next((o for o in sector.occupations if key_text(o.name_th) == key[1]), None)
        if found is None:
            found = Occupation(name_th=name, sector=sector)
            self.session.add(found)
        self.occupations[key] = found
        return found


def stored_qualification(qualification: Qualification) -> dict[str, Any]:
    occupation = qualification.occupation
    return {
        "qualification": qualification.title,
        "level": qualification.level,
        "sector": occupation.sector.name_th if occupation else None,
        "occupation": occupation.name_th if occupation else None,
    }


def same(old: Any, new: Any) -> bool:
    """Compare stored and file values; text ignoring case and spaces."""
    if isinstance(old, str) and isinstance(new, str):
        return key_text(old) == key_text(new)
    return old == new
