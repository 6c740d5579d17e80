"""Benchmark: print the canned reports over the demo data, and a 2,000-row MOU register.

Run: .venv/bin/python -m bench.report_pdf [--rows 2000]
Each figure is build (queries) + render (PDF) in one process, as the admin page does it.
Loading the Thai word list (pythainlp, about 1 s once per process) is timed on its own line;
each report starts with empty shaping and wrapping caches.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import tempfile
import time

from sqlalchemy import func, insert, select

from app import create_app
from models import Agency, AgencyKind, Mou, MouParty, Teacher, TeacherUnit, db
from reports import build_report, render
from reports.model import Viewer
from reports.pdfdraw import shaped_chunk
from reports.thaitext import thai_words, wrap
from seed.demo import load_demo
from seed.reference import load_reference_data


def timed(label: str, name: str, given: dict[str, str], fmt: str = "pdf") -> float:
    # Start every report with empty shaping and wrapping caches: no report profits from
    # the words an earlier one already shaped.
    shaped_chunk.cache_clear()
    wrap.cache_clear()
    thai_words.cache_clear()
    start = time.perf_counter()
    report = build_report(db.session, name, given, Viewer(sees_personal_data=True))
    built = time.perf_counter()
    content = render(report, fmt)
    done = time.perf_counter()
    rows = sum(len(getattr(block, "rows", ())) for block in report.blocks)
    print(
        f"{label:<34} {done - start:5.2f} s  (build {built - start:4.2f}, render "
        f"{done - built:4.2f})  {rows:>5} rows  {len(content) / 1024:6.0f} KB {fmt}"
    )
    return done - start


def add_mous(count: int) -> None:
    """Add count MOUs between demo colleges and establishments, 2-3 parties each."""
    colleges = db.session.execute(
        select(Agency.id, Agency.name_th).where(Agency.kind == AgencyKind.COLLEGE.value)
    ).all()
    hosts = db.session.execute(
        select(Agency.id, Agency.name_th).where(Agency.kind == AgencyKind.ESTABLISHMENT.value)
    ).all()
    first = (db.session.scalar(select(func.max(Mou.id))) or 0) + 1
    today = dt.date.today()
    mous, parties = [], []
    pairs = itertools.cycle(itertools.product(colleges, hosts))
    for number in range(count):
        (college_id, college), (host_id, host) = next(pairs)
        mou_id = first + number
        signed = today - dt.timedelta(days=30 + number % 1400)
        mous.append(
            {
                "id": mou_id,
                "ref_no": f"MOU-BENCH-{number:05d}",
                "title": f"ความร่วมมือการพัฒนากำลังคนอาชีวศึกษาระหว่าง{college}กับ{host}",
                "signed_on": signed,
                "expires_on": None if number % 9 == 0 else signed + dt.timedelta(days=1095),
                "created_at": dt.datetime.now(),
                "updated_at": dt.datetime.now(),
            }
        )
        parties += [
            {"mou_id": mou_id, "agency_id": college_id},
            {"mou_id": mou_id, "agency_id": host_id},
        ]
        third = colleges[(number // 7) % len(colleges)][0]
        if number % 3 == 0 and third != college_id:
            parties.append({"mou_id": mou_id, "agency_id": third})
    db.session.execute(insert(Mou), mous)
    db.session.execute(insert(MouParty), parties)
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="samatta-bench-")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db"})
    with app.app_context():
        db.create_all()
        load_reference_data()
        load_demo()
        teacher = db.session.scalar(
            select(Teacher.national_id)
            .join(TeacherUnit)
            .group_by(Teacher.id)
            .order_by(func.count(TeacherUnit.id).desc())
            .limit(1)
        )
        start = time.perf_counter()
        thai_words("สำนักงานคณะกรรมการการอาชีวศึกษา")
        print(f"{'load the Thai word list (once)':<34} {time.perf_counter() - start:5.2f} s")
        canned = [
            ("placements FY2568", "placements", {"fiscal_year": "2568"}),
            ("excellence FY2568", "excellence", {"fiscal_year": "2568"}),
            ("mous (demo)", "mous", {}),
            (
                "alignment (a demo qualification)",
                "alignment",
                {"qualification": first_qualification()},
            ),
            ("scholarships AY2566", "scholarships", {"academic_year": "2566"}),
            ("teacher (most units)", "teacher", {"teacher": teacher}),
        ]
        slowest = max(timed(label, name, given) for label, name, given in canned)
        print(f"slowest canned report: {slowest:.2f} s (target 2 s)")
        add_mous(args.rows - db.session.scalar(select(func.count()).select_from(Mou)))
        big = timed(f"mous, {args.rows:,} rows", "mous", {})
        timed(f"mous, {args.rows:,} rows", "mous", {}, "xlsx")
        print(f"{args.rows:,}-row register: {big:.2f} s (target 5 s)")


def first_qualification() -> str:
    from models import CurriculumUnit, Qualification, qualification_unit

    return db.session.scalar(
        select(Qualification.code)
        .join(qualification_unit)
        .join(CurriculumUnit, CurriculumUnit.unit_id == qualification_unit.c.unit_id)
        .group_by(Qualification.id)
        .order_by(func.count().desc())
        .limit(1)
    )


if __name__ == "__main__":
    main()
