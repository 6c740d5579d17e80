"""Details pages a clerk can read: related records as small tables with links, money with
thousands separators, phones as people write them, and no unexplained filter box."""

from __future__ import annotations

import pytest
from helpers import page, role_client, text_of
from sqlalchemy import select

from models import (
    Agency,
    CompetencyUnit,
    Curriculum,
    PlacementRound,
    Training,
    db,
)
from seed.demo import load_demo


@pytest.fixture
def demo(app, reference):
    with app.app_context():
        load_demo()
    return role_client(app, "viewer")


def first(app, model, *where):
    with app.app_context():
        record = db.session.scalars(select(model).where(*where).order_by(model.id)).first()
        db.session.expunge_all()
        return record


def related(response):
    """The rows of the details page's related tables: each row's texts and links."""
    return [
        (
            [" ".join(cell.text_content().split()) for cell in row.xpath("td")],
            row.xpath(".//a/@href"),
        )
        for row in page(response).xpath('//table[contains(@class, "related-table")]/tbody/tr')
    ]


def test_a_units_qualifications_and_a_curriculums_alignment_are_tables_of_links(app, demo):
    unit = first(app, CompetencyUnit, CompetencyUnit.qualifications.any())
    rows = related(demo.get(f"/admin/unit/details/?id={unit.id}"))
    with app.app_context():
        qualifications = sorted(
            db.session.get(CompetencyUnit, unit.id).qualifications, key=lambda q: q.code
        )
        expected = [(q.code, q.title, q.id) for q in qualifications]
    assert [(cells[0], cells[1], links) for cells, links in rows] == [
        (code, title, [f"/admin/qualification/details/?id={key}"]) for code, title, key in expected
    ]

    curriculum = first(app, Curriculum, Curriculum.alignments.any())
    rows = related(demo.get(f"/admin/curriculum/details/?id={curriculum.id}"))
    assert rows and all(links[0].startswith("/admin/unit/details/?id=") for _cells, links in rows)
    assert {cells[2] for cells, _links in rows} <= {"เต็ม", "บางส่วน"}


def test_a_trainings_participants_and_a_rounds_calendar_are_tables(app, demo):
    training = first(app, Training, Training.attendances.any())
    rows = related(demo.get(f"/admin/training/details/?id={training.id}"))
    with app.app_context():
        count = len(db.session.get(Training, training.id).attendances)
    assert len(rows) == count
    assert all(links[0].startswith("/admin/teacher/details/?id=") for _cells, links in rows)
    assert {cells[2] for cells, _links in rows} <= {"ใช่", "ไม่ใช่"}

    round_ = first(app, PlacementRound)
    response = demo.get(f"/admin/round/details/?id={round_.id}")
    calendar = related(response)
    assert calendar and all(len(cells) == 3 for cells, _links in calendar)
    assert any(" 25" in cells[1] for cells, _links in calendar)  # a BE date: "1 ต.ค. 2567"
    # The budget with thousands separators, as money.
    assert f"{round_.budget:,.2f}" in text_of(response)
    assert "," in f"{round_.budget:,.2f}"


def test_phones_read_as_written_and_no_filter_box(app, demo):
    with app.app_context():
        agency = db.session.scalars(select(Agency).where(Agency.phone.is_not(None))).first()
        agency.phone = "0812345678"
        db.session.commit()
        agency_id = agency.id
    response = demo.get(f"/admin/agency/details/?id={agency_id}")
    assert "081-234-5678" in text_of(response)
    assert not page(response).xpath('//*[@id="fa_filter"]')
    assert "ตัวกรอง" not in text_of(response)
