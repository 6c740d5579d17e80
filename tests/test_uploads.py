"""Uploaded documents: parsed PDFs only, nothing left behind when refused, served only
through the checked route, Thai names keep .pdf, import files cleaned by age."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from helpers import field_errors, form_values, mou_data, page, role_client, thai
from pypdf import PdfWriter
from rounds import placement_world
from sqlalchemy import select

from models import ImportBatch, Mou, MouParty, Placement, db
from thai.dates import bangkok_now
from uploads import UploadRefused, check_pdf, display_name, stored_name

THAI_NAME = "บันทึกข้อตกลง ฉบับลงนาม.pdf"


def make_pdf(pages=1, password=None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = make_pdf()
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
REFUSED = {
    "html after the header": (
        b"%PDF-1.7\n" + HTML,
        "The file is not a plain PDF document: it also holds a web page (HTML).",
    ),
    "html in a comment of a real pdf": (
        PDF.replace(b"\n", b"\n%" + HTML + b"\n", 1),
        "The file is not a plain PDF document: it also holds a web page (HTML).",
    ),
    "truncated": (
        PDF[: len(PDF) * 2 // 3],
        "The PDF file is incomplete or has something else attached to its end; "
        "save it again as PDF and upload that file.",
    ),
    "a page glued on its end": (
        make_pdf(pages=10) + b"\n" + HTML * 3,
        "The PDF file is incomplete or has something else attached to its end; "
        "save it again as PDF and upload that file.",
    ),
    "only looks like a pdf": (
        b"%PDF-1.4\nnot really a pdf at all\n%%EOF\n",
        "The PDF file is damaged or incomplete and cannot be opened; check it and save it again.",
    ),
    "not a pdf": (b"PK\x03\x04 a zip file", "The file is not a PDF document."),
    "password": (
        make_pdf(password="secret"),
        "The PDF is protected by a password: upload a copy without a password.",
    ),
}


def stored_files(app, subfolder="mous"):
    folder = Path(app.config["UPLOAD_FOLDER"]) / subfolder
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def mou_form(records, content=PDF, filename=THAI_NAME, **changes):
    data = mou_data(records, document_path=(io.BytesIO(content), filename), **changes)
    return {k: v for k, v in data.items() if v is not None}


# --------------------------------------------------------------------------- the check


def test_a_real_pdf_passes_the_check():
    check_pdf(PDF)
    check_pdf(make_pdf(pages=3))


@pytest.mark.parametrize("case", list(REFUSED))
def test_what_is_not_a_whole_plain_pdf_is_refused(app, case):
    content, message = REFUSED[case]
    with app.test_request_context(), pytest.raises(UploadRefused) as refused:
        check_pdf(content)
    assert str(refused.value) == thai(app, message)


def test_thai_file_names_keep_their_letters_and_extension():
    assert display_name(THAI_NAME) == "บันทึกข้อตกลง_ฉบับลงนาม.pdf"
    assert display_name("C:\\Users\\ครู\\แผน.PDF") == "แผน.pdf"
    assert display_name("../../etc/passwd") == "passwd.pdf"
    assert display_name("สัญญา") == "สัญญา.pdf"
    assert display_name("..pdf") == "document.pdf"
    long = display_name("ก" * 300 + ".pdf")
    assert long.endswith(".pdf") and len(long.encode()) <= 180
    assert stored_name(THAI_NAME).endswith("-บันทึกข้อตกลง_ฉบับลงนาม.pdf")
    assert stored_name(THAI_NAME) != stored_name(THAI_NAME)


# --------------------------------------------------------------------------- MOU documents


def test_a_thai_named_pdf_is_kept_with_its_name_and_served_to_logged_in_users(
    app, editor_client, records
):
    response = editor_client.post("/admin/mou/new/", data=mou_form(records))
    assert response.status_code == 302, field_errors(response, "document_path")
    with app.app_context():
        mou = db.session.scalar(select(Mou))
        assert mou.document_path.endswith("-บันทึกข้อตกลง_ฉบับลงนาม.pdf")
        mou_id = mou.id
    assert stored_files(app) == [mou.document_path]
    viewer = role_client(app, "viewer")
    details = viewer.get(f"/admin/mou/details/?id={mou_id}")
    links = page(details).xpath('//a[contains(@class, "document-link")]/@href')
    assert links == [f"/files/mou/{mou_id}"]
    download = viewer.get(links[0])
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.get_data() == PDF
    disposition = unquote(download.headers["Content-Disposition"])
    assert disposition.startswith("attachment") and "บันทึกข้อตกลง_ฉบับลงนาม.pdf" in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    # The old address of the document goes through the same route.
    assert viewer.get(f"/admin/mou/document/{mou_id}").get_data() == PDF


def test_documents_are_served_to_no_one_logged_out_nor_from_any_static_path(
    app, client, editor_client, records
):
    editor_client.post("/admin/mou/new/", data=mou_form(records))
    with app.app_context():
        mou = db.session.scalar(select(Mou))
    response = client.get(f"/files/mou/{mou.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    name = mou.document_path
    for url in (
        f"/static/{name}",
        f"/static/../uploads/mous/{name}",
        f"/uploads/mous/{name}",
        f"/instance/uploads/mous/{name}",
        f"/fonts/../uploads/mous/{name}",
    ):
        for who in (client, editor_client):
            response = who.get(url)
            assert response.status_code != 200 or response.get_data() != PDF, url


def test_a_document_is_refused_to_users_who_may_not_open_its_record(app, editor_client, records):
    editor_client.post("/admin/mou/new/", data=mou_form(records))
    with app.app_context():
        mou_id = db.session.scalar(select(Mou.id))
    from admin.registry import model_view

    viewer = role_client(app, "viewer")
    with app.test_request_context():
        view = model_view("mou")
    view.admin_only = True
    try:
        assert viewer.get(f"/files/mou/{mou_id}").status_code == 403
        assert editor_client.get(f"/files/mou/{mou_id}").status_code == 403
    finally:
        view.admin_only = False
    assert viewer.get(f"/files/mou/{mou_id}").status_code == 200


@pytest.mark.parametrize(
    "url", ["/files/mou/999", "/files/secret/1", "/files/mou/99999999999999999999", "/files/plan/1"]
)
def test_a_missing_document_is_not_found(app, editor_client, records, url):
    assert editor_client.get(url).status_code == 404


@pytest.mark.parametrize("case", ["html after the header", "truncated", "a page glued on its end"])
def test_a_refused_pdf_is_explained_beside_the_field_and_never_written(
    app, editor_client, records, case
):
    content, message = REFUSED[case]
    response = editor_client.post("/admin/mou/new/", data=mou_form(records, content=content))
    assert response.status_code == 200
    assert thai(app, message) in field_errors(response, "document_path")
    assert stored_files(app) == []
    with app.app_context():
        assert db.session.scalar(select(Mou)) is None


def test_a_pdf_sent_with_a_form_that_is_then_refused_is_deleted(app, editor_client, records):
    # The document is fine, but an MOU needs two parties: nothing is saved, the file neither.
    response = editor_client.post(
        "/admin/mou/new/", data=mou_form(records, **{"parties-1-agency": None})
    )
    assert response.status_code == 200
    assert thai(app, "An MOU needs at least two parties.") in page(response).text_content()
    with app.app_context():
        assert db.session.scalar(select(Mou)) is None
    assert stored_files(app) == []


def test_a_replaced_document_is_kept_and_the_new_one_served(app, editor_client, records):
    editor_client.post("/admin/mou/new/", data=mou_form(records))
    with app.app_context():
        mou = db.session.scalar(select(Mou))
    form = editor_client.get(f"/admin/mou/edit/?id={mou.id}")
    kept = page(form).xpath('//*[contains(@class, "kept-document")]')
    assert kept and "บันทึกข้อตกลง_ฉบับลงนาม.pdf" in kept[0].text_content()
    assert thai(app, "Detach this document") in kept[0].text_content()
    data = form_values(form)
    data.pop("document_path", None)
    second = make_pdf(pages=2)
    data["document_path"] = (io.BytesIO(second), "ฉบับแก้ไข.pdf")
    response = editor_client.post(f"/admin/mou/edit/?id={mou.id}", data=data)
    assert response.status_code == 302
    assert len(stored_files(app)) == 2
    assert editor_client.get(f"/files/mou/{mou.id}").get_data() == second


# --------------------------------------------------------------------------- placement plans


def a_placement(app):
    from rounds import make_placement

    with app.app_context():
        world = placement_world(db.session)
        placement = make_placement(db.session, world.teacher, world.host, units=world.units)
        db.session.commit()
        return placement.id


def test_a_placement_plan_is_uploaded_and_downloadable_from_its_page(app, reference):
    placement_id = a_placement(app)
    editor = role_client(app, "editor")
    data = form_values(editor.get(f"/admin/placement/edit/?id={placement_id}"))
    data.pop("plan_document_path", None)
    data["plan_document_path"] = (io.BytesIO(PDF), "แผนพัฒนารายบุคคล ครูศานนท์.pdf")
    response = editor.post(f"/admin/placement/edit/?id={placement_id}", data=data)
    assert response.status_code == 302, field_errors(response, "plan_document_path")
    with app.app_context():
        stored = db.session.get(Placement, placement_id).plan_document_path
    assert stored.endswith("-แผนพัฒนารายบุคคล_ครูศานนท์.pdf")
    assert stored_files(app, "plans") == [stored]
    viewer = role_client(app, "viewer")
    tree = page(viewer.get(f"/admin/placement/details/?id={placement_id}"))
    link = tree.xpath('//a[@id="plan-document"]')
    assert link and thai(app, "Download the individual development plan") in link[0].text_content()
    download = viewer.get(link[0].get("href"))
    assert download.status_code == 200 and download.get_data() == PDF
    assert "แผนพัฒนารายบุคคล_ครูศานนท์.pdf" in unquote(download.headers["Content-Disposition"])


def test_a_refused_plan_leaves_nothing_on_disk(app, reference):
    placement_id = a_placement(app)
    editor = role_client(app, "editor")
    data = form_values(editor.get(f"/admin/placement/edit/?id={placement_id}"))
    data.pop("plan_document_path", None)
    data["plan_document_path"] = (io.BytesIO(REFUSED["truncated"][0]), "แผน.pdf")
    response = editor.post(f"/admin/placement/edit/?id={placement_id}", data=data)
    assert response.status_code == 200
    assert field_errors(response, "plan_document_path")
    assert stored_files(app, "plans") == []


# --------------------------------------------------------------------------- import files


def add_batch(app, status, age_days, folder_age_days=None):
    """An import batch of a given status and age, with its kept file."""
    with app.app_context():
        batch = ImportBatch(
            kind="teachers",
            filename="ครู.xlsx",
            size=4,
            sha256="0" * 64,
            stored_path="",
            status=status,
            created_at=bangkok_now() - dt.timedelta(days=age_days),
        )
        db.session.add(batch)
        db.session.flush()
        batch.stored_path = f"{batch.id}/upload.xlsx"
        db.session.commit()
        path = Path(app.config["IMPORT_FOLDER"]) / str(batch.id)
        path.mkdir(parents=True)
        (path / "upload.xlsx").write_bytes(b"data")
        return batch.id


def stray(app, name, age_days):
    path = Path(app.config["IMPORT_FOLDER"]) / name
    path.mkdir(parents=True)
    (path / "upload.csv").write_bytes(b"x")
    then = time.time() - age_days * 86400
    os.utime(path, (then, then))


def test_import_files_are_cleaned_by_age_and_status(app, runner):
    app.config["UPLOAD_MAX_AGE_DAYS"] = 30
    old_written = add_batch(app, "written", 40)
    new_written = add_batch(app, "written", 5)
    old_rejected = add_batch(app, "rejected", 31)
    old_previewed = add_batch(app, "previewed", 60)
    old_checking = add_batch(app, "checking", 60)
    new_unreadable = add_batch(app, "unreadable", 0)
    new_cancelled = add_batch(app, "cancelled", 0)
    stray(app, "9001", 3)
    stray(app, "9002", 0)
    folder = Path(app.config["IMPORT_FOLDER"])

    dry = runner.invoke(args=["uploads", "clean", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "จะลบไฟล์นำเข้า 4 รายการ" in dry.output
    assert len(list(folder.iterdir())) == 9

    result = runner.invoke(args=["uploads", "clean"])
    assert result.exit_code == 0, result.output
    assert "ลบไฟล์นำเข้า 4 รายการ และโฟลเดอร์ที่ไม่มีรายการนำเข้า 1 โฟลเดอร์" in result.output
    kept = {p.name for p in folder.iterdir()}
    assert kept == {str(i) for i in (new_written, old_previewed, old_checking)} | {"9002"}
    with app.app_context():
        paths = dict(db.session.execute(select(ImportBatch.id, ImportBatch.stored_path)).all())
    for gone in (old_written, old_rejected, new_unreadable, new_cancelled):
        assert paths[gone] == ""  # the history stays, without a file to offer
    assert paths[new_written] == f"{new_written}/upload.xlsx"


def test_the_age_limit_can_be_given_on_the_command_line(app, runner):
    batch = add_batch(app, "written", 10)
    assert runner.invoke(args=["uploads", "clean"]).exit_code == 0
    assert (Path(app.config["IMPORT_FOLDER"]) / str(batch)).exists()
    assert runner.invoke(args=["uploads", "clean", "--days", "7"]).exit_code == 0
    assert not (Path(app.config["IMPORT_FOLDER"]) / str(batch)).exists()


def test_cleaning_with_no_import_folder_does_nothing(app, runner):
    result = runner.invoke(args=["uploads", "clean"])
    assert result.exit_code == 0 and "0 รายการ" in result.output


def mou_with_document(app, records, name):
    with app.app_context():
        mou = Mou(ref_no="MOU-X", title="ก", signed_on=dt.date(2024, 1, 1), document_path=name)
        mou.parties = [MouParty(agency_id=records.college), MouParty(agency_id=records.host)]
        db.session.add(mou)
        db.session.commit()
        return mou.id


def test_a_document_name_from_the_database_cannot_leave_the_upload_folder(
    app, editor_client, records
):
    secret = Path(app.config["UPLOAD_FOLDER"]) / "secret.pdf"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(PDF)
    mou_id = mou_with_document(app, records, "../secret.pdf")
    assert editor_client.get(f"/files/mou/{mou_id}").status_code == 404


@pytest.mark.usefixtures("imports_in_request")
def test_an_import_file_that_cannot_be_read_is_deleted_at_once(app, editor_client, reference):
    junk = b"\x00\x01 not a workbook " * 5_000
    data = {"kind": "teachers", "file": (io.BytesIO(junk), "ครู.xlsx")}
    response = editor_client.post("/admin/imports/", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        batch = db.session.scalar(select(ImportBatch))
        assert batch.status == "unreadable"
        assert batch.stored_path == ""
    folder = Path(app.config["IMPORT_FOLDER"])
    assert not [p for p in folder.rglob("*") if p.is_file()]
    # Its page still says what was wrong.
    assert editor_client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize("key", ["UPLOAD_FOLDER", "IMPORT_FOLDER"])
def test_the_app_refuses_to_keep_uploads_in_its_static_folder(tmp_path, key):
    from app import HERE, create_app

    with pytest.raises(RuntimeError, match="static folder"):
        create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                "SECRET_KEY_FILE": str(tmp_path / "secret_key"),
                "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                "IMPORT_FOLDER": str(tmp_path / "imports"),
                key: str(HERE / "static" / "files"),
            }
        )


def test_a_detached_document_is_no_longer_served_but_stays_on_disk(app, editor_client, records):
    editor_client.post("/admin/mou/new/", data=mou_form(records))
    with app.app_context():
        mou_id = db.session.scalar(select(Mou.id))
    data = form_values(editor_client.get(f"/admin/mou/edit/?id={mou_id}"))
    data.pop("document_path", None)
    data["_document_path-delete"] = "on"
    assert editor_client.post(f"/admin/mou/edit/?id={mou_id}", data=data).status_code == 302
    with app.app_context():
        assert db.session.get(Mou, mou_id).document_path is None
    assert editor_client.get(f"/files/mou/{mou_id}").status_code == 404
    assert len(stored_files(app)) == 1
