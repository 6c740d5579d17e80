"""The start page: each "needs attention" list holds exactly the records that qualify, its
count links to a list of the same records, the fiscal year can be chosen, viewers see no
personal data, and the page reads in Thai and English."""

from __future__ import annotations

import datetime as dt
import itertools
from urllib.parse import parse_qs, urlsplit

from helpers import page, text_of, thai
from rounds import (
    agency,
    make_college,
    make_host,
    make_mou,
    make_placement,
    make_teacher,
    placement_world,
)

from models import (
    Curriculum,
    CurriculumKind,
    ExcellenceField,
    ImportBatch,
    ImportStatus,
    PlacementRound,
    PlacementStep,
    RoundStep,
    ScholarshipAllocation,
    ScholarshipAward,
    ScholarshipProgramme,
    Student,
    SupervisionVisit,
    Teacher,
    Training,
    TrainingAttendance,
    db,
    today,
)
from processes.calendar import now
from thai.dates import fiscal_year
from thai.nid import format_national_id, make_national_id

S = PlacementStep
_serial = itertools.count(1)


# --------------------------------------------------------------------------- reading the page


def home(client, **args):
    response = client.get("/admin/", query_string=args)
    assert response.status_code == 200
    return response


def card(response, key):
    (section,) = page(response).xpath(f'//section[@id="attention-{key}"]')
    return section


def count_of(response, key) -> int:
    (badge,) = card(response, key).xpath('.//*[contains(@class, "attention-count")]')
    return int(badge.text_content().strip().replace(",", ""))


def link_of(response, key) -> str:
    (badge,) = card(response, key).xpath('.//a[contains(@class, "attention-count")]')
    return badge.get("href")


def item_links(response, key) -> list[str]:
    return card(response, key).xpath('.//li[contains(@class, "attention-item")]/a/@href')


def item_texts(response, key) -> list[str]:
    return [
        " ".join(a.text_content().split())
        for a in card(response, key).xpath('.//li[contains(@class, "attention-item")]/a')
    ]


def ids_in(links) -> set[int]:
    return {int(parse_qs(urlsplit(link).query)["id"][0]) for link in links}


def listed_ids(client, url) -> set[int]:
    """The ids of the rows a model list shows (the tests keep them to one page)."""
    response = client.get(url)
    assert response.status_code == 200
    return {int(v) for v in page(response).xpath('//input[@name="rowid"]/@value')}


def says_nothing_to_do(app, response, key) -> bool:
    return thai(app, "Nothing to do.") in " ".join(card(response, key).text_content().split())


def bangkok_today() -> dt.date:
    return now().date()


# --------------------------------------------------------------------------- building records


def teacher(session, college, name):
    return make_teacher(session, college, name, f"ทดสอบ{next(_serial)}")


def add_round(session, year, steps=(), deadline=None):
    placement_round = PlacementRound(
        fiscal_year=year,
        title=f"โครงการทดสอบ ปีงบประมาณ {year}",
        application_deadline=deadline or dt.date(year - 543, 2, 27),
        steps=[
            RoundStep(position=n, step=step, title=title, starts_on=None, ends_on=ends_on)
            for n, (step, title, ends_on) in enumerate(steps, 1)
        ],
    )
    session.add(placement_round)
    session.flush()
    return placement_round


# --------------------------------------------------------------------------- late applications


def test_late_list_holds_applications_after_the_deadline_day(app, editor_client, reference):
    with app.app_context():
        world = placement_world(db.session)
        # The FY2568 deadline is 27 Feb 2568: the last minute of that day is on time.
        on_time = make_placement(
            db.session, world.teacher, world.host, applied_at=dt.datetime(2025, 2, 27, 23, 59)
        )
        late = make_placement(
            db.session,
            teacher(db.session, world.college, "มานี"),
            world.host,
            applied_at=dt.datetime(2025, 2, 28, 0, 0),
        )
        db.session.commit()
        late_id, on_time_id = late.id, on_time.id

    response = home(editor_client)
    assert ids_in(item_links(response, "late")) == {late_id}
    assert count_of(response, "late") == 1
    assert on_time_id not in ids_in(item_links(response, "late"))
    link = link_of(response, "late")
    assert parse_qs(urlsplit(link).query) == {"flt_late": ["1"], "flt_fy": ["2568"]}
    assert listed_ids(editor_client, link) == {late_id}


