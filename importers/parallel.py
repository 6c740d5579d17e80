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
from dataclasses import replace
from typing import TYPE_CHECKING

from importers.columns import Table

if TYPE_CHECKING:
    from importers.core import Importer, Row

# Below this many rows a fork costs more than it saves.
MIN_ROWS = 20_000


def can_split(importer: Importer, table: Table) -> bool:
    return importer.parallel and len(table.rows) >= MIN_ROWS and hasattr(os, "fork")


def parse_rows(importer: Importer, table: Table) -> list[Row]:
    rows = importer.parse(table)
    for row in rows:
        importer.prepare_row(row)
    return rows


def parse_in_halves(importer: Importer, table: Table) -> list[Row]:
    """Parse and prepare the rows of a table, the second half in a forked worker."""
    middle = len(table.rows) // 2
    first = replace(table, rows=table.rows[:middle])
    second = replace(table, rows=table.rows[middle:])
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: parse, send, and leave without running any cleanup
        status = 1
        try:
            os.close(read_end)
            importer.progress = lambda stage, done, total: None
            rows = parse_rows(importer, second)
            payload = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        head = parse_rows(importer, first)
    finally:
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
        _pid, status = os.waitpid(pid, 0)
    tail = pickle.loads(payload) if status == 0 and payload else parse_rows(importer, second)  # noqa: S301 - our own worker's bytes
    return head + tail
