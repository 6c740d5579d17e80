"""Load test: 20 logged-in staff browsing, searching, opening and saving teachers for 60 s.

Run: .venv/bin/python -m bench.load [--size 1000000] [--seconds 60] [--clients 20]
     .venv/bin/python -m bench.load --database postgresql+psycopg://postgres@127.0.0.1:5433/h_million

Starts gunicorn (2 workers, 127.0.0.1 on a free port, nothing else) on the data
bench.million builds (built first if missing), logs each client in through the login form
(CSRF on, as in production), and runs them for --seconds: each client pauses --think seconds
(on average) between requests, as a person does, and chooses the teacher list (first page or
the next pages by the pager's links), a name search, an ID search, a teacher's page, or an
edit-and-save of a teacher's phone number (its own teachers, so two clients never edit the
same one). Then it stops gunicorn and prints the errors, how many "database is locked" the
server logged, and the median and 95th percentile of reads and writes.
Targets: no errors, no "database is locked", reads p95 ≤ 250 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import lxml.html

from bench.million import PASSWORD, USERS, cache_url, open_app

HERE = Path(__file__).resolve().parent.parent
READ_TARGET_MS = 250
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
NAMES = ("สมชาย", "ศรีสุข", "ใจดี", "ธนากร", "สุขสวัสดิ์", "วีระพงษ์")


@dataclass
class Results:
    reads: list[float] = field(default_factory=list)
    writes: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock = threading.Lock()

    def add(self, kind: str, ms: float, error: str | None = None) -> None:
        with self.lock:
            (self.writes if kind == "write" else self.reads).append(ms)
            if error:
                self.errors.append(error)


class Client:
    """One person's browser: a connection, the session cookie, the last list page."""

    def __init__(self, port: int, number: int, size: int, results: Results) -> None:
        self.port, self.number, self.size, self.results = port, number, size, results
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.next_page: str | None = None
        self.random = random.Random(number)  # noqa: S311 - choosing pages, not secrets

    def request(self, method: str, path: str, body: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, content.decode("utf-8", "replace")

    def timed(self, kind: str, method: str, path: str, body: dict | None = None, ok=(200,)):
        start = time.perf_counter()
        try:
            status, headers, text = self.request(method, path, body)
        except (http.client.HTTPException, OSError) as error:
            self.results.add(kind, (time.perf_counter() - start) * 1000, f"{path}: {error}")
            return None, ""
        ms = (time.perf_counter() - start) * 1000
        error = None if status in ok else f"{method} {path} answered {status}"
        self.results.add(kind, ms, error)
        return status, text

    def login(self) -> None:
        _status, _headers, text = self.request("GET", "/login")
        token = CSRF.search(text)
        data = {"email": USERS["editor"], "password": PASSWORD}
        if token:
            data["csrf_token"] = token.group(1)
        status, _headers, _text = self.request("POST", "/login", data)
        if status != 302:
            raise SystemExit(f"client {self.number} could not log in ({status})")

    # ----------------------------------------------------------------- what people do

    def browse(self) -> None:
        path = self.next_page or "/admin/teacher/"
        _status, text = self.timed("read", "GET", path)
        links = re.findall(r'href="(/admin/teacher/\?[^"]*after=[^"]*)"', text)
        self.next_page = (
            links[-1].replace("&amp;", "&") if links and self.random.random() < 0.7 else None
        )

    def search(self) -> None:
        if self.random.random() < 0.5:
            words = " ".join(self.random.sample(NAMES, self.random.choice((1, 2))))
        else:
            from bench.million import national_id

            words = national_id(self.random.randint(1, self.size))
        self.timed("read", "GET", "/admin/teacher/?" + urlencode({"search": words}))

    def details(self) -> None:
        self.timed("read", "GET", f"/admin/teacher/details/?id={self.random.randint(1, self.size)}")

    def save(self) -> None:
        # Each client edits its own teachers, so no two clients edit the same record.
        teacher = 1 + self.number * 1000 + self.random.randint(0, 999)
        path = f"/admin/teacher/edit/?id={teacher}"
        status, text = self.timed("read", "GET", path)
        if status != 200:
            return
        forms = lxml.html.fromstring(text).forms
        form = next((f for f in forms if "first_name" in f.fields), None)
        if form is None:
            self.results.add("write", 0.0, f"{path}: no teacher form on the page")
            return
        values = {}
        for name, value in form.form_values():
            values.setdefault(name, []).append(value)
        values["phone"] = [f"08{self.random.randint(10_000_000, 99_999_999)}"]
        self.timed("write", "POST", path, values, ok=(302,))

    def warm_up(self) -> None:
        """Log in and open each kind of page once, untimed (a worker's first requests load
        templates and caches)."""
        self.login()
        for path in (
            "/admin/teacher/",
            "/admin/teacher/?" + urlencode({"search": "สมชาย"}),
            "/admin/teacher/details/?id=1",
        ):
            self.request("GET", path)

    def run(self, until: float, think: float) -> None:
        actions = (self.browse,) * 4 + (self.search,) * 3 + (self.details,) * 2 + (self.save,)
        while time.monotonic() < until:
            self.random.choice(actions)()
            time.sleep(self.random.uniform(0, 2 * think))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped at start; see its log above")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/login")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause in seconds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", help="a PostgreSQL URL (default: SQLite under /tmp)")
    args = parser.parse_args()
    url = args.database or cache_url(args.size)
    app = open_app(args.database, args.size)  # builds the data when it is missing
    with app.app_context():
        from models import db

        db.engine.dispose()
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="samatta-load-"))
    log = folder / "gunicorn.log"
    env = {
        **os.environ,
        "FLASK_SQLALCHEMY_DATABASE_URI": url,
        "FLASK_SECRET_KEY": "load" * 16,
        "FLASK_UPLOAD_FOLDER": str(folder / "uploads"),
        "FLASK_IMPORT_FOLDER": str(folder / "imports"),
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers",
        str(args.workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--error-logfile",
        str(log),
        "app:create_app()",
    ]
    with log.open("w") as log_file:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn, loopback only
            command, cwd=HERE, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    results = Results()
    try:
        wait_until_up(port, process)
        clients = [Client(port, n, args.size, results) for n in range(args.clients)]
        for client in clients:
            client.warm_up()
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=c.run, args=(until, args.think), daemon=True) for c in clients
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 60)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    server_log = log.read_text(errors="replace")
    locked = server_log.count("database is locked")
    backend = url.split(":", 1)[0]
    print(
        f"{backend}, {args.size:,} teachers: {args.clients} clients for {args.seconds:.0f} s "
        f"against gunicorn with {args.workers} workers (think {args.think} s)"
    )
    print(f"requests: {len(results.reads)} reads, {len(results.writes)} writes")
    print(f"errors: {len(results.errors)}; 'database is locked' in the server log: {locked}")
    for error in results.errors[:10]:
        print(f"  {error}")
    for kind, values in (("reads", results.reads), ("writes", results.writes)):
        if values:
            print(
                f"{kind:<7} p50 {statistics.median(values):6.0f} ms   "
                f"p95 {percentile(values, 0.95):6.0f} ms   slowest {max(values):6.0f} ms"
            )
    verdict = percentile(results.reads, 0.95) <= READ_TARGET_MS and not results.errors
    print(f"target (no errors, reads p95 ≤ {READ_TARGET_MS} ms): {'met' if verdict else 'NOT MET'}")
    print(f"load average: {os.getloadavg()[0]:.1f} (2 cores); server log: {log}")


if __name__ == "__main__":
    main()
