"""Benchmark: the teacher list and the home page at a million teachers, as server time.

Run: .venv/bin/python -m bench.million [--size 1000000] [--repeat 15]
     .venv/bin/python -m bench.million --database postgresql+psycopg://postgres@127.0.0.1:5433/h_million

Builds the data once (core executemany: reference data, 400 colleges over the 77 provinces,
--size teachers, one placement per ten teachers in the FY2568 round) and keeps it: a SQLite
file under /tmp named by size, or the PostgreSQL database given (rebuilt only when its
teacher count differs). Then logs in as an editor through the test client and times each
list operation issue 10 names: median and slowest of --repeat requests after a warm-up.
Targets: each list operation ≤ 50 ms median on SQLite, the home page ≤ 500 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from app import create_app
from auth import hash_password
from models import (
    PLACEMENT_PROGRESS,
    Agency,
    AgencyKind,
    Placement,
    PlacementRound,
    PlacementStep,
    Province,
    Teacher,
    User,
    db,
)
from seed import demo_names
from seed.reference import load_reference_data
from thai.nid import format_national_id, make_national_id

PASSWORD = "bench-million-password"  # noqa: S105 - a throw-away benchmark database
USERS = {"editor": "bench-editor@example.go.th", "viewer": "bench-viewer@example.go.th"}
COLLEGES = 400
HOSTS = 200
PLACEMENT_EVERY = 10
CHUNK = 20_000
LIST_TARGET_MS = 50
HOME_TARGET_MS = 500


def cache_url(size: int) -> str:
    return f"sqlite:///{Path('/tmp') / f'samatta-million-{size}.db'}"  # noqa: S108 - a cache


def make_app(url: str, folder: Path) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench" * 8,
            "WTF_CSRF_ENABLED": False,
            "ADMIN_SCREENS": True,
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "IMPORT_FOLDER": str(folder / "imports"),
        }
    )


def teacher_count() -> int | None:
    try:
        return db.session.scalar(select(func.count()).select_from(Teacher))
    except Exception:  # noqa: BLE001 - no schema yet
        db.session.rollback()
        return None


def surname(i: int) -> str:
    """Two surname parts: 75 × 75 surnames, as varied as Thai surnames are."""
    names = demo_names.SURNAMES
    return names[i % len(names)][0] + names[(i // len(names)) % len(names)][0]


def first_name(i: int) -> tuple[str, str]:
    names = demo_names.MALE_NAMES + demo_names.FEMALE_NAMES
    return names[(i * 7919) % len(names)]


def national_id(i: int) -> str:
    return make_national_id(f"{1 + i % 8}{i:011d}")


def build(size: int) -> None:
    """Fill an empty database with the reference data and size teachers."""
    started = time.perf_counter()
    db.drop_all()
    db.create_all()
    load_reference_data()
    now = dt.datetime(2025, 1, 6, 9, 0)
    provinces = db.session.scalars(select(Province).order_by(Province.id)).all()

    def agencies(prefix: str, name: str, kind: AgencyKind, count: int) -> list[int]:
        """count agencies of a kind over the provinces in turn; their ids in order."""
        rows = [
            {
                "code": f"{prefix}{n:04d}",
                "name_th": name.format(n=n, province=provinces[n % len(provinces)].name_th),
                "kind": kind.value,
                "province_id": provinces[n % len(provinces)].id,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(count)
        ]
        db.session.execute(insert(Agency), rows)
        return db.session.scalars(
            select(Agency.id).where(Agency.code.like(f"{prefix}%")).order_by(Agency.id)
        ).all()

    college_ids = agencies("CB", "วิทยาลัยเทคนิค{province} {n}", AgencyKind.COLLEGE, COLLEGES)
    host_ids = agencies("EB", "บริษัท ช่างไทย {n} จำกัด", AgencyKind.ESTABLISHMENT, HOSTS)
    for role, email in USERS.items():
        db.session.add(User(email=email, password_hash=hash_password(PASSWORD), role=role))
    db.session.commit()
    departments = [d[0] for d in demo_names.DEPARTMENTS]
    connection = db.session.connection()
    for start in range(1, size + 1, CHUNK):
        rows = []
        for i in range(start, min(start + CHUNK, size + 1)):
            first, roman = first_name(i)
            rows.append(
                {
                    "id": i,
                    "national_id": national_id(i),
                    "prefix": "นาย" if i % 2 else "นาง",
                    "first_name": first,
                    "last_name": surname(i),
                    "college_id": college_ids[i % COLLEGES],
                    "department": departments[i % len(departments)],
                    "email": f"{roman}.{i}@example.go.th",
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        connection.execute(insert(Teacher), rows)
        print(f"  teachers {min(start + CHUNK - 1, size):>9,}", end="\r", flush=True)
    round_id = db.session.scalar(
        select(PlacementRound.id).where(PlacementRound.fiscal_year == 2568)
    )
    steps = [s.value for s in PLACEMENT_PROGRESS] + [PlacementStep.WITHDRAWN.value]
    for start in range(PLACEMENT_EVERY, size + 1, CHUNK * PLACEMENT_EVERY):
        rows = []
        for i in range(start, min(start + CHUNK * PLACEMENT_EVERY, size + 1), PLACEMENT_EVERY):
            applied = now - dt.timedelta(minutes=i % 50_000)
            rows.append(
                {
                    "round_id": round_id,
                    "teacher_id": i,
                    "college_id": college_ids[i % COLLEGES],
                    "host_id": host_ids[i % HOSTS],
                    "applied_at": applied,
                    "status": steps[(i // PLACEMENT_EVERY) % len(steps)],
                    "status_since": applied,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        connection.execute(insert(Placement), rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text("SELECT setval(pg_get_serial_sequence('teacher', 'id'), max(id)) FROM teacher")
        )
        db.session.commit()
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
            conn.commit()
    print(f"  built {size:,} teachers in {time.perf_counter() - started:.0f} s".ljust(40))


def ensure(app: Any, size: int) -> None:
    with app.app_context():
        if teacher_count() == size:
            return
        print(f"building {size:,} teachers in {db.engine.url.render_as_string()}")
        build(size)


def open_app(database: str | None, size: int) -> Any:
    """The app on the built data (built first if the database holds another size)."""
    url = database or cache_url(size)
    folder = Path("/tmp") / f"samatta-million-files-{size}"  # noqa: S108 - a cache
    app = make_app(url, folder)
    if url.startswith("sqlite") and not database:
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            building = path.with_suffix(".building.db")
            for leftover in building.parent.glob(building.name + "*"):
                leftover.unlink()
            build_app = make_app(f"sqlite:///{building}", folder)
            ensure(build_app, size)
            with build_app.app_context():
                db.engine.dispose()
            os.replace(building, path)
            app = make_app(url, folder)
    ensure(app, size)
    return app


def filter_arg(app: Any, endpoint: str, column: Any) -> str:
    """The URL argument of a list's "equals" filter on a column."""
    from admin.registry import model_view

    with app.test_request_context():
        view = model_view(endpoint)
        for index, flt in enumerate(view._filters):
            if type(flt).__name__ == "FilterEqual" and str(flt.column) == str(column):
                return f"flt{index}_{view.get_filter_arg(index, flt)}"
    raise SystemExit(f"no equals filter on {column}")


