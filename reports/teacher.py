"""One teacher's Digital Competency Bank statement: identity, units, certificates, placements.

The national ID is personal data (PDPA): the report shows it in full only to a viewer who
may see personal data, masked (1-xxxx-xxxxx-xx-1) to everyone else, in the header as well
as in the identity block.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context
from sqlalchemy import Row, select
from sqlalchemy.orm import Session, aliased

from keys import MAX_KEY, record_id
from models import (
    Agency,
    CompetencyUnit,
    ExamResult,
    Placement,
    PlacementRound,
    PlacementStep,
    Qualification,
    Teacher,
    TeacherCertificate,
    TeacherUnit,
    Training,
    TrainingAttendance,
    UnitSource,
    today,
)
from pdpa import log_reveal
from reports.model import (
    Column,
    Facts,
    Filter,
    FilterError,
    Mark,
    Report,
    ReportDefinition,
    Table,
    Viewer,
)
from reports.words import lt, t
from thai.names import full_name
from thai.nid import clean_national_id, format_national_id, mask_national_id

NID_LABEL = lt("เลขประจำตัวประชาชน")
NONE = "-"


# --------------------------------------------------------------------------- the filter


def parse_teacher(session: Session, text: str) -> Teacher:
    """Find a teacher by national ID, written with or without dashes and spaces, or by
    the record's number (what the form's picker sends: at most 10 digits, where a national
    ID has 13)."""
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_KEY)):
        key = record_id(text)
        teacher = session.get(Teacher, key) if key is not None else None
        if teacher is None:
            raise FilterError(t("ไม่พบครูที่เลือกในระบบ"))
        return teacher
    try:
        national_id = clean_national_id(text)
    except ValueError as error:
        # The cleaner's messages start with the ID's name; say it once.
        reason = str(error).removeprefix(str(NID_LABEL)).removeprefix(t("ไม่ถูกต้อง")).strip(" ()")
        raise FilterError(
            t(
                '%(nid_label)s "%(text)s" ไม่ถูกต้อง: %(reason)s',
                nid_label=str(NID_LABEL),
                text=text,
                reason=reason,
            )
        ) from None
    teacher = session.scalar(select(Teacher).where(Teacher.national_id == national_id))
    if teacher is None:
        raise FilterError(
            t(
                'ไม่พบครู%(nid_label)s "%(format_national_id)s" ในระบบ',
                nid_label=str(NID_LABEL),
                format_national_id=format_national_id(national_id),
            )
        )
    return teacher


def shown_id(national_id: str, viewer: Viewer) -> str:
    """Return the ID as this viewer may see it."""
    if viewer.sees_personal_data:
        return format_national_id(national_id)
    return mask_national_id(national_id)


def teacher() -> Filter:
    """A teacher picked by name (or national ID, for those who may see it) as one types;
    no drop-down, which would list everyone's ID."""
    return Filter(
        "teacher",
        lt("ครู"),
        parse_teacher,
        required=True,
        # describe() does not know the viewer, so it never shows the whole ID.
        describe=lambda session, value: (
            f"{value.full_name} ({mask_national_id(value.national_id)})"
        ),
        help=lt("พิมพ์แล้วเลือกครูจากรายการ"),
        # The placement form's teacher picker: masked IDs and no ID search for viewers.
        picker=("placement", "teacher"),
    )


# --------------------------------------------------------------------------- the report


