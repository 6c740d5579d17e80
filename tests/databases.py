"""The test databases: a SQLite file per test, or a PostgreSQL database per test.

With SAMATTA_TEST_DATABASE set to a PostgreSQL server's URL (any database on it that the
user may connect to, e.g. postgresql+psycopg://postgres@127.0.0.1:5433/postgres; the user
must be allowed to create databases), each test's database is cloned from a template
that holds the schema (and the reference data): CREATE DATABASE ... TEMPLATE copies files
and takes tens of milliseconds, where building the schema takes a second. Every database
made here is named after the run or the process (and the xdist worker), and dropped when
done.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import re
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

ENVIRONMENT = "SAMATTA_TEST_DATABASE"
# The test run (the pytest process that started it, which xdist's workers inherit).
RUN = "SAMATTA_TEST_RUN"


def run_id() -> str:
    return os.environ.setdefault(RUN, str(os.getpid()))


class TestDatabases:
    """Where the tests' databases come from: SQLite (postgresql False) or a PG server."""

    __test__ = False  # not a test class, whatever pytest thinks of its name

    def __init__(self, server: URL | None, worker: str) -> None:
        self.server = server
        self.postgresql = server is not None
        worker = re.sub(r"\W", "", worker)
        self.prefix = f"samatta_test_{os.getpid()}_{worker}"
        self.templates: dict[str, str] = {}
        self.counter = itertools.count(1)
        self.background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="databases")
        self.ahead: dict[str | None, Future[str]] = {}
        self.engine = (
            create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
            if server is not None
            else None
        )

    @classmethod
    def from_environment(cls) -> TestDatabases:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        value = os.environ.get(ENVIRONMENT, "").strip()
        if not value or value.startswith("sqlite"):
            return cls(None, worker)
        url = make_url(value)
        if not url.drivername.startswith("postgresql"):
            raise ValueError(f"{ENVIRONMENT} must name a PostgreSQL server, not {value!r}")
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return cls(url, worker)

    def uri(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def execute(self, statement: str) -> None:
        with self.engine.connect() as connection:
            connection.execute(text(statement))

    def build_template(self, kind: str, fill: Callable[[str], None]) -> None:
        """Make the template database `kind`, filled by fill(uri) (which must close it).

        The xdist workers of one run share their templates: the first to come builds each
        (under a file lock) into a scratch name and renames it when filled, the others wait
        and use it. drop_templates, at the end of the run, removes them.
        """
        name = f"samatta_template_{run_id()}_{kind}"
        lock = Path(tempfile.gettempdir()) / f"{name}.lock"
        with open(lock, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            if not self.exists(name):
                scratch = f"{name}_building"
                self.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
                self.execute(f"CREATE DATABASE \"{scratch}\" TEMPLATE template0 ENCODING 'UTF8'")
                fill(self.uri(scratch))
                self.execute(f'ALTER DATABASE "{scratch}" RENAME TO "{name}"')
        self.templates[kind] = name

    def exists(self, name: str) -> bool:
        with self.engine.connect() as connection:
            found = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
        return found is not None

    def drop_templates(self) -> None:
        """Drop this run's templates (and scratch copies of them)."""
        with self.engine.connect() as connection:
            names = connection.scalars(
                text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
                {"prefix": f"samatta\\_template\\_{run_id()}\\_%"},
            ).all()
        for name in names:
            self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            (Path(tempfile.gettempdir()) / f"{name}.lock").unlink(missing_ok=True)

    def create(self, kind: str | None) -> str:
        """Return a new database cloned from the template `kind` (None: empty), by URI.

        One database of each kind is made ahead in a background thread while the test that
        asked runs, and dropping happens there too: the test waits for neither.
        """
        ready = self.ahead.pop(kind, None)
        name = ready.result() if ready is not None else self.clone(kind)
        self.ahead[kind] = self.background.submit(self.clone, kind)
        return self.uri(name)

    def clone(self, kind: str | None) -> str:
        name = f"{self.prefix}_{next(self.counter)}"
        template = self.templates[kind] if kind else "template0"
        # FILE_COPY copies the template's files (and checkpoints, cheap with fsync off):
        # faster than WAL_LOG for a database this small.
        self.execute(
            f'CREATE DATABASE "{name}" TEMPLATE "{template}" ENCODING \'UTF8\' STRATEGY FILE_COPY'
        )
        return name

    def drop(self, uri: str) -> None:
        name = make_url(uri).database
        self.background.submit(self.execute, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self.engine is None:
            return
        for ready in self.ahead.values():
            self.background.submit(
                self.execute, f'DROP DATABASE IF EXISTS "{ready.result()}" WITH (FORCE)'
            )
        self.background.shutdown(wait=True)
        self.engine.dispose()
