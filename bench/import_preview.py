"""Benchmark: the admin preview of a 100,000-row teacher roster, as a user waits for it.

Run: .venv/bin/python -m bench.import_preview [--rows 100000]
Through the real pages (Flask's test client, logged in as an editor): the upload is
posted, the status the page polls is read until the check has finished, and the preview
page is fetched; the time is from posting the file to having the preview page.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time

from bench.import_teachers import bench_app
from bench.roster import roster_rows, write_roster
from importers.service import RUNNING
from models import Role, User, db

PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway user of a throwaway database
WAITING = RUNNING
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def token(client, url: str) -> str:
    match = TOKEN.search(client.get(url).get_data(as_text=True))
    return match.group(1) if match else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="samatta-bench-")
    path = os.path.join(workdir, "roster.xlsx")
    write_roster(path, roster_rows(args.rows))
    app = bench_app(f"sqlite:///{workdir}/bench.db")
    app.config.update(IMPORT_FOLDER=os.path.join(workdir, "imports"))
    with app.app_context():
        from auth import hash_password

        user = User(email="editor@bench.example", role=Role.EDITOR.value)
        user.password_hash = hash_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    client = app.test_client()
    login = {"email": "editor@bench.example", "password": PASSWORD}
    client.post("/login", data={**login, "csrf_token": token(client, "/login")})
    form_token = token(client, "/admin/imports/")
    with open(path, "rb") as handle:
        start = time.perf_counter()
        response = client.post(
            "/admin/imports/",
            data={"kind": "teachers", "file": (handle, "roster.xlsx"), "csrf_token": form_token},
        )
    batch_url = response.headers["Location"]
    status_url = batch_url.rstrip("/") + "/status"
    while client.get(status_url).get_json()["status"] in WAITING:
        time.sleep(0.1)
    page = client.get(batch_url).get_data(as_text=True)
    seconds = time.perf_counter() - start
    status = client.get(status_url).get_json()["status"]
    print(f"{args.rows:,} rows: preview page ({status}, {len(page):,} bytes) after {seconds:.2f} s")


if __name__ == "__main__":
    main()