# --------------------------------------------------------------------------- the MOU rule


def test_mou_list_holds_open_placements_no_mou_covers(app, editor_client, reference):
    with app.app_context():
        session = db.session
        world = placement_world(session)  # its host has an open-ended MOU with the college
        make_placement(session, world.teacher, world.host)
        stranger = make_host(session, "EST-NOMOU", "บริษัท ไม่มีข้อตกลง จำกัด")
        uncovered = make_placement(session, teacher(session, world.college, "ชูใจ"), stranger)
        # An MOU that ends the day before the placement does: it does not cover it.
        short_host = make_host(session, "EST-SHORT", "บริษัท สั้น จำกัด")
        make_mou(session, [short_host, world.college], dt.date(2024, 1, 1), dt.date(2025, 5, 29))
        ends_early = make_placement(
            session,
            teacher(session, world.college, "ปิติ"),
            short_host,
            planned_end=dt.date(2025, 5, 30),
        )
        # The same MOU over a placement ending on its last day covers it.
        make_placement(
            session,
            teacher(session, world.college, "วีระ"),
            short_host,
            planned_end=dt.date(2025, 5, 29),
        )
        # An MOU between the host and another college does not count.
        other_college = make_college(session, "C-OTHER", "วิทยาลัยอื่น")
        wrong_parties_host = make_host(session, "EST-WRONG", "บริษัท อื่น จำกัด")
        make_mou(session, [wrong_parties_host, other_college], dt.date(2024, 1, 1))
        wrong_parties = make_placement(
            session, teacher(session, world.college, "มานะ"), wrong_parties_host
        )
        make_placement(
            session,
            teacher(session, world.college, "ดวงใจ"),
            stranger,
            mou_exception_reason="ความร่วมมือพัฒนาการศึกษาร่วม",
            step=S.ELIGIBLE.value,
        )
        # Closed placements need nothing done, MOU or not.
        make_placement(
            session,
            teacher(session, world.college, "สมศรี"),
            stranger,
            step=S.WITHDRAWN.value,
        )
        session.commit()
        expected = {uncovered.id, ends_early.id, wrong_parties.id}

    response = home(editor_client)
    assert count_of(response, "mou") == 3
    assert ids_in(item_links(response, "mou")) == expected
    link = link_of(response, "mou")
    assert parse_qs(urlsplit(link).query) == {
        "flt_mou": ["0"],
        "flt_open": ["1"],
        "flt_fy": ["2568"],
    }
    assert listed_ids(editor_client, link) == expected


# --------------------------------------------------------------------------- the calendar


def test_overdue_list_holds_placements_past_a_window_that_ended_before_today(
    app, editor_client, reference
):
    day = bangkok_today()
    year = fiscal_year(day) + 1  # a round of its own, the latest, so the page opens on it
    with app.app_context():
        session = db.session
        world = placement_world(session)
        placement_round = add_round(
            session,
            year,
            steps=(
                (S.APPLIED.value, "รับสมัคร", day - dt.timedelta(days=10)),
                (S.ELIGIBLE.value, "ประกาศรายชื่อ", day - dt.timedelta(days=1)),
                (S.ORIENTED.value, "ปฐมนิเทศ", day),
                (S.IN_PLACEMENT.value, "ฝึกในสถานประกอบการ", None),
            ),
        )
        # Not announced, and the announcement window ended yesterday: overdue.
        overdue = make_placement(session, world.teacher, world.host, round=placement_round)
        # Announced; orientation's window ends today: not overdue yet.
        in_time = make_placement(
            session,
            teacher(session, world.college, "สมชาย"),
            world.host,
            round=placement_round,
            step=S.ELIGIBLE.value,
        )
        # Off the main line: never overdue.
        rejected = make_placement(
            session,
            teacher(session, world.college, "สมหญิง"),
            world.host,
            round=placement_round,
            step=S.REJECTED.value,
        )
        session.commit()
        overdue_id, others = overdue.id, {in_time.id, rejected.id}

    response = home(editor_client)
    assert page(response).xpath('//a[@aria-current="page"]/@title') == [
        thai(app, "FY %(year)s", year=year)
    ]
    assert ids_in(item_links(response, "overdue")) == {overdue_id}
    assert count_of(response, "overdue") == 1
    assert "ประกาศรายชื่อ" in text_of(response)
    link = link_of(response, "overdue")
    assert parse_qs(urlsplit(link).query) == {"flt_overdue": ["1"], "flt_fy": [str(year)]}
    assert listed_ids(editor_client, link) == {overdue_id}
    assert not others & listed_ids(editor_client, link)


