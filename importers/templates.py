"""A blank workbook per kind of import, built from the importer's columns, to send out and fill in.

The data sheet (ข้อมูล) has only the Thai headers (required ones marked "*"), so a template
sent back untouched imports nothing; the instructions sheet (คำอธิบาย) shows an example row
and says what each column holds and which other headers are accepted. Enumerated columns
get a drop-down list of the values the importer accepts (a few free-text ones a list of the
usual values), and IDs, phone numbers and dates are text cells so that Excel keeps their
leading zeros and does not turn a BE date into a Christian-era one.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import geothai
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from exports import safe_workbook
from importers import KINDS, cells
from importers.columns import Column
from importers.headers import help_headers
from importers.importer import Importer
from thai.text import thai_sort_key

DATA_SHEET = "ข้อมูล"
HELP_SHEET = "คำอธิบาย"
LISTS_SHEET = "รายการ"
REQUIRED_MARK = " *"
# Drop-down lists and text formats reach this far down the data sheet.
LAST_ROW = 50_000
# Excel keeps an inline list's source to 255 characters; longer lists go on a hidden sheet.
INLINE_LIST_LIMIT = 255
TEXT_PARSERS = (
    cells.code,
    cells.national_id,
    cells.person_id,
    cells.phone,
    cells.date,
    cells.timestamp,
)


def general_notes() -> list[str]:
    """The notes of the instructions sheet, in the reader's language; the sheets and headers
    keep their Thai names in every language (senders are Thai, and the import reads them)."""
    return [
        _(
            "The first row of the “%(data)s” (data) sheet holds the column headers, which are "
            "in Thai: do not change them (columns may be reordered and others added, but the "
            "system does not import columns it does not know)",
            data=DATA_SHEET,
        ),
        _("Columns marked * must be filled in every row"),
        _(
            "Enter the data from row 2 of the “%(data)s” sheet; the example row is further down "
            "this sheet and is not to be copied",
            data=DATA_SHEET,
        ),
        _(
            "In a column with a list (an arrow at the cell's corner) choose from the list, or "
            "type another value the system accepts, as the “%(values)s” column says",
            values=help_headers()[3],
        ),
        _("Enter dates as day/month/BE year, e.g. 24/01/2568"),
        _(
            "Enter ID numbers, codes and phone numbers as text (the cells are already "
            "formatted as text)"
        ),
        _(
            "If any row is wrong, the system names its row, column and reason, and saves "
            "nothing until it is corrected or you choose to save only the valid rows"
        ),
    ]


EXAMPLE_TITLE = _l(
    "Example (an example row: do not copy it to the “%(data)s” sheet)", data=DATA_SHEET
)
# Columns the importers read without a list of their own: the levels and provinces they
# accept (they also take "4", "ชั้น 4", English names and province codes), and the usual
# values of free-text columns (any other is kept).
LEVELS = tuple(f"ระดับ {level}" for level in range(1, 9))
PREFIXES = ("นาย", "นาง", "นางสาว", "ว่าที่ร้อยตรี", "ว่าที่ร้อยตรีหญิง", "ดร.")
POSITIONS = ("ครู", "ครูผู้ช่วย", "พนักงานราชการ (ครู)", "ครูอัตราจ้าง")
STANDINGS = ("ชำนาญการ", "ชำนาญการพิเศษ", "เชี่ยวชาญ", "เชี่ยวชาญพิเศษ")
OPEN_LIST = _l("(other values may be typed)")
# A list longer than this is named by a few of its values (all of them are in the drop-down).
LONG_LIST = 20


@cache
def province_names() -> tuple[str, ...]:
    """The 77 provinces' Thai names in dictionary order, as the reference data holds them."""
    return tuple(sorted((p.name_th for p in geothai.provinces()), key=thai_sort_key))


def extra_lists() -> dict[tuple[str, str], tuple[tuple[str, ...], bool]]:
    """(kind, column) -> (values, other values taken too) for columns without choices."""
    return {
        ("standards", "level"): (LEVELS, False),
        ("agencies", "province"): (province_names(), False),
        ("placements", "province"): (province_names(), False),
        ("teachers", "prefix"): (PREFIXES, True),
        ("scholarships", "prefix"): (PREFIXES, True),
        ("teachers", "position"): (POSITIONS, True),
        ("teachers", "academic_standing"): (STANDINGS, True),
    }


