"""Benchmark: the round's screens over the demo data, as server time per request.

Run: .venv/bin/python -m bench.screens [--repeat 20]
Builds the demo (reference data and `flask demo`'s records) in a throw-away SQLite file,
logs in as an editor through the test client and times each page: the median and the
slowest of --repeat requests after one warm-up request. Issue 9 asks for the home page
"well under a second"; the placement list, a placement's page, a college's page and the
targets screen are timed beside it.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from app import create_app
from auth import hash_password
from models import Agency, Placement, PlacementStep, Role, User, db
from seed.demo import load_demo
from seed.reference import load_reference_data

PASSWORD = secrets.token_urlsafe(16)
TARGET_MS = 1000


def build(folder: Path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "SECRET_KEY": "bench" * 8,
            "WTF_CSRF_ENABLED": False,
            "ADMIN_SCREENS": True,
            "UPLOAD_FOLDER": str(folder / "uploads"),
        }
    )
    with app.app_context():
        db.create_all()
        load_reference_data()
        load_demo()
        db.session.add(
            User(
                email="bench@example.go.th", password_hash=hash_password(PASSWORD), role=Role.EDITOR
            )
        )
        db.session.commit()
        placement = db.session.scalar(
            select(Placement.id).where(Placement.status == PlacementStep.COLLEGE_REPORT.value)
        )
        college = db.session.scalar(select(Agency.id).where(Agency.code == "C5001"))
    return app, placement, college


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app, placement, college = build(Path(folder))
        client = app.test_client()
        client.post("/login", data={"email": "bench@example.go.th", "password": PASSWORD})
        pages = (
            ("home page (FY2568)", "/admin/"),
            ("placement list", "/admin/placement/"),
            ("placement list, no valid MOU", "/admin/placement/?flt_mou=0&flt_open=1"),
            ("a placement's page", f"/admin/placement/details/?id={placement}"),
            ("a college's page", f"/admin/agency/details/?id={college}"),
            ("targets and allocations", "/admin/targets/"),
        )
        print(f"{'page':<32} {'median':>9} {'slowest':>9}   ({args.repeat} requests each)")
        home = None
        for label, url in pages:
            median, slowest = timed(client, url, args.repeat)
            home = median if home is None else home
            print(f"{label:<32} {median:7.0f} ms {slowest:7.0f} ms")
        verdict = "met" if home < TARGET_MS else "NOT MET"
        print(f"home page {home:.0f} ms median against well under {TARGET_MS} ms: {verdict}")


if __name__ == "__main__":
    main()
