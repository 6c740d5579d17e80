"""The alignment grid: a qualification's units against a curriculum, edited with one save."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from helpers import USERS, flash_messages, form_values, page, text_of, thai
from sqlalchemy import func, select

from models import AuditLog, CompetencyUnit, Curriculum, CurriculumUnit, Qualification, db


@pytest.fixture
def grid(app):
    """A curriculum aligned to part of a qualification, and a unit outside it.

    Q-AUTO-3: U1 U2 U3 U4.  Q-EV-4: U5.  Q-WELD-2: U6 (shares nothing).  Q-EMPTY: no units.
    C-AUTO: U1 full, U2 partial ("ฝึกในโรงฝึกงาน"), U4 full, U5 partial; U3 has no row.
    """
    with app.app_context():
        units = {
            code: CompetencyUnit(code=code, title=title)
            for code, title in [
                ("U1", "ตรวจสอบระบบเครื่องยนต์"),
                ("U2", "ซ่อมระบบเบรก"),
                ("U3", "ซ่อมระบบไฟฟ้ารถยนต์"),
                ("U4", "ปรับตั้งศูนย์ล้อ"),
                ("U5", "ดูแลแบตเตอรี่รถยนต์ไฟฟ้า"),
                ("U6", "เชื่อมแก๊ส"),
            ]
        }
        auto = Qualification(
            code="Q-AUTO-3",
            title="ช่างซ่อมรถยนต์",
            level=3,
            units=[units[c] for c in ("U1", "U2", "U3", "U4")],
        )
        ev = Qualification(code="Q-EV-4", title="ช่างยานยนต์ไฟฟ้า", level=4, units=[units["U5"]])
        weld = Qualification(code="Q-WELD-2", title="ช่างเชื่อม", level=2, units=[units["U6"]])
        empty = Qualification(code="Q-EMPTY", title="คุณวุฒิที่ยังไม่มีหน่วย", level=1)
        curriculum = Curriculum(code="C-AUTO", title="ปวช. 2562 ช่างยนต์", kind="short_course")
        curriculum.alignments = [
            CurriculumUnit(unit=units["U1"], coverage="full"),
            CurriculumUnit(unit=units["U2"], coverage="partial", notes="ฝึกในโรงฝึกงาน"),
            CurriculumUnit(unit=units["U4"], coverage="full"),
            CurriculumUnit(unit=units["U5"], coverage="partial"),
        ]
        db.session.add_all([auto, ev, weld, empty, curriculum])
        db.session.commit()
        return SimpleNamespace(
            curriculum=curriculum.id,
            auto=auto.id,
            ev=ev.id,
            weld=weld.id,
            empty=empty.id,
            units={code: unit.id for code, unit in units.items()},
        )


def grid_url(curriculum, qualification):
    return f"/admin/curriculum/alignment/?id={curriculum}&qualification={qualification}"


def stored(app, curriculum):
    """The curriculum's alignment rows: unit code -> (coverage, notes)."""
    with app.app_context():
        return {
            code: (coverage, notes)
            for code, coverage, notes in db.session.execute(
                select(CompetencyUnit.code, CurriculumUnit.coverage, CurriculumUnit.notes)
                .join(CurriculumUnit.unit)
                .where(CurriculumUnit.curriculum_id == curriculum)
            )
        }


def row_ids(app, curriculum):
    """The curriculum's alignment rows: unit code -> row id."""
    with app.app_context():
        return dict(
            db.session.execute(
                select(CompetencyUnit.code, CurriculumUnit.id)
                .join(CurriculumUnit.unit)
                .where(CurriculumUnit.curriculum_id == curriculum)
            ).all()
        )


def last_log_id(app):
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.max(AuditLog.id), 0)))


def logs_after(app, log_id):
    with app.app_context():
        return list(db.session.scalars(select(AuditLog).where(AuditLog.id > log_id)))


def grid_rows(response):
    """Each unit row of the grid: code -> (chosen coverage, note), as a reader sees it."""
    rows = {}
    for tr in page(response).xpath('//tr[contains(@class, "grid-row")]'):
        checked = tr.xpath('.//input[@type="radio" and @checked]/@value')
        note = tr.xpath('.//input[starts-with(@name, "notes-")]/@value')
        rows[tr.get("data-unit")] = (checked[0] if checked else None, note[0] if note else "")
    return rows