def column_values(importer: type[Importer], column: Column) -> tuple[tuple[str, ...], bool]:
    """The values a column's drop-down offers, and whether any other value is taken as well.

    An enumerated column offers the labels its parser accepts (it also takes their English
    labels and codes, and refuses anything else); a free-text column may offer its usual
    values and keeps any other.
    """
    if column.choices:
        return column.choices, False
    return extra_lists().get((importer.kind, column.name), ((), True))


def values_text(importer: type[Importer], column: Column) -> str:
    """The values a column takes, as the instructions sheet and the upload page say them."""
    values, open_list = column_values(importer, column)
    if not values:
        return ""
    if len(values) > LONG_LIST:
        text = _(
            "Choose from the cell's list (%(count)s values, e.g. %(examples)s …)",
            count=len(values),
            examples=", ".join(values[:3]),
        )
    else:
        text = ", ".join(values)
    return f"{text} {OPEN_LIST}" if open_list else text


@dataclass(frozen=True)
class ColumnGuide:
    """A column as the upload page describes it, from the importer's own definitions."""

    title: str
    required: bool
    # The other headers the importer accepts for it (importers/headers.py matches them).
    aliases: tuple[str, ...]
    # The values its template's drop-down offers, and whether any other value is kept.
    values: tuple[str, ...]
    open_list: bool

    @property
    def long_list(self) -> bool:
        """Too many values to list (the 77 provinces): the page names a few."""
        return len(self.values) > LONG_LIST


def column_guide(importer: type[Importer]) -> list[ColumnGuide]:
    """Every column of an import kind: its header, other accepted headers and its values."""
    guide = []
    for column in importer.columns:
        values, open_list = column_values(importer, column)
        required = is_required(importer, column)
        guide.append(ColumnGuide(column.title, required, column.headers[1:], values, open_list))
    return guide


def template_filename(kind: str) -> str:
    return f"samatta-template-{kind}.xlsx"


def is_text_column(importer: type[Importer], column: Column) -> bool:
    """IDs, codes, phone numbers and dates are typed as text, never as numbers or Excel dates."""
    return column.name == importer.key_column or column.parse in TEXT_PARSERS


def template_columns(importer: type[Importer]) -> tuple[list[Column], list[Column]]:
    """Split the columns into those the template has and the alternatives it leaves out.

    Where a file may hold one of several groups of columns (ชื่อ + นามสกุล, or ชื่อ-สกุล),
    the template has the first group; the others are described on the instructions sheet.
    """
    later = {
        name
        for alternatives in importer.required_columns
        for group in alternatives[1:]
        for name in group
    }
    first = {name for alternatives in importer.required_columns for name in alternatives[0]}
    shown = [c for c in importer.columns if c.name not in later or c.name in first]
    left_out = [c for c in importer.columns if c.name in later and c.name not in first]
    return shown, left_out


def is_required(importer: type[Importer], column: Column) -> bool:
    """A value is needed in every row: the column says so or the first required group has it."""
    if column.required:
        return True
    return any(column.name in alternatives[0] for alternatives in importer.required_columns)


def requirement_text(importer: type[Importer], column: Column) -> str:
    """Say whether a column must be filled, and what may stand in for it."""
    for alternatives in importer.required_columns:
        groups = [group for group in alternatives if column.name in group]
        if not groups:
            continue
        others = [group for group in alternatives if column.name not in group]
        if not others:
            return pgettext("import template", "Required")
        titles = _(" or ").join(
            " + ".join(importer_column(importer, name).title for name in group) for group in others
        )
        return pgettext("import template", "Required (or use %(titles)s instead)", titles=titles)
    return pgettext("import template", "Required") if column.required else _("Optional")


def importer_column(importer: type[Importer], name: str) -> Column:
    return next(column for column in importer.columns if column.name == name)


# The date a template says it was made (fixed: a template is the same file each time).
TEMPLATE_DATE = dt.datetime(2025, 1, 1)


