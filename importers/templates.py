"""A blank workbook per kind of import, built from the importer's columns, to send out and fill in.

The data sheet has the Thai headers (required ones marked "*") and one example row; an
instructions sheet (คำอธิบาย) says what each column holds; enumerated columns get a
drop-down list, and IDs, phone numbers and dates are text cells so that Excel keeps their
leading zeros and does not turn a BE date into a Christian-era one.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from exports import safe_workbook
from importers import KINDS, cells
from importers.columns import Column
from importers.importer import Importer

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
GENERAL_NOTES = (
    "แถวแรกของแผ่นงาน “ข้อมูล” เป็นหัวคอลัมน์ ห้ามแก้ชื่อหัวคอลัมน์ (เรียงลำดับใหม่ได้ เพิ่มคอลัมน์อื่นได้ "
    "แต่ระบบจะไม่นำเข้าคอลัมน์ที่ไม่รู้จัก)",
    "คอลัมน์ที่มีเครื่องหมาย * ต้องกรอกทุกแถว",
    "แถวที่ 2 เป็นตัวอย่าง ลบหรือเขียนทับก่อนส่งไฟล์",
    "วันที่ให้กรอกเป็น วัน/เดือน/ปี พ.ศ. เช่น 24/01/2568",
    "เลขประจำตัว รหัส และเบอร์โทรศัพท์ กรอกเป็นข้อความ (เซลล์ถูกจัดรูปแบบเป็นข้อความไว้แล้ว)",
    "ถ้ามีแถวใดไม่ถูกต้อง ระบบจะแจ้งเลขแถว คอลัมน์และเหตุผล และจะไม่บันทึกข้อมูลจนกว่าจะแก้ไข "
    "หรือเลือกบันทึกเฉพาะแถวที่ถูกต้อง",
)


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
    """Say in Thai whether a column must be filled, and what may stand in for it."""
    for alternatives in importer.required_columns:
        groups = [group for group in alternatives if column.name in group]
        if not groups:
            continue
        others = [group for group in alternatives if column.name not in group]
        if not others:
            return "จำเป็น"
        titles = " หรือ ".join(
            " + ".join(importer_column(importer, name).title for name in group) for group in others
        )
        return f"จำเป็น (หรือใช้ {titles} แทน)"
    return "จำเป็น" if column.required else "ไม่จำเป็น"


def importer_column(importer: type[Importer], name: str) -> Column:
    return next(column for column in importer.columns if column.name == name)


def build_template(kind: str) -> bytes:
    """Return the .xlsx template of an import kind."""
    importer = KINDS[kind]
    shown, left_out = template_columns(importer)
    buffer = io.BytesIO()
    book = safe_workbook(buffer)
    formats = {
        "header": book.add_format(
            {"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        "required": book.add_format(
            {"bold": True, "bg_color": "#FDE9D9", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        "text": book.add_format({"num_format": "@"}),
        "example": book.add_format({"num_format": "@", "font_color": "#666666"}),
        "example_general": book.add_format({"font_color": "#666666"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
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
            data.write_comment(0, col, column.help, {"x_scale": 2, "y_scale": 1.5})
        if column.example:
            data.write_string(
                1, col, column.example, formats["example" if text else "example_general"]
            )
        if column.choices:
            if lists is None:
                lists = book.add_worksheet(LISTS_SHEET)
                lists.hide()
            add_choice_list(data, lists, col, column)
    data.freeze_panes(1, 0)
    data.set_row(0, 36)
    data.activate()
    write_instructions(instructions, importer, shown, left_out, formats)
    book.close()
    return buffer.getvalue()


def add_choice_list(data: Worksheet, lists: Worksheet, col: int, column: Column) -> None:
    """Offer a column's accepted values as a drop-down (a warning, not a refusal, when typed)."""
    options: dict[str, object] = {
        "validate": "list",
        "error_type": "warning",
        "error_title": "ค่าที่ไม่อยู่ในรายการ",
        "error_message": "ค่านี้ไม่อยู่ในรายการที่ระบบรู้จัก ตรวจสอบอีกครั้ง",
        "input_title": column.title[:32],
        "input_message": "เลือกจากรายการ",
    }
    if len(",".join(column.choices)) <= INLINE_LIST_LIMIT:
        options["source"] = list(column.choices)
    else:
        for row, choice in enumerate(column.choices):
            lists.write_string(row, col, choice)
        letter = xl_col_to_name(col)
        options["source"] = f"='{LISTS_SHEET}'!${letter}$1:${letter}${len(column.choices)}"
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
    sheet.write_string(0, 0, f"แม่แบบนำเข้าข้อมูล{importer.label}", formats["title"])
    row = 2
    if importer.instructions:
        sheet.write_string(row, 0, "ต้องมีในระบบก่อน", formats["header"])
        sheet.merge_range(row, 1, row, 5, importer.instructions, formats["wrap"])
        row += 2
    for note in GENERAL_NOTES:
        sheet.merge_range(row, 0, row, 5, f"• {note}", formats["wrap"])
        sheet.set_row(row, 30)
        row += 1
    row += 1
    headers = ("คอลัมน์", "ต้องกรอก", "คำอธิบาย", "ค่าที่ใช้ได้", "ชื่อหัวคอลัมน์อื่นที่รับได้", "ตัวอย่าง")
    for col, header in enumerate(headers):
        sheet.write_string(row, col, header, formats["header"])
    for column in [*shown, *left_out]:
        row += 1
        title = column.title + (REQUIRED_MARK if is_required(importer, column) else "")
        if column in left_out:
            title += " (ใช้แทนคอลัมน์อื่นได้ ไม่มีในแม่แบบ)"
        values = (
            title,
            requirement_text(importer, column),
            column.help,
            ", ".join(column.choices),
            ", ".join(column.headers[1:]),
            column.example,
        )
        for col, value in enumerate(values):
            sheet.write_string(row, col, value, formats["wrap"])
