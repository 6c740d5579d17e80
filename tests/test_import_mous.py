"""Importing MOUs: parties are agencies that exist, dates in order, upserted by reference number."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from helpers import SAMPLES, THAI, count
from sqlalchemy import select

from importers import import_file
from models import Agency, Mou, MouParty, db

MANIFEST = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))["mous.xlsx"]
SAMPLE = (SAMPLES / "mous.xlsx").read_bytes()
HEADER = "เลขที่,ชื่อบันทึกข้อตกลง,คู่ภาคี,วันที่ลงนาม,วันสิ้นสุด,ขอบเขตความร่วมมือ\n"
EWE = "MOU-2565-014,ความร่วมมือ E-Workforce Ecosystem Platform (EWE),กทม.; สคช.,14 กันยายน 2565,,"


def run(content=SAMPLE, filename="mous.xlsx", **options):
    return import_file("mous", content, filename, db.session, **options)


def csv_file(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


def mou(ref_no: str) -> Mou | None:
    return db.session.scalar(select(Mou).where(Mou.ref_no == ref_no))


def party_codes(ref_no: str) -> set[str]:
    return {party.agency.code for party in mou(ref_no).parties}


@pytest.fixture
def agencies(app, reference):
    """The reference data plus the agencies sample (its bad row skipped)."""
    with app.app_context():
        content = (SAMPLES / "agencies.xlsx").read_bytes()
        assert import_file("agencies", content, "agencies.xlsx", db.session, skip_invalid=True)
    return app


# --------------------------------------------------------------------------- the sample


def test_sample_rejects_the_manifest_rows_and_writes_nothing_by_default(agencies):
    with agencies.app_context():
        result = run()
    assert len(result.rows) == MANIFEST["data_rows"]
    assert sorted({problem.row for problem in result.problems}) == MANIFEST["rejected_rows"]
    assert result.counts == {"new": 10, "updated": 0, "unchanged": 0, "rejected": 1}
    assert not result.written
    assert count(agencies, Mou) == 0
    assert count(agencies, MouParty) == 0


def test_an_end_before_the_signing_names_the_end_date_column(agencies):
    with agencies.app_context():
        (problem,) = run().problems
    assert problem.row == 12
    assert problem.column == "วันสิ้นสุด"
    assert THAI.search(problem.message)
    # Both dates as a Thai reader knows them, and both columns by their headers.
    assert "วันสิ้นสุด (1 พ.ค. 2566)" in problem.message
    assert "วันที่ลงนาม (1 พ.ค. 2567)" in problem.message


def test_skip_invalid_writes_the_valid_rows_with_their_values(agencies):
    with agencies.app_context():
        result = run(skip_invalid=True)
        assert result.written
        assert count(agencies, Mou) == MANIFEST["valid"]
        assert mou("MOU-2567-999") is None
        ewe = mou("MOU-2565-014")
        assert ewe.title == "ความร่วมมือ E-Workforce Ecosystem Platform (EWE)"
        assert party_codes("MOU-2565-014") == {"BMA", "TPQI"}
        assert ewe.signed_on == dt.date(2022, 9, 14)
        assert ewe.expires_on is None
        assert ewe.status == "open_ended"
        eef = mou("MOU-2566-031")  # "7 ก.ค. 66" to "6 ก.ค. 69", parties by code
        assert (eef.signed_on, eef.expires_on) == (dt.date(2023, 7, 7), dt.date(2026, 7, 6))
        assert party_codes("MOU-2566-031") == {"OVEC", "EEF"}
        # Parties one a line, by Thai name.
        assert party_codes("MOU-2564-100") == {"C5201", "E0003"}
        assert mou("MOU-2564-100").expires_on == dt.date(2024, 2, 27)


def test_reimporting_the_sample_leaves_everything_unchanged(agencies):
    with agencies.app_context():
        run(skip_invalid=True)
        result = run(skip_invalid=True)
    assert result.counts == {"new": 0, "updated": 0, "unchanged": 10, "rejected": 1}
    assert count(agencies, MouParty) == 20


def test_a_dry_run_writes_nothing(agencies):
    with agencies.app_context():
        result = run(skip_invalid=True, dry_run=True)
    assert result.counts["new"] == 10
    assert count(agencies, Mou) == 0


# --------------------------------------------------------------------------- updates


def test_a_changed_cell_updates_the_mou_and_lists_the_field(agencies):
    with agencies.app_context():
        run(skip_invalid=True)
        changed = EWE.replace(",,", ",13 ก.ย. 2570,")
        (row,) = run(csv_file(changed), "mous.csv").rows
        assert row.outcome == "updated"
        assert set(row.changes) == {"expires_on"}
        assert row.changes["expires_on"] == (None, dt.date(2027, 9, 13))
        assert mou("MOU-2565-014").expires_on == dt.date(2027, 9, 13)


def test_parties_are_replaced_to_match_the_file(agencies):
    with agencies.app_context():
        run(csv_file(EWE), "mous.csv")
        (row,) = run(csv_file(EWE.replace("กทม.; สคช.", '"TPQI\nOVEC\nBPCD"')), "mous.csv").rows
        assert row.outcome == "updated"
        assert row.changes == {"parties": ("BMA, TPQI", "BPCD, OVEC, TPQI")}
        assert party_codes("MOU-2565-014") == {"TPQI", "OVEC", "BPCD"}
        assert count(agencies, MouParty) == 3


def test_the_same_parties_in_another_order_and_spelling_are_unchanged(agencies):
    with agencies.app_context():
        run(csv_file(EWE), "mous.csv")
        same = EWE.replace("กทม.; สคช.", '"สถาบันคุณวุฒิวิชาชีพ (องค์การมหาชน), BMA"')
        (row,) = run(csv_file(same), "mous.csv").rows
    assert row.outcome == "unchanged"


def test_blank_cells_keep_what_is_stored(agencies):
    with agencies.app_context():
        run(csv_file(EWE.replace(",,", ",13/09/2570,") + "EWE scope"), "mous.csv")
        (row,) = run(csv_file("MOU-2565-014,ความร่วมมือ EWE,BMA; TPQI,14/09/2565,,"), "x.csv").rows
        assert row.outcome == "updated"
        assert set(row.changes) == {"title"}
        stored = mou("MOU-2565-014")
        assert stored.expires_on == dt.date(2027, 9, 13)
        assert stored.scope == "EWE scope"


def test_a_new_signing_date_after_the_stored_end_is_rejected(agencies):
    with agencies.app_context():
        run(csv_file(EWE.replace(",,", ",13/09/2570,")), "mous.csv")
        later = "MOU-2565-014,ความร่วมมือ EWE,BMA; TPQI,1/1/2571,,"
        result = run(csv_file(later), "mous.csv")
        (problem,) = result.problems
        assert problem.column == "วันสิ้นสุด"
        assert "13 ก.ย. 2570" in problem.message
        assert not result.written
        assert mou("MOU-2565-014").signed_on == dt.date(2022, 9, 14)


# --------------------------------------------------------------------------- parties


def test_each_unknown_party_is_named_and_no_agency_is_made(agencies):
    agencies_before = count(agencies, Agency)
    line = "MOU-2568-001,ทดสอบ,OVEC; บริษัท ไม่มีจริง จำกัด; XYZ,1/10/2567,,"
    with agencies.app_context():
        result = run(csv_file(line), "mous.csv", skip_invalid=True)
    (problem,) = result.problems
    assert (problem.row, problem.column) == (2, "คู่ภาคี")
    assert '"บริษัท ไม่มีจริง จำกัด"' in problem.message
    assert '"XYZ"' in problem.message
    assert "OVEC" not in problem.message
    assert count(agencies, Agency) == agencies_before
    assert count(agencies, Mou) == 0


@pytest.mark.parametrize(
    ("parties", "words"),
    [
        ("OVEC", "อย่างน้อย 2 หน่วยงาน"),
        ('"OVEC, สอศ."', "หน่วยงานเดียวกัน"),
        ("OVEC;;", "อย่างน้อย 2 หน่วยงาน"),
    ],
)
def test_an_mou_needs_two_distinct_parties(agencies, parties, words):
    line = f"MOU-2568-002,ทดสอบ,{parties},1/10/2567,,"
    with agencies.app_context():
        (problem,) = run(csv_file(line), "mous.csv").problems
    assert problem.column == "คู่ภาคี"
    assert words in problem.message


def test_a_party_whose_name_holds_commas_is_found(agencies):
    mhesi = "กระทรวงการอุดมศึกษา วิทยาศาสตร์ วิจัยและนวัตกรรม"
    english = "Ministry of Higher Education, Science, Research and Innovation"
    lines = [
        f'MOU-2568-003,ทดสอบ,"{english}, OVEC",1/10/2567,,',
        f'MOU-2568-004,ทดสอบ,"OVEC, {mhesi}",1/10/2567,,',
    ]
    with agencies.app_context():
        result = run(csv_file(*lines), "mous.csv")
        assert result.counts["new"] == 2, result.problems
        assert party_codes("MOU-2568-003") == party_codes("MOU-2568-004") == {"MHESI", "OVEC"}


# --------------------------------------------------------------------------- file shapes


def test_a_workbook_with_english_headers_and_title_rows(agencies):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ทะเบียนบันทึกข้อตกลงความร่วมมือ"])
    sheet.append([])
    sheet.append(["ref_no", "title", "parties", "signed_on", "expires_on", "scope", "remark"])
    sheet.append(["MOU-2568-010", "ทดสอบ", "OVEC\nTPQI", dt.datetime(2024, 10, 1), None, None, "x"])
    sheet.append(["MOU-2568-011", "ทดสอบ", "OVEC, TPQI", "31/02/2568", None, None, None])
    sheet.append(["MOU-2568-010", "ซ้ำ", "OVEC, BMA", "๑/๑๐/๒๕๖๗", None, None, None])
    sheet.append(["รวม 3 ฉบับ"])
    buffer = io.BytesIO()
    book.save(buffer)
    with agencies.app_context():
        result = run(buffer.getvalue(), "mous.xlsx", skip_invalid=True)
        assert result.unknown_columns == ["remark"]
        assert [(p.row, p.column) for p in result.problems] == [(5, "signed_on"), (6, "ref_no")]
        assert "ไม่มีอยู่จริง" in result.problems[0].message
        assert "แถวที่ 4" in result.problems[1].message
        assert all(THAI.search(p.message) for p in result.problems)
        assert party_codes("MOU-2568-010") == {"OVEC", "TPQI"}
        assert mou("MOU-2568-010").signed_on == dt.date(2024, 10, 1)


def test_missing_required_values_are_named(agencies):
    with agencies.app_context():
        result = run(csv_file("MOU-2568-020,,OVEC; TPQI,,,"), "mous.csv")
    assert {(p.row, p.column) for p in result.problems} == {
        (2, "ชื่อบันทึกข้อตกลง"),
        (2, "วันที่ลงนาม"),
    }
    assert all(p.message.startswith("ไม่ได้ระบุ") for p in result.problems)


def test_a_lone_unknown_party_is_named_and_counted(agencies):
    line = "MOU-2568-005,ทดสอบ,บริษัท ไม่มีจริง จำกัด,1/10/2567,,"
    with agencies.app_context():
        first, second = run(csv_file(line), "mous.csv").problems
    assert first.column == second.column == "คู่ภาคี"
    assert '"บริษัท ไม่มีจริง จำกัด"' in first.message
    assert "อย่างน้อย 2 หน่วยงาน" in second.message
