"""Placement applications from the online form, keyed by (round, national ID).

The file is a Google Forms export; the round it goes into is chosen by fiscal year
(option ``round``). The teacher, the college, the establishment and the units must already
exist. An application stamped after the round's deadline is imported all the same and
counted as late.

A college's results sheet goes through the same importer: optional columns give a step
(Thai label or code), the test result and its date, and the clip (link, title, length). A
row's moves are checked by the same rules as the screens (processes.placement_flow.refusal)
before anything is written; a refused move is a problem on its row and column that names
the step it is at, the step asked for and why. New placements start through
placement_flow.start and every move is an event of the importing user and batch.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from importers import cells, plausible
from importers.columns import Column
from importers.importer import COLLEGE_MISSING, Importer, distinct_map
from importers.locate import Table
from importers.lookups import AgencyIndex, ProvinceIndex
from importers.reading import ReadError
from importers.results import NEW, UNCHANGED, UPDATED, ImportResult, RowTable, nones, objects
from importers.store import BulkTable
from models import (
    Agency,
    CompetencyUnit,
    ExamResult,
    Placement,
    PlacementRound,
    PlacementStep,
    Teacher,
)
from processes import placement_flow, placement_rules
from thai.dates import format_be, parse_be_year
from thai.digits import to_arabic_digits
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
# The columns that move a placement or record what it did: a results sheet has these, and
# needs neither the host nor the units of a placement already stored.
RESULT_COLUMNS = ("status", "test_result", "clip_url", "clip_title", "clip_duration")
# Changes a row makes by moving the placement, not by setting a field.
MOVE_FIELDS = ("status", "test_result", "tested_on")
S = PlacementStep
# The steps as a sheet may write them: the screens' Thai labels first, then other words.
STEP_LABELS = {
    "สมัครแล้ว": S.APPLIED.value,
    "มีคุณสมบัติ": S.ELIGIBLE.value,
    "ไม่มีคุณสมบัติ": S.NOT_ELIGIBLE.value,
    "ปฐมนิเทศแล้ว": S.ORIENTED.value,
    "อยู่ระหว่างฝึก": S.IN_PLACEMENT.value,
    "ทดสอบแล้ว": S.TESTED.value,
    "สถานศึกษารายงานผลแล้ว": S.COLLEGE_REPORT.value,
    "ถอดบทเรียนแล้ว": S.LESSONS_LEARNED.value,
    "รายงานหลังการพัฒนาแล้ว": S.POST_REPORT.value,
    "สละสิทธิ์": S.WITHDRAWN.value,
    "ไม่ผ่านการพิจารณา": S.REJECTED.value,
    "สมัคร": S.APPLIED.value,
    "ผ่านคุณสมบัติ": S.ELIGIBLE.value,
    "ไม่ผ่านคุณสมบัติ": S.NOT_ELIGIBLE.value,
    "ปฐมนิเทศ": S.ORIENTED.value,
    "ฝึกประสบการณ์": S.IN_PLACEMENT.value,
    "กำลังฝึก": S.IN_PLACEMENT.value,
    "ทดสอบ": S.TESTED.value,
    "ทดสอบสมรรถนะแล้ว": S.TESTED.value,
    "สถานศึกษารายงานผล": S.COLLEGE_REPORT.value,
    "ถอดบทเรียน": S.LESSONS_LEARNED.value,
    "รายงานผลหลังการพัฒนา": S.POST_REPORT.value,
    "เสร็จสิ้น": S.POST_REPORT.value,
    "ถอนตัว": S.WITHDRAWN.value,
    "ไม่อนุมัติ": S.REJECTED.value,
    "ถูกปฏิเสธ": S.REJECTED.value,
    "applied": S.APPLIED.value,
    "eligible": S.ELIGIBLE.value,
    "not eligible": S.NOT_ELIGIBLE.value,
    "oriented": S.ORIENTED.value,
    "in placement": S.IN_PLACEMENT.value,
    "tested": S.TESTED.value,
    "college report": S.COLLEGE_REPORT.value,
    "lessons learned": S.LESSONS_LEARNED.value,
    "post report": S.POST_REPORT.value,
    "completed": S.POST_REPORT.value,
    "withdrawn": S.WITHDRAWN.value,
    "rejected": S.REJECTED.value,
}
# Each step's first label: the one the screens show, which a refusal names.
STEP_NAMES: dict[str, str] = {}
for _label, _code in STEP_LABELS.items():
    STEP_NAMES.setdefault(_code, _label)
RESULT_LABELS = {
    "ผ่าน": ExamResult.PASSED.value,
    "ไม่ผ่าน": ExamResult.FAILED.value,
    "passed": ExamResult.PASSED.value,
    "pass": ExamResult.PASSED.value,
    "failed": ExamResult.FAILED.value,
    "fail": ExamResult.FAILED.value,
}
# "4:35", "0:04:35", "4.5" (minutes), "4 นาที 35 วินาที", "275 วินาที".
CLOCK = re.compile(r"^(?:(\d+):)?(\d+):(\d{1,2})$")
MINUTES = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:นาที|นาที\.|min|mins|minutes|m)?$", re.IGNORECASE)
SECONDS = re.compile(r"^(\d+)\s*(?:วินาที|วิ|sec|secs|seconds|s)$", re.IGNORECASE)
MINUTES_SECONDS = re.compile(r"^(\d+)\s*(?:นาที|min|m)\s*(\d+)\s*(?:วินาที|วิ|sec|s)?$", re.IGNORECASE)
# Units are listed "CODE title, CODE title"; new lines and semicolons separate them too.
UNIT_SEPARATORS = re.compile(r"[,;\n]")
LEADING_CODE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._/\-]*)(?=[\s:(]|$)")
CODE_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/\-]*")
URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
HOST_MISSING = 'ไม่พบสถานประกอบการ "{name}" ในระบบ (นำเข้าหน่วยงานก่อน)'


@dataclass
class Probe:
    """What the rules read of a placement (processes.placement_rules), for a row's moves."""

    host_id: int | None = None
    college_id: int | None = None
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    status: str = PlacementStep.APPLIED.value
    test_result: str | None = None
    tested_on: dt.date | None = None
    mou_exception: bool = False
    mou_exception_reason: str | None = None
    host: None = None
    college: None = None
    teacher: None = None


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