def figure(response, element_id):
    return " ".join(page(response).get_element_by_id(element_id).text_content().split())


# --------------------------------------------------------------------------- the grid


def test_the_grid_shows_each_unit_of_the_qualification_with_its_coverage(app, editor_client, grid):
    response = editor_client.get(grid_url(grid.curriculum, grid.auto))
    assert response.status_code == 200
    # Every unit of the qualification, in code order; U5 (another qualification's) is not here.
    assert grid_rows(response) == {
        "U1": ("full", ""),
        "U2": ("partial", "ฝึกในโรงฝึกงาน"),
        "U3": ("none", ""),
        "U4": ("full", ""),
    }
    text = text_of(response)
    assert "ตรวจสอบระบบเครื่องยนต์" in text and "ซ่อมระบบไฟฟ้ารถยนต์" in text
    assert "ดูแลแบตเตอรี่รถยนต์ไฟฟ้า" not in text
    # Thai by default: the heading, the choices and the summary.
    assert thai(app, "Alignment grid") in text
    for choice in ("Covered fully", "Covered partly", "Not covered"):
        assert thai(app, choice) in text
    # Two full, one partial, one without a row: (2 + 0.5) / 4 = 62.5 %.
    assert [figure(response, f"count-{c}") for c in ("full", "partial", "none")] == ["2", "1", "1"]
    assert figure(response, "grid-percent") == "62.5 %"


def test_one_save_creates_changes_and_removes_exactly_the_rows_changed(app, editor_client, grid):
    url = grid_url(grid.curriculum, grid.auto)
    before = row_ids(app, grid.curriculum)
    log_id = last_log_id(app)
    values = form_values(editor_client.get(url))
    u = grid.units
    values[f"coverage-{u['U1']}"] = ["partial"]  # change
    values[f"notes-{u['U1']}"] = ["  ขาดสมรรถนะย่อยที่ 2  "]
    values[f"coverage-{u['U2']}"] = ["none"]  # remove (its note goes with it)
    values[f"coverage-{u['U3']}"] = ["full"]  # create
    values[f"notes-{u['U3']}"] = ["วิชาไฟฟ้ายานยนต์"]
    # U4 is sent as it was shown: it must not be touched.

    response = editor_client.post(url, data=values, follow_redirects=True)

    assert response.status_code == 200
    assert thai(app, "Alignment saved: %(added)s added, %(changed)s changed, %(removed)s removed.")
    assert "เพิ่ม 1 หน่วย แก้ไข 1 หน่วย ลบ 1 หน่วย" in flash_messages(response)
    assert stored(app, grid.curriculum) == {
        "U1": ("partial", "ขาดสมรรถนะย่อยที่ 2"),
        "U3": ("full", "วิชาไฟฟ้ายานยนต์"),
        "U4": ("full", None),
        "U5": ("partial", None),  # another qualification's unit: untouched
    }
    after = row_ids(app, grid.curriculum)
    assert after["U1"] == before["U1"] and after["U4"] == before["U4"]

    # The change log has one row per changed record, each by the editor, and nothing else.
    logs = logs_after(app, log_id)
    assert {(log.table_name, log.action, log.record_id) for log in logs} == {
        ("curriculum_unit", "update", str(before["U1"])),
        ("curriculum_unit", "delete", str(before["U2"])),
        ("curriculum_unit", "create", str(after["U3"])),
    }
    assert {log.user_email for log in logs} == {USERS["editor"]}
    update = next(log for log in logs if log.action == "update")
    assert update.changes == {
        "coverage": ["full", "partial"],
        "notes": [None, "ขาดสมรรถนะย่อยที่ 2"],
    }
    create = next(log for log in logs if log.action == "create")
    assert create.changes["coverage"] == "full" and create.changes["unit_id"] == u["U3"]
    # The page after the save shows the new state.
    assert grid_rows(response)["U3"] == ("full", "วิชาไฟฟ้ายานยนต์")
    assert figure(response, "grid-percent") == "62.5 %"  # (2 full + 1 partial) / 4