def operations(app: Any, size: int) -> list[tuple[str, str]]:
    with app.app_context():
        deep = size // 50 // 2  # the page halfway into the list
        after = db.session.scalar(
            select(Teacher.id).order_by(Teacher.id).offset(deep * 50 - 1).limit(1)
        )
        teacher = db.session.get(Teacher, size // 3)
        province = teacher.college.province.name_th
        college = teacher.college.name_th
        nid = teacher.national_id
    name = f"{teacher.first_name} {teacher.last_name}"
    spaced = " ".join(format_national_id(nid).split("-"))
    province_arg = filter_arg(app, "teacher", "province.name_th")
    college_arg = filter_arg(app, "teacher", "agency.name_th")
    return [
        ("first page", "/admin/teacher/"),
        (f"deep page {deep + 1:,} (pager's key)", f"/admin/teacher/?page={deep}&after={after}"),
        ("name search (first + last)", f"/admin/teacher/?search={name}"),
        ("name search (one word)", f"/admin/teacher/?search={teacher.last_name}"),
        ("ID search, full", f"/admin/teacher/?search={nid}"),
        ("ID search, dashed", f"/admin/teacher/?search={format_national_id(nid)}"),
        ("ID search, spaced", f"/admin/teacher/?search={spaced}"),
        ("filter on province", f"/admin/teacher/?{province_arg}={province}"),
        ("filter on college", f"/admin/teacher/?{college_arg}={college}"),
        ("home page", "/admin/"),
        (f"deep page {deep + 1:,} (typed, OFFSET)", f"/admin/teacher/?page={deep}"),
    ]


def timed(client: Any, url: str, repeat: int) -> tuple[float, float, float]:
    """Median and slowest wall time, and median CPU time of this process, in ms.

    The CPU time is the server's own work (SQLite runs in the process); on a machine other
    jobs share it is the steadier figure. PostgreSQL's work is in its own processes.
    """
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(times), max(times), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database", help="a PostgreSQL URL (default: SQLite under /tmp)")
    args = parser.parse_args()
    app = open_app(args.database, args.size)
    client = app.test_client()
    response = client.post("/login", data={"email": USERS["editor"], "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit("could not log in")
    with app.app_context():
        backend = db.engine.dialect.name
    print(f"{backend}, {args.size:,} teachers, {args.repeat} requests each after a warm-up")
    print(f"{'operation':<36} {'median':>9} {'slowest':>9} {'CPU':>9}  target")
    for label, url in operations(app, args.size):
        median, slowest, cpu = timed(client, url, args.repeat)
        target = HOME_TARGET_MS if label == "home page" else LIST_TARGET_MS
        verdict = "" if "OFFSET" in label else ("met" if median <= target else "NOT MET")
        print(f"{label:<36} {median:6.0f} ms {slowest:6.0f} ms {cpu:6.0f} ms  ≤{target} {verdict}")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()
