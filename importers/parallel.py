"""Parse a large file on both cores: a forked worker takes the second half of the rows.

Reading a workbook is one indivisible step, but parsing and checking its rows splits
cleanly. The worker is forked after the file is read and the lookups are loaded, so it
shares them without copying; it never touches the database (importers opt in with
`parallel = True` when their prepare_row only uses loaded lookups) and hands back its
rows through a pipe. If anything goes wrong in the worker, the parent parses that half
itself, so the result never depends on whether the worker ran.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from importers.columns import Table, data_rows, find_table
from importers.reading import ZIP_MAGIC, Limits, Sheet, check_size, check_zip, read_workbook
from importers.splitread import split_workbook

if TYPE_CHECKING:
    from importers.core import Importer, ImportResult, Row

# Below this many rows a fork costs more than it saves.
MIN_ROWS = 20_000


def can_split(importer: Importer, table: Table) -> bool:
    return importer.parallel and len(table.rows) >= MIN_ROWS and hasattr(os, "fork")


def parse_rows(importer: Importer, table: Table) -> list[Row]:
    rows = importer.parse(table)
    for row in rows:
        importer.prepare_row(row)
    return rows


def fork_worker(importer: Importer, work: Callable[[], bytes], close: tuple[int, ...] = ()):
    """Run work() in a forked process; return its pid and the pipe its bytes come through.

    The worker closes the descriptors in `close` (the parent's ends of other pipes), never
    reports progress (the callback may write to the database) and leaves with os._exit,
    running no cleanup of the connections it inherited.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            os.close(read_end)
            for descriptor in close:
                os.close(descriptor)
            importer.progress = lambda stage, done, total: None
            payload = work()
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def collect(pid: int, read_end: int) -> bytes | None:
    """Return the worker's bytes, or None if it failed or sent nothing."""
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    return payload if status == 0 and payload else None


def parse_in_halves(importer: Importer, table: Table) -> list[Row]:
    """Parse and prepare the rows of a table, the second half in a forked worker."""
    middle = len(table.rows) // 2
    first = replace(table, rows=table.rows[:middle])
    second = replace(table, rows=table.rows[middle:])
    pid, rows_read = fork_worker(importer, lambda: pack(parse_rows(importer, second)))
    try:
        head = parse_rows(importer, first)
    finally:
        payload = collect(pid, rows_read)
    tail = unpack(payload) if payload else parse_rows(importer, second)
    return head + tail


def pack(rows: list[Row]) -> bytes:
    """Serialise rows as plain tuples: far quicker to pickle than objects."""
    fields = [
        (
            row.number,
            row.values,
            [(p.row, p.column, p.message) for p in row.problems] if row.problems else None,
            row.key,
            row.flags or None,
        )
        for row in rows
    ]
    return pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(payload: bytes) -> list[Row]:
    from importers.core import Problem, Row

    rows = []
    for number, values, problems, key, flags in pickle.loads(payload):  # noqa: S301 - our own worker
        row = Row(number, values)
        if problems:
            row.problems = [Problem(*problem) for problem in problems]
        row.key = key
        if flags:
            row.flags = flags
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- split reading

# Below this size a workbook reads in well under a second: not worth a second process.
SPLIT_MIN_BYTES = 1024 * 1024


def read_tail(importer: Importer, sheets: list[Sheet], spec: dict[str, Any]) -> list[Row]:
    """Parse the data rows of the second half of a split workbook that the first lacks."""
    sheet = next((s for s in sheets if s.name == spec["sheet"]), None)
    if sheet is None:
        return []
    # Rows the first half already holds are empty here (the cut keeps row numbers).
    rows = data_rows(sheet.rows, max(spec["last_row"], spec["header_row"]))
    table = Table(spec["sheet"], spec["header_row"], spec["headers"], spec["positions"], rows)
    importer.table = table  # prepare_row asks which columns the file has
    return parse_rows(importer, table)


def import_split(
    importer: Importer,
    content: bytes,
    filename: str,
    limits: Limits,
    **run: Any,
) -> ImportResult | None:
    """Import a large workbook read by two processes at once; None if it cannot be split."""
    if not (importer.parallel and hasattr(os, "fork") and len(content) >= SPLIT_MIN_BYTES):
        return None
    if not content.startswith(ZIP_MAGIC):
        return None
    check_size(len(content), limits)
    check_zip(content, limits)
    halves = split_workbook(content)
    if halves is None:
        return None
    first, second = halves
    importer.load_lookups()
    spec_read, spec_write = os.pipe()

    def work() -> bytes:
        # Read the second half while the parent reads the first, then wait for its table.
        tail_sheets = read_workbook(second)
        with os.fdopen(spec_read, "rb") as pipe:
            spec = pickle.loads(pipe.read())  # noqa: S301 - from our own parent
        return pack(read_tail(importer, tail_sheets, spec)) if spec is not None else b""

    pid, rows_read = fork_worker(importer, work, close=(spec_write,))
    os.close(spec_read)
    spec = None
    try:
        sheets = read_workbook(first)
        table = find_table(sheets, importer.columns)
        sheet = next(s for s in sheets if s.name == table.sheet)
        spec = {
            "sheet": table.sheet,
            "header_row": table.header_row,
            "headers": table.headers,
            "positions": table.positions,
            "last_row": len(sheet.rows),
        }
    finally:
        with os.fdopen(spec_write, "wb") as pipe:
            pipe.write(pickle.dumps(spec))
        if spec is None:
            collect(pid, rows_read)

    def tail() -> list[Row]:
        payload = collect(pid, rows_read)
        if payload:
            return unpack(payload)
        return read_tail(importer, read_workbook(second), spec)

    return importer.run(table, filename, tail=tail, **run)