def test_a_save_with_nothing_changed_writes_nothing(app, editor_client, grid):
    url = grid_url(grid.curriculum, grid.auto)
    log_id = last_log_id(app)
    response = editor_client.post(
        url, data=form_values(editor_client.get(url)), follow_redirects=True
    )
    assert thai(app, "Nothing to save: no unit's coverage or note was changed.") in (
        flash_messages(response)
    )
    assert logs_after(app, log_id) == []


def test_a_save_leaves_alone_a_row_someone_changed_since_the_form_was_shown(
    app, editor_client, grid
):
    url = grid_url(grid.curriculum, grid.auto)
    values = form_values(editor_client.get(url))
    with app.app_context():  # meanwhile another user marks U4 partial
        row = db.session.scalar(
            select(CurriculumUnit).where(
                CurriculumUnit.curriculum_id == grid.curriculum,
                CurriculumUnit.unit_id == grid.units["U4"],
            )
        )
        row.coverage = "partial"
        db.session.commit()
    values[f"coverage-{grid.units['U3']}"] = ["partial"]
    editor_client.post(url, data=values)
    aligned = stored(app, grid.curriculum)
    assert aligned["U3"] == ("partial", None)
    assert aligned["U4"] == ("partial", None)  # not put back to the full the form showed


def test_a_note_on_a_unit_set_to_not_covered_is_not_kept_and_says_so(app, editor_client, grid):
    url = grid_url(grid.curriculum, grid.auto)
    values = form_values(editor_client.get(url))
    values[f"notes-{grid.units['U3']}"] = ["ยังไม่ได้สอน"]
    response = editor_client.post(url, data=values, follow_redirects=True)
    assert "U3" not in stored(app, grid.curriculum)
    messages = flash_messages(response)
    assert thai(app, "Nothing to save: no unit's coverage or note was changed.") in messages
    assert "ไม่ได้เก็บหมายเหตุของ U3" in messages


@pytest.mark.csrf
def test_the_save_needs_the_forms_csrf_token(app, editor_client, grid):
    url = grid_url(grid.curriculum, grid.auto)
    values = form_values(editor_client.get(url))
    # The grid's form carries its token (a token is stamped with the second it was made,
    # so it is not compared with another page's).
    assert values["csrf_token"][0]
    values[f"coverage-{grid.units['U3']}"] = ["full"]
    forged = {k: v for k, v in values.items() if k != "csrf_token"}
    assert editor_client.post(url, data=forged).status_code == 400
    assert "U3" not in stored(app, grid.curriculum)
    assert editor_client.post(url, data=values).status_code == 302
    assert stored(app, grid.curriculum)["U3"] == ("full", None)


def test_a_qualification_without_units_says_there_is_nothing_to_align(app, editor_client, grid):
    response = editor_client.get(grid_url(grid.curriculum, grid.empty))
    assert response.status_code == 200
    assert thai(
        app, "This qualification has no units of competence yet: there is nothing to align."
    ) in text_of(response)
    assert not page(response).xpath('//form[@id="alignment-grid"]')


# --------------------------------------------------------------------------- viewers


def test_a_viewer_sees_the_grid_read_only(app, viewer_client, grid):
    response = viewer_client.get(grid_url(grid.curriculum, grid.auto))
    assert response.status_code == 200
    tree = page(response)
    assert not tree.xpath('//form[@method="post" and @id="alignment-grid"]')
    assert not tree.xpath('//input[@type="radio"]')
    assert thai(app, "You can view this alignment; changing it needs the editor role.") in (
        text_of(response)
    )
    shown = {
        tr.get("data-unit"): " ".join(tr.xpath("./td")[3].text_content().split())
        for tr in tree.xpath('//tr[contains(@class, "grid-row")]')
    }
    assert shown == {
        "U1": thai(app, "Covered fully"),
        "U2": thai(app, "Covered partly"),
        "U3": thai(app, "Not covered"),
        "U4": thai(app, "Covered fully"),
    }