def duration(value: Any) -> int | None:
    """A clip's length in seconds, written as m:ss, h:mm:ss, minutes, or minutes and seconds.

    Excel turns a typed 4:30 into 4:30:00 (four and a half hours): a length of whole hours
    up to 5 with no seconds is read as minutes and seconds, since a clip is at most 5 minutes.
    """
    cleaned = cells.text(value)
    if cleaned is None:
        return None
    written = to_arabic_digits(cleaned).strip()
    if clock := CLOCK.match(written):
        hours, minutes, seconds = (int(part) if part else 0 for part in clock.groups())
        if clock.group(1) and 1 <= hours <= 5 and seconds == 0:
            hours, minutes, seconds = 0, hours, minutes
        if seconds >= 60 or (clock.group(1) and minutes >= 60):
            raise ValueError(f'ความยาวคลิป "{cleaned}" ไม่ถูกต้อง เช่น 4:30 (4 นาที 30 วินาที)')
        return hours * 3600 + minutes * 60 + seconds
    if found := MINUTES_SECONDS.match(written):
        return int(found.group(1)) * 60 + int(found.group(2))
    if found := SECONDS.match(written):
        return int(found.group(1))
    if found := MINUTES.match(written):
        return round(float(found.group(1)) * 60)
    raise ValueError(f'ความยาวคลิป "{cleaned}" ไม่ถูกต้อง ระบุเป็น นาที:วินาที เช่น 4:30 หรือเป็นนาที เช่น 4.5')


def link(what: str):
    """A parser of a web link (http or https) to a plan or a clip."""

    def parse(value: Any) -> str | None:
        cleaned = cells.text(value)
        if cleaned is None:
            return None
        if not URL.match(cleaned):
            raise ValueError(f'{what} "{cleaned}" ไม่ถูกต้อง ต้องขึ้นต้นด้วย http:// หรือ https://')
        return cleaned

    return parse