# --------------------------------------------------------------------------- visits


def test_no_visit_list_holds_placements_over_30_days_without_a_visit(app, editor_client, reference):
    day = bangkok_today()
    with app.app_context():
        session = db.session
        world = placement_world(session)

        def in_placement_since(days, name, visited_days_ago=None):
            placement = make_placement(
                session,
                teacher(session, world.college, name),
                world.host,
                step=S.IN_PLACEMENT.value,
            )
            placement.status_since = dt.datetime.combine(
                day - dt.timedelta(days=days), dt.time(9, 0)
            )
            if visited_days_ago is not None:
                placement.visits.append(
                    SupervisionVisit(
                        visited_on=day - dt.timedelta(days=visited_days_ago), visitor="ศน.ทดสอบ"
                    )
                )
            return placement

        due = in_placement_since(31, "หนึ่ง")
        thirty_days = in_placement_since(30, "สอง")
        visited = in_placement_since(40, "สาม", visited_days_ago=5)
        visited_before = in_placement_since(40, "สี่", visited_days_ago=45)
        session.commit()
        expected = {due.id, visited_before.id}
        not_expected = {thirty_days.id, visited.id}

    response = home(editor_client)
    assert ids_in(item_links(response, "novisit")) == expected
    assert count_of(response, "novisit") == 2
    link = link_of(response, "novisit")
    assert parse_qs(urlsplit(link).query) == {"flt_novisit": ["1"], "flt_fy": ["2568"]}
    assert listed_ids(editor_client, link) == expected
    assert not not_expected & expected


# --------------------------------------------------------------------------- post reports


def test_post_report_list_holds_tested_placements_whose_report_is_not_in(
    app, editor_client, reference
):
    with app.app_context():
        session = db.session
        world = placement_world(session)

        def at(step, name, received=False):
            placement = make_placement(
                session, teacher(session, world.college, name), world.host, step=step
            )
            placement.post_report_received = received
            return placement

        tested = at(S.TESTED.value, "ก")
        reported = at(S.COLLEGE_REPORT.value, "ข")
        received = at(S.TESTED.value, "ค", received=True)
        completed = at(S.POST_REPORT.value, "ง")
        placed = at(S.IN_PLACEMENT.value, "จ")
        session.commit()
        expected = {tested.id, reported.id}
        not_expected = {received.id, completed.id, placed.id}

    response = home(editor_client)
    assert ids_in(item_links(response, "postdue")) == expected
    assert count_of(response, "postdue") == 2
    link = link_of(response, "postdue")
    assert parse_qs(urlsplit(link).query) == {"flt_postdue": ["1"], "flt_fy": ["2568"]}
    assert listed_ids(editor_client, link) == expected
    assert not not_expected & listed_ids(editor_client, link)


# --------------------------------------------------------------------------- MOUs


def test_expiring_list_holds_mous_ending_within_90_days(app, editor_client, reference):
    day = today()
    with app.app_context():
        session = db.session
        college, host = agency(session, "C5201"), make_host(session, "EST-EXP", "บริษัท หมดอายุ")
        signed = day - dt.timedelta(days=400)

        def mou(days, ref):
            return make_mou(
                session, [college, host], signed, day + dt.timedelta(days=days), ref_no=ref
            )

        expiring = {mou(90, "MOU-90").id, mou(0, "MOU-TODAY").id, mou(1, "MOU-1").id}
        later = {mou(91, "MOU-91").id, mou(-1, "MOU-EXPIRED").id}
        open_ended = make_mou(session, [college, host], signed, None, ref_no="MOU-OPEN").id
        session.commit()

    response = home(editor_client)
    assert count_of(response, "expiring") == 3
    assert ids_in(item_links(response, "expiring")) == expiring
    # The soonest first, with how many days are left.
    assert item_texts(response, "expiring")[0].startswith("MOU-TODAY")
    assert "MOU-91" not in text_of(response)
    listed = listed_ids(editor_client, link_of(response, "expiring"))
    assert listed == expiring
    assert not listed & (later | {open_ended})


# --------------------------------------------------------------------------- targets