def test_a_viewer_cannot_save_the_grid(app, viewer_client, grid):
    log_id = last_log_id(app)
    response = viewer_client.post(
        grid_url(grid.curriculum, grid.auto),
        data={f"coverage-{grid.units['U3']}": "full", f"was-{grid.units['U3']}": "none"},
    )
    assert response.status_code == 403
    assert "U3" not in stored(app, grid.curriculum)
    assert logs_after(app, log_id) == []


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("query", "message", "lands_on"),
    [
        ("id=999&qualification={auto}", "There is no curriculum with this id.", "/list"),
        ("id=abc&qualification={auto}", "There is no curriculum with this id.", "/list"),
        (
            "id=" + "9" * 30 + "&qualification={auto}",
            "There is no curriculum with this id.",
            "/list",
        ),
        ("qualification={auto}", "There is no curriculum with this id.", "/list"),
        (
            "id={curriculum}&qualification=999",
            "There is no qualification with this id.",
            "/details",
        ),
        ("id={curriculum}&qualification=-1", "There is no qualification with this id.", "/details"),
        (
            "id={curriculum}&qualification=",
            "Choose a qualification to open its alignment grid.",
            "/details",
        ),
        ("id={curriculum}", "Choose a qualification to open its alignment grid.", "/details"),
    ],
)
def test_unknown_ids_give_a_message(app, editor_client, grid, query, message, lands_on):
    url = "/admin/curriculum/alignment/?" + query.format(**vars(grid))
    for method in (editor_client.get, editor_client.post):
        response = method(url)
        assert response.status_code == 302
        if lands_on == "/list":
            assert response.location.rstrip("/").endswith("/admin/curriculum")
        else:
            assert f"/details/?id={grid.curriculum}" in response.location
        followed = editor_client.get(response.location)
        assert thai(app, message) in flash_messages(followed)


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("coverage-{U5}", "full", "U5"),  # a unit of another qualification
        ("coverage-{U6}", "partial", "U6"),
        ("notes-{U5}", "note", "U5"),
        ("coverage-999999", "full", "999999"),  # no such unit
        ("coverage-abc", "full", "abc"),
        ("coverage-" + "9" * 40, "full", "9" * 40),
    ],
)
def test_a_unit_not_in_the_qualification_refuses_the_whole_save(
    app, editor_client, grid, field, value, shown
):
    url = grid_url(grid.curriculum, grid.auto)
    values = form_values(editor_client.get(url))
    values[f"coverage-{grid.units['U3']}"] = ["full"]  # a good change alongside
    values[field.format(**grid.units)] = [value]
    log_id = last_log_id(app)
    response = editor_client.post(url, data=values, follow_redirects=True)
    assert response.status_code == 200
    messages = flash_messages(response)
    assert "ยังไม่ได้บันทึกข้อมูลใด" in messages
    assert f"หน่วยสมรรถนะ {shown} ไม่อยู่ในคุณวุฒิวิชาชีพ Q-AUTO-3" in messages
    assert logs_after(app, log_id) == []
    assert "U3" not in stored(app, grid.curriculum)


@pytest.mark.parametrize("field", ["coverage", "was"])
def test_a_coverage_that_does_not_exist_refuses_the_save(app, editor_client, grid, field):
    url = grid_url(grid.curriculum, grid.auto)
    values = form_values(editor_client.get(url))
    values[f"coverage-{grid.units['U3']}"] = ["full"]
    values[f"{field}-{grid.units['U1']}"] = ["most"]
    response = editor_client.post(url, data=values, follow_redirects=True)
    assert thai(
        app, "Unit %(unit)s: choose full, partial or not covered.", unit="U1"
    ) in flash_messages(response)
    assert stored(app, grid.curriculum)["U1"] == ("full", None)
    assert "U3" not in stored(app, grid.curriculum)


# --------------------------------------------------------------------------- curriculum page


