"""The MOU register: rows, order, status, days left, marks, filters, and one query for parties."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from flask_babel import force_locale
from sqlalchemy import event, func, insert, select

import models
from models import Agency, Mou, MouParty, Province, db
from reports.model import Facts, FilterError, Table, Viewer
from reports.mous import WARN_LEGEND, MouRegister

TODAY = dt.date(2025, 1, 24)


@pytest.fixture
def register(app, reference, monkeypatch):
    """An app context on the reference data, with 'today' fixed at 24 Jan 2568."""
    monkeypatch.setattr(models, "today", lambda: TODAY)
    with app.app_context():
        lamphun = db.session.scalar(select(Province).where(Province.code == "51"))
        db.session.add_all(
            [
                Agency(code="EST-1", name_th="บริษัท ช่างไทย จำกัด", kind="establishment"),
                Agency(
                    code="C5101",
                    name_th="วิทยาลัยเทคนิคลำพูน",
                    kind="college",
                    province=lamphun,
                ),
            ]
        )
        db.session.commit()
        yield


def agency(code):
    return db.session.scalar(select(Agency).where(Agency.code == code))


def add_mou(ref_no, signed_on, expires_on, *codes, title=None):
    agencies = [agency(code) for code in codes]
    mou = Mou(
        ref_no=ref_no,
        title=title or f"ความร่วมมือ {ref_no}",
        signed_on=signed_on,
        expires_on=expires_on,
    )
    mou.parties = [MouParty(agency=party) for party in agencies]
    db.session.add(mou)
    db.session.commit()


def add_typical_mous():
    """One MOU of each status, plus one that ends today and one that ended yesterday."""
    signed = dt.date(2022, 9, 14)
    add_mou("M-ACTIVE", signed, TODAY + dt.timedelta(days=400), "BMA", "TPQI")
    add_mou("M-SOON", signed, TODAY + dt.timedelta(days=30), "C5201", "EST-1", "OVEC")
    add_mou("M-TODAY", signed, TODAY, "C5101", "EST-1")
    add_mou("M-EDGE", signed, TODAY + dt.timedelta(days=90), "OVEC", "EEF")
    add_mou("M-OPEN", signed, None, "MOE", "TPQI")
    add_mou("M-OLD", dt.date(2018, 1, 1), dt.date(2020, 1, 1), "C5201", "EST-1")
    add_mou("M-YESTERDAY", signed, TODAY - dt.timedelta(days=1), "BMA", "EEF")


def build(**values):
    filters = {f.name: None for f in MouRegister.filters}
    filters.update(values)
    return MouRegister().build(db.session, filters, Viewer())


def parse(name, text):
    filter_ = next(f for f in MouRegister.filters if f.name == name)
    return filter_.parse(db.session, text)


def table_of(report):
    return next(block for block in report.blocks if isinstance(block, Table))


def summary_of(report):
    return dict(next(block for block in report.blocks if isinstance(block, Facts)).pairs)


def test_definition():
    assert MouRegister.name == "mous"
    assert MouRegister.title == "ทะเบียนบันทึกข้อตกลงความร่วมมือ (MOU)"
    assert MouRegister.landscape is True
    assert [f.name for f in MouRegister.filters] == ["status", "partner", "province"]
    assert not any(f.required for f in MouRegister.filters)


def test_rows_in_force_soonest_first_then_open_ended_then_latest_expired(register):
    add_typical_mous()
    report = build()
    table = table_of(report)
    assert [row["ref_no"] for row in table.rows] == [
        "M-TODAY",
        "M-SOON",
        "M-EDGE",
        "M-ACTIVE",
        "M-OPEN",
        "M-YESTERDAY",
        "M-OLD",
    ]
    assert report.landscape is True
    assert report.filters == []
    kinds = [c.kind for c in table.columns]
    assert kinds == ["code", "text", "text", "date", "date", "text", "int"]


def test_a_row_holds_parties_dates_status_and_days_left(register):
    add_typical_mous()
    rows = {row["ref_no"]: row for row in table_of(build()).rows}
    assert rows["M-SOON"] == {
        "ref_no": "M-SOON",
        "title": "ความร่วมมือ M-SOON",
        "parties": ("วิทยาลัยสารพัดช่างลำปาง, บริษัท ช่างไทย จำกัด, สำนักงานคณะกรรมการการอาชีวศึกษา"),
        "signed_on": dt.date(2022, 9, 14),
        "expires_on": dt.date(2025, 2, 23),
        "status": "ใกล้หมดอายุภายใน 90 วัน",
        "days_left": 30,
    }
    assert rows["M-TODAY"]["days_left"] == 0
    assert rows["M-EDGE"]["days_left"] == 90
    assert rows["M-ACTIVE"]["status"] == "ใช้งานอยู่"
    assert rows["M-ACTIVE"]["days_left"] == 400
    assert rows["M-OPEN"]["status"] == "ไม่มีกำหนดสิ้นสุด"
    assert rows["M-OPEN"]["expires_on"] is None
    assert rows["M-OPEN"]["days_left"] is None
    assert rows["M-YESTERDAY"]["status"] == "หมดอายุแล้ว"
    assert rows["M-YESTERDAY"]["days_left"] is None


def test_mous_expiring_within_90_days_are_marked_with_a_legend(register):
    add_typical_mous()
    table = table_of(build())
    marked = {table.rows[index]["ref_no"]: mark for index, mark in table.marks.items()}
    assert marked == {"M-TODAY": "warn", "M-SOON": "warn", "M-EDGE": "warn"}
    assert table.legend == WARN_LEGEND == "แถวที่ทำเครื่องหมาย: จะหมดอายุภายใน 90 วัน"


def test_no_legend_without_marked_rows(register):
    add_mou("M-OPEN", dt.date(2022, 9, 14), None, "MOE", "TPQI")
    table = table_of(build())
    assert table.marks == {}
    assert table.legend is None


def test_summary_counts_each_status(register):
    add_typical_mous()
    report = build()
    assert isinstance(report.blocks[0], Facts)
    assert summary_of(report) == {
        "ใช้งานอยู่": "1",
        "ใกล้หมดอายุภายใน 90 วัน": "3",
        "หมดอายุแล้ว": "2",
        "ไม่มีกำหนดสิ้นสุด": "1",
        "รวม": "7",
    }


def test_status_filter_by_code_or_thai_label(register):
    add_typical_mous()
    assert parse("status", "expiring") == "expiring"
    assert parse("status", "หมดอายุแล้ว") == "expired"
    with pytest.raises(FilterError, match="สถานะ"):
        parse("status", "ยกเลิก")
    report = build(status=parse("status", "ใกล้หมดอายุภายใน 90 วัน"))
    assert [row["ref_no"] for row in table_of(report).rows] == ["M-TODAY", "M-SOON", "M-EDGE"]
    assert report.filters == [("สถานะ", "ใกล้หมดอายุภายใน 90 วัน")]
    assert summary_of(report)["รวม"] == "3"
    expired = build(status="expired")
    assert [row["ref_no"] for row in table_of(expired).rows] == ["M-YESTERDAY", "M-OLD"]


def test_partner_filter_lists_the_mous_it_is_a_party_to_with_all_parties(register):
    add_typical_mous()
    report = build(partner=parse("partner", "สคช."))
    rows = table_of(report).rows
    assert [row["ref_no"] for row in rows] == ["M-ACTIVE", "M-OPEN"]
    # The other parties are still listed, not only the one asked for.
    assert rows[0]["parties"] == "กรุงเทพมหานคร, สถาบันคุณวุฒิวิชาชีพ (องค์การมหาชน)"
    assert report.filters == [("คู่ความร่วมมือ", "สถาบันคุณวุฒิวิชาชีพ (องค์การมหาชน)")]


def test_province_filter_lists_mous_with_a_party_there(register):
    add_typical_mous()
    lampang = parse("province", "ลำปาง")
    rows = table_of(build(province=lampang)).rows
    assert [row["ref_no"] for row in rows] == ["M-SOON", "M-OLD"]
    lamphun = parse("province", "จังหวัดลำพูน")
    assert [row["ref_no"] for row in table_of(build(province=lamphun)).rows] == ["M-TODAY"]


def test_filters_combine(register):
    add_typical_mous()
    report = build(status="expired", partner=agency("C5201"), province=parse("province", "52"))
    assert [row["ref_no"] for row in table_of(report).rows] == ["M-OLD"]
    assert [label for label, _ in report.filters] == ["สถานะ", "คู่ความร่วมมือ", "จังหวัด"]


def test_nothing_matching_gives_an_empty_table_and_zero_counts(register):
    add_typical_mous()
    report = build(partner=agency("EST-1"), status="open_ended")
    table = table_of(report)
    assert table.rows == []
    assert table.empty
    assert summary_of(report)["รวม"] == "0"


def test_the_printouts_language_names_the_status(app, register):
    add_typical_mous()
    statuses = {}
    for language in ("th", "en"):
        with app.test_request_context(), force_locale(language):
            statuses[language] = {str(row["status"]) for row in table_of(build()).rows}
    assert statuses["th"] == {
        "ใช้งานอยู่",
        "ใกล้หมดอายุภายใน 90 วัน",
        "หมดอายุแล้ว",
        "ไม่มีกำหนดสิ้นสุด",
    }
    assert statuses["en"] == {"Active", "Expiring within 90 days", "Expired", "Open-ended"}


def bulk_mous(count):
    """Insert count MOUs with two or three parties each in a few statements (no ORM objects)."""
    agencies = db.session.scalars(select(Agency.id).order_by(Agency.id)).all()
    first = (db.session.scalar(select(func.max(Mou.id))) or 0) + 1
    signed = dt.date(2020, 1, 1)
    mous, parties = [], []
    for number, mou_id in enumerate(range(first, first + count)):
        offset = number % 1500 - 300  # expired, expiring, active; every 10th open-ended
        mous.append(
            {
                "id": mou_id,
                "ref_no": f"BULK-{number:05d}",
                "title": f"บันทึกข้อตกลงความร่วมมือฉบับที่ {number}",
                "signed_on": signed,
                "expires_on": None if number % 10 == 0 else TODAY + dt.timedelta(days=offset),
            }
        )
        chosen = itertools.islice(itertools.cycle(agencies), number, number + 2 + number % 2)
        parties += [{"mou_id": mou_id, "agency_id": agency_id} for agency_id in chosen]
    db.session.execute(insert(Mou), mous)
    db.session.execute(insert(MouParty), parties)
    db.session.commit()


def test_two_thousand_mous_take_two_queries(register):
    bulk_mous(2000)
    filters = {"status": "active", "partner": agency("TPQI"), "province": parse("province", "10")}
    statements = []

    def count_statement(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count_statement)
    try:
        report = build()
        unfiltered = len(statements)
        build(**filters)
    finally:
        event.remove(db.engine, "before_cursor_execute", count_statement)
    rows = table_of(report).rows
    assert len(rows) == 2000
    assert all(2 <= len(row["parties"].split(", ")) <= 3 for row in rows)
    # The MOUs, then every listed MOU's parties: however many MOUs and filters there are.
    assert unfiltered == 2
    assert len(statements) == 4
    assert summary_of(report)["รวม"] == "2,000"
