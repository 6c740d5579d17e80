"""Import templates a sender cannot misuse: no example row to import by mistake, drop-down
lists of the values each enumerated column takes, and the upload page naming every header."""

from __future__ import annotations

import io

import openpyxl
import pytest
from helpers import count, page, role_client, thai
from openpyxl.utils import get_column_letter, range_boundaries

from importers import KINDS, ReadError, import_file
from importers.templates import (
    DATA_SHEET,
    HELP_SHEET,
    LAST_ROW,
    LISTS_SHEET,
    build_template,
    column_values,
    is_required,
    template_columns,
)
from models import Agency, ImportBatch, ImportStatus, Teacher, db

# The title over the instructions sheet's example row, as the Thai template writes it.
EXAMPLE_TITLE = "ตัวอย่างการกรอก (แถวตัวอย่าง ไม่ต้องคัดลอกไปยังแผ่นงาน “ข้อมูล”)"
EMPTY_MESSAGE = "ไฟล์มีแต่หัวตาราง ไม่มีข้อมูลให้นำเข้า"
UPLOAD = "/admin/imports/"
# The columns each kind's template offers a list for: every enumeration the importers accept
# (kinds, levels, steps, results, statuses, yes/no, provinces) and the usual values of three
# free-text ones (prefix, position, academic standing).
LISTED = {
    "agencies": {"kind", "province"},
    "teachers": {"prefix", "position", "academic_standing"},
    "mous": set(),
    "standards": {"level"},
    "curricula": {"kind", "level_group"},
    "alignment": {"coverage"},
    "placements": {"province", "status", "test_result"},
    "scholarships": {"prefix", "level", "status", "special_needs"},
}
OPEN_LISTS = {"prefix", "position", "academic_standing"}
ALL_KINDS = sorted(KINDS)

pytestmark = pytest.mark.usefixtures("imports_in_request")


def workbook(app, kind: str) -> openpyxl.Workbook:
    """The template as the app builds it (in Thai, the app's language when no one asks)."""
    with app.app_context():
        return openpyxl.load_workbook(io.BytesIO(build_template(kind)))


def header_titles(kind: str) -> list[str]:
    importer = KINDS[kind]
    shown, _left_out = template_columns(importer)
    return [c.title + (" *" if is_required(importer, c) else "") for c in shown]


def example_block(book: openpyxl.Workbook) -> tuple[list, list]:
    """The headers and the example row under the instructions sheet's example title."""
    rows = [list(row) for row in book[HELP_SHEET].iter_rows(values_only=True)]
    at = next(i for i, row in enumerate(rows) if row[0] == EXAMPLE_TITLE)
    width = len([cell for cell in rows[at + 1] if cell is not None])
    return rows[at + 1][:width], rows[at + 2][:width]


def filled_in(app, kind: str) -> bytes:
    """The template with its example row typed into the data sheet, as a sender would."""
    book = workbook(app, kind)
    _headers, example = example_block(book)
    for col, value in enumerate(example, start=1):
        if value:
            book[DATA_SHEET].cell(row=2, column=col, value=str(value))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def list_values(book: openpyxl.Workbook, validation) -> list[str]:
    """The values of a list validation: inline ("a,b") or a range of the hidden lists sheet."""
    formula = validation.formula1
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet_name, cells = formula.lstrip("=").split("!")
    assert sheet_name.strip("'") == LISTS_SHEET
    col, first, _col, last = range_boundaries(cells.replace("$", ""))
    return [book[LISTS_SHEET].cell(row=row, column=col).value for row in range(first, last + 1)]


