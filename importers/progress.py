"""Progress of an import batch: the stage and percent a page polls while the work runs.

Progress is kept two ways: in memory, for the page that polls while the work runs in a
thread of this process, and in the batch row now and then. SQLite lets one connection
write at a time, so the batch row is not touched while the import's own connection is
writing (the in-memory figure still moves).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, scoped_session

from models import ImportBatch

# Each stage of the work fills a band of the progress bar (percent).
BANDS = {
    "queued": (0, 0),
    "read": (0, 15),
    "parse": (15, 55),
    "compare": (55, 65),
    "write": (65, 95),
    "save": (95, 100),
    "done": (100, 100),
}
# Write the progress to the batch row at most this often (seconds).
PROGRESS_INTERVAL = 0.5
_board: dict[tuple[str, int], tuple[str, int]] = {}
_board_lock = threading.Lock()


def board_key(engine: Engine, batch_id: int) -> tuple[str, int]:
    # Batch ids restart in every database (tests run many), so the key names the database.
    return (engine.url.render_as_string(hide_password=True), batch_id)


def live_progress(engine: Engine, batch_id: int) -> tuple[str, int] | None:
    with _board_lock:
        return _board.get(board_key(engine, batch_id))


def holds_write_lock(session: Session) -> bool:
    """Whether the session's SQLite connection has begun writing and so locks out others."""
    if not session.in_transaction():
        return False
    engine = session.get_bind()
    if engine.dialect.name != "sqlite":
        return False
    driver = session.connection().connection.driver_connection
    return bool(getattr(driver, "in_transaction", False))


def update_batch(engine: Engine, batch_id: int, **values: Any) -> None:
    """Change a batch's row through its own short transaction."""
    with engine.begin() as connection:
        connection.execute(
            update(ImportBatch.__table__).where(ImportBatch.id == batch_id).values(**values)
        )


class Reporter:
    """The progress callback of one run: stage and percent, in memory and in the batch row."""

    def __init__(self, session: Session | scoped_session, batch_id: int) -> None:
        # The session the import runs in (the current one, if given a scoped session).
        self.session = session() if isinstance(session, scoped_session) else session
        self.engine = session.get_bind()
        self.batch_id = batch_id
        self.key = board_key(self.engine, batch_id)
        self.stage = "queued"
        self.percent = 0
        self.saved_at = 0.0
        self.saved_stage = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "parse" and total and done >= total:
            # Parsing is done; the importer now looks up references and compares.
            stage, done, total = "compare", 0, 1
        low, high = BANDS.get(stage, (self.percent, self.percent))
        percent = low + (high - low) * min(done, total) // total if total else low
        self.set(stage, percent)

    def set(self, stage: str, percent: int, force: bool = False) -> None:
        # Never move the bar backwards (a dry run's trial write follows its own parse).
        self.stage, self.percent = stage, max(percent, self.percent)
        with _board_lock:
            _board[self.key] = (self.stage, self.percent)
        now = time.monotonic()
        due = force or stage != self.saved_stage or now - self.saved_at >= PROGRESS_INTERVAL
        if due and not holds_write_lock(self.session):
            update_batch(self.engine, self.batch_id, stage=self.stage, progress=self.percent)
            self.saved_at, self.saved_stage = now, stage

    def forget(self) -> None:
        with _board_lock:
            _board.pop(self.key, None)
