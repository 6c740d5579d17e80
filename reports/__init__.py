"""Printed reports: build a report's rows from filters, then render them as PDF or XLSX.

The admin's report pages, the `flask report` command and the tests all go through
build_report() and the renderers, so what a director prints, what a script schedules and
what the tests check are the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from reports.alignment import AlignmentReport
from reports.excellence import ExcellenceReport
from reports.model import FilterError, Report, ReportDefinition, Viewer
from reports.mous import MouRegister
from reports.pdf import render_pdf
from reports.placements import PlacementsReport
from reports.scholarships import ScholarshipsReport
from reports.teacher import TeacherRecord
from reports.words import settle, t
from reports.xlsx import render_xlsx
from thai.dates import english

REPORTS: dict[str, ReportDefinition] = {
    definition.name: definition
    for definition in (
        PlacementsReport(),
        ExcellenceReport(),
        MouRegister(),
        AlignmentReport(),
        ScholarshipsReport(),
        TeacherRecord(),
    )
}
FORMATS = ("pdf", "xlsx")
# The languages a report prints in: Thai unless English is asked for.
LANGUAGES = ("th", "en")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def parse_filters(
    session: Session, definition: ReportDefinition, given: Mapping[str, Any]
) -> dict[str, Any]:
    """Parse the filters' texts; FilterError names the first missing or unusable one."""
    values: dict[str, Any] = {}
    for filter_ in definition.filters:
        text = given.get(filter_.name)
        text = "" if text is None else str(text).strip()
        if not text:
            if filter_.required:
                raise FilterError(t("ไม่ได้ระบุ%(label)s ซึ่งรายงานนี้ต้องใช้", label=filter_.label))
            values[filter_.name] = None
            continue
        values[filter_.name] = filter_.parse(session, text)
    return values


def build_report(
    session: Session, name: str, given: Mapping[str, Any], viewer: Viewer | None = None
) -> Report:
    """Build a report by name from its filters' texts (FilterError when one is wrong)."""
    definition = REPORTS.get(name)
    if definition is None:
        raise FilterError(
            t('ไม่มีรายงานชื่อ "%(name)s" (มี %(names)s)', name=name, names=", ".join(REPORTS))
        )
    values = parse_filters(session, definition, given)
    return settle(definition.build(session, values, viewer or Viewer()))


def render(report: Report, fmt: str, *, thai_digits: bool = False) -> bytes:
    """The report as PDF or XLSX bytes."""
    if fmt == "pdf":
        return render_pdf(report, thai_digits=thai_digits)
    if fmt == "xlsx":
        return render_xlsx(report, english=english())
    raise FilterError(t('ไม่รู้จักรูปแบบ "%(format)s" (ใช้ได้: pdf, xlsx)', format=fmt))


__all__ = [
    "FORMATS",
    "LANGUAGES",
    "MEDIA_TYPES",
    "REPORTS",
    "FilterError",
    "Report",
    "Viewer",
    "build_report",
    "parse_filters",
    "render",
]
