"""Placement applications from the online form, keyed by (round, national ID).

The file is a Google Forms export; the round it goes into is chosen by fiscal year
(option ``round``). The teacher, the college, the establishment and the units must already
exist. An application stamped after the round's deadline is imported all the same and
counted as late.

A college's results sheet goes through the same importer: its optional columns (a step,
the test result and its date, the clip) and the checks of each row's moves are
importers/placement_moves.py's. New placements start through placement_flow.start and
every move is an event of the importing user and batch.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from importers import cells
from importers.columns import Column
from importers.importer import COLLEGE_MISSING, Importer, distinct_map
from importers.locate import Table
from importers.lookups import AgencyIndex, ProvinceIndex
from importers.placement_moves import (
    MOVE_COLUMNS,
    MOVE_FIELDS,
    RESULT_COLUMNS,
    ResultMovesMixin,
    round_date,
)
from importers.reading import ReadError
from importers.results import NEW, ImportResult, RowTable, nones, objects
from importers.store import BulkTable
from models import Agency, CompetencyUnit, Placement, PlacementRound, Teacher
from processes import placement_flow
from thai.dates import parse_be_year, thai_date
from thai.names import split_name
from thai.text import normalize_text

FIELDS = (
    "applied_at",
    "applicant_email",
    "college_id",
    "host_id",
    "planned_start",
    "planned_end",
    "plan_url",
    "clip_url",
    "clip_title",
    "clip_duration",
    "unit_ids",
)
# Units are listed "CODE title, CODE title"; new lines and semicolons separate them too.
UNIT_SEPARATORS = re.compile(r"[,;\n]")
LEADING_CODE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._/\-]*)(?=[\s:(]|$)")
CODE_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/\-]*")
HOST_MISSING = _l('The host "%(name)s" is not in the system (import agencies first)')


def looks_like_code(token: str) -> bool:
    """Unit codes mix letters, digits and hyphens (ECM-ZZZ-5-011ZA, 10201); words do not."""
    return any(ch.isdigit() for ch in token)


@dataclass
class UnitIndex:
    """Every unit of competence by code, and by title where the title is unique."""

    by_code: dict[str, tuple[int, str]] = field(default_factory=dict)
    by_title: dict[str, int | None] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Any) -> UnitIndex:
        index = cls()
        query = select(CompetencyUnit.id, CompetencyUnit.code, CompetencyUnit.title)
        for unit_id, code, title in session.execute(query):
            index.by_code[cells.key_text(code)] = (unit_id, code)
            key = cells.key_text(title)
            # A title shared by two units names neither.
            index.by_title[key] = None if key in index.by_title else unit_id
            index.titles[unit_id] = title
        return index

    def find_code(self, token: str) -> int | None:
        found = self.by_code.get(cells.key_text(token))
        return found[0] if found else None

    def parse(self, value: str) -> tuple[list[int], list[str]]:
        """Return the units a cell lists, and a Thai message for each part not understood.

        Each part is a code with its title; a part that has no code but is the rest of the
        previous unit's title (titles may hold commas) belongs to that unit.
        """
        units: list[int] = []
        messages: list[str] = []
        pending = ""  # the title text read so far after the last unit's code
        for raw in UNIT_SEPARATORS.split(value):
            part = normalize_text(raw)
            if not part:
                continue
            leading = LEADING_CODE.match(part)
            code = leading.group(1) if leading and looks_like_code(leading.group(1)) else None
            unit_id = self.find_code(code) if code else None
            if unit_id is None and code is None:
                tokens = [t for t in CODE_TOKEN.findall(part) if looks_like_code(t)]
                unit_id = next((u for t in tokens if (u := self.find_code(t))), None)
            if unit_id is None and code is None:
                unit_id = self.by_title.get(cells.key_text(part))
            if unit_id is not None:
                if unit_id not in units:
                    units.append(unit_id)
                pending = part[len(code) :] if code else ""
                continue
            if units and self.continues_title(units[-1], pending, part):
                pending = f"{pending},{part}"
                continue
            if code:
                messages.append(f'ไม่พบหน่วยสมรรถนะรหัส "{code}" ในระบบ (นำเข้ามาตรฐานอาชีพก่อน)')
            else:
                messages.append(f'ไม่พบรหัสหน่วยสมรรถนะใน "{part}" (ระบุเป็น รหัส ชื่อหน่วย คั่นด้วย ",")')
        return units, messages

    def continues_title(self, unit_id: int, pending: str, part: str) -> bool:
        """Whether part is the rest of a unit title cut at a comma."""
        title = cells.key_text(self.titles.get(unit_id, ""))
        so_far = cells.key_text(f"{pending},{part}")
        return bool(title) and bool(cells.key_text(pending)) and title.startswith(so_far)


plan_link = cells.link("ลิงก์")


class PlacementImporter(ResultMovesMixin, Importer):
    kind = "placements"
    record_model = Placement
    label = _l("Industry placement applications")
    key_column = "national_id"
    columns = (
        Column(
            "applied_at",
            ("ประทับเวลา", "timestamp", "วันเวลาที่ส่ง", "applied_at"),
            cells.timestamp,
            help=_l("When the form was sent, e.g. 27/2/2568, 16:45:12"),
            example="20/2/2568, 10:30:00",
        ),
        Column(
            "applicant_email",
            ("ที่อยู่อีเมล", "email address", "อีเมล", "email", "e-mail"),
            cells.email,
            example="sanon@example.ac.th",
        ),
        Column(
            "national_id",
            ("เลขประจำตัวประชาชน", "เลขบัตรประชาชน", "national_id", "citizen id"),
            cells.national_id,
            required=True,
            help=_l("Of a teacher already in the system"),
            example="3100100000006",
        ),
        Column(
            "full_name",
            ("ชื่อ-สกุล", "ชื่อ - นามสกุล", "ชื่อ-นามสกุล", "full_name"),
            cells.text,
            help=_l("For checking only: the teacher is found by national ID"),
            example="นายศานนท์ ศรีสุข",
        ),
        Column(
            "college",
            ("สถานศึกษา", "วิทยาลัย", "institution", "college"),
            cells.text,
            help=_l("The college's name or code; may be blank (the teacher's college is used)"),
            example="วิทยาลัยสารพัดช่างลำปาง",
        ),
        Column(
            "host",
            ("สถานประกอบการ", "ชื่อสถานประกอบการ", "establishment", "host"),
            cells.text,
            required=True,
            help=_l("The name, short name or code of an agency already in the system"),
            example="บริษัท ไทยออโตพาร์ท จำกัด",
        ),
        Column(
            "province",
            ("จังหวัดของสถานประกอบการ", "จังหวัดสถานประกอบการ", "host_province"),
            cells.text,
            example="ชลบุรี",
        ),
        Column(
            "units",
            ("สมรรถนะที่จะฝึก", "หน่วยสมรรถนะที่จะฝึก", "หน่วยสมรรถนะ", "units", "unit_codes"),
            cells.multiline,
            required=True,
            help=_l(
                'Competency unit codes and names, separated by ",", e.g. DG-WPJL-028 '
                "ใช้เครื่องมือดิจิทัลในการทำงาน"
            ),
            example="DG-WPJL-028 ใช้เครื่องมือดิจิทัลในการทำงาน",
        ),
        round_date(
            "planned_start", ("วันเริ่มฝึก", "วันที่เริ่มฝึก", "planned_start", "start date"), "03/03/2568"
        ),
        round_date(
            "planned_end",
            ("วันสิ้นสุดการฝึก", "วันที่สิ้นสุดการฝึก", "planned_end", "end date"),
            "30/04/2568",
        ),
        Column(
            "plan_url",
            ("ลิงก์แผนพัฒนา", "ลิงก์แผนพัฒนารายบุคคล", "แผนพัฒนา", "plan_url"),
            plan_link,
            help=_l("A link to the development plan PDF signed by the director"),
            example="https://drive.google.com/open?id=...",
        ),
        *MOVE_COLUMNS,
    )
    required_columns = ((("national_id",),), (("host",),), (("units",),))
    instructions = _l(
        "Choose the round (fiscal year) to import into. Teachers, colleges, host companies and "
        "competency units must be in the system first (import agencies, teachers and occupational "
        "standards first). A college's results file may hold only the step, test result, test "
        "date and clip columns (with the template's Thai headers) of applications already in "
        "the system, without the host and competency unit columns"
    )

    def check_columns(self, table: Table) -> None:
        """A results sheet (a step, a result or a clip column) needs only the national ID:
        it moves placements already stored; new rows in it are asked for host and units."""
        if set(RESULT_COLUMNS) & set(table.positions):
            self.required_columns = ((("national_id",),),)
        super().check_columns(table)

    # ------------------------------------------------------------------ the round

    def run(self, table: Table, filename: str, **kwargs: Any) -> ImportResult:
        """Find the round first: the date checks, run right after parsing, judge by it."""
        self.round = self.find_round()
        self.round_id = self.round.id
        self.fiscal_year = self.round.fiscal_year
        self.deadline = self.round.application_deadline
        self.filename = filename
        self.extra["late"] = 0
        self.moves: dict[int, list[tuple[str, str | None, dt.date | None]]] = {}
        return super().run(table, filename, **kwargs)

    def find_round(self) -> PlacementRound:
        """The round named by the option ``round`` (a fiscal year), or ReadError."""
        wanted = self.options.get("round")
        if wanted is None or (isinstance(wanted, str) and not wanted.strip()):
            raise ReadError("ไม่ได้ระบุรอบการฝึกประสบการณ์ (ปีงบประมาณ) ที่จะนำเข้า เช่น 2568")
        if isinstance(wanted, PlacementRound):
            return wanted
        try:
            fiscal_year = parse_be_year(wanted)
        except ValueError as error:
            raise ReadError(f'ปีงบประมาณของรอบ "{wanted}" ไม่ถูกต้อง เช่น 2568') from error
        found = self.session.scalar(
            select(PlacementRound).where(PlacementRound.fiscal_year == fiscal_year)
        )
        if found is None:
            known = self.session.scalars(
                select(PlacementRound.fiscal_year).order_by(PlacementRound.fiscal_year)
            ).all()
            have = f" (มีรอบปีงบประมาณ {', '.join(map(str, known))})" if known else ""
            raise ReadError(
                f"ไม่พบรอบการฝึกประสบการณ์ปีงบประมาณ {fiscal_year} ในระบบ{have} "
                "กรุณาสร้างรอบก่อนนำเข้าใบสมัคร"
            )
        return found

    # ------------------------------------------------------------------ stages

    def prepare(self, rows: RowTable) -> None:
        """The old prepare_row's steps in its order, each over the whole table (a row's
        problems are listed in the order they were added)."""
        agencies = AgencyIndex.load(self.session)
        provinces = ProvinceIndex.load(self.session)
        units = UnitIndex.load(self.session)
        host_provinces = dict(self.session.execute(select(Agency.id, Agency.province_id)).all())

        # Host and units are asked of new applications only (compare): a results sheet
        # moves placements already stored.
        self.require(rows, "national_id")
        self.unit_titles = units.titles
        national_ids = rows.get("national_id")
        rows.key[:] = national_ids
        self.take_teachers(rows, national_ids)

        found = self.resolve(rows, "college", agencies.find, COLLEGE_MISSING)
        rows.set("college_id", [None if ref is None else ref.id for ref in found])
        found = self.resolve(rows, "host", agencies.find, HOST_MISSING)
        host_ids = objects([None if ref is None else ref.id for ref in found])
        rows.set("host_id", host_ids)

        self.check_provinces(rows, provinces, host_ids, host_provinces)
        self.take_units(rows, units)
        self.check_date_order(rows)

        applied = rows.get("applied_at")
        deadline = self.deadline
        late = np.fromiter(
            (stamp is not None and stamp.date() > deadline for stamp in applied), bool, len(rows)
        )
        rows.flag("late")[late] = True

    def take_teachers(self, rows: RowTable, national_ids: np.ndarray) -> None:
        """The teacher of each national ID (one read); a name unlike the stored one is noted."""
        stored = BulkTable(self.session, Teacher.__table__).fetch(
            ("id", "prefix", "first_name", "last_name", "college_id"), "national_id", national_ids
        )
        found = stored.index.get_indexer(pd.Index(national_ids, dtype=object))
        found[np.equal(national_ids, None)] = -1
        missing = (found < 0) & np.not_equal(national_ids, None)
        header = self.header("national_id")
        for position in np.flatnonzero(missing):
            rows.add_problem(
                position,
                header,
                f"ไม่พบครูเลขประจำตัวประชาชน {national_ids[position]} ในระบบ (นำเข้าข้อมูลครูก่อน)",
            )
        known = np.flatnonzero(found >= 0)
        matched = stored.iloc[found[known]]
        teacher_ids = nones(len(rows))
        teacher_ids[known] = matched["id"].to_numpy(dtype=object)
        rows.set("teacher_id", teacher_ids)
        rows.flag("teacher_college_id")[known] = matched["college_id"].to_numpy(dtype=object)

        # The name only checks the ID (the preview's summary takes a full_name column for
        # a glued (prefix, first, last) triple: this one is text, so it goes once read).
        written = rows.drop("full_name")
        names = distinct_map(written, name_keys)
        firsts = matched["first_name"].to_numpy(dtype=object)
        lasts = matched["last_name"].to_numpy(dtype=object)
        prefixes = matched["prefix"].to_numpy(dtype=object)
        # The stored names, for the clip's title (kept off the row's flags).
        self.teacher_names = {
            int(position): (prefixes[index], firsts[index], lasts[index])
            for index, position in enumerate(known)
        }
        mismatch = rows.flag("name_mismatch")
        for index, position in enumerate(known):
            name = names[position]
            if name is None:
                continue
            first, last = firsts[index], lasts[index]
            if name != (cells.key_text(first), cells.key_text(last)):
                mismatch[position] = f"{first} {last}"

    def check_provinces(
        self,
        rows: RowTable,
        provinces: ProvinceIndex,
        host_ids: np.ndarray,
        host_provinces: dict[int, int | None],
    ) -> None:
        """An unknown province is refused; one unlike the host's stored province is noted
        (a host may train at a branch elsewhere)."""
        written = rows.drop("province")
        province_ids = distinct_map(written, provinces.find)
        unknown = np.not_equal(written, None) & np.equal(province_ids, None)
        header = self.header("province")
        for position in np.flatnonzero(unknown):
            rows.add_problem(position, header, f'ไม่พบจังหวัด "{written[position]}"')
        mismatch = rows.flag("province_mismatch")
        both = np.flatnonzero(np.not_equal(province_ids, None) & np.not_equal(host_ids, None))
        for position in both:
            stored = host_provinces.get(host_ids[position])
            if stored is not None and stored != province_ids[position]:
                mismatch[position] = True

    def take_units(self, rows: RowTable, units: UnitIndex) -> None:
        """The units each cell lists (each distinct cell parsed once), as sorted id tuples."""
        listed = rows.drop("units")
        parsed = distinct_map(listed, units.parse)
        header = self.header("units")
        message = f"ไม่ได้ระบุ{self.column('units').title}"
        unit_ids = nones(len(rows))
        for position in np.flatnonzero(np.not_equal(listed, None)):
            found, messages = parsed[position]
            for text in messages:
                rows.add_problem(position, header, text)
            if not found and not messages and not rows.has_problem(position, header):
                rows.add_problem(position, header, message)
            unit_ids[position] = tuple(sorted(found))
        rows.set("unit_ids", unit_ids)

    def check_date_order(self, rows: RowTable) -> None:
        """The end may not come before the start (unless a date is already refused)."""
        starts, ends = rows.get("planned_start"), rows.get("planned_end")
        both = np.flatnonzero(np.not_equal(starts, None) & np.not_equal(ends, None))
        start_header, end_header = self.header("planned_start"), self.header("planned_end")
        for position in both:
            start, end = starts[position], ends[position]
            if end >= start:
                continue
            if rows.has_problem(position, start_header) or rows.has_problem(position, end_header):
                continue
            rows.add_problem(
                position,
                end_header,
                f"วันสิ้นสุดการฝึก ({thai_date(end)}) ต้องไม่ก่อนวันเริ่มฝึก ({thai_date(start)})",
            )

    def compare(self, rows: RowTable, positions: np.ndarray) -> None:
        # Every application of the round, its units with it: one query each.
        query = (
            select(Placement)
            .where(Placement.round_id == self.round_id)
            .options(selectinload(Placement.units))
        )
        self.stored = {placement.teacher_id: placement for placement in self.session.scalars(query)}
        teacher_ids = rows.get("teacher_id")
        known, stored = [], {name: [] for name in FIELDS}
        for position in positions:
            placement = self.stored.get(teacher_ids[position])
            if placement is None:
                rows.outcome[position] = NEW
                continue
            rows.record_id[position] = placement.id
            known.append(position)
            for name in FIELDS[:-1]:
                stored[name].append(getattr(placement, name))
            stored["unit_ids"].append(tuple(sorted(unit.id for unit in placement.units)))
        arrays = {name: objects(values) for name, values in stored.items()}
        self.diff(rows, np.asarray(known, dtype=np.int64), arrays, FIELDS)
        self.check_new(rows, positions)
        self.check_results(rows, positions, teacher_ids)
        # Late among the rows that may be written (the checks above may refuse some).
        late = np.equal(rows.flag("late"), True) & ~rows.rejected
        self.extra["late"] = int(np.count_nonzero(late[positions]))

    def check_new(self, rows: RowTable, positions: np.ndarray) -> None:
        """A new application names its host and the units it will practise."""
        for name, field_name in (("host", "host_id"), ("units", "unit_ids")):
            header = self.header(name)
            message = f"ไม่ได้ระบุ{self.column(name).title}"
            values = rows.get(field_name)
            for position in positions:
                if rows.outcome[position] != NEW or values[position] is not None:
                    continue
                if not rows.has_problem(position, header):
                    rows.add_problem(position, header, message)

    def write(self, rows: RowTable, positions: np.ndarray) -> None:
        values = {name: rows.get(name) for name in FIELDS}
        teacher_ids, colleges = rows.get("teacher_id"), rows.flag("teacher_college_id")
        wanted = {unit_id for ids in values["unit_ids"][positions] if ids for unit_id in ids}
        units = {
            unit.id: unit
            for unit in self.session.scalars(
                select(CompetencyUnit).where(CompetencyUnit.id.in_(wanted))
            )
        }
        total = len(positions)
        self.progress("write", 0, total)
        note = f"นำเข้าจากไฟล์ {self.filename}"
        for done, position in enumerate(positions, start=1):
            is_new = rows.outcome[position] == NEW
            if is_new:
                placement = Placement(
                    round_id=self.round_id,
                    teacher_id=teacher_ids[position],
                    college_id=values["college_id"][position] or colleges[position],
                )
                changed = {name: values[name][position] for name in FIELDS if name != "college_id"}
            else:
                placement = self.stored[teacher_ids[position]]
                changed = {name: new for name, (_old, new) in rows.changes[position].items()}
            for name, value in changed.items():
                if value is None or name in MOVE_FIELDS:
                    continue
                if name == "unit_ids":
                    placement.units = [units[unit_id] for unit_id in value]
                else:
                    setattr(placement, name, value)
            if is_new:
                placement_flow.start(self.session, placement)
            self.make_moves(placement, int(position), note)
            if done % 1000 == 0:
                self.progress("write", done, total)
        self.progress("write", total, total)


def name_keys(written: str) -> tuple[str, str]:
    """The given name and surname of a name as written, as matching keys."""
    try:
        _prefix, first, last = split_name(written)
    except ValueError:
        first, last = written, ""
    return cells.key_text(first), cells.key_text(last)
