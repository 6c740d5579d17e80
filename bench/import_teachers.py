"""Benchmark: import a 100,000-row teacher roster into an empty database, again, and changed.

Run: .venv/bin/python -m bench.import_teachers [--rows 100000] [--database sqlite:///...]
Each step is timed end to end (read, clean, validate, upsert, commit) and peak memory
(resident set size of this process) is reported.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time

from flask import Flask

from app import create_app
from bench.roster import roster_rows, write_roster
from importers import import_file
from models import Agency, AgencyKind, db
from seed.reference import load_reference_data

COLLEGES = (
    ("C5001", "วิทยาลัยเทคนิคเชียงใหม่"),
    ("C5101", "วิทยาลัยเทคนิคลำพูน"),
    ("C4101", "วิทยาลัยเทคนิคอุดรธานี"),
    ("C1301", "วิทยาลัยเทคนิคปทุมธานี"),
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, kind: str, path: str) -> None:
    with open(path, "rb") as handle:
        content = handle.read()
    start = time.perf_counter()
    result = import_file(kind, content, os.path.basename(path), db.session)
    seconds = time.perf_counter() - start
    print(
        f"{label:<28} {seconds:6.2f} s  new {result.count('new'):>6}  "
        f"updated {result.count('updated'):>6}  unchanged {result.count('unchanged'):>6}  "
        f"rejected {result.count('rejected')}  written {result.written}  peak {peak_mb():.0f} MB"
    )


def bench_app(database: str) -> Flask:
    """An app on a fresh database holding the reference data and the roster's colleges."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_reference_data()
        for code, name in COLLEGES:
            db.session.add(Agency(code=code, name_th=name, kind=AgencyKind.COLLEGE.value))
        db.session.commit()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="samatta-bench-")
    database = args.database or f"sqlite:///{workdir}/bench.db"
    first = os.path.join(workdir, "roster.xlsx")
    changed = os.path.join(workdir, "roster-changed.xlsx")
    write_roster(first, roster_rows(args.rows))
    write_roster(changed, roster_rows(args.rows, changed_every=2))
    print(f"{args.rows:,} rows, {os.path.getsize(first) / 1048576:.1f} MB, database {database}")
    app = bench_app(database)
    with app.app_context():
        timed("into an empty database", "teachers", first)
        timed("same file again", "teachers", first)
        timed("half the rows changed", "teachers", changed)


if __name__ == "__main__":
    main()
