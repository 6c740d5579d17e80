"""Occupational standards (TPQI lists): one row per unit of competence within a qualification.

Rows repeat their qualification (and a unit may sit in several qualifications), so what a
file says about a qualification or a unit is gathered from all its rows first: the first
value given wins, a later row that says otherwise is rejected, and a blank cell says
nothing. Sectors and occupations are made as the file names them; qualifications and
units are upserted by code and linked without duplicates.

Gathering is taken in file order (the first value wins), one pass over arrays prepared
column by column; everything looked up is loaded before it, one query per table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from importers import cells
from importers.cells import key_text
from importers.columns import Column
from importers.importer import Importer
from importers.results import NEW, UNCHANGED, UPDATED, RowTable, objects
from importers.store import in_chunks
from models import CompetencyUnit, Occupation, Qualification, Sector

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
    record_model = Qualification
    label = _l("Occupational standards (qualifications and competency units)")
    key_column = "unit_code"
    columns = (
        Column(
            "sector",
            ("สาขาวิชาชีพ", "sector"),
            cells.text,
            help=_l("Give it together with the occupation"),
            example="ยานยนต์",
        ),
        Column(
            "occupation",
            ("อาชีพ", "occupation"),
            cells.text,
            help=_l("Give it together with the occupational field"),
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
            help=_l("Required for a qualification not yet in the system (in at least one row)"),
            example="ช่างเครื่องยนต์ดีเซล ระดับ 4",
        ),
        Column(
            "level",
            ("ระดับ", "level", "ระดับคุณวุฒิ", "ชั้น"),
            cells.level,
            help=_l('A number from 1 to 8, e.g. "4", "ระดับ 4" or "ชั้น 4"'),
            example="ระดับ 4",
        ),
        Column(
            "unit_code",
            ("รหัสหน่วยสมรรถนะ", "unit_code", "รหัสหน่วย"),
            cells.code,
            required=True,
            help=_l("Kept as written, e.g. ECM-ZZZ-5-011ZA, ICT-QLIP-401B, 10201"),
            example="AUT-MEC-4-220B",
        ),
        Column(
            "unit_title",
            ("ชื่อหน่วยสมรรถนะ", "unit_title", "หน่วยสมรรถนะ"),
            cells.text,
            help=_l("Required for a competency unit not yet in the system"),
            example="วิเคราะห์ข้อขัดข้องเครื่องยนต์ดีเซล",
        ),
    )
    required_columns = ((("qualification_code",),), (("unit_code",),))
    instructions = _l(
        "One row per competency unit of a qualification; the rows of one qualification must agree "
        "on its name, level, occupational field and occupation"
    )

    # ------------------------------------------------------------------ prepare

    def prepare(self, rows: RowTable) -> None:
        qcodes, ucodes = rows.get("qualification_code"), rows.get("unit_code")
        self.load_stored(
            {code for code in qcodes if code is not None},
            {code for code in ucodes if code is not None},
        )
        self.said_q: dict[str, Said] = {}
        self.said_u: dict[str, Said] = {}
        self.require(rows, "qualification_code", "unit_code")
        sectors, occupations = rows.get("sector"), rows.get("occupation")
        no_sector, no_occupation = np.equal(sectors, None), np.equal(occupations, None)
        self.problems(
            rows,
            ~no_occupation & no_sector,
            "sector",
            "ระบุอาชีพแล้วต้องระบุสาขาวิชาชีพของอาชีพนั้นด้วย",
        )
        self.problems(
            rows, ~no_sector & no_occupation, "occupation", "ระบุสาขาวิชาชีพแล้วต้องระบุอาชีพด้วย"
        )
        # A sector or an occupation alone (already reported) says nothing about either.
        paired = no_sector == no_occupation
        keyed = np.not_equal(qcodes, None) & np.not_equal(ucodes, None)
        rows.key[keyed] = objects(list(zip(qcodes[keyed], ucodes[keyed], strict=True)))
        said_columns = {name: rows.get(name) for name in QUALIFICATION_COLUMNS}
        titles = rows.get("unit_title")
        headers = {
            name: self.header(name)
            for name in ("qualification_code", "unit_code", "unit_title", *QUALIFICATION_COLUMNS)
        }
        numbers = rows.numbers.tolist()
        # In file order: the first value a file gives a qualification or unit wins.
        for position in range(len(rows)):
            qcode, ucode = qcodes[position], ucodes[position]
            if qcode is not None:
                said = self.said_q.get(qcode)
                if said is None:
                    said = self.said_q[qcode] = Said()
                for name in QUALIFICATION_COLUMNS:
                    if paired[position] or name not in NAMED:
                        value = said_columns[name][position]
                        if value is not None:
                            self.gather(
                                rows,
                                position,
                                numbers[position],
                                said,
                                name,
                                value,
                                headers["qualification_code"],
                                headers[name],
                                qcode,
                            )
            if ucode is not None and titles[position] is not None:
                said = self.said_u.get(ucode)
                if said is None:
                    said = self.said_u[ucode] = Said()
                self.gather(
                    rows,
                    position,
                    numbers[position],
                    said,
                    "unit_title",
                    titles[position],
                    headers["unit_code"],
                    headers["unit_title"],
                    ucode,
                )
        self.require_new(rows, headers)

    def load_stored(self, qcodes: set[str], ucodes: set[str]) -> None:
        """The file's qualifications (with occupation, sector and units) and units, by code."""
        self.qualifications: dict[str, Qualification] = {}
        for codes in in_chunks(qcodes):
            query = (
                select(Qualification)
                .where(Qualification.code.in_(codes))
                .options(
                    selectinload(Qualification.occupation).selectinload(Occupation.sector),
                    selectinload(Qualification.units),
                )
            )
            self.qualifications.update((q.code, q) for q in self.session.scalars(query))
        self.units: dict[str, CompetencyUnit] = {}
        for codes in in_chunks(ucodes):
            query = select(CompetencyUnit).where(CompetencyUnit.code.in_(codes))
            self.units.update((u.code, u) for u in self.session.scalars(query))
        # Links stored, by codes; the units of a qualification are loaded with it.
        self.links = {(q.code, u.code) for q in self.qualifications.values() for u in q.units}

    def gather(
        self,
        rows: RowTable,
        position: int,
        number: int,
        said: Said,
        name: str,
        value: Any,
        code_header: str,
        header: str,
        code: str,
    ) -> None:
        """Keep the first value the file gives; reject a later row that gives another."""
        first = said.values.get(name)
        if first is None:
            said.values[name] = (value, number)
            return
        first_value, first_number = first
        if same(first_value, value):
            return
        rows.add_problem(
            position,
            header,
            f'{code_header} "{code}" ในแถวที่ {first_number} มี{header} '
            f'"{first_value}" แต่แถวนี้เป็น "{value}" ทุกแถวของรหัสเดียวกันต้องระบุให้ตรงกัน',
        )

    def require_new(self, rows: RowTable, headers: dict[str, str]) -> None:
        """A qualification or unit not yet stored needs its title (and level) somewhere."""
        unit_header = headers["unit_title"]
        for position in np.flatnonzero(np.not_equal(rows.key, None)):
            qcode, ucode = rows.key[position]
            if qcode not in self.qualifications:
                said = self.said_q[qcode]
                for name in ("qualification", "level"):
                    header = headers[name]
                    if said.get(name) is None and not rows.has_problem(position, header):
                        rows.add_problem(
                            position,
                            header,
                            f'ไม่ได้ระบุ{header} (คุณวุฒิ "{qcode}" ยังไม่มีในระบบ '
                            "ต้องระบุในแถวใดแถวหนึ่งของคุณวุฒินี้)",
                        )
            said_unit = self.said_u.get(ucode)
            if ucode not in self.units and (
                said_unit is None or said_unit.get("unit_title") is None
            ):
                if not rows.has_problem(position, unit_header):
                    rows.add_problem(
                        position,
                        unit_header,
                        f'ไม่ได้ระบุ{unit_header} (หน่วยสมรรถนะ "{ucode}" ยังไม่มีในระบบ)',
                    )

    # ------------------------------------------------------------------ compare

    def compare(self, rows: RowTable, positions: np.ndarray) -> None:
        # A qualification's or unit's changes are told once, on its first valid row.
        told: set[tuple[str, str]] = set()
        for position in positions.tolist():
            qcode, ucode = rows.key[position]
            qualification = self.qualifications.get(qcode)
            unit = self.units.get(ucode)
            changes: dict[str, tuple[Any, Any]] = {}
            if qualification is not None:
                rows.record_id[position] = qualification.id
                if ("q", qcode) not in told:
                    told.add(("q", qcode))
                    diff_said(changes, self.said_q[qcode], stored_qualification(qualification))
            if unit is not None and ("u", ucode) not in told:
                told.add(("u", ucode))
                said_unit = self.said_u.get(ucode) or Said()
                diff_said(changes, said_unit, {"unit_title": unit.title})
            if changes:
                rows.changes[position] = changes
            linked = qualification is not None and unit is not None and (qcode, ucode) in self.links
            if not linked:
                rows.outcome[position] = NEW
            else:
                rows.outcome[position] = UPDATED if changes else UNCHANGED

    # ------------------------------------------------------------------ write

    def write(self, rows: RowTable, positions: np.ndarray) -> None:
        query = select(Sector).options(selectinload(Sector.occupations))
        self.sectors = {key_text(s.name_th): s for s in self.session.scalars(query)}
        # Occupations by (sector, name) ignoring case and spaces, as references match
        # everywhere in imports; the first of a sector's occupations wins.
        self.occupations: dict[tuple[str, str], Occupation] = {}
        for sector_key, sector in self.sectors.items():
            for occupation in sector.occupations:
                self.occupations.setdefault((sector_key, key_text(occupation.name_th)), occupation)
        self.written_q: dict[str, Qualification] = {}
        self.written_u: dict[str, CompetencyUnit] = {}
        linked = set(self.links)
        for position in positions.tolist():
            qcode, ucode = rows.key[position]
            qualification = self.write_qualification(qcode)
            unit = self.write_unit(ucode)
            if (qcode, ucode) not in linked:
                linked.add((qcode, ucode))
                qualification.units.append(unit)
        self.session.flush()

    def write_qualification(self, code: str) -> Qualification:
        if code in self.written_q:
            return self.written_q[code]
        said = self.said_q[code]
        qualification = self.qualifications.get(code)
        if qualification is None:
            qualification = Qualification(code=code, units=[])
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
        said = self.said_u.get(code)
        title = said.get("unit_title") if said is not None else None
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
        found = self.occupations.get(key)
        if found is not None:
            return found
        sector = self.sectors.get(key[0])
        if sector is None:
            sector = Sector(name_th=sector_name)
            self.session.add(sector)
            self.sectors[key[0]] = sector
        found = Occupation(name_th=name, sector=sector)
        self.session.add(found)
        self.occupations[key] = found
        return found


def diff_said(changes: dict[str, tuple[Any, Any]], said: Said, stored: dict[str, Any]) -> None:
    for name, old in stored.items():
        new = said.get(name)
        if new is None:
            continue
        # Sectors and occupations are found by name; titles are stored as written.
        changed = not same(old, new) if name in NAMED else old != new
        if changed:
            changes[name] = (old, new)


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
    if old == new:  # most rows repeat their qualification's values exactly
        return True
    if isinstance(old, str) and isinstance(new, str):
        return key_text(old) == key_text(new)
    return old == new
