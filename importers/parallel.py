"""Parse a large file on both cores: a forked worker takes the later rows.

Reading a workbook is one indivisible step, but parsing and checking its rows splits
cleanly. The worker is forked after the lookups are loaded, so it shares them without
copying; it never touches the database (importers opt in with `parallel = True` when their
prepare_row only uses loaded lookups) and hands back its rows through a pipe in chunks, so
the parent checks and writes them while the worker is still parsing. If anything goes
wrong in the worker, the parent parses the rows it did not receive itself, so the result
never depends on whether the worker ran.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from importers.columns import Table, data_rows, find_table
from importers.reading import ZIP_MAGIC, Limits, Sheet, check_size, check_zip, read_workbook
from importers.splitread import cut_workbook

if TYPE_CHECKING:
    from importers.core import Importer, ImportResult, Row

# Below this many rows a fork costs more than it saves.
MIN_ROWS = 20_000
# The worker sends its rows this many at a time.
CHUNK_ROWS = 10_000
FRAME = struct.Struct("!Q")
Emit = Callable[[bytes], None]


def can_split(importer: Importer, table: Table) -> bool:
    return importer.parallel and len(table.rows) >= MIN_ROWS and hasattr(os, "fork")


def parse_rows(importer: Importer, table: Table) -> list[Row]:
    rows = importer.parse(table)
    for row in rows:
        importer.prepare_row(row)
    return rows


def parse_in_chunks(importer: Importer, table: Table, emit: Emit) -> None:
    """Parse a table's rows a chunk at a time, sending each chunk as soon as it is ready."""
    for start in range(0, len(table.rows), CHUNK_ROWS):
        emit(
            pack(parse_rows(importer, replace(table, rows=table.rows[start : start + CHUNK_ROWS])))
        )


class Worker:
    """A forked process sending frames of bytes; a thread drains the pipe as they come.

    Draining in a thread (reading releases the interpreter lock) keeps the worker from
    stalling on a full pipe while the parent is busy with its own rows.
    """

    def __init__(self, pid: int, read_end: int) -> None:
        self.pid = pid
        self.completed = False
        self._frames: queue.Queue[bytes | None] = queue.Queue()
        self._pipe = os.fdopen(read_end, "rb")
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        try:
            while True:
                head = self._pipe.read(FRAME.size)
                if len(head) < FRAME.size:
                    break
                (size,) = FRAME.unpack(head)
                if size == 0:  # the worker's last word: everything was sent
                    self.completed = True
                    continue
                payload = self._pipe.read(size)
                if len(payload) < size:
                    break
                self._frames.put(payload)
        finally:
            self._frames.put(None)

    def frames(self) -> Iterator[bytes]:
        """Yield each frame the worker sent, then wait for it to exit."""
        while (payload := self._frames.get()) is not None:
            yield payload
        self.finish()

    def finish(self) -> None:
        """Wait for the worker to exit; it counts as completed only if it exited cleanly."""
        if self.pid:
            self._reader.join()
            self._pipe.close()
            _pid, status = os.waitpid(self.pid, 0)
            self.pid = 0
            self.completed = self.completed and status == 0