def trained(session, excellence_field, year, teachers):
    start = dt.date(year - 543 - 1, 11, 1)  # November: inside the fiscal year
    training = Training(
        title=f"อบรม {excellence_field.code}", excellence_field=excellence_field, start_on=start
    )
    training.attendances = [TrainingAttendance(teacher=t, completed=True) for t in teachers]
    session.add(training)


def test_fields_below_target_list_holds_the_fields_short_of_a_target(app, editor_client, reference):
    with app.app_context():
        session = db.session
        college = agency(session, "C5201")
        fields = {f.code: f for f in session.scalars(db.select(ExcellenceField))}
        teachers = [teacher(session, college, f"ครู{n}") for n in range(20)]
        for code in ("EF-AUTO", "EF-DIGI", "EF-FOOD"):
            session.add(
                Curriculum(
                    code=f"CUR-{code}",
                    title=f"หลักสูตรพัฒนาครู {code}",
                    kind=CurriculumKind.TEACHER_DEVELOPMENT.value,
                    excellence_field=fields[code],
                )
            )
        trained(session, fields["EF-AUTO"], 2568, teachers)  # 20 and a curriculum: met
        trained(session, fields["EF-DIGI"], 2568, teachers[:19])  # one teacher short
        trained(session, fields["EF-ROBOT"], 2568, teachers)  # no curriculum
        trained(session, fields["EF-FOOD"], 2567, teachers)  # trained the year before
        session.commit()
        below = {code for code in fields if code != "EF-AUTO"}

    response = home(editor_client)
    assert count_of(response, "fields") == len(below) == 7
    link = link_of(response, "fields")
    assert parse_qs(urlsplit(link).query) == {"fy": ["2568"], "ay": ["2567"]}
    targets = page(editor_client.get(link))
    assert set(targets.xpath('//tr[contains(@class, "below-target")]/@data-field')) == below
    # The first rows, in the targets page's order.
    order = targets.xpath('//tr[contains(@class, "below-target")]/td[1]/text()')
    assert item_texts(response, "fields") == order[:3]
    # The chart draws every field against the 20-teacher target.
    chart = page(response).xpath('//ul[@id="chart-fields"]/li')
    assert len(chart) == len(fields)

    # The year before, only EF-FOOD had its 20 teachers (and it has its curriculum).
    earlier = home(editor_client, fy=2567)
    assert count_of(earlier, "fields") == 7
    earlier_targets = page(editor_client.get(link_of(earlier, "fields")))
    met = earlier_targets.xpath('//tr[contains(@class, "met")]/@data-field')
    assert met == ["EF-FOOD"]


def student(session, college, n):
    person = Student(
        id_type="national_id",
        id_value=make_national_id(f"1{next(_serial):011d}"),
        first_name=f"นักเรียน{n}",
        last_name="ทดสอบ",
        college=college,
    )
    session.add(person)
    return person


def test_programmes_over_allocation_list(app, editor_client, reference):
    with app.app_context():
        session = db.session
        college = agency(session, "C5201")
        programmes = {p.code: p for p in session.scalars(db.select(ScholarshipProgramme))}

        def awards(code, quota, count):
            programme = programmes[code]
            session.add(ScholarshipAllocation(programme=programme, academic_year=2567, quota=quota))
            for n in range(count):
                session.add(
                    ScholarshipAward(
                        student=student(session, college, n), programme=programme, start_year=2567
                    )
                )

        awards("SCH-HVI", 2, 3)  # one over
        awards("SCH-HVI-IC", 2, 2)  # exactly its quota
        session.commit()

    response = home(editor_client)  # FY2568: the academic year 2567 under way on 1 Oct 2567
    assert count_of(response, "allocation") == 1
    assert item_texts(response, "allocation") == ["ทุนนวัตกรรมสายอาชีพชั้นสูง"]
    link = link_of(response, "allocation")
    targets = page(editor_client.get(link))
    over = targets.xpath('//tr[contains(@class, "programme-row") and contains(@class, " over")]')
    assert [row.get("data-programme") for row in over] == ["SCH-HVI"]
    bars = page(response).xpath('//ul[@id="chart-awards"]/li')
    assert [" ".join(b.text_content().split()).split()[-1] for b in bars] == ["3/2", "2/2"]
    # Another fiscal year, another academic year: nothing over.
    assert count_of(home(editor_client, fy=2567), "allocation") == 0


# --------------------------------------------------------------------------- imports