def coverage_rows(response):
    """The curriculum page's coverage table: qualification code -> figures and grid link."""
    rows = {}
    for tr in page(response).xpath('//tr[contains(@class, "coverage-row")]'):
        cells = [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
        link = tr.xpath('.//a[contains(@class, "grid-link")]/@href')[0]
        rows[tr.get("data-qualification")] = (cells[1:6], link)
    return rows


def expected_percent(app, curriculum, qualification):
    """The coverage % straight from the records: (full + partial / 2) / units × 100."""
    with app.app_context():
        units = db.session.scalars(
            select(CompetencyUnit.id)
            .join(CompetencyUnit.qualifications)
            .where(Qualification.id == qualification)
        ).all()
        coverages = db.session.scalars(
            select(CurriculumUnit.coverage).where(
                CurriculumUnit.curriculum_id == curriculum, CurriculumUnit.unit_id.in_(units)
            )
        ).all()
    full, partial = coverages.count("full"), coverages.count("partial")
    return [
        str(len(units)),
        str(full),
        str(partial),
        str(len(units) - full - partial),
        f"{(full + partial / 2) * 100 / len(units):.1f} %",
    ]


def test_the_curriculum_page_shows_its_coverage_of_each_qualification(app, editor_client, grid):
    response = editor_client.get(f"/admin/curriculum/details/?id={grid.curriculum}")
    assert response.status_code == 200
    assert thai(app, "Coverage of qualifications") in text_of(response)
    rows = coverage_rows(response)
    # Only the qualifications sharing a unit with the curriculum, each linking to its grid.
    assert rows == {
        "Q-AUTO-3": (
            expected_percent(app, grid.curriculum, grid.auto),
            grid_url(grid.curriculum, grid.auto),
        ),
        "Q-EV-4": (
            expected_percent(app, grid.curriculum, grid.ev),
            grid_url(grid.curriculum, grid.ev),
        ),
    }
    assert rows["Q-AUTO-3"][0] == ["4", "2", "1", "1", "62.5 %"]
    assert rows["Q-EV-4"][0] == ["1", "0", "1", "0", "50.0 %"]


def test_the_curriculum_page_follows_the_saved_grid(app, editor_client, grid):
    url = grid_url(grid.curriculum, grid.auto)
    values = form_values(editor_client.get(url))
    values[f"coverage-{grid.units['U3']}"] = ["full"]
    values[f"coverage-{grid.units['U2']}"] = ["full"]
    editor_client.post(url, data=values)
    response = editor_client.get(f"/admin/curriculum/details/?id={grid.curriculum}")
    figures = coverage_rows(response)["Q-AUTO-3"][0]
    assert figures == expected_percent(app, grid.curriculum, grid.auto)
    assert figures == ["4", "4", "0", "0", "100.0 %"]


def test_the_curriculum_page_picks_any_qualification_for_the_grid(app, editor_client, grid):
    response = editor_client.get(f"/admin/curriculum/details/?id={grid.curriculum}")
    picker = page(response).get_element_by_id("qualification-picker")
    assert picker.get("method") == "get"
    assert picker.xpath('.//input[@name="id"]/@value') == [str(grid.curriculum)]
    groups = [
        [option.get("value") for option in group.xpath("./option")]
        for group in picker.xpath(".//optgroup")
    ]
    # Those sharing units first, then every other qualification.
    assert groups == [
        [str(grid.auto), str(grid.ev)],
        [str(grid.empty), str(grid.weld)],
    ]
    chosen = editor_client.get(
        "/admin/curriculum/alignment/",
        query_string={"id": grid.curriculum, "qualification": grid.weld},
    )
    assert chosen.status_code == 200
    assert grid_rows(chosen) == {"U6": ("none", "")}


def test_a_curriculum_aligned_to_nothing_says_so(app, editor_client, grid):
    with app.app_context():
        bare = Curriculum(code="C-BARE", title="หลักสูตรใหม่", kind="short_course")
        db.session.add(bare)
        db.session.commit()
        bare_id = bare.id
    response = editor_client.get(f"/admin/curriculum/details/?id={bare_id}")
    assert response.status_code == 200
    assert thai(app, "This curriculum is not aligned with any unit of a qualification yet.") in (
        text_of(response)
    )
    assert page(response).get_element_by_id("qualification-picker") is not None


def test_a_viewer_sees_the_coverage_with_links_to_view_the_grid(app, viewer_client, grid):
    response = viewer_client.get(f"/admin/curriculum/details/?id={grid.curriculum}")
    assert response.status_code == 200
    assert coverage_rows(response)["Q-AUTO-3"][0] == ["4", "2", "1", "1", "62.5 %"]
    links = " ".join(page(response).xpath('//a[contains(@class, "grid-link")]/text()'))
    assert thai(app, "View the grid") in links and thai(app, "Edit the grid") not in links