def build_template(kind: str) -> bytes:
    """Return the .xlsx template of an import kind."""
    importer = KINDS[kind]
    shown, left_out = template_columns(importer)
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    # The same template for every download: xlsxwriter would stamp the time of each build.
    book.set_properties({"created": TEMPLATE_DATE})
    formats = {
        "header": book.add_format(
            {"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        "required": book.add_format(
            {"bold": True, "bg_color": "#FDE9D9", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        "text": book.add_format({"num_format": "@"}),
        "example": book.add_format(
            {"font_color": "#555555", "bg_color": "#F4F4F4", "border": 1, "text_wrap": True}
        ),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "title_small": book.add_format({"bold": True}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    data = book.add_worksheet(DATA_SHEET)
    instructions = book.add_worksheet(HELP_SHEET)
    lists: Worksheet | None = None
    for col, column in enumerate(shown):
        required = is_required(importer, column)
        header = column.title + (REQUIRED_MARK if required else "")
        width = min(max(len(header) + 4, len(column.example) + 2, 12), 45)
        text = is_text_column(importer, column)
        data.set_column(col, col, width, formats["text"] if text else None)
        data.write_string(0, col, header, formats["required" if required else "header"])
        if column.help:
            data.write_comment(0, col, str(column.help), {"x_scale": 2, "y_scale": 1.5})
        values, open_list = column_values(importer, column)
        if values:
            if lists is None:
                lists = book.add_worksheet(LISTS_SHEET)
                lists.hide()
            add_choice_list(data, lists, col, column, values, open_list)
    data.freeze_panes(1, 0)
    data.set_row(0, 36)
    data.activate()
    write_instructions(instructions, importer, shown, left_out, formats)
    book.close()
    return buffer.getvalue()


def add_choice_list(
    data: Worksheet,
    lists: Worksheet,
    col: int,
    column: Column,
    values: Sequence[str],
    open_list: bool,
) -> None:
    """Offer a column's values as a drop-down: a warning when another value is typed into an
    enumerated column (the importer also takes English labels and codes), a note in a
    free-text one."""
    options: dict[str, object] = {
        "validate": "list",
        "input_title": column.title[:32],
    }
    if open_list:
        options |= {
            "error_type": "information",
            "error_title": _("A value not in the list"),
            "error_message": _("This value is not one of the usual ones; it is kept as typed"),
            "input_message": _("Choose from the list or type another value"),
        }
    else:
        options |= {
            "error_type": "warning",
            "error_title": _("A value not in the list"),
            "error_message": _("The system does not know this value; check it again"),
            "input_message": _("Choose from the list"),
        }
    if len(",".join(values)) <= INLINE_LIST_LIMIT:
        options["source"] = list(values)
    else:
        for row, value in enumerate(values):
            lists.write_string(row, col, value)
        letter = xl_col_to_name(col)
        options["source"] = f"='{LISTS_SHEET}'!${letter}$1:${letter}${len(values)}"
    data.data_validation(1, col, LAST_ROW, col, options)


def write_instructions(
    sheet: Worksheet,
    importer: type[Importer],
    shown: Sequence[Column],
    left_out: Sequence[Column],
    formats: dict,
) -> None:
    """The คำอธิบาย sheet: what the file is for, what must exist first, and each column."""
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 26)
    sheet.set_column(2, 2, 50)
    sheet.set_column(3, 3, 40)
    sheet.set_column(4, 5, 30)
    title = _("Import template: %(kind)s", kind=importer.label)
    sheet.write_string(0, 0, title, formats["title"])
    row = 2
    if importer.instructions:
        sheet.write_string(row, 0, _("Must exist first"), formats["header"])
        sheet.merge_range(row, 1, row, 5, str(importer.instructions), formats["wrap"])
        row += 2
    for note in general_notes():
        sheet.merge_range(row, 0, row, 5, f"• {note}", formats["wrap"])
        sheet.set_row(row, 30)
        row += 1
    row = write_example(sheet, importer, shown, row + 1, formats) + 1
    for col, header in enumerate(help_headers()):
        sheet.write_string(row, col, header, formats["header"])
    for column in [*shown, *left_out]:
        row += 1
        title = column.title + (REQUIRED_MARK if is_required(importer, column) else "")
        if column in left_out:
            title += " " + _("(may stand in for other columns; not in the template)")
        values = (
            title,
            requirement_text(importer, column),
            str(column.help),
            values_text(importer, column),
            ", ".join(column.headers[1:]),
            column.example,
        )
        for col, value in enumerate(values):
            sheet.write_string(row, col, value, formats["wrap"])


def write_example(
    sheet: Worksheet,
    importer: type[Importer],
    shown: Sequence[Column],
    row: int,
    formats: dict,
) -> int:
    """An example row under the data sheet's headers, on the instructions sheet (which an
    import never reads as data); return the row after it."""
    sheet.write_string(row, 0, str(EXAMPLE_TITLE), formats["title_small"])
    for col, column in enumerate(shown):
        required = is_required(importer, column)
        title = column.title + (REQUIRED_MARK if required else "")
        sheet.write_string(row + 1, col, title, formats["required" if required else "header"])
        if column.example:
            sheet.write_string(row + 2, col, column.example, formats["example"])
        else:
            sheet.write_blank(row + 2, col, None, formats["example"])
    if len(shown) > 6:
        sheet.set_column(6, len(shown) - 1, 22)
    return row + 3