class TeacherRecord(ReportDefinition):
    """A teacher's record: units achieved, certificates, placements and trainings."""

    name = "teacher"
    title = lt("บันทึกสมรรถนะของครู (Digital Competency Bank)")
    description = lt(
        "ข้อมูลครูรายบุคคล หน่วยสมรรถนะที่ได้รับ ประกาศนียบัตรคุณวุฒิวิชาชีพ"
        " การฝึกประสบการณ์ในสถานประกอบการ และการฝึกอบรม"
    )
    filters = (teacher(),)

    def build(self, session: Session, values: dict[str, Any], viewer: Viewer) -> Report:
        """Build the statement of the chosen teacher."""
        chosen: Teacher | None = values.get("teacher")
        if chosen is None:
            raise FilterError(t("ให้ระบุ%(nid_label)sของครู", nid_label=str(NID_LABEL)))
        person = self.person(session, chosen.id)
        name = full_name(person.prefix, person.first_name, person.last_name)
        if viewer.sees_personal_data and has_request_context():
            # The report prints the full ID: a view of it, logged as the user's (PDPA).
            log_reveal(chosen, "export", ["national_id"])
        return Report(
            self.name,
            self.title,
            [(t("ครู"), f"{name} ({shown_id(person.national_id, viewer)})")],
            [
                self.identity(person, viewer),
                self.units(session, chosen.id),
                self.certificates(session, chosen.id),
                self.placements(session, chosen.id),
                self.trainings(session, chosen.id),
            ],
            landscape=self.landscape,
        )

    # ------------------------------------------------------------------ blocks

    @staticmethod
    def person(session: Session, teacher_id: int) -> Row[Any]:
        """Return the teacher's identity and the name of their college in one query."""
        return session.execute(
            select(
                Teacher.prefix,
                Teacher.first_name,
                Teacher.last_name,
                Teacher.national_id,
                Agency.name_th.label("college"),
                Teacher.department,
                Teacher.position,
                Teacher.academic_standing,
            )
            .outerjoin(Agency, Agency.id == Teacher.college_id)
            .where(Teacher.id == teacher_id)
        ).one()

    @staticmethod
    def identity(person: Row[Any], viewer: Viewer) -> Facts:
        return Facts(
            [
                (t("ชื่อ-นามสกุล"), full_name(person.prefix, person.first_name, person.last_name)),
                (NID_LABEL, shown_id(person.national_id, viewer)),
                (t("สถานศึกษา"), person.college or NONE),
                (t("แผนกวิชา"), person.department or NONE),
                (t("ตำแหน่ง"), person.position or NONE),
                (t("วิทยฐานะ"), person.academic_standing or NONE),
            ],
            title=t("ข้อมูลครู"),
        )

    @staticmethod
    def units(session: Session, teacher_id: int) -> Table:
        sources = UnitSource.labels()
        query = (
            select(
                CompetencyUnit.code,
                CompetencyUnit.title,
                TeacherUnit.achieved_on,
                TeacherUnit.source,
                TeacherUnit.evidence,
            )
            .join(CompetencyUnit, CompetencyUnit.id == TeacherUnit.unit_id)
            .where(TeacherUnit.teacher_id == teacher_id)
            .order_by(TeacherUnit.achieved_on, CompetencyUnit.code)
        )
        rows = [
            {
                "code": code,
                "title": title,
                "achieved_on": achieved_on,
                "source": sources.get(source, source),
                "evidence": evidence or NONE,
            }
            for code, title, achieved_on, source, evidence in session.execute(query)
        ]
        return Table(
            [
                Column("code", t("รหัสหน่วยสมรรถนะ"), "code"),
                Column("title", t("ชื่อหน่วยสมรรถนะ")),
                Column("achieved_on", t("วันที่ได้รับ"), "date"),
                Column("source", t("ที่มา")),
                Column("evidence", t("หลักฐาน")),
            ],
            rows,
            title=t("หน่วยสมรรถนะที่ได้รับ"),
            totals={"code": t("รวม"), "title": t("%(len)s หน่วยสมรรถนะ", len=format(len(rows), ","))}
            if rows
            else None,
            empty=t("ยังไม่มีหน่วยสมรรถนะในธนาคารสมรรถนะของครู"),
        )

    @staticmethod
    def certificates(session: Session, teacher_id: int) -> Table:
        query = (
            select(
                Qualification.title,
                Qualification.level,
                TeacherCertificate.certificate_no,
                TeacherCertificate.issued_on,
                TeacherCertificate.expires_on,
            )
            .join(Qualification, Qualification.id == TeacherCertificate.qualification_id)
            .where(TeacherCertificate.teacher_id == teacher_id)
            .order_by(TeacherCertificate.issued_on, TeacherCertificate.certificate_no)
        )
        now = today()
        rows: list[dict[str, Any]] = []
        marks: dict[int, Mark] = {}
        for title, level, number, issued_on, expires_on in session.execute(query):
            expired = expires_on is not None and expires_on < now
            if expired:
                marks[len(rows)] = "warn"
            rows.append(
                {
                    "qualification": title,
                    "level": level,
                    "certificate_no": number,
                    "issued_on": issued_on,
                    "expires_on": expires_on,
                    "state": t("หมดอายุแล้ว") if expired else t("ใช้ได้"),
                }
            )
        return Table(
            [
                Column("qualification", t("คุณวุฒิวิชาชีพ")),
                Column("level", t("ระดับ"), "int"),
                Column("certificate_no", t("เลขที่ประกาศนียบัตร"), "code"),
                Column("issued_on", t("วันที่ออก"), "date"),
                Column("expires_on", t("วันหมดอายุ"), "date"),
                Column("state", t("สถานะ")),
            ],
            rows,
            title=t("ประกาศนียบัตรคุณวุฒิวิชาชีพ"),
            marks=marks,
            legend=t("แถวที่เน้น: ประกาศนียบัตรหมดอายุแล้ว") if marks else None,
            empty=t("ยังไม่มีประกาศนียบัตรคุณวุฒิวิชาชีพ"),
        )

    @staticmethod
    def placements(session: Session, teacher_id: int) -> Table:
        steps, results = PlacementStep.labels(), ExamResult.labels()
        host = aliased(Agency)
        query = (
            select(
                PlacementRound.fiscal_year,
                host.name_th,
                Placement.status,
                Placement.test_result,
                Placement.planned_start,
                Placement.planned_end,
            )
            .join(PlacementRound, PlacementRound.id == Placement.round_id)
            .outerjoin(host, host.id == Placement.host_id)
            .where(Placement.teacher_id == teacher_id)
            .order_by(PlacementRound.fiscal_year)
        )
        rows = [
            {
                # A year is a name, not a quantity: no thousands separator.
                "fiscal_year": str(year),
                "host": host_name or NONE,
                "status": steps.get(status, status),
                "test_result": results.get(result, result) if result else NONE,
                "planned_start": start,
                "planned_end": end,
            }
            for year, host_name, status, result, start, end in session.execute(query)
        ]
        return Table(
            [
                Column("fiscal_year", t("ปีงบประมาณ"), "code"),
                Column("host", t("สถานประกอบการ")),
                Column("status", t("สถานะ")),
                Column("test_result", t("ผลการทดสอบ")),
                Column("planned_start", t("เริ่มฝึก"), "date"),
                Column("planned_end", t("สิ้นสุดการฝึก"), "date"),
            ],
            rows,
            title=t("การฝึกประสบการณ์ในสถานประกอบการ"),
            empty=t("ยังไม่เคยสมัครการฝึกประสบการณ์ในสถานประกอบการ"),
        )

    @staticmethod
    def trainings(session: Session, teacher_id: int) -> Table:
        provider = aliased(Agency)
        query = (
            select(
                Training.title,
                provider.name_th,
                Training.start_on,
                Training.end_on,
                Training.hours,
                TrainingAttendance.completed,
            )
            .join(TrainingAttendance, TrainingAttendance.training_id == Training.id)
            .outerjoin(provider, provider.id == Training.provider_id)
            .where(TrainingAttendance.teacher_id == teacher_id)
            .order_by(Training.start_on, Training.title)
        )
        rows = [
            {
                "title": title,
                "provider": provider_name or NONE,
                "start_on": start,
                "end_on": end,
                "hours": hours,
                "completed": t("สำเร็จ") if completed else t("ไม่สำเร็จ"),
            }
            for title, provider_name, start, end, hours, completed in session.execute(query)
        ]
        totals = None
        if rows:
            done = sum(row["completed"] == t("สำเร็จ") for row in rows)
            totals = {
                "title": t("รวม"),
                "hours": sum(row["hours"] or 0 for row in rows),
                "completed": t(
                    "สำเร็จ %(done)s จาก %(len)s รายการ",
                    done=format(done, ","),
                    len=format(len(rows), ","),
                ),
            }
        return Table(
            [
                Column("title", t("หลักสูตรการฝึกอบรม")),
                Column("provider", t("หน่วยงานผู้จัด")),
                Column("start_on", t("วันเริ่ม"), "date"),
                Column("end_on", t("วันสิ้นสุด"), "date"),
                Column("hours", t("ชั่วโมง"), "int"),
                Column("completed", t("ผลการอบรม")),
            ],
            rows,
            title=t("การฝึกอบรม"),
            totals=totals,
            empty=t("ยังไม่มีประวัติการฝึกอบรม"),
        )