# --------------------------------------------------------------------------- no example row


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_the_data_sheet_holds_only_the_headers(app, kind):
    sheet = workbook(app, kind)[DATA_SHEET]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][: len(header_titles(kind))] == header_titles(kind)
    assert all(value is None for row in rows[1:] for value in row)


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_the_example_row_is_on_the_instructions_sheet_under_the_same_headers(app, kind):
    book = workbook(app, kind)
    headers, example = example_block(book)
    assert headers == header_titles(kind)
    shown, _left_out = template_columns(KINDS[kind])
    assert example == [column.example or None for column in shown]
    notes = " ".join(
        str(c) for row in book[HELP_SHEET].iter_rows(values_only=True) for c in row if c
    )
    assert "แถวที่ 2 เป็นตัวอย่าง" not in notes  # the old note asked senders to delete it
    assert "กรอกข้อมูลตั้งแต่แถวที่ 2" in notes


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_an_untouched_template_imports_nothing_and_says_why(app, reference, kind):
    options = {"round": 2568} if kind == "placements" else {}
    with app.app_context(), pytest.raises(ReadError) as caught:
        import_file(kind, build_template(kind), f"{kind}.xlsx", db.session, **options)
    assert str(caught.value) == EMPTY_MESSAGE


def test_an_untouched_template_uploaded_shows_the_message_and_writes_nothing(app, reference):
    client = role_client(app, "editor")
    agencies_before = count(app, Agency)
    for kind in ("teachers", "agencies"):
        data = {"kind": kind, "file": (io.BytesIO(build_template(kind)), f"{kind}.xlsx")}
        response = client.post(UPLOAD, data=data, content_type="multipart/form-data")
        assert response.status_code == 302
        shown = page(client.get(response.headers["Location"]))
        message = " ".join(shown.xpath("string(//*[@id='read-error'])").split())
        assert EMPTY_MESSAGE in message
        assert thai(app, "Nothing was changed. Correct the file and upload it again.") in message
    with app.app_context():
        statuses = db.session.scalars(db.select(ImportBatch.status)).all()
    assert statuses == [ImportStatus.UNREADABLE.value] * 2
    assert count(app, Teacher) == 0
    assert count(app, Agency) == agencies_before


def test_the_command_refuses_an_untouched_template_with_exit_2(app, reference, tmp_path):
    path = tmp_path / "teachers.xlsx"
    path.write_bytes(build_template("teachers"))
    result = app.test_cli_runner().invoke(args=["import", "teachers", str(path)])
    assert result.exit_code == 2
    assert EMPTY_MESSAGE in result.output
    assert count(app, Teacher) == 0


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_the_example_row_typed_into_the_data_sheet_reads_back(app, reference, kind):
    options = {"round": 2568} if kind == "placements" else {}
    with app.app_context():
        result = import_file(
            kind, filled_in(app, kind), f"{kind}.xlsx", db.session, dry_run=True, **options
        )
    assert result.unknown_columns == []
    assert len(result.rows) == 1
    for column in KINDS[kind].columns:
        if column.example:
            assert result.headers[column.name].rstrip(" *") == column.title


def test_the_agencies_example_is_valid_data(app, reference):
    with app.app_context():
        result = import_file(
            "agencies", filled_in(app, "agencies"), "a.xlsx", db.session, dry_run=True
        )
    assert result.problems == []
    assert result.rows[0].outcome in ("updated", "unchanged")


def test_the_teachers_example_parses(app, reference):
    with app.app_context():
        result = import_file(
            "teachers", filled_in(app, "teachers"), "t.xlsx", db.session, dry_run=True
        )
    row = result.rows[0]
    assert row.values["first_name"] == "ศานนท์"
    assert row.values["national_id"] == "3100100000006"
    # Only the college, which the reference data does not have, may be wrong.
    assert [p.column.rstrip(" *") for p in row.problems] in ([], ["สถานศึกษา"])


