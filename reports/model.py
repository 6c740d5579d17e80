"""What a built report is: plain data that every renderer (PDF, XLSX) draws the same way.

A report definition turns filters into a Report (build); renderers never query the
database, so the admin page, the CLI and the tests share one path and the PDF and its
XLSX twin always hold the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from sqlalchemy.orm import Session

from reports.words import lt

# How a column's values are shown: text as is, whole numbers with thousands separators,
# numbers with two decimals (money), a percentage (value 0-100), a date in BE, a person's
# name (wrapped only between given name and surname), a code (never broken into words).
ColumnKind = Literal["text", "int", "money", "percent", "date", "name", "code"]
# A row's mark: drawn highlighted in the PDF and named in a column of the XLSX twin.
Mark = Literal["warn", "short", "total", "group"]


@dataclass
class Column:
    key: str
    title: str
    kind: ColumnKind = "text"


@dataclass
class Table:
    columns: list[Column]
    rows: list[dict[str, Any]]
    title: str | None = None
    # The totals row (keys of columns to total; a text in the first column says "รวม").
    totals: dict[str, Any] | None = None
    # Row index -> mark (e.g. an MOU expiring within 90 days, a field short of its target).
    marks: dict[int, Mark] = field(default_factory=dict)
    # What a mark means, printed under the table ("แถวสีเหลือง: ใกล้หมดอายุภายใน 90 วัน").
    legend: str | None = None
    # Printed when there are no rows.
    empty: Any = field(default_factory=lambda: lt("ไม่มีข้อมูลตามเงื่อนไขที่เลือก"))


@dataclass
class Chart:
    """A bar chart: one bar (or group of bars) per label."""

    title: str
    labels: list[str]
    # (series name, one value per label); one or two series read best.
    series: list[tuple[str, list[float]]]
    unit: str = ""


@dataclass
class Facts:
    """Label-value pairs, e.g. a teacher's identity at the top of their record."""

    pairs: list[tuple[str, str]]
    title: str | None = None


@dataclass
class Note:
    """A paragraph of text."""

    text: str


Block = Table | Chart | Facts | Note


@dataclass
class Report:
    name: str
    title: str
    # The filters used, as the reader should see them: [("ปีงบประมาณ", "2568"), ...].
    filters: list[tuple[str, str]]
    blocks: list[Block]
    landscape: bool = False


class FilterError(ValueError):
    """A filter value that cannot be used; the message (Thai) names the filter and why."""


@dataclass
class Filter:
    """One filter of a report: a form field in the admin and an option of the CLI."""

    name: str  # e.g. "fiscal_year"; the CLI option is --fiscal-year
    label: Any  # lt("ปีงบประมาณ"): in the printout's or the screen's language
    # parse(session, text) -> value, or FilterError with a Thai message.
    parse: Callable[[Session, str], Any]
    required: bool = False
    # (value, label) choices for a drop-down in the admin; None for free text.
    choices: Callable[[Session], Sequence[tuple[str, str]]] | None = None
    # How the value reads in the report's header; str(value) when None.
    describe: Callable[[Session, Any], str] | None = None
    help: Any = ""
    # A search-as-you-type picker in the admin instead of a text box: (the endpoint of a
    # model view, the name of its form_ajax_refs field whose loader finds the records).
    picker: tuple[str, str] | None = None


@dataclass
class Viewer:
    """Who the report is for: national IDs are masked unless they may see personal data."""

    sees_personal_data: bool = False


class ReportDefinition:
    """Base of every report: its name, title, filters and how to build it."""

    name: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str] = ""
    landscape: ClassVar[bool] = False
    filters: ClassVar[Sequence[Filter]] = ()

    def build(self, session: Session, values: dict[str, Any], viewer: Viewer) -> Report:
        """Build the report for parsed filter values (missing optional filters are None)."""
        raise NotImplementedError
