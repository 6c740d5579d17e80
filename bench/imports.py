"""Benchmark of imports: the 100,000-row teacher roster against its floor, the admin preview,
and every other kind's cost per row at 2,000 and at 20,000 rows.

Run: .venv/bin/python -m bench.imports [--rows 100000] [--repeat 3] [--kinds-only | --no-kinds]

The roster goes through the CLI as a whole process (`flask --app app import teachers FILE
--skip-invalid --json`) three ways: into an empty database, the same file again (every row
unchanged) and a file with half the rows changed. Each CLI run is paired with a run of the
floor in the same round (bench/floor.py: python-calamine reading the sheet and a bare sqlite3
executemany upsert into a one-index table, also a whole process), so that a noisy machine
slows both; the ratio is CLI / floor of the same round, and the median round is reported.
Peak memory is the CLI process's largest resident set. A kind's cost per row at 2,000 rows
is the median of three runs. The admin preview is the time from
posting the file to having the preview page, through the real pages (Flask's test client).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from app import create_app
from bench.roster import roster_rows, write_roster
from models import Agency, AgencyKind, Role, User, db
from seed.reference import load_reference_data

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FLASK = Path(sys.executable).with_name("flask")
COLLEGES = (
    ("C5001", "วิทยาลัยเทคนิคเชียงใหม่"),
    ("C5101", "วิทยาลัยเทคนิคลำพูน"),
    ("C4101", "วิทยาลัยเทคนิคอุดรธานี"),
    ("C1301", "วิทยาลัยเทคนิคปทุมธานี"),
)
OTHER_KINDS = (
    "agencies",
    "mous",
    "standards",
    "curricula",
    "alignment",
    "placements",
    "scholarships",
)
PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway user of a throwaway database
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Targets of the issue: CLI within 1.5x its floor, preview within 2x the CLI, 400 MB, and
# a kind's cost per row at 20,000 rows within 1.3x its cost per row at 2,000.
CLI_RATIO, PREVIEW_RATIO, PEAK_MB, LINEAR_RATIO = 1.5, 2.0, 400, 1.3


@dataclass
class Run:
    seconds: float
    peak_mb: float
    output: str


def run_process(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a whole process: its wall time and its own largest resident set (from wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)  # noqa: S603
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        output, errors = out.read().decode(), err.read().decode()
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{command[:5]} failed ({process.returncode}): {errors[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, output)


def bench_app(database: str, **config: str) -> Flask:
    """An app on a fresh database holding the reference data and the roster's colleges."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database, **config})
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_reference_data()
        for code, name in COLLEGES:
            db.session.add(Agency(code=code, name_th=name, kind=AgencyKind.COLLEGE.value))
        db.session.commit()
    return app


