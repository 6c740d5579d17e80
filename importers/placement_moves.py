"""A college's results sheet in the placements importer: steps, test results, clips.

Optional columns give a step (Thai label or code), the test result and its date, and the
clip (link, title, length). ResultMovesMixin plans each row's moves and checks them on a
stand-in for the placement (Probe) by the same rules as the screens
(processes.placement_flow.refusal) before anything is written; a refused move is a
problem on its row and column that names the step it is at, the step asked for and why.
The moves are made on writing, each an event of the importing user and batch.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from importers import cells, plausible
from importers.columns import Column
from importers.results import UNCHANGED, UPDATED, RowTable
from models import ExamResult, Placement, PlacementStep
from processes import placement_flow, placement_rules
from thai.digits import to_arabic_digits

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
            raise ValueError(
                _(
                    'The clip length "%(value)s" is not valid, e.g. 4:30 (4 minutes 30 seconds)',
                    value=cleaned,
                )
            )
        return hours * 3600 + minutes * 60 + seconds
    if found := MINUTES_SECONDS.match(written):
        return int(found.group(1)) * 60 + int(found.group(2))
    if found := SECONDS.match(written):
        return int(found.group(1))
    if found := MINUTES.match(written):
        return round(float(found.group(1)) * 60)
    raise ValueError(
        _(
            'The clip length "%(value)s" is not valid: give minutes:seconds, e.g. 4:30, or '
            "minutes, e.g. 4.5",
            value=cleaned,
        )
    )


def step_name(step: str | None) -> str:
    return STEP_NAMES.get(step or "", str(step))


def in_round_years(written: str, value: Any, importer: Any) -> str | None:
    """A planned date must fall in the round's fiscal year or the next (plausible.py)."""
    return plausible.placement_date(written, value, importer.fiscal_year)


def round_date(name: str, headers: tuple[str, ...], example: str) -> Column:
    """A date column of the placement (planned or tested) checked against the round's years."""
    return Column(name, headers, cells.date, example=example, check=in_round_years)


# The results sheet's columns, after the application's (a sheet may have any of them).
MOVE_COLUMNS = (
    Column(
        "status",
        ("ขั้นตอน", "สถานะ", "ขั้นตอนปัจจุบัน", "status", "step"),
        cells.choice(STEP_LABELS, "ขั้นตอน", codes_too=True),
        help=_l(
            "The step the application has reached; may be blank (the step stays); steps move only "
            "in their order"
        ),
        choices=tuple(STEP_NAMES.values()),
        example="ทดสอบแล้ว",
    ),
    Column(
        "test_result",
        ("ผลการทดสอบ", "ผลการทดสอบสมรรถนะ", "ผลทดสอบ", "test_result", "result"),
        cells.choice(RESULT_LABELS, "ผลการทดสอบ"),
        help=_l("ผ่าน (passed) or ไม่ผ่าน (failed), once the application is in training or tested"),
        choices=("ผ่าน", "ไม่ผ่าน"),
        example="ผ่าน",
    ),
    round_date("tested_on", ("วันที่ทดสอบ", "วันทดสอบ", "tested_on", "test date"), "20/05/2568"),
    Column(
        "clip_url",
        ("ลิงก์คลิป", "ลิงก์คลิปวีดิทัศน์", "คลิป", "clip_url", "clip"),
        cells.link("ลิงก์คลิป"),
        example="https://youtu.be/...",
    ),
    Column(
        "clip_title",
        ("ชื่อคลิป", "ชื่อคลิปวีดิทัศน์", "clip_title"),
        cells.text,
        help=_l("Given name and surname (the name of the competency unit trained)"),
        example="ศานนท์ ศรีสุข (ใช้เครื่องมือดิจิทัลในการทำงาน)",
    ),
    Column(
        "clip_duration",
        ("ความยาวคลิป", "ความยาวคลิป (นาที)", "clip_duration", "clip length"),
        duration,
        help=_l("At most 5 minutes, e.g. 4:30 or 4.5 (minutes)"),
        example="4:30",
    ),
)


class ResultMovesMixin:
    """The placements importer's checks of a row's moves and clip, and the moves' writing.

    Reads what the importer's prepare and compare stages hold: the stored placements by
    teacher (stored), the teachers' stored names (teacher_names) and the units' titles
    (unit_titles); plans each row's moves into `moves` by position.
    """

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

    def make_moves(self, placement: Placement, position: int, note: str) -> None:
        """Make the moves planned for a row, in order, as events of this import."""
        for to, result, tested_on in self.moves.get(position, ()):
            if to == S.TESTED.value:
                placement_flow.record_test(self.session, placement, result, tested_on, note=note)
            else:
                placement_flow.move(self.session, placement, to, note=note)
