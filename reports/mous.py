"""The MOU register: every MOU with its parties, dates, status and the days it has left."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.orm import Session

import models
from models import Agency, Mou, MouParty, MouStatus
from reports import filters as report_filters
from reports.model import Column, Facts, Mark, Report, ReportDefinition, Table, Viewer
from reports.words import lt, t

WARN_LEGEND = lt(
    "แถวที่ทำเครื่องหมาย: จะหมดอายุภายใน %(expiring_days)s วัน", expiring_days=models.EXPIRING_DAYS
)

COLUMNS = [
    Column("ref_no", lt("เลขที่"), "code"),
    Column("title", lt("ชื่อบันทึกข้อตกลง")),
    Column("parties", lt("คู่ความร่วมมือ")),
    Column("signed_on", lt("วันที่ลงนาม"), "date"),
    Column("expires_on", lt("วันที่สิ้นสุด"), "date"),
    Column("status", lt("สถานะ")),
    Column("days_left", lt("เหลือ (วัน)"), "int"),
]


class MouRegister(ReportDefinition):
    """List MOUs with their parties, end dates and status, by status, partner or province.

    Rows come in the order a director acts on them: MOUs still in force by end date, soonest
    first, so that those expiring within 90 days head the list; then open-ended MOUs; then
    expired ones, the most recently ended first (the long-expired matter least). Ties go by
    signing date, then reference number.
    """

    name = "mous"
    title = lt("ทะเบียนบันทึกข้อตกลงความร่วมมือ (MOU)")
    description = lt("บันทึกข้อตกลงทุกฉบับ คู่ความร่วมมือ วันที่ลงนาม วันที่สิ้นสุด สถานะ และจำนวนวันที่เหลือ")
    landscape = True
    filters = (
        report_filters.choice("status", lt("สถานะ"), MouStatus),
        report_filters.partner(),
        report_filters.province(),
    )

    def build(self, session: Session, values: dict[str, Any], viewer: Viewer) -> Report:
        """Build the register: a count per status, then one row per MOU."""
        now = models.today()
        where = self.conditions(values)
        mous = sorted(
            session.execute(
                select(Mou.id, Mou.ref_no, Mou.title, Mou.signed_on, Mou.expires_on).where(*where)
            ),
            key=lambda mou: order_key(mou, now),
        )
        parties = self.party_names(session, where)
        labels = MouStatus.labels()

        rows: list[dict[str, Any]] = []
        marks: dict[int, Mark] = {}
        counts = dict.fromkeys(labels, 0)
        for index, mou in enumerate(mous):
            status = models.mou_status(mou.expires_on, on=now)
            counts[status] += 1
            if status == MouStatus.EXPIRING:
                marks[index] = "warn"
            rows.append(
                {
                    "ref_no": mou.ref_no,
                    "title": mou.title,
                    "parties": ", ".join(parties.get(mou.id, ())),
                    "signed_on": mou.signed_on,
                    "expires_on": mou.expires_on,
                    "status": labels[status],
                    "days_left": days_left(mou.expires_on, now),
                }
            )

        summary = Facts(
            [(labels[status], f"{count:,}") for status, count in counts.items()]
            + [(t("รวม"), f"{len(rows):,}")],
            title=t("จำนวนบันทึกข้อตกลงตามสถานะ"),
        )
        table = Table(
            COLUMNS,
            rows,
            marks=marks,
            legend=str(WARN_LEGEND) if marks else None,
            empty=t("ไม่มีบันทึกข้อตกลงตามเงื่อนไขที่เลือก"),
        )
        return Report(
            self.name,
            self.title,
            [
                (f.label, report_filters.describe(f, session, values[f.name]))
                for f in self.filters
                if values.get(f.name) is not None
            ],
            [summary, table],
            landscape=self.landscape,
        )

    @staticmethod
    def conditions(values: dict[str, Any]) -> list[ColumnElement[bool]]:
        """The WHERE conditions on Mou for the chosen filters."""
        where: list[ColumnElement[bool]] = []
        if values.get("status") is not None:
            where.append(Mou.status == values["status"])
        if values.get("partner") is not None:
            where.append(
                Mou.id.in_(
                    select(MouParty.mou_id).where(MouParty.agency_id == values["partner"].id)
                )
            )
        if values.get("province") is not None:
            where.append(
                Mou.id.in_(
                    select(MouParty.mou_id)
                    .join(Agency, MouParty.agency_id == Agency.id)
                    .where(Agency.province_id == values["province"].id)
                )
            )
        return where

    @staticmethod
    def party_names(session: Session, where: list[ColumnElement[bool]]) -> dict[int, list[str]]:
        """Every listed MOU's party names in the order entered, in one query for all MOUs."""
        query = (
            select(MouParty.mou_id, Agency.name_th)
            .join(Agency, MouParty.agency_id == Agency.id)
            .order_by(MouParty.mou_id, MouParty.id)
        )
        if where:
            # The MOUs' own conditions as a subquery: no list of ids, so no limit on how many.
            query = query.where(MouParty.mou_id.in_(select(Mou.id).where(*where)))
        names: dict[int, list[str]] = defaultdict(list)
        for mou_id, name in session.execute(query):
            names[mou_id].append(name)
        return names


def order_key(mou: Row[Any], now: dt.date) -> tuple[int, int, int, str]:
    """In force by end date, then open-ended, then expired with the latest ended first."""
    expires = mou.expires_on
    if expires is None:
        group, when = 1, 0
    elif expires < now:
        group, when = 2, -expires.toordinal()
    else:
        group, when = 0, expires.toordinal()
    return group, when, mou.signed_on.toordinal(), mou.ref_no


def days_left(expires_on: dt.date | None, now: dt.date) -> int | None:
    """Days until the end date (0 on the last day); None when open-ended or already ended."""
    if expires_on is None or expires_on < now:
        return None
    return (expires_on - now).days