def step_name(step: str | None) -> str:
    return STEP_NAMES.get(step or "", str(step))


def in_round_years(written: str, value: Any, importer: PlacementImporter) -> str | None:
    """A planned date must fall in the round's fiscal year or the next (plausible.py)."""
    return plausible.placement_date(written, value, importer.fiscal_year)


plan_link = link("ลิงก์")


class PlacementImporter(Importer):
    kind = "placements"
    label = "ใบสมัครฝึกประสบการณ์ในสถานประกอบการ"
    key_column = "national_id"
    columns = (
        Column(
            "applied_at",
            ("ประทับเวลา", "timestamp", "วันเวลาที่ส่ง", "applied_at"),
            cells.timestamp,
            help="วันเวลาที่ส่งแบบฟอร์ม เช่น 27/2/2568, 16:45:12",
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
            help="ของครูที่มีอยู่ในระบบแล้ว",
            example="3100100000006",
        ),
        Column(
            "full_name",
            ("ชื่อ-สกุล", "ชื่อ - นามสกุล", "ชื่อ-นามสกุล", "full_name"),
            cells.text,
            help="ใช้ตรวจทานเท่านั้น ครูระบุด้วยเลขประจำตัวประชาชน",
            example="นายศานนท์ ศรีสุข",
        ),
        Column(
            "college",
            ("สถานศึกษา", "วิทยาลัย", "institution", "college"),
            cells.text,
            help="ชื่อหรือรหัสสถานศึกษา เว้นว่างได้ (ใช้สถานศึกษาของครู)",
            example="วิทยาลัยสารพัดช่างลำปาง",
        ),
        Column(
            "host",
            ("สถานประกอบการ", "ชื่อสถานประกอบการ", "establishment", "host"),
            cells.text,
            required=True,
            help="ชื่อ ชื่อย่อ หรือรหัสหน่วยงาน ที่มีอยู่ในระบบแล้ว",
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
            help='รหัสและชื่อหน่วยสมรรถนะ คั่นด้วย "," เช่น DG-WPJL-028 ใช้เครื่องมือดิจิทัลในการทำงาน',
            example="DG-WPJL-028 ใช้เครื่องมือดิจิทัลในการทำงาน",
        ),
        Column(
            "planned_start",
            ("วันเริ่มฝึก", "วันที่เริ่มฝึก", "planned_start", "start date"),
            cells.date,
            example="03/03/2568",
            check=in_round_years,
        ),
        Column(
            "planned_end",
            ("วันสิ้นสุดการฝึก", "วันที่สิ้นสุดการฝึก", "planned_end", "end date"),
            cells.date,
            example="30/04/2568",
            check=in_round_years,
        ),
        Column(
            "plan_url",
            ("ลิงก์แผนพัฒนา", "ลิงก์แผนพัฒนารายบุคคล", "แผนพัฒนา", "plan_url"),
            plan_link,
            help="ลิงก์ไฟล์ PDF แผนพัฒนาที่ผู้อำนวยการลงนามแล้ว",
            example="https://drive.google.com/open?id=...",
        ),
        Column(
            "status",
            ("ขั้นตอน", "สถานะ", "ขั้นตอนปัจจุบัน", "status", "step"),
            cells.choice(STEP_LABELS, "ขั้นตอน", codes_too=True),
            help="ขั้นตอนที่รายการไปถึง เว้นว่างได้ (คงขั้นตอนเดิม) ย้ายได้ตามลำดับขั้นตอนเท่านั้น",
            choices=tuple(STEP_NAMES.values()),
            example="ทดสอบแล้ว",
        ),
        Column(
            "test_result",
            ("ผลการทดสอบ", "ผลการทดสอบสมรรถนะ", "ผลทดสอบ", "test_result", "result"),
            cells.choice(RESULT_LABELS, "ผลการทดสอบ"),
            help="ผ่าน หรือ ไม่ผ่าน (บันทึกได้เมื่ออยู่ระหว่างฝึกหรือทดสอบแล้ว)",
            choices=("ผ่าน", "ไม่ผ่าน"),
            example="ผ่าน",
        ),
        Column(
            "tested_on",
            ("วันที่ทดสอบ", "วันทดสอบ", "tested_on", "test date"),
            cells.date,
            example="20/05/2568",
            check=in_round_years,
        ),
        Column(
            "clip_url",
            ("ลิงก์คลิป", "ลิงก์คลิปวีดิทัศน์", "คลิป", "clip_url", "clip"),
            link("ลิงก์คลิป"),
            example="https://youtu.be/...",
        ),
        Column(
            "clip_title",
            ("ชื่อคลิป", "ชื่อคลิปวีดิทัศน์", "clip_title"),
            cells.text,
            help="ชื่อ นามสกุล (ชื่อหน่วยสมรรถนะที่ฝึก)",
            example="ศานนท์ ศรีสุข (ใช้เครื่องมือดิจิทัลในการทำงาน)",
        ),
        Column(
            "clip_duration",
            ("ความยาวคลิป", "ความยาวคลิป (นาที)", "clip_duration", "clip length"),
            duration,
            help="ไม่เกิน 5 นาที เช่น 4:30 หรือ 4.5 (นาที)",
            example="4:30",
        ),
    )
    required_columns = ((("national_id",),), (("host",),), (("units",),))
    instructions = (
        "เลือกรอบ (ปีงบประมาณ) ที่จะนำเข้า ครู สถานศึกษา สถานประกอบการ และหน่วยสมรรถนะ "
        "ต้องมีอยู่ในระบบก่อน (นำเข้าหน่วยงาน ครู และมาตรฐานอาชีพก่อน) "
        "ไฟล์ผลการฝึกของสถานศึกษาใช้คอลัมน์ ขั้นตอน ผลการทดสอบ วันที่ทดสอบ และคลิป "
        "กับรายการที่มีอยู่แล้วได้ โดยไม่ต้องมีคอลัมน์สถานประกอบการและหน่วยสมรรถนะ"
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
                f"วันสิ้นสุดการฝึก ({format_be(end)}) ต้องไม่ก่อนวันเริ่มฝึก ({format_be(start)})",
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

    def check_results(self, rows: RowTable, positions: np.ndarray, teacher_ids: np.ndarray) -> None:
        """Check the moves and the clip of each row that gives a step, a result or a clip.

        Messages from the rules are read in Thai, as every importer message is.
        """
        names = ("status", "test_result", "tested_on", "clip_title", "clip_duration")
        if not any(rows.has(name) for name in names):
            return
        self.values = {
            name: rows.get(name)
            for name in (*names, "host_id", "college_id", "planned_start", "planned_end")
        }
        self.values["unit_ids"] = rows.get("unit_ids")
        self.values["teacher_college_id"] = rows.flag("teacher_college_id")
        given = np.zeros(len(rows), dtype=bool)
        for name in names:
            given |= np.not_equal(self.values[name], None)
        with force_locale("th"):
            for position in positions[given[positions]]:
                if rows.rejected[position]:
                    continue
                placement = self.stored.get(teacher_ids[position])
                self.check_row(rows, int(position), placement)

    def check_row(self, rows: RowTable, position: int, placement: Placement | None) -> None:
        """Plan the row's moves and check each by the rules; check its clip."""
        probe = self.probe(position, placement)
        moves = self.plan_moves(rows, position, probe)
        self.check_clip(rows, position, placement)
        if not moves or rows.rejected[position]:
            return
        self.moves[position] = moves
        if placement is None:
            return  # a new row's values are all new; its moves are its steps
        changes = rows.changes.setdefault(position, {})
        if probe.status != placement.status:
            changes["status"] = (placement.status, probe.status)
        for name in ("test_result", "tested_on"):
            old, new = getattr(placement, name), getattr(probe, name)
            if new != old:
                changes[name] = (old, new)
        if rows.outcome[position] == UNCHANGED:
            rows.outcome[position] = UPDATED

    def probe(self, position: int, placement: Placement | None) -> Probe:
        """A stand-in for the placement with the row's values over the stored ones: what
        the rules see when the row's moves are made (a plain object, not a record)."""
        values = {}
        for name in ("host_id", "college_id", "planned_start", "planned_end"):
            new = self.values[name][position]
            values[name] = new if new is not None else getattr(placement, name, None)
        if values["college_id"] is None:
            values["college_id"] = self.values["teacher_college_id"][position]
        if placement is None:
            return Probe(**values)
        return Probe(
            status=placement.status,
            test_result=placement.test_result,
            tested_on=placement.tested_on,
            mou_exception=placement.mou_exception,
            mou_exception_reason=placement.mou_exception_reason,
            **values,
        )

    def plan_moves(
        self, rows: RowTable, position: int, probe: Probe
    ) -> list[tuple[str, str | None, dt.date | None]]:
        """The moves the row asks for, checked in order on the probe: (step, result, date).

        A result is a test (in placement → tested, or a re-test while at tested; the same
        result and date again is no move); then the step column, when it differs from where
        the placement is by then.
        """
        moves: list[tuple[str, str | None, dt.date | None]] = []
        result = self.values["test_result"][position]
        tested_on = self.values["tested_on"][position]
        wanted = self.values["status"][position]
        if result is None and tested_on is not None:
            self.problem(rows, position, "tested_on", "ระบุวันที่ทดสอบแล้ว แต่ไม่ได้ระบุผลการทดสอบ")
            return []
        known = (probe.test_result, probe.tested_on)
        again = (result, tested_on or probe.tested_on) == known
        if result is not None and (probe.status == S.IN_PLACEMENT.value or not again):
            to = S.TESTED.value
            if probe.status == S.TESTED.value:  # a re-test
                reason = placement_flow.test_refusal(result, tested_on, self.today)
            else:
                reason = placement_flow.refusal(
                    self.session, probe, to, test_result=result, tested_on=tested_on
                )
            if reason is not None:
                self.refused(rows, position, "test_result", probe.status, to, reason)
                return []
            moves.append((to, result, tested_on))
            probe.status, probe.test_result, probe.tested_on = to, result, tested_on
        if wanted is not None and wanted != probe.status:
            reason = placement_flow.refusal(self.session, probe, wanted)
            if reason is not None:
                self.refused(rows, position, "status", probe.status, wanted, reason)
                return []
            moves.append((wanted, None, None))
            probe.status = wanted
        return moves

    def refused(
        self, rows: RowTable, position: int, column: str, start: str, to: str, reason: str
    ) -> None:
        """A refused move is a problem of the row: the graph's own reason names both steps
        and where the placement can go; another rule's reason is said after the two steps."""
        if to in placement_flow.MOVES.get(start, ()) or start == to:
            reason = f"เปลี่ยนขั้นตอนจาก “{step_name(start)}” เป็น “{step_name(to)}” ไม่ได้: {reason}"
        self.problem(rows, position, column, reason)

    def check_clip(self, rows: RowTable, position: int, placement: Placement | None) -> None:
        """The clip's title names the teacher and a planned unit; its length is ≤ 5 minutes."""
        title = self.values["clip_title"][position]
        seconds = self.values["clip_duration"][position]
        if title is None and seconds is None:
            return
        unit_ids = self.values["unit_ids"][position]
        if unit_ids is not None:
            units = [SimpleNamespace(title=self.unit_titles[unit]) for unit in unit_ids]
        else:
            units = list(placement.units) if placement is not None else []
        prefix, first, last = self.teacher_names.get(position, (None, "", ""))
        teacher = SimpleNamespace(prefix=prefix, first_name=first, last_name=last)
        facts: Any = SimpleNamespace(teacher=teacher, units=units)
        for column, problems in (
            ("clip_title", placement_rules.clip_problems(facts, title, None)),
            ("clip_duration", placement_rules.clip_problems(facts, None, seconds)),
        ):
            for message in problems:
                self.problem(rows, position, column, message)

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
            for to, result, tested_on in self.moves.get(int(position), ()):
                if to == S.TESTED.value:
                    placement_flow.record_test(
                        self.session, placement, result, tested_on, note=note
                    )
                else:
                    placement_flow.move(self.session, placement, to, note=note)
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