# --------------------------------------------------------------------------- drop-down lists


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_each_enumerated_column_has_a_list_of_the_values_it_takes(app, kind):
    importer = KINDS[kind]
    shown, _left_out = template_columns(importer)
    book = workbook(app, kind)
    sheet = book[DATA_SHEET]
    validations = {
        str(v.sqref): v for v in sheet.data_validations.dataValidation if v.type == "list"
    }
    listed = set()
    for col, column in enumerate(shown, start=1):
        letter = get_column_letter(col)
        validation = validations.get(f"{letter}2:{letter}{LAST_ROW + 1}")
        if validation is None:
            continue
        listed.add(column.name)
        values, open_list = column_values(importer, column)
        assert list_values(book, validation) == list(values), column.name
        assert validation.errorStyle == ("information" if open_list else "warning")
        assert open_list == (column.name in OPEN_LISTS)
        for value in values:  # every value offered is one the importer takes
            assert column.parse(value) is not None, (column.name, value)
    assert listed == LISTED[kind]
    # Every column read by a choice of labels has its list.
    for column in shown:
        if column.parse.__qualname__.startswith("choice."):
            assert column.name in listed, column.name


def test_the_lists_hold_what_the_models_allow():
    def values(kind, name):
        importer = KINDS[kind]
        column = next(c for c in importer.columns if c.name == name)
        return column_values(importer, column)[0]

    assert values("scholarships", "status") == (
        "กำลังศึกษา",
        "สำเร็จการศึกษา",
        "ออกกลางคัน",
        "พักการศึกษา",
    )
    assert values("scholarships", "level") == ("ปวช.", "ปวส.")
    assert values("placements", "test_result") == ("ผ่าน", "ไม่ผ่าน")
    assert len(values("placements", "status")) == 11  # every step of a placement
    assert values("standards", "level") == tuple(f"ระดับ {n}" for n in range(1, 9))
    assert values("teachers", "academic_standing") == (
        "ชำนาญการ",
        "ชำนาญการพิเศษ",
        "เชี่ยวชาญ",
        "เชี่ยวชาญพิเศษ",
    )
    provinces = values("agencies", "province")
    assert len(provinces) == 77 and "กรุงเทพมหานคร" in provinces and "ลำปาง" in provinces


# --------------------------------------------------------------------------- the upload page


def test_the_upload_page_lists_the_accepted_headers_of_each_kind(app, reference):
    tree = page(role_client(app, "viewer").get(UPLOAD))
    for kind, importer in KINDS.items():
        (section,) = tree.xpath(f"//details[@id='headers-{kind}']")
        assert section.xpath("string(summary)").strip() == "ชื่อหัวคอลัมน์ที่รับได้"
        rows = section.xpath(".//tbody/tr")
        assert len(rows) == len(importer.columns)
        for row, column in zip(rows, importer.columns, strict=True):
            assert row.xpath("string(th)").strip().rstrip("*") == column.title
            aliases = row.xpath(".//*[contains(@class, 'header-alias')]")
            assert [alias.text_content() for alias in aliases] == list(column.headers[1:])
    status = next(
        row
        for row in tree.xpath("//details[@id='headers-scholarships']//tbody/tr")
        if row.xpath("string(th)").strip() == "สถานะ"
    )
    assert "กำลังศึกษา, สำเร็จการศึกษา" in status.text_content()
    province = next(
        row
        for row in tree.xpath("//details[@id='headers-agencies']//tbody/tr")
        if row.xpath("string(th)").strip() == "จังหวัด"
    )
    assert "77 ค่าในรายการของแม่แบบ" in province.text_content()
    text = tree.xpath("string(//*[@id='upload-form'])")
    for word in ("Accepted header names", "Also accepted", "or any other value"):
        assert word not in text


def test_the_english_upload_page_names_the_headers_in_english(app, reference):
    client = role_client(app, "viewer")
    client.get("/lang/en")
    tree = page(client.get(UPLOAD))
    (section,) = tree.xpath("//details[@id='headers-teachers']")
    assert section.xpath("string(summary)").strip() == "Accepted header names"
    assert [th.text_content() for th in section.xpath(".//thead//th")] == [
        "Column",
        "Also accepted",
        "Values",
    ]
    assert "(or any other value)" in section.text_content()