def batch(session, status, name):
    item = ImportBatch(
        kind="teachers",
        filename=name,
        size=1000,
        sha256="0" * 64,
        stored_path=f"imports/{name}",
        user_email="editor@example.go.th",
        status=status,
    )
    session.add(item)
    return item


def test_imports_list_holds_the_checked_files_waiting_for_confirmation(
    app, editor_client, viewer_client, reference
):
    with app.app_context():
        session = db.session
        waiting = batch(session, ImportStatus.PREVIEWED.value, "ครู-รอยืนยัน.xlsx")
        batch(session, ImportStatus.WRITTEN.value, "ครู-บันทึกแล้ว.xlsx")
        batch(session, ImportStatus.CHECKING.value, "ครู-กำลังตรวจ.xlsx")
        batch(session, ImportStatus.REJECTED.value, "ครู-ไม่ผ่าน.xlsx")
        session.commit()
        waiting_id = waiting.id

    response = home(editor_client)
    assert count_of(response, "imports") == 1
    assert item_texts(response, "imports") == ["ครู-รอยืนยัน.xlsx"]
    assert item_links(response, "imports") == [f"/admin/imports/batch/{waiting_id}/"]
    history = text_of(editor_client.get(link_of(response, "imports")))
    assert "ครู-รอยืนยัน.xlsx" in history
    # The link lists the same files: the others are left out.
    assert "ครู-บันทึกแล้ว.xlsx" not in history and "ครู-ไม่ผ่าน.xlsx" not in history
    assert "editor@example.go.th" in " ".join(card(response, "imports").text_content().split())
    # A viewer is not told who uploaded it.
    viewer_card = card(home(viewer_client), "imports")
    assert "editor@example.go.th" not in viewer_card.text_content()


# --------------------------------------------------------------------------- the page


def test_empty_lists_say_there_is_nothing_to_do(app, editor_client, reference):
    response = home(editor_client)
    for key in (
        "late",
        "mou",
        "overdue",
        "novisit",
        "postdue",
        "expiring",
        "allocation",
        "imports",
    ):
        assert count_of(response, key) == 0, key
        assert says_nothing_to_do(app, response, key), key
        assert item_links(response, key) == [], key
    # No training recorded: every field is below its targets.
    assert count_of(response, "fields") == 8


def test_page_opens_on_an_empty_database(app, editor_client):
    response = home(editor_client)
    text = text_of(response)
    assert thai(app, "No placement round this fiscal year.") in text
    assert thai(app, "No excellence field recorded.") in text
    assert thai(app, "No allocation or award this academic year.") in text
    # The current fiscal year is the one shown.
    current = fiscal_year(today())
    assert page(response).xpath('//a[@aria-current="page"]/@href') == [f"/admin/?fy={current}"]


def test_steps_chart_counts_the_rounds_placements_per_step(app, editor_client, reference):
    with app.app_context():
        session = db.session
        world = placement_world(session)
        for n, step in enumerate([S.APPLIED, S.APPLIED, S.ELIGIBLE, S.TESTED, S.WITHDRAWN]):
            make_placement(
                session, teacher(session, world.college, f"คน{n}"), world.host, step=step.value
            )
        session.commit()

    response = home(editor_client)
    rows = page(response).xpath('//ul[@id="chart-steps"]/li')
    figures = {
        parse_qs(urlsplit(row.xpath(".//a/@href")[0]).query)["flt_step"][0]: int(
            row.xpath('.//span[@class="chart-value"]/text()')[0]
        )
        for row in rows
    }
    assert figures == {
        **{step.value: 0 for step in S},
        "applied": 2,
        "eligible": 1,
        "tested": 1,
        "withdrawn": 1,
    }
    # Each bar opens the list of that step's placements.
    href = page(response).xpath(
        '//ul[@id="chart-steps"]//a[contains(@href, "flt_step=applied")]/@href'
    )[0]
    assert len(listed_ids(editor_client, href)) == 2
    assert thai(app, "%(count)s in all", count="5") in text_of(response)
    # The charts are drawn on the server: SVG, and no script of the page's own.
    tree = page(response)
    assert len(tree.xpath('//ul[@id="chart-steps"]//*[local-name()="svg"]')) == len(S)
    assert tree.xpath("//script[not(@src)]") == []


