"""The import screens: upload, preview, confirm or cancel, history, downloads, and bad files."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from helpers import THAI, count, csrf_token, flash_messages, latest_id, page, text_of, thai
from sqlalchemy import select
from test_import_hostile import zip_bomb

from bench.roster import roster_rows, write_roster
from i18n import too_large_message
from importers import KINDS, ReadError, cells, import_file, service
from importers.errorfile import ERROR_HEADER
from importers.templates import DATA_SHEET, HELP_SHEET, build_template
from models import AuditLog, ImportBatch, ImportStatus, Placement, Teacher, db
from thai.dates import format_be_datetime

DATA = Path(__file__).parent / "data"
SAMPLES = DATA / "samples"
MANIFEST = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
ROSTER = MANIFEST["teachers_roster.xlsx"]
NID_HEADER = "เลขประจำตัวประชาชน"
UPLOAD = "/admin/imports/"
HISTORY = "/admin/import-history/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Uploads are checked and written inside the request (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("imports_in_request")


@pytest.fixture
def agencies(app, reference):
    """The colleges the roster names, loaded from the agencies sample (its bad row left out)."""
    with app.app_context():
        content = (SAMPLES / "agencies.xlsx").read_bytes()
        assert import_file("agencies", content, "agencies.xlsx", db.session, skip_invalid=True)
    return app


def upload(client, name, kind="teachers", content=None, skip_invalid=False, **fields):
    content = (SAMPLES / name).read_bytes() if content is None else content
    data = {"kind": kind, "file": (io.BytesIO(content), name), **fields}
    if skip_invalid:
        data["skip_invalid"] = "y"
    return client.post(UPLOAD, data=data, content_type="multipart/form-data")


def batch_url(batch_id, action=""):
    return f"/admin/imports/batch/{batch_id}/{action}"


def only_batch(app):
    with app.app_context():
        batches = db.session.scalars(select(ImportBatch)).all()
        assert len(batches) == 1
        db.session.expunge_all()
        return batches[0]


def figure(tree, outcome):
    """The number on the count card of an outcome."""
    return tree.xpath(f"string(//*[@id='count-{outcome}']//*[contains(@class, 'figure')])").strip()


def clean_roster(rows=20):
    """A roster with no errors: generated teachers at the reference college."""
    data = [[*row[:4], "C5201", *row[5:]] for row in roster_rows(rows)]
    buffer = io.BytesIO()
    write_roster(buffer, data)
    return buffer.getvalue()


# --------------------------------------------------------------------------- the preview


def test_preview_shows_counts_and_errors_and_writes_nothing(app, editor_client, agencies):
    response = upload(editor_client, "teachers_roster.xlsx")
    batch = only_batch(app)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(batch_url(batch.id))
    assert batch.status == ImportStatus.REJECTED.value
    assert (batch.created, batch.rejected, batch.rows) == (ROSTER["valid"], 4, ROSTER["data_rows"])

    preview = editor_client.get(batch_url(batch.id))
    assert preview.status_code == 200
    tree = page(preview)
    assert figure(tree, "new") == "236"
    assert figure(tree, "rejected") == "4"
    assert "ใหม่" in tree.xpath("string(//*[@id='count-new'])")
    assert "ถูกปฏิเสธ" in tree.xpath("string(//*[@id='count-rejected'])")
    errors = [
        [" ".join(td.text_content().split()) for td in tr.xpath("td")]
        for tr in tree.xpath("//table[@id='errors']/tbody/tr")
    ]
    assert [row for row, _column, _message in errors] == [str(n) for n in ROSTER["rejected_rows"]]
    row_121 = errors[0]
    assert row_121[1] == NID_HEADER
    assert "เลขประจำตัวประชาชนไม่ถูกต้อง" in row_121[2]
    # The rows table marks the rejected row and lists its problem beside it.
    rejected = tree.xpath("//table[@id='rows']//tr[@data-row='121']")[0]
    assert "ถูกปฏิเสธ" in rejected.text_content()
    # Nothing is written while rows are rejected: no confirm button, an explanation instead.
    assert not tree.xpath("//*[@id='confirm-button']")
    explanation = " ".join(tree.xpath("string(//*[@id='nothing-written'])").split())
    assert thai(app, "Nothing will be written from this file") in explanation
    assert tree.xpath("//*[@id='recheck-button']")
    assert tree.xpath("//*[@id='error-copy-button']")
    assert count(app, Teacher) == 0


def test_recheck_with_valid_rows_only_then_confirm_writes_the_valid_rows(
    app, editor_client, agencies
):
    upload(editor_client, "teachers_roster.xlsx")
    batch = only_batch(app)
    response = editor_client.post(batch_url(batch.id, "recheck"))
    assert response.status_code == 302
    batch = only_batch(app)
    assert batch.status == ImportStatus.PREVIEWED.value
    assert batch.skip_invalid
    preview = editor_client.get(batch_url(batch.id))
    assert page(preview).xpath("//*[@id='confirm-button']")
    assert count(app, Teacher) == 0

    response = editor_client.post(batch_url(batch.id, "confirm"), follow_redirects=True)
    assert response.status_code == 200
    assert page(response).xpath("//*[@id='written']")
    assert count(app, Teacher) == ROSTER["valid"]
    batch = only_batch(app)
    assert batch.status == ImportStatus.WRITTEN.value
    assert (batch.created, batch.rejected) == (ROSTER["valid"], 4)
    assert batch.finished_at is not None


def test_upload_with_valid_rows_only_then_confirm_writes_236(app, editor_client, agencies):
    upload(editor_client, "teachers_roster.xlsx", skip_invalid=True)
    batch = only_batch(app)
    assert batch.status == ImportStatus.PREVIEWED.value
    preview = editor_client.get(batch_url(batch.id))
    assert "4" in " ".join(page(preview).xpath("string(//*[@id='confirm-panel'])").split())
    assert count(app, Teacher) == 0
    editor_client.post(batch_url(batch.id, "confirm"))
    assert count(app, Teacher) == 236
    with app.app_context():
        teacher = db.session.scalar(select(Teacher).where(Teacher.national_id == "3879217421801"))
        assert (teacher.first_name, teacher.last_name) == ("วิชรุติ", "ณ อยุธยา")


def test_confirm_of_a_clean_file_writes_it_once(app, editor_client, reference):
    upload(editor_client, "roster.xlsx", content=clean_roster(20))
    batch = only_batch(app)
    assert batch.status == ImportStatus.PREVIEWED.value
    assert count(app, Teacher) == 0
    # The browser sends nothing but the confirmation: the stored file is what gets written.
    response = editor_client.post(
        batch_url(batch.id, "confirm"),
        data={"file": (io.BytesIO(b"not this"), "other.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert count(app, Teacher) == 20
    assert only_batch(app).status == ImportStatus.WRITTEN.value
    # A second confirmation (a double click, a second tab) writes nothing more.
    again = editor_client.post(batch_url(batch.id, "confirm"), follow_redirects=True)
    assert thai(app, "This file can no longer be confirmed: it has been written or cancelled.") in (
        flash_messages(again)
    )
    assert count(app, Teacher) == 20


def test_an_update_shows_the_changed_fields_old_and_new(app, editor_client, reference):
    upload(editor_client, "roster.xlsx", content=clean_roster(5))
    editor_client.post(batch_url(only_batch(app).id, "confirm"))
    changed = [[*row[:4], "C5201", "ช่างกลโรงงาน", *row[6:]] for row in roster_rows(5)]
    buffer = io.BytesIO()
    write_roster(buffer, changed)
    upload(editor_client, "roster-2.xlsx", content=buffer.getvalue())
    with app.app_context():
        batch_id = db.session.scalar(select(ImportBatch.id).order_by(ImportBatch.id.desc()))
    tree = page(editor_client.get(batch_url(batch_id)))
    changes = tree.xpath("//table[@id='rows']//tr[contains(@class, 'outcome-updated')]")
    assert len(changes) == 5
    change = " ".join(changes[0].xpath("string(.//*[@class='change'])").split())
    assert change.startswith("แผนกวิชา:")
    assert change.endswith("→ ช่างกลโรงงาน")
    assert changes[0].xpath(".//ins/text()") == ["ช่างกลโรงงาน"]


def test_cancel_writes_nothing(app, editor_client, reference):
    upload(editor_client, "roster.xlsx", content=clean_roster(10))
    batch = only_batch(app)
    response = editor_client.post(batch_url(batch.id, "cancel"), follow_redirects=True)
    assert response.status_code == 200
    assert page(response).xpath("//*[@id='cancelled']")
    assert only_batch(app).status == ImportStatus.CANCELLED.value
    # A cancelled file cannot be confirmed any more.
    editor_client.post(batch_url(batch.id, "confirm"))
    assert count(app, Teacher) == 0


def test_viewer_sees_history_but_cannot_import(app, editor_client, viewer_client, reference):
    upload(editor_client, "roster.xlsx", content=clean_roster(3))
    batch = only_batch(app)
    assert viewer_client.get(UPLOAD).status_code == 200
    assert page(viewer_client.get(UPLOAD)).xpath("//button[@id='check-button'][@disabled]")
    assert upload(viewer_client, "roster.xlsx", content=clean_roster(3)).status_code == 403
    for action in ("confirm", "cancel", "recheck"):
        assert viewer_client.post(batch_url(batch.id, action)).status_code == 403
    assert only_batch(app).status == ImportStatus.PREVIEWED.value
    history = viewer_client.get(HISTORY)
    assert history.status_code == 200
    assert "roster.xlsx" in text_of(history)
    # The file and its rows hold national IDs: only editors may open them.
    assert viewer_client.get(batch_url(batch.id, "file")).status_code == 403
    assert viewer_client.get(batch_url(batch.id, "errors.xlsx")).status_code == 403
    details = viewer_client.get(batch_url(batch.id))
    assert details.status_code == 200
    assert not page(details).xpath("//table[@id='rows']")
    assert count(app, Teacher) == 0


# --------------------------------------------------------------------------- history and files


def test_history_filters_on_status_so_waiting_imports_can_be_listed(app, editor_client, reference):
    upload(editor_client, "waiting.xlsx", content=clean_roster(3))
    upload(editor_client, "cancelled.xlsx", content=clean_roster(4))
    cancelled = latest_id(app, ImportBatch)
    editor_client.post(batch_url(cancelled, "cancel"))

    def listed(query):
        rows = page(editor_client.get(HISTORY + query)).xpath("//table[@id='history']//tbody/tr")
        return {row.get("data-batch") for row in rows}

    waiting = listed("?status=previewed")
    assert waiting == {str(cancelled - 1)}
    assert listed("?status=cancelled") == {str(cancelled)}
    # Anything else is no filter at all, not an error.
    assert listed("?status=nonsense") == {str(cancelled - 1), str(cancelled)}


def test_history_lists_the_batch_with_its_sha256_and_the_original_downloads(
    app, editor_client, agencies
):
    content = (SAMPLES / "teachers_roster.xlsx").read_bytes()
    upload(editor_client, "teachers_roster.xlsx")
    batch = only_batch(app)
    digest = hashlib.sha256(content).hexdigest()
    assert batch.sha256 == digest
    assert batch.size == len(content)
    assert batch.user_email == "editor@example.go.th"
    stored = Path(app.config["IMPORT_FOLDER"]) / batch.stored_path
    assert stored.read_bytes() == content
    assert stored.parent.name == str(batch.id)

    history = editor_client.get(HISTORY)
    tree = page(history)
    row = tree.xpath(f"//table[@id='history']//tr[@data-batch='{batch.id}']")[0]
    text = " ".join(row.text_content().split())
    assert "teachers_roster.xlsx" in text
    assert "editor@example.go.th" in text
    assert "ครู" in text
    assert "24 KB" in text
    assert row.xpath(".//code/@title") == [digest]
    assert digest[:12] in text
    assert format_be_datetime(batch.created_at) in text
    assert thai(app, "Rejected, nothing written") in text

    link = row.xpath(".//a[contains(@class, 'download-original')]/@href")[0]
    with editor_client.get(link) as original:
        assert original.status_code == 200
        assert original.data == content


def test_error_copy_has_the_error_column_filled_on_rejected_rows(app, editor_client, agencies):
    upload(editor_client, "teachers_roster.xlsx")
    batch = only_batch(app)
    history = page(editor_client.get(HISTORY))
    link = history.xpath("//a[contains(@class, 'download-errors')]/@href")[0]
    with editor_client.get(link) as response:
        content = response.data
    assert response.status_code == 200
    assert response.mimetype == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(i for i, row in enumerate(rows) if row and NID_HEADER in row)
    header = rows[header_index]
    error_col = header.index(ERROR_HEADER)
    nid_col = header.index(NID_HEADER)
    # Every row keeps its number: row 121 of the copy is row 121 of the file.
    assert "เลขประจำตัวประชาชน: เลขประจำตัวประชาชนไม่ถูกต้อง" in rows[120][error_col]
    for number in ROSTER["rejected_rows"]:
        assert rows[number - 1][error_col], number
    filled = [i + 1 for i, row in enumerate(rows) if row[error_col] and i != header_index]
    assert filled == ROSTER["rejected_rows"]
    # IDs stay text with every digit.
    assert rows[header_index + 1][nid_col] == "3879217421801"
    # Fixed and sent again, the copy is read like the original (its extra column is ignored).
    with app.app_context():
        result = import_file("teachers", content, "copy.xlsx", db.session, dry_run=True)
    assert result.unknown_columns == [ERROR_HEADER]
    assert sorted({p.row for p in result.problems}) == ROSTER["rejected_rows"]
    assert count(app, Teacher) == 0
    assert only_batch(app).status == batch.status


def test_an_upload_named_like_a_kept_file_stays_as_uploaded(app, editor_client, agencies):
    content = (SAMPLES / "teachers_roster.xlsx").read_bytes()
    upload(editor_client, "_errors.xlsx", content=content)
    batch = only_batch(app)
    with editor_client.get(batch_url(batch.id, "errors.xlsx")) as copy:
        assert copy.status_code == 200
        assert copy.data != content
    with editor_client.get(batch_url(batch.id, "file")) as original:
        assert original.data == content
    assert batch.filename == "_errors.xlsx"


def test_error_copy_never_holds_a_formula(app, editor_client, reference):
    upload(editor_client, "formula_injection.xlsx")
    batch = only_batch(app)
    with editor_client.get(batch_url(batch.id, "errors.xlsx")) as response:
        content = response.data
    if batch.rejected == 0:
        assert response.status_code == 404
        return
    book = openpyxl.load_workbook(io.BytesIO(content))
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value is not None]
    assert cells
    assert all(cell.data_type != "f" for cell in cells)
    assert any(str(cell.value).startswith("=HYPERLINK") for cell in cells)


# --------------------------------------------------------------------------- unreadable files


def read_error(name, kind="teachers"):
    try:
        import_file(kind, (SAMPLES / name).read_bytes(), name, db.session, dry_run=True)
    except ReadError as error:
        return str(error)
    raise AssertionError(f"{name} was read")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("not_a_workbook.xlsx", ()),
        ("header_only.xlsx", ()),
        ("missing_id_column.xlsx", (NID_HEADER,)),
    ],
)
def test_hostile_samples_give_their_message_and_write_nothing(
    app, editor_client, agencies, name, words
):
    with app.app_context():
        expected = read_error(name)
    response = upload(editor_client, name)
    assert response.status_code == 302
    shown = editor_client.get(response.headers["Location"])
    assert shown.status_code == 200
    message = " ".join(page(shown).xpath("string(//*[@id='read-error'])").split())
    assert expected in message
    for word in words:
        assert word in message
    assert thai(app, "Nothing was changed. Correct the file and upload it again.") in message
    batch = only_batch(app)
    assert batch.status == ImportStatus.UNREADABLE.value
    assert batch.message == expected
    assert count(app, Teacher) == 0
    # The history says so; there is no error copy of a file that could not be read.
    assert thai(app, "File could not be read") in text_of(editor_client.get(HISTORY))
    assert editor_client.get(batch_url(batch.id, "errors.xlsx")).status_code == 404


@pytest.mark.parametrize(
    ("name", "words"),
    [("password_protected.xlsx", "ตั้งรหัสผ่านไว้"), ("bomb.xlsx", "ใหญ่ผิดปกติ")],
)
def test_locked_workbooks_and_zip_bombs_are_refused_clearly(
    app, editor_client, reference, name, words
):
    content = zip_bomb() if name == "bomb.xlsx" else (DATA / name).read_bytes()
    response = upload(editor_client, name, content=content)
    shown = editor_client.get(response.headers["Location"])
    assert shown.status_code == 200
    assert words in page(shown).xpath("string(//*[@id='read-error'])")
    assert only_batch(app).status == ImportStatus.UNREADABLE.value
    assert count(app, Teacher) == 0


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02 binary junk", "เลขประจำตัวประชาชน,ชื่อ\n".encode("cp874")],
    ids=["empty", "binary", "csv-header-only"],
)
def test_other_bad_files_never_give_a_server_error(app, editor_client, reference, content):
    response = upload(editor_client, "bad.csv", content=content)
    assert response.status_code == 302
    response = editor_client.get(response.headers["Location"])
    assert response.status_code == 200
    assert page(response).xpath("string(//*[@id='read-error'])").strip()
    assert only_batch(app).status == ImportStatus.UNREADABLE.value
    assert count(app, Teacher) == 0


def test_a_file_over_the_import_limit_is_refused_before_anything_is_stored(
    app, editor_client, reference
):
    app.config["IMPORT_MAX_BYTES"] = 10_000
    response = upload(editor_client, "teachers_roster.xlsx")
    assert response.status_code == 400
    error = " ".join(page(response).xpath("string(//*[@id='upload-error'])").split())
    assert error == thai(
        app,
        "The file is larger than the %(limit)s allowed. Nothing was imported.",
        limit="9.8 KB",
    )
    assert count(app, ImportBatch) == 0
    assert count(app, Teacher) == 0
    assert not (Path(app.config["IMPORT_FOLDER"])).exists()


def test_flask_refuses_a_request_over_max_content_length_in_thai(app, editor_client, reference):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = upload(editor_client, "teachers_roster.xlsx")
    assert response.status_code == 413
    with app.test_request_context():
        expected = too_large_message(app)
    assert THAI.search(expected)
    assert expected in text_of(response)
    assert count(app, ImportBatch) == 0


def test_upload_form_errors_are_shown_in_thai(app, editor_client, reference):
    response = editor_client.post(UPLOAD, data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert page(response).xpath("//*[@id='kind-error']")
    response = editor_client.post(
        UPLOAD,
        data={"kind": "placements", "fiscal_year": "2400", "file": (io.BytesIO(b"x"), "a.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert thai(app, "Choose the placement round to import into.") in text_of(response)
    response = upload(editor_client, "a.csv", kind="no-such-kind", content=b"x")
    assert response.status_code == 400
    assert count(app, ImportBatch) == 0


def test_unknown_columns_are_reported(app, editor_client, reference):
    buffer = io.BytesIO()
    rows = [[*row[:4], "C5201", *row[5:]] for row in roster_rows(3)]
    write_roster(buffer, rows)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    book.active.cell(row=4, column=12, value="หมายเหตุภายใน")
    out = io.BytesIO()
    book.save(out)
    upload(editor_client, "roster.xlsx", content=out.getvalue())
    tree = page(editor_client.get(batch_url(only_batch(app).id)))
    assert "หมายเหตุภายใน" in tree.xpath("string(//*[@id='unknown-columns'])")


def test_a_large_preview_shows_problem_rows_and_the_first_few_hundred_others(
    app, editor_client, reference
):
    rows = [[*row[:4], "C5201", *row[5:]] for row in roster_rows(450)]
    rows[400][0] = "1234567890123"  # a bad check digit, far down the file
    buffer = io.BytesIO()
    write_roster(buffer, rows)
    upload(editor_client, "big.xlsx", content=buffer.getvalue())
    batch = only_batch(app)
    tree = page(editor_client.get(batch_url(batch.id)))
    shown = tree.xpath("//table[@id='rows']/tbody/tr/@data-row")
    assert len(shown) == 201
    assert "405" in shown  # the bad row (400 rows below the header on row 4, plus one)
    assert shown[:2] == ["5", "6"]
    all_rows = page(editor_client.get(batch_url(batch.id) + "?show=all&page=3"))
    assert len(all_rows.xpath("//table[@id='rows']/tbody/tr")) == 50
    new_rows = page(editor_client.get(batch_url(batch.id) + "?show=new&page=99"))
    assert len(new_rows.xpath("//table[@id='rows']/tbody/tr")) == 49


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_template_downloads_with_its_headers_and_instructions(
    app, editor_client, reference, kind
):
    response = editor_client.get(f"/admin/imports/template/{kind}.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    with app.app_context():
        assert response.data == build_template(kind)
        label, instructions = str(KINDS[kind].label), str(KINDS[kind].instructions)
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:2] == [DATA_SHEET, HELP_SHEET]
    headers = [cell.value for cell in book[DATA_SHEET][1] if cell.value]
    assert len(headers) >= 2
    help_text = " ".join(
        str(cell.value) for row in book[HELP_SHEET].iter_rows() for cell in row if cell.value
    )
    assert label in help_text
    assert instructions in help_text
    # Sent back untouched it imports nothing (tests/test_import_templates.py: the example
    # row lives on the instructions sheet; typed into the data sheet it reads back).
    options = {"round": 2568} if kind == "placements" else {}
    with app.app_context(), pytest.raises(ReadError):
        import_file(kind, response.data, f"{kind}.xlsx", db.session, dry_run=True, **options)


def test_the_agencies_and_teachers_templates_keep_codes_and_ids_as_text():
    agencies = openpyxl.load_workbook(io.BytesIO(build_template("agencies")))[DATA_SHEET]
    assert agencies["A1"].value == "รหัสหน่วยงาน *"
    assert agencies.column_dimensions["A"].number_format == "@"
    assert any(v.type == "list" for v in agencies.data_validations.dataValidation)
    teachers = openpyxl.load_workbook(io.BytesIO(build_template("teachers")))[DATA_SHEET]
    headers = [cell.value for cell in teachers[1]]
    assert headers[0] == f"{NID_HEADER} *"
    assert "ชื่อ *" in headers and "นามสกุล *" in headers
    assert "ชื่อ-สกุล" not in headers  # the alternative to ชื่อ + นามสกุล is described, not shown
    assert teachers.column_dimensions["A"].number_format == "@"


@pytest.mark.parametrize("kind", list(KINDS))
def test_template_example_ids_pass_their_checksums(kind):
    for column in KINDS[kind].columns:
        if column.example and column.parse in (cells.national_id, cells.person_id):
            assert column.parse(column.example), column.name  # raises on a bad checksum


# --------------------------------------------------------------------------- placements


def test_placements_go_into_the_chosen_round_and_report_late_ones(app, editor_client, reference):
    with app.app_context():
        for kind, name in (
            ("agencies", "agencies.xlsx"),
            ("teachers", "teachers_roster.xlsx"),
            ("standards", "standards_tpqi.xlsx"),
        ):
            content = (SAMPLES / name).read_bytes()
            assert import_file(kind, content, name, db.session, skip_invalid=True).written
    form = editor_client.get(UPLOAD)
    assert page(form).xpath("//select[@id='fiscal_year']/option[@value='2568']")
    response = upload(editor_client, "placements_form.csv", kind="placements", fiscal_year="2568")
    assert response.status_code == 302
    batch = only_batch(app)
    assert batch.options == {"round": 2568}
    tree = page(editor_client.get(batch_url(batch.id)))
    late = MANIFEST["placements_form.csv"]["late"]
    assert figure(tree, "late") == str(late)
    assert len(tree.xpath("//table[@id='rows']//span[contains(@class, 'badge-warning')]")) == late
    assert count(app, Placement) == 0


# --------------------------------------------------------------------------- the background path


def wait_until_done(client, batch_id, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.get(batch_url(batch_id, "status")).get_json()
        if not state["running"]:
            return state
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def test_background_check_and_write_report_progress_and_finish(
    app, editor_client, reference, monkeypatch
):
    app.config.update(IMPORT_BACKGROUND=True, IMPORT_BACKGROUND_MIN_BYTES=0)
    reached, gate = threading.Event(), threading.Event()
    real_import = service.import_file

    def held_import(*args, progress, **kwargs):
        # Halfway through parsing, wait until the test has seen the progress.
        progress("parse", 1, 2)
        reached.set()
        assert gate.wait(30)
        return real_import(*args, progress=progress, **kwargs)

    monkeypatch.setattr(service, "import_file", held_import)
    response = upload(editor_client, "roster.xlsx", content=clean_roster(30))
    assert response.status_code == 302
    batch_id = only_batch(app).id
    try:
        assert reached.wait(30)
        state = editor_client.get(batch_url(batch_id, "status")).get_json()
        assert state["running"] and state["status"] == ImportStatus.CHECKING.value
        assert (state["stage"], state["progress"]) == ("parse", 35)
        assert state["stage_label"] == thai(app, "Checking each cell")
        # The batch row itself follows the progress (for other workers and the history).
        batch = only_batch(app)
        assert (batch.stage, batch.progress) == ("parse", 35)
        running = page(editor_client.get(batch_url(batch_id)))
        assert running.xpath("string(//*[@id='progress-bar'])").strip() == "35%"
        assert running.xpath("//*[@id='progress-card']/@data-status-url")
    finally:
        gate.set()
    state = wait_until_done(editor_client, batch_id)
    assert (state["status"], state["progress"], state["stage"]) == ("previewed", 100, "done")
    assert state["counts"]["new"] == 30
    assert count(app, Teacher) == 0

    editor_client.post(batch_url(batch_id, "confirm"))
    state = wait_until_done(editor_client, batch_id)
    assert state["status"] == ImportStatus.WRITTEN.value
    for thread in service.running_threads():
        thread.join(10)
    assert count(app, Teacher) == 30


def test_changes_written_in_the_background_are_logged_as_the_editor(app, editor_client, reference):
    app.config.update(IMPORT_BACKGROUND=True, IMPORT_BACKGROUND_MIN_BYTES=0)
    before = latest_id(app, AuditLog)
    upload(editor_client, "agencies.xlsx", kind="agencies", skip_invalid=True)
    batch_id = only_batch(app).id
    assert wait_until_done(editor_client, batch_id)["status"] == ImportStatus.PREVIEWED.value
    editor_client.post(batch_url(batch_id, "confirm"))
    assert wait_until_done(editor_client, batch_id)["status"] == ImportStatus.WRITTEN.value
    for thread in service.running_threads():
        thread.join(10)
    with app.app_context():
        who = db.session.scalars(
            select(AuditLog.user_email).where(AuditLog.table_name == "agency", AuditLog.id > before)
        ).all()
    assert len(who) == 13 + 4  # new and updated agencies; unchanged ones log nothing
    assert set(who) == {"editor@example.go.th"}


# --------------------------------------------------------------------------- protection


@pytest.mark.csrf
def test_upload_and_confirm_need_the_csrf_token(app, editor_client, reference):
    response = upload(editor_client, "roster.xlsx", content=clean_roster(3))
    assert response.status_code == 400
    assert count(app, ImportBatch) == 0
    token = csrf_token(editor_client, UPLOAD)
    assert token
    response = upload(editor_client, "roster.xlsx", content=clean_roster(3), csrf_token=token)
    assert response.status_code == 302
    batch = only_batch(app)
    assert editor_client.post(batch_url(batch.id, "confirm")).status_code == 400
    preview = editor_client.get(batch_url(batch.id))
    token = page(preview).xpath("//form[contains(@action, 'confirm')]//input/@value")[0]
    editor_client.post(batch_url(batch.id, "confirm"), data={"csrf_token": token})
    assert count(app, Teacher) == 3


def test_the_pages_read_in_english_too(app, editor_client, agencies):
    upload(editor_client, "teachers_roster.xlsx")
    editor_client.get("/lang/en")
    assert "Check the file" in text_of(editor_client.get(UPLOAD))
    preview = text_of(editor_client.get(batch_url(only_batch(app).id)))
    assert "Nothing will be written from this file" in preview
    assert "Import history" in text_of(editor_client.get(HISTORY))