def migrated_database(workdir: Path) -> Path:
    """A database built by the migrations with the reference data and the colleges."""
    path = workdir / "template.db"
    env = cli_env(path, workdir)
    seed = [str(FLASK), "--app", "app", "seed"]
    subprocess.run(  # noqa: S603 - our own command
        seed,
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench"})
    with app.app_context():
        for code, name in COLLEGES:
            db.session.add(Agency(code=code, name_th=name, kind=AgencyKind.COLLEGE.value))
        db.session.commit()
        db.engine.dispose()
    return path


def cli_env(database: Path, workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        FLASK_SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
        FLASK_SECRET_KEY="bench-secret-key-0123456789",  # noqa: S106 - a throwaway database
        FLASK_IMPORT_FOLDER=str(workdir / "imports"),
    )
    return env


def teacher_rounds(workdir: Path, rows: int, repeat: int) -> list[dict[str, Run]]:
    first, changed = workdir / "roster.xlsx", workdir / "roster-changed.xlsx"
    write_roster(str(first), roster_rows(rows))
    write_roster(str(changed), roster_rows(rows, changed_every=2))
    template = migrated_database(workdir)
    rounds = []
    for round_number in range(repeat):
        database = workdir / f"cli-{round_number}.db"
        floor_db = workdir / f"floor-{round_number}.db"
        shutil.copy(template, database)
        env = cli_env(database, workdir)
        results: dict[str, Run] = {}
        for label, path in (("empty", first), ("again", first), ("changed", changed)):
            command = [str(FLASK), "--app", "app", "import", "teachers", str(path)]
            results[label] = run_process([*command, "--skip-invalid", "--json"], env)
            results[f"{label} floor"] = run_process(
                [sys.executable, str(HERE / "floor.py"), str(path), str(floor_db)]
            )
            outcome = json.loads(results[label].output)
            results[label].output = (
                f"new {outcome['created']:,} updated {outcome['updated']:,} "
                f"unchanged {outcome['unchanged']:,} rejected {len(outcome['rejected'])}"
            )
        rounds.append(results)
    return rounds


def token(client, url: str) -> str:
    match = TOKEN.search(client.get(url).get_data(as_text=True))
    return match.group(1) if match else ""


def preview_seconds(workdir: Path) -> float:
    """Post the roster as an editor, wait for the check, fetch the preview page."""
    from auth import hash_password
    from importers.service import RUNNING

    app = bench_app(
        f"sqlite:///{workdir}/preview.db", IMPORT_FOLDER=str(workdir / "preview-imports")
    )
    with app.app_context():
        user = User(email="editor@bench.example", role=Role.EDITOR.value)
        user.password_hash = hash_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    client = app.test_client()
    login = {"email": "editor@bench.example", "password": PASSWORD}
    client.post("/login", data={**login, "csrf_token": token(client, "/login")})
    form_token = token(client, "/admin/imports/")
    with open(workdir / "roster.xlsx", "rb") as handle:
        start = time.perf_counter()
        response = client.post(
            "/admin/imports/",
            data={"kind": "teachers", "file": (handle, "roster.xlsx"), "csrf_token": form_token},
        )
    batch_url = response.headers["Location"]
    status_url = batch_url.rstrip("/") + "/status"
    while client.get(status_url).get_json()["status"] in RUNNING:
        time.sleep(0.05)
    page = client.get(batch_url)
    seconds = time.perf_counter() - start
    if page.status_code != 200:
        raise RuntimeError(f"preview page answered {page.status_code}")
    return seconds


def kind_seconds(kind: str, rows: int, workdir: Path) -> float:
    """One kind's import of a file of `rows` valid rows, in-process, into a fresh database."""
    from importers import import_file

    module = importlib.import_module(f"bench.kind_{kind}")
    path = workdir / f"{kind}-{rows}.xlsx"
    module.build(rows, str(path))
    content = path.read_bytes()
    app = bench_app(f"sqlite:///{workdir}/{kind}-{rows}.db")
    with app.app_context():
        options = module.setup(db.session)
        db.session.commit()
        start = time.perf_counter()
        result = import_file(kind, content, path.name, db.session, **options)
        seconds = time.perf_counter() - start
        if not result.written or result.count("rejected"):
            raise RuntimeError(f"{kind}: {result.counts} {result.problems[:3]}")
        db.engine.dispose()
    return seconds


class Table:
    """The printed table, a line as each figure is measured."""

    def __init__(self) -> None:
        titles = ("rows", "seconds", "floor", "ratio", "peak MB")
        widths = (8, 8, 7, 6, 8)
        print(
            f"{'kind':<26} "
            + " ".join(f"{t:>{w}}" for t, w in zip(titles, widths, strict=True))
            + "  notes"
        )

    def append(self, line: tuple) -> None:
        name, rows, seconds, floor, ratio, peak, note = line
        floor_text = f"{floor:7.2f}" if floor is not None else " " * 7
        ratio_text = f"{ratio:6.2f}" if ratio is not None else " " * 6
        peak_text = f"{peak:8.0f}" if peak is not None else " " * 8
        print(
            f"{name:<26} {rows:>8,} {seconds:8.2f} {floor_text} {ratio_text} {peak_text}  {note}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-kinds", action="store_true", help="only the teacher roster")
    parser.add_argument("--kinds-only", action="store_true", help="only the other kinds")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="samatta-bench-"))
    table = Table()
    failures: list[str] = []
    if not args.kinds_only:
        rounds = teacher_rounds(workdir, args.rows, args.repeat)
        cli_median = 0.0
        for label in ("empty", "again", "changed"):
            ratios = [r[label].seconds / r[f"{label} floor"].seconds for r in rounds]
            middle = sorted(range(len(rounds)), key=lambda i: ratios[i])[len(rounds) // 2]
            chosen = rounds[middle]
            run, floor = chosen[label], chosen[f"{label} floor"]
            peak = max(r[label].peak_mb for r in rounds)
            ratio = run.seconds / floor.seconds
            cli_median = max(cli_median, run.seconds) if label == "empty" else cli_median
            every = ", ".join(f"{x:.2f}" for x in ratios)
            table.append(
                (
                    f"teachers CLI, {label}",
                    args.rows,
                    run.seconds,
                    floor.seconds,
                    ratio,
                    peak,
                    f"{run.output}; ratios of {len(rounds)} rounds: {every}",
                )
            )
            if ratio > CLI_RATIO:
                failures.append(f"teachers {label}: {ratio:.2f}x the floor (target {CLI_RATIO}x)")
            if peak > PEAK_MB:
                failures.append(f"teachers {label}: peak {peak:.0f} MB (target {PEAK_MB} MB)")
        preview = preview_seconds(workdir)
        ratio = preview / cli_median
        table.append(
            (
                "teachers admin preview",
                args.rows,
                preview,
                cli_median,
                ratio,
                None,
                "floor = the CLI's empty-database run",
            )
        )
        if ratio > PREVIEW_RATIO:
            failures.append(f"preview: {ratio:.2f}x the CLI (target {PREVIEW_RATIO}x)")
    if not args.no_kinds:
        for kind in OTHER_KINDS:
            # The small run is short and noisy: the median of three.
            small = statistics.median(kind_seconds(kind, 2_000, workdir) for _ in range(3))
            large = kind_seconds(kind, 20_000, workdir)
            ratio = (large / 20_000) / (small / 2_000)
            table.append(
                (
                    f"{kind} per row",
                    20_000,
                    large,
                    small * 10,
                    ratio,
                    None,
                    f"{small / 2_000 * 1e6:.0f} µs/row at 2,000, "
                    f"{large / 20_000 * 1e6:.0f} µs/row at 20,000; floor = 10x the 2,000-row time",
                )
            )
            if ratio > LINEAR_RATIO:
                failures.append(f"{kind}: {ratio:.2f}x per row at 20,000 (target {LINEAR_RATIO}x)")
    print("every target met" if not failures else "NOT MET: " + "; ".join(failures))
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