def fork_worker(
    importer: Importer, work: Callable[[Emit], None], close: tuple[int, ...] = ()
) -> Worker:
    """Run work(emit) in a forked process; each emit(bytes) reaches the parent as one frame.

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
            with os.fdopen(write_end, "wb") as pipe:

                def emit(payload: bytes) -> None:
                    if payload:
                        pipe.write(FRAME.pack(len(payload)))
                        pipe.write(payload)

                work(emit)
                pipe.write(FRAME.pack(0))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return Worker(pid, read_end)


def parse_in_halves(importer: Importer, table: Table) -> list[Row]:
    """Parse and prepare the rows of a table, the second half in a forked worker."""
    middle = len(table.rows) // 2
    first = replace(table, rows=table.rows[:middle])
    second = replace(table, rows=table.rows[middle:])
    worker = fork_worker(importer, lambda emit: parse_in_chunks(importer, second, emit))
    try:
        rows = parse_rows(importer, first)
    finally:
        received = [row for payload in worker.frames() for row in unpack(payload)]
    if not worker.completed:
        received = parse_rows(importer, second)
    return rows + received


def pack(rows: list[Row]) -> bytes:
    """Serialise rows column by column: lists of plain values pickle far quicker than objects.

    Rows whose values have the same names (nearly all of them) travel as one group of
    columns; problems and flags, which few rows have, travel by row index.
    """
    shapes: dict[tuple[str, ...], list[int]] = {}
    for index, row in enumerate(rows):
        shapes.setdefault(tuple(row.values), []).append(index)
    groups = [
        (names, indices, [[rows[i].values[name] for i in indices] for name in names])
        for names, indices in shapes.items()
    ]
    problems = [
        (i, [(p.row, p.column, p.message) for p in row.problems])
        for i, row in enumerate(rows)
        if row.problems
    ]
    flags = [(i, row.flags) for i, row in enumerate(rows) if row.flags]
    payload = ([row.number for row in rows], [row.key for row in rows], groups, problems, flags)
    return pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(payload: bytes) -> list[Row]:
    from importers.core import Problem, Row

    numbers, keys, groups, problems, flags = pickle.loads(payload)  # noqa: S301 - our own worker
    values: list[dict[str, Any]] = [{}] * len(numbers)
    for names, indices, columns in groups:
        dicts = map(dict, map(partial(zip, names), zip(*columns, strict=True)))
        for index, value in zip(indices, dicts, strict=True):
            values[index] = value
    rows = list(map(Row, numbers, values))
    for row, key in zip(rows, keys, strict=True):
        row.key = key
    for index, found in problems:
        rows[index].problems = [Problem(*problem) for problem in found]
    for index, flag in flags:
        rows[index].flags = flag
    return rows


# --------------------------------------------------------------------------- split reading

# Below this size a workbook reads in well under a second: not worth a second process.
SPLIT_MIN_BYTES = 1024 * 1024
# The parent reads the smaller part: it also checks and writes its rows, and the rows the
# worker sends, while the worker is still reading and parsing.
HEAD_SHARE = 0.3


def tail_table(sheets: list[Sheet], spec: dict[str, Any]) -> Table | None:
    """The data rows of the later part of a split workbook, under the first part's header."""
    sheet = next((s for s in sheets if s.name == spec["sheet"]), None)
    if sheet is None:
        return None
    # Rows the first part holds are empty here (the cut keeps row numbers).
    rows = data_rows(sheet.rows, max(spec["last_row"], spec["header_row"]))
    return Table(spec["sheet"], spec["header_row"], spec["headers"], spec["positions"], rows)


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
    cut = cut_workbook(content, HEAD_SHARE)
    if cut is None:
        return None
    importer.load_lookups()
    spec_read, spec_write = os.pipe()

    def work(emit: Emit) -> None:
        # Read the rest while the parent reads the first part, then wait for its table.
        tail_sheets = read_workbook(cut.second())
        with os.fdopen(spec_read, "rb") as pipe:
            spec = pickle.loads(pipe.read())  # noqa: S301 - from our own parent
        table = tail_table(tail_sheets, spec) if spec is not None else None
        if table is not None:
            importer.table = table  # prepare_row asks which columns the file has
            parse_in_chunks(importer, table, emit)

    worker = fork_worker(importer, work, close=(spec_write,))
    os.close(spec_read)
    spec = None
    try:
        sheets = read_workbook(cut.first())
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
            worker.finish()

    def tail() -> Iterator[list[Row]]:
        last = 0
        for payload in worker.frames():
            rows = unpack(payload)
            if rows:
                last = rows[-1].number
                yield rows
        if not worker.completed:
            rest = tail_table(read_workbook(cut.second()), spec)
            if rest is not None:
                rows = parse_rows(
                    importer, replace(rest, rows=[r for r in rest.rows if r[0] > last])
                )
                yield rows

    try:
        return importer.run(table, filename, tail=tail, **run)
    finally:
        worker.finish()  # also when the run stopped before asking for the rest