def test_fiscal_year_selector_changes_the_figures(app, editor_client, reference):
    with app.app_context():
        session = db.session
        world = placement_world(session)
        earlier = add_round(session, 2567, deadline=dt.date(2024, 2, 28))
        make_placement(session, world.teacher, world.host, applied_at=dt.datetime(2025, 3, 1, 8))
        for n in range(2):
            make_placement(
                session,
                teacher(session, world.college, f"ปี67-{n}"),
                world.host,
                round=earlier,
                applied_at=dt.datetime(2024, 3, 1, 8),
            )
        session.commit()

    default = home(editor_client)  # the latest round's year: 2568
    chosen = page(default).xpath('//a[@aria-current="page"]/@href')
    assert chosen == ["/admin/?fy=2568"]
    assert count_of(default, "late") == 1
    years = page(default).xpath('//nav[contains(@class, "fy-picker")]//a/@href')
    assert "/admin/?fy=2567" in years and "/admin/?fy=2568" in years

    earlier_page = home(editor_client, fy=2567)
    assert page(earlier_page).xpath('//a[@aria-current="page"]/@href') == ["/admin/?fy=2567"]
    assert count_of(earlier_page, "late") == 2
    assert link_of(earlier_page, "late").endswith("flt_fy=2567")
    assert thai(app, "%(count)s in all", count="2") in text_of(earlier_page)
    assert thai(app, "academic year %(year)s", year=2566) in text_of(earlier_page)

    # What is not a BE year from 2500 to 2700 shows the default instead.
    for asked in ("2499", "2701", "abc", "", "2568.5", "-1", "9" * 40):
        response = home(editor_client, fy=asked)
        assert page(response).xpath('//a[@aria-current="page"]/@href') == ["/admin/?fy=2568"]
    # Thai digits are read as the year they write.
    response = home(editor_client, fy="๒๕๖๗")
    assert page(response).xpath('//a[@aria-current="page"]/@href') == ["/admin/?fy=2567"]


def test_viewers_see_the_page_without_personal_data(app, viewer_client, reference):
    with app.app_context():
        session = db.session
        world = placement_world(session)
        placement = make_placement(
            session, world.teacher, world.host, applied_at=dt.datetime(2025, 3, 3, 9)
        )
        nid = placement.teacher.national_id
        session.commit()

    response = home(viewer_client)
    html = response.get_data(as_text=True)
    assert "ศานนท์ ใจดี" in " ".join(card(response, "late").text_content().split())
    assert nid not in html
    assert format_national_id(nid) not in html


def test_english_switch(app, editor_client, reference):
    thai_page = text_of(home(editor_client))
    assert thai(app, "Needs attention") in thai_page
    assert thai(app, "Late applications") in thai_page
    assert "Needs attention" not in thai_page

    editor_client.get("/lang/en")
    english = home(editor_client)
    text = text_of(english)
    for words in (
        "Needs attention",
        "Late applications",
        "Placements without a valid MOU",
        "Steps overdue by the calendar",
        "Placements without a visit",
        "Post-reports due",
        "MOUs expiring within 90 days",
        "Excellence fields below target",
        "Programmes over allocation",
        "Imports waiting for confirmation",
        "Nothing to do.",
        "Placements per step",
        "MOUs by status",
        "Overview, fiscal year 2568",
    ):
        assert words in text, words
    assert thai(app, "Needs attention") not in text
    # Field names come in English where the record has one.
    assert "Next-generation automotive" in text


def test_area_counts_past_the_count_limit_are_estimates(app, editor_client, records):
    """A table larger than the lists count (a million teachers) is not counted row by row."""
    with app.app_context():
        college = db.session.get(Teacher, records.teacher).college_id
        db.session.add_all(
            Teacher(
                national_id=make_national_id(f"1{n:011d}"),
                first_name=f"ครู{n}",
                last_name="ทดสอบ",
                college_id=college,
            )
            for n in range(1, 6)
        )
        db.session.commit()
    counts = page(editor_client.get("/admin/")).xpath('//ul[@class="area-counts"]//a')
    teachers = next(a for a in counts if "/admin/teacher/" in a.get("href"))
    assert teachers.xpath('string(span[@class="figure"])') == "6"
    app.config["LIST_COUNT_LIMIT"] = 3
    counts = page(editor_client.get("/admin/")).xpath('//ul[@class="area-counts"]//a')
    teachers = next(a for a in counts if "/admin/teacher/" in a.get("href"))
    assert teachers.xpath('string(span[@class="figure"])') == thai(
        app, "about %(count)s", count="6"
    )
